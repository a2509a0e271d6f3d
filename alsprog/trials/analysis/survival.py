"""Batched survival endpoints: the log-rank test and the Cox hazard ratio for treatment.

Both work on one table of risk sets built for every replicate at once: at each distinct death
time of a replicate, the deaths in each arm and the patients at risk in each arm (those whose
time on study is at least that time, so a patient censored at a death time is still at risk).
With a single binary covariate the Cox partial likelihood depends on nothing else, so Cox needs
no per-patient pass after the table is built.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from alsprog.errors import InputError, check_probability
from alsprog.trials.analysis.inputs import Patients, group_sort, patients_arrays
from alsprog.trials.analysis.results import endpoint_frame, normal_quantile

TIES = ("efron", "breslow")
MAX_NEWTON_STEPS = 100
MAX_STEP = 2.0  # log hazard ratio units per Newton step, so far starts cannot overshoot


@dataclass(frozen=True)
class RiskSets:
    """Per replicate and distinct death time: deaths and numbers at risk in each arm.

    replicate : replicate code of each death time; deaths, deaths_treated : deaths at that
    time (all, treatment arm); at_risk, at_risk_treated : patients at risk just before it.
    """

    replicate: np.ndarray
    deaths: np.ndarray
    deaths_treated: np.ndarray
    at_risk: np.ndarray
    at_risk_treated: np.ndarray


def risk_sets(patients: Patients) -> RiskSets:
    """The risk-set table of every replicate, in one sort of all patients."""
    order = group_sort(patients.replicate, patients.time, stable=False)
    rep, time = patients.replicate[order], patients.time[order]
    event, treated = patients.event[order], patients.treatment[order]
    size = np.bincount(rep, minlength=patients.n_replicates)
    size_treated = np.bincount(rep, weights=treated, minlength=patients.n_replicates)
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    new = np.ones(rep.size, bool)
    new[1:] = (rep[1:] != rep[:-1]) | (time[1:] != time[:-1])
    first = np.flatnonzero(new)
    group_rep = rep[first]
    treated_before = np.concatenate([[0], np.cumsum(treated)])  # treated rows before each row
    at_risk = size[group_rep] - (first - start[group_rep])
    at_risk_treated = size_treated[group_rep] - (
        treated_before[first] - treated_before[start[group_rep]]
    )
    deaths = np.add.reduceat(event.astype(np.int64), first)
    deaths_treated = np.add.reduceat((event & treated).astype(np.int64), first)
    keep = deaths > 0
    return RiskSets(
        group_rep[keep],
        deaths[keep],
        deaths_treated[keep],
        at_risk[keep].astype(float),
        at_risk_treated[keep].astype(float),
    )


def logrank_arrays(
    patients: Patients, alpha: float = 0.05, sets: RiskSets | None = None
) -> pd.DataFrame:
    """The log-rank test of every replicate; see ``logrank`` for the columns. ``sets``: the
    patients' ``risk_sets``, when already built."""
    n = patients.n_replicates
    sets = risk_sets(patients) if sets is None else sets
    share = sets.at_risk_treated / sets.at_risk
    with np.errstate(invalid="ignore", divide="ignore"):
        # (n - d) / (n - 1) is 0/0 only when one patient is at risk, where share(1 - share) = 0
        factor = np.where(sets.at_risk > 1, (sets.at_risk - sets.deaths) / (sets.at_risk - 1), 1)
    observed = np.bincount(sets.replicate, weights=sets.deaths_treated.astype(float), minlength=n)
    expected = np.bincount(sets.replicate, weights=sets.deaths * share, minlength=n)
    variance = np.bincount(
        sets.replicate, weights=sets.deaths * share * (1 - share) * factor, minlength=n
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        statistic = np.where(variance > 0, (observed - expected) ** 2 / variance, np.nan)
        log_hr = (observed - expected) / variance  # Peto's one-step estimate
        half = normal_quantile(alpha) / np.sqrt(variance)
    return endpoint_frame(
        "logrank",
        patients.replicates,
        estimate=np.exp(log_hr),
        lower=np.exp(log_hr - half),
        upper=np.exp(log_hr + half),
        statistic=statistic,
        p_value=special.chdtrc(1, statistic),  # chi2(1).sf
        n_events=patients.per_replicate(patients.event),
        n_analysed=np.bincount(patients.replicate, minlength=n),
    )


def logrank(patients: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """The log-rank test of treatment against control in every replicate, batched.

    Equal to ``lifelines.statistics.logrank_test`` (ties included): at each distinct death time
    the treatment arm's expected deaths are d n1 / n with hypergeometric variance
    d (n1 / n)(1 - n1 / n)(n - d) / (n - 1).

    Parameters
    ----------
    patients : survival data, one row per patient (columns in ``alsprog.trials.analysis.inputs``).
    alpha : two-sided level of the interval.

    Returns
    -------
    DataFrame, one row per replicate: replicate, endpoint ("logrank"), estimate (Peto's
    one-step hazard ratio exp((O - E) / V), treatment against control), lower, upper (its
    1 - alpha interval, exp((O - E) / V +- z / sqrt(V))), statistic ((O - E)^2 / V, chi-square
    with 1 degree of freedom), p_value, n_events (deaths), n_analysed (patients). A replicate
    without deaths has NaN statistic and p_value.
    """
    check_probability("logrank: alpha", alpha, open_interval=True)
    return logrank_arrays(patients_arrays(patients), alpha)


def _efron_rows(sets: RiskSets, ties: str) -> tuple[np.ndarray, ...]:
    """Terms of the partial likelihood: replicate, weight and effective numbers at risk.

    Each term contributes -weight * log(control + treated * exp(beta)). Breslow keeps one term
    per death time weighted by its deaths; Efron has one term per death, the l-th of d tied
    deaths seeing the risk set less l / d of those dying.
    """
    control = sets.at_risk - sets.at_risk_treated
    if ties == "breslow":
        return sets.replicate, sets.deaths.astype(float), control, sets.at_risk_treated
    rows = np.repeat(np.arange(sets.deaths.size), sets.deaths)
    step = np.arange(rows.size) - np.repeat(np.cumsum(sets.deaths) - sets.deaths, sets.deaths)
    fraction = step / sets.deaths[rows]
    dying_treated = sets.deaths_treated[rows]
    dying_control = sets.deaths[rows] - dying_treated
    return (
        sets.replicate[rows],
        np.ones(rows.size),
        control[rows] - fraction * dying_control,
        sets.at_risk_treated[rows] - fraction * dying_treated,
    )


def cox_arrays(
    patients: Patients, alpha: float = 0.05, ties: str = "efron", sets: RiskSets | None = None
) -> pd.DataFrame:
    """The Cox hazard ratio of every replicate; see ``cox`` for the columns. ``sets``: the
    patients' ``risk_sets``, when already built."""
    n = patients.n_replicates
    sets = risk_sets(patients) if sets is None else sets
    rep, weight, control, treated = _efron_rows(sets, ties)
    deaths_treated = np.bincount(
        sets.replicate, weights=sets.deaths_treated.astype(float), minlength=n
    )
    # The maximum exists only strictly between the score's limits at beta -> -inf and +inf.
    low = np.bincount(rep, weights=weight * (control == 0), minlength=n)
    high = np.bincount(rep, weights=weight * (treated > 0), minlength=n)
    exists = (deaths_treated > low) & (deaths_treated < high)

    def terms(beta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        scaled = treated * np.exp(beta[rep])
        total = control + scaled
        share = scaled / total
        loglik = deaths_treated * beta - np.bincount(rep, weight * np.log(total), minlength=n)
        score = deaths_treated - np.bincount(rep, weight * share, minlength=n)
        information = np.bincount(rep, weight * share * (1 - share), minlength=n)
        return loglik, score, information

    beta = np.zeros(n)
    loglik, score, information = terms(beta)
    active = exists.copy()
    for _ in range(MAX_NEWTON_STEPS):
        if not active.any():
            break
        step = np.where(
            active, np.clip(score / np.where(active, information, 1), -MAX_STEP, MAX_STEP), 0
        )
        for _halving in range(60):  # the log-likelihood is concave: halve until it rises
            trial = terms(beta + step)
            worse = active & (trial[0] < loglik - 1e-12 * np.abs(loglik))
            if not worse.any():
                break
            step = np.where(worse, step / 2, step)
        else:
            step = np.where(worse, 0.0, step)
            trial = terms(beta + step)
        beta = beta + step
        loglik, score, information = trial
        active &= np.abs(step) > 1e-13
    with np.errstate(invalid="ignore", divide="ignore"):
        se = 1 / np.sqrt(information)
        z = beta / se
        half = normal_quantile(alpha) * se
    # Without a maximum (all deaths in one arm) beta runs to -+inf, its Wald z to 0: the
    # limits are reported (hazard ratio 0 or inf, interval (0, inf), z 0, p 1).
    # Without deaths, or with deaths only where one arm alone is at risk, the likelihood is
    # flat and there is no estimate at all (NaN).
    none = ~exists
    limit = np.where(deaths_treated <= low, -np.inf, np.inf)
    beta = np.where(none, limit, beta)
    with np.errstate(invalid="ignore", over="ignore"):
        lower = np.where(none, 0.0, np.exp(beta - half))
        upper = np.where(none, np.inf, np.exp(beta + half))
    z = np.where(none, 0.0, z)
    n_events = patients.per_replicate(patients.event)
    empty = low >= high
    beta, lower, upper, z = (np.where(empty, np.nan, v) for v in (beta, lower, upper, z))
    return endpoint_frame(
        "cox",
        patients.replicates,
        estimate=np.exp(beta),
        lower=lower,
        upper=upper,
        statistic=z,
        p_value=2 * special.ndtr(-np.abs(z)),
        n_events=n_events,
        n_analysed=np.bincount(patients.replicate, minlength=n),
    )


def cox(patients: pd.DataFrame, *, alpha: float = 0.05, ties: str = "efron") -> pd.DataFrame:
    """The Cox hazard ratio of treatment against control in every replicate, batched.

    Newton-Raphson on the partial likelihood (step halving, steps capped at 2 on the log scale,
    to |step| < 1e-13), with the Wald interval and test. ``ties="efron"`` (the default, as
    lifelines' ``CoxPHFitter`` and R's ``coxph``) equals ``CoxPHFitter`` run to tight
    convergence; ``ties="breslow"`` equals statsmodels ``PHReg(ties="breslow")`` (and SAS's
    default). Without tied death times the two coincide.

    Parameters
    ----------
    patients : survival data, one row per patient (columns in ``alsprog.trials.analysis.inputs``).
    alpha : two-sided level of the Wald interval.
    ties : "efron" or "breslow".

    Returns
    -------
    DataFrame, one row per replicate: replicate, endpoint ("cox"), estimate (hazard ratio,
    treatment against control), lower, upper (Wald 1 - alpha interval), statistic (Wald z,
    log hazard ratio / its standard error), p_value (two-sided), n_events (deaths),
    n_analysed (patients). When every death falls in one arm the maximum does not exist; the
    row then holds the limits: estimate 0 or inf, interval (0, inf), z 0, p 1. A replicate
    without deaths (or whose deaths all come when only one arm is at risk) is all NaN.
    """
    check_probability("cox: alpha", alpha, open_interval=True)
    if ties not in TIES:
        raise InputError(f"cox: ties {ties!r} is unknown; use 'efron' or 'breslow'")
    return cox_arrays(patients_arrays(patients), alpha, ties)
