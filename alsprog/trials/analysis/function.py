"""Batched ALSFRS-R endpoints: change from baseline at a week (ANCOVA) and two-stage slopes.

``ancova_24w`` regresses the change from baseline at week 24 on treatment and baseline in each
replicate (ordinary least squares, as statsmodels OLS). ``slope`` fits each patient's own
least-squares line through their visits and compares the mean slopes of the two arms with
Welch's t-test: the batched stand-in for the mixed model (``mixed``), which it
equals on balanced, complete data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from alsprog.errors import InputError, check_finite, check_probability
from alsprog.trials.analysis.inputs import (
    CALENDAR_WEEKS_PER_MONTH,
    CALENDAR_WEEKS_PER_YEAR,
    Patients,
    Visits,
    group_sort,
    patients_arrays,
    visits_arrays,
)
from alsprog.trials.analysis.results import endpoint_frame

MISSING = ("complete_case", "locf", "worst_rank")


def _value_at_week(patients: Patients, visits: Visits, week: float, window: float) -> np.ndarray:
    """Each patient's score at the visit nearest ``week`` within ``window`` weeks; NaN if none."""
    distance = np.abs(visits.weeks - week)
    near = np.flatnonzero(distance <= window + 1e-9)
    value = np.full(patients.time.size, np.nan)
    # visits come sorted by patient and week, so the stable sort keeps the earlier of two
    # visits equally near the week first
    order = near[group_sort(visits.patient[near], distance[near])]
    first = np.ones(order.size, bool)
    first[1:] = visits.patient[order[1:]] != visits.patient[order[:-1]]
    value[visits.patient[order[first]]] = visits.score[order[first]]
    return value


def _last_before(patients: Patients, visits: Visits, week: float) -> np.ndarray:
    """Each patient's last post-baseline score before ``week``; NaN without one."""
    value = np.full(patients.time.size, np.nan)
    keep = (visits.weeks > 0) & (visits.weeks < week)
    value[visits.patient[keep]] = visits.score[keep]  # sorted by week: the last one wins
    return value


def _average_ranks(replicate: np.ndarray, survivor: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Ranks within each replicate (1 = lowest, ties averaged): deaths (``survivor`` False)
    below survivors, each group ordered by ``key``."""
    group = 2 * replicate + survivor
    order = group_sort(group, key)
    rep = replicate[order]
    start = np.searchsorted(rep, rep)  # first row of each row's replicate
    new = np.ones(rep.size, bool)
    new[1:] = (group[order][1:] != group[order][:-1]) | (key[order][1:] != key[order][:-1])
    tie = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    last = np.concatenate([first[1:], [rep.size]]) - 1
    ranks = np.empty(rep.size)
    ranks[order] = (first[tie] + last[tie]) / 2 - start + 1
    return ranks


def treatment_ols(
    replicate: np.ndarray, y: np.ndarray, treated: np.ndarray, covariate: np.ndarray, n: int
) -> tuple[np.ndarray, ...]:
    """OLS of y on (1, treated, covariate) in each replicate: treatment coefficient, SE, df.

    The covariate is centred within each replicate first (the treatment coefficient does not
    change; the normal equations stay well conditioned). Replicates with fewer than four rows,
    an empty arm or a constant covariate get NaN.
    """
    count = np.bincount(replicate, minlength=n).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.bincount(replicate, covariate, minlength=n) / count
    b = covariate - centre[replicate]
    x = treated.astype(float)

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(replicate, values, minlength=n)

    sx, sb = total(x), total(b)
    gram = np.stack(
        [
            np.stack([count, sx, sb], -1),
            np.stack([sx, sx, total(x * b)], -1),
            np.stack([sb, total(x * b), total(b * b)], -1),
        ],
        -2,
    )
    moments = np.stack([total(y), total(x * y), total(b * y)], -1)
    usable = (count >= 4) & (sx >= 1) & (count - sx >= 1) & (np.abs(np.linalg.det(gram)) > 1e-9)
    gram[~usable] = np.eye(3)
    inverse = np.linalg.inv(gram)
    coef = np.einsum("rij,rj->ri", inverse, moments)
    residual = y - coef[replicate, 0] - coef[replicate, 1] * x - coef[replicate, 2] * b
    df = count - 3
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma2 = total(residual**2) / df
    se = np.sqrt(sigma2 * inverse[:, 1, 1])
    nan = np.where(usable, 1.0, np.nan)
    return coef[:, 1] * nan, se * nan, df * nan, count


def _t_summary(estimate: np.ndarray, se: np.ndarray, df: np.ndarray, alpha: float) -> tuple:
    with np.errstate(invalid="ignore", divide="ignore"):
        t = estimate / se
        half = -special.stdtrit(df, alpha / 2) * se  # t(df).isf
    return estimate - half, estimate + half, t, 2 * special.stdtr(df, -np.abs(t))


def ancova_arrays(
    patients: Patients,
    visits: Visits,
    *,
    week: float = 24.0,
    window_weeks: float = 0.0,
    missing: str = "complete_case",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """ANCOVA of the change at ``week`` in every replicate; see ``ancova_24w``."""
    n = patients.n_replicates
    value = _value_at_week(patients, visits, week, window_weeks)
    died_before = (
        patients.event & (patients.time * CALENDAR_WEEKS_PER_YEAR < week) & np.isnan(value)
    )
    if missing == "locf":
        value = np.where(np.isnan(value), _last_before(patients, visits, week), value)
    change = value - visits.baseline
    if missing == "worst_rank":
        use = (~np.isnan(change) | died_before) & ~np.isnan(visits.baseline)
        rows = np.flatnonzero(use)
        survivor = (~died_before[rows]).astype(np.intp)
        key = np.where(died_before[rows], patients.time[rows], change[rows])
        y = _average_ranks(patients.replicate[rows], survivor, key)
    else:
        rows = np.flatnonzero(~np.isnan(change))
        y = change[rows]
    estimate, se, df, count = treatment_ols(
        patients.replicate[rows], y, patients.treatment[rows], visits.baseline[rows], n
    )
    lower, upper, t, p = _t_summary(estimate, se, df, alpha)
    return endpoint_frame(
        "ancova_24w",
        patients.replicates,
        estimate=estimate,
        lower=lower,
        upper=upper,
        statistic=t,
        p_value=p,
        n_events=patients.per_replicate(patients.event),
        n_analysed=count,
    )


def check_ancova_options(week: float, window_weeks: float, missing: str) -> None:
    """Raise InputError on an unusable week, window or missing-data rule."""
    check_finite("ancova_24w: week", week)
    check_finite("ancova_24w: window_weeks", window_weeks)
    if week <= 0 or window_weeks < 0 or window_weeks >= week:
        raise InputError(
            f"ancova_24w: week {week!r} with window_weeks {window_weeks!r} is unusable; "
            "pass week > 0 and 0 <= window_weeks < week"
        )
    if missing not in MISSING:
        raise InputError(f"ancova_24w: missing {missing!r} is unknown; use one of {MISSING}")


def ancova_24w(
    patients: pd.DataFrame,
    visits: pd.DataFrame,
    *,
    week: float = 24.0,
    window_weeks: float = 0.0,
    missing: str = "complete_case",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Change from baseline in ALSFRS-R at week 24 adjusted for baseline, in every replicate.

    ANCOVA: change = b0 + b1 treatment + b2 baseline, fitted by least squares in each replicate
    (equal to statsmodels OLS). The week-24 score is the visit nearest ``week`` within
    ``window_weeks``. Patients who died or dropped out before it have none; ``missing`` says
    what is done with them:

    - ``"complete_case"`` (default): only patients with a week-24 score are analysed, so deaths
      and dropouts are left out (the usual primary analysis; it favours an arm whose sickest
      patients die).
    - ``"locf"``: last observation carried forward; a patient without a week-24 score is
      analysed with their last post-baseline score before it (deaths and dropouts alike);
      patients with nothing after baseline are left out.
    - ``"worst_rank"``: rank ANCOVA with deaths ranked worst (Lachin's worst-rank score):
      patients who died before the week rank below every survivor, earlier deaths lower, and
      survivors rank by change (ties share the average rank); the ranks are regressed on
      treatment and baseline. Survivors without a score (dropouts) are left out.

    Parameters
    ----------
    patients, visits : survival and visit data (columns in ``alsprog.trials.analysis.inputs``).
    week : the visit week analysed (weeks on study). window_weeks : tolerance around it.
    missing : "complete_case", "locf" or "worst_rank". alpha : two-sided level of the interval.

    Returns
    -------
    DataFrame, one row per replicate: replicate, endpoint ("ancova_24w"), estimate (treatment
    minus control, ALSFRS-R points; with worst_rank, ranks), lower, upper (t interval),
    statistic (t), p_value, n_events (deaths in the replicate), n_analysed (patients in the
    regression). NaN where fewer than four patients, or an arm with none, are analysed.
    """
    check_ancova_options(week, window_weeks, missing)
    check_probability("ancova_24w: alpha", alpha, open_interval=True)
    arrays = patients_arrays(patients)
    return ancova_arrays(
        arrays,
        visits_arrays(visits, arrays),
        week=week,
        window_weeks=window_weeks,
        missing=missing,
        alpha=alpha,
    )


def patient_slopes(patients: Patients, visits: Visits) -> np.ndarray:
    """Each patient's least-squares ALSFRS-R slope (points per month); NaN with < 2 visits."""
    size = patients.time.size
    months = visits.weeks / CALENDAR_WEEKS_PER_MONTH

    def total(values: np.ndarray | None) -> np.ndarray:
        return np.bincount(visits.patient, values, minlength=size)

    count = total(None).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_t = total(months) / count
        mean_y = total(visits.score) / count
        dt = months - mean_t[visits.patient]
        sxy = total(dt * (visits.score - mean_y[visits.patient]))
        sxx = total(dt * dt)
        return np.where((count >= 2) & (sxx > 0), sxy / sxx, np.nan)


def slope_arrays(patients: Patients, visits: Visits, alpha: float = 0.05) -> pd.DataFrame:
    """Two-stage slope comparison in every replicate; see ``slope``."""
    n = patients.n_replicates
    slopes = patient_slopes(patients, visits)
    rows = np.flatnonzero(~np.isnan(slopes))
    rep, treated, s = patients.replicate[rows], patients.treatment[rows], slopes[rows]
    arm = {}
    for label, mask in (("control", ~treated), ("treatment", treated)):
        count = np.bincount(rep[mask], minlength=n).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.bincount(rep[mask], s[mask], minlength=n) / count
            centred = s[mask] - mean[rep[mask]]
            var = np.bincount(rep[mask], centred**2, minlength=n) / (count - 1)
        arm[label] = (count, mean, np.where(count >= 2, var, np.nan))
    (n0, m0, v0), (n1, m1, v1) = arm["control"], arm["treatment"]
    with np.errstate(invalid="ignore", divide="ignore"):
        a, b = v1 / n1, v0 / n0
        se = np.sqrt(a + b)
        df = (a + b) ** 2 / (a**2 / (n1 - 1) + b**2 / (n0 - 1))  # Welch-Satterthwaite
    estimate = m1 - m0
    lower, upper, t, p = _t_summary(estimate, se, df, alpha)
    return endpoint_frame(
        "slope",
        patients.replicates,
        estimate=estimate,
        lower=lower,
        upper=upper,
        statistic=t,
        p_value=p,
        n_events=patients.per_replicate(patients.event),
        n_analysed=n0 + n1,
    )


def slope(patients: pd.DataFrame, visits: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """ALSFRS-R slope difference by two-stage least squares, in every replicate.

    Stage one: each patient's least-squares line through all their visits (time in months,
    weeks / (365.25 / 12 / 7)); patients with fewer than two visits drop out. Stage two: the
    mean slopes of the arms compared by Welch's t-test. Patients who die early contribute
    noisier slopes with the same weight; the reference for one trial is the mixed model
    (``alsprog.trials.analysis.mixed.slope_mixed``).

    Returns
    -------
    DataFrame, one row per replicate: replicate, endpoint ("slope"), estimate (treatment minus
    control, ALSFRS-R points per month: positive means slower decline), lower, upper (Welch t
    interval), statistic (Welch t), p_value, n_events (deaths in the replicate), n_analysed
    (patients with a slope).
    """
    check_probability("slope: alpha", alpha, open_interval=True)
    arrays = patients_arrays(patients)
    return slope_arrays(arrays, visits_arrays(visits, arrays), alpha)
