"""Kaplan-Meier model: against lifelines where the conventions agree, and the true curve.

R's figures, hand-checked data sets and the risk table are in test_kaplan_meier_survfit.py.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import alsprog
from alsprog.errors import InputError
from alsprog.models.kaplan_meier import KaplanMeier, kaplan_meier

lifelines = pytest.importorskip("lifelines")
from lifelines import KaplanMeierFitter  # noqa: E402
from lifelines.datasets import load_lung  # noqa: E402
from lifelines.exceptions import StatisticalWarning  # noqa: E402
from lifelines.utils import restricted_mean_survival_time  # noqa: E402


@pytest.fixture(scope="module")
def lung() -> pd.DataFrame:
    """NCCTG lung data as lifelines ships it: time in days, status 1 = died, 0 = censored."""
    return load_lung()


@pytest.fixture(scope="module")
def cohort() -> dict[str, np.ndarray]:
    """A left-truncated, right-censored ALS-like cohort (years), with integer weights."""
    rng = np.random.default_rng(7)
    death = stats.weibull_min(c=1.6, scale=3.5).rvs(size=1500, random_state=rng)
    entry = rng.uniform(0.0, 1.5, size=death.size)
    entry[:200] = 0.0  # some followed from onset, so the risk set is never empty early on
    keep = death > entry  # left truncation: only those alive at entry are seen
    death, entry = death[keep], entry[keep]
    censor = entry + rng.exponential(4.0, size=death.size)
    return {
        "durations": np.minimum(death, censor),
        "events": (death <= censor).astype(int),
        "entry": entry,
        "weights": rng.integers(1, 4, size=death.size).astype(float),
    }


def _lifelines_fit(durations, events, **kwargs) -> KaplanMeierFitter:
    return KaplanMeierFitter().fit(durations, events, **kwargs)


# ------------------------------------------------------------------ R's published survfit output
def test_lung_median_matches_r(lung):
    km = kaplan_meier(lung["time"], lung["status"])
    # R: survfit(Surv(time, status) ~ 1, data = lung)
    #        n events median 0.95LCL 0.95UCL
    #      228    165    310     285     363
    assert km.median() == 310.0
    assert km.median() == _lifelines_fit(lung["time"], lung["status"]).median_survival_time_


def test_lung_median_interval_by_sex_matches_r_log_log(lung):
    # R: survfit(Surv(time, status == 2) ~ sex, data = lung, conf.type = "log-log")
    #         n events median 0.95LCL 0.95UCL
    #   sex=1 138    112    270     210     306
    #   sex=2  90     53    426     345     524
    # (log-log is lifelines' exponential Greenwood band; R's default is conf.type = "log")
    expected = {1: (270.0, 210.0, 306.0), 2: (426.0, 345.0, 524.0)}
    for sex, (median, lower, upper) in expected.items():
        rows = lung[lung["sex"] == sex]
        km = kaplan_meier(rows["time"], rows["status"], conf_type="log-log")
        assert km.median() == median
        assert km.median_confidence_interval() == (lower, upper) == km.median_ci()
        assert kaplan_meier(rows["time"], rows["status"]).median_ci(conf_type="log-log") == (
            lower,
            upper,
        )


def test_lung_log_log_band_is_lifelines_band(lung):
    km = kaplan_meier(lung["time"], lung["status"], conf_type="log-log")
    fitter = _lifelines_fit(lung["time"], lung["status"])
    reference = fitter.confidence_interval_.loc[km.times]
    np.testing.assert_allclose(km.lower, reference.iloc[:, 0], rtol=1e-10)
    np.testing.assert_allclose(km.upper, reference.iloc[:, 1], rtol=1e-10)
    # lifelines reads the median interval off the log-log band the same way: 284-361
    medians = lifelines.utils.median_survival_times(fitter.confidence_interval_).to_numpy()[0]
    assert km.median_ci() == (284.0, 361.0) == tuple(medians)


# ------------------------------------------------------------------ against lifelines
@pytest.mark.parametrize("use_entry", [False, True])
@pytest.mark.parametrize("use_weights", [False, True])
def test_survival_band_and_table_match_lifelines(cohort, use_entry, use_weights):
    kwargs = {}
    if use_entry:
        kwargs["entry"] = cohort["entry"]
    if use_weights:
        kwargs["weights"] = cohort["weights"]
    # no entry time equals an exit time here, so R's risk sets (an entrant at t is not at risk
    # at t) and lifelines' (it is) are the same; lifelines' band is R's log-log band
    km = kaplan_meier(
        cohort["durations"], cohort["events"], alpha=0.1, conf_type="log-log", **kwargs
    )
    fitter = KaplanMeierFitter(alpha=0.1).fit(cohort["durations"], cohort["events"], **kwargs)

    first = fitter.survival_function_.index[0]
    t = np.concatenate([np.linspace(first, 12.0, 997), fitter.survival_function_.index[::7]])
    reference = fitter.survival_function_at_times(t).to_numpy()
    np.testing.assert_allclose(km.survival(t), reference, rtol=1e-12)
    band = km.confidence_band(t)
    reference = fitter.confidence_interval_.asof(t)
    dead = km.survival(t) == 0  # R's band is NA there, lifelines' [0, 0]
    assert band.loc[dead, ["lower", "upper"]].isna().all(axis=None)
    assert (reference[dead].to_numpy() == 0).all() and (~dead).sum() > 1000
    for j, column in enumerate(["lower", "upper"]):
        np.testing.assert_allclose(
            band[column][~dead], reference.iloc[:, j].to_numpy()[~dead], rtol=1e-10
        )
    assert (band["level"] == 0.9).all() and km.level == 0.9

    table = km.table()
    columns = ["t", "at_risk", "events", "censored", "survival", "std_err", "lower", "upper"]
    assert list(table.columns) == columns
    events = fitter.event_table[fitter.event_table["removed"] > 0]  # R tabulates exits only
    np.testing.assert_array_equal(table["t"], events.index)
    np.testing.assert_allclose(table["at_risk"], events["at_risk"], rtol=1e-12)
    np.testing.assert_allclose(table["events"], events["observed"], rtol=1e-12)
    np.testing.assert_allclose(table["censored"], events["censored"], rtol=1e-12)
    np.testing.assert_allclose(
        table["survival"], fitter.survival_function_.loc[events.index].iloc[:, 0], rtol=1e-12
    )
    alive = table["survival"] > 0
    np.testing.assert_allclose(
        table.loc[alive, ["lower", "upper"]],
        fitter.confidence_interval_.loc[events.index][alive.to_numpy()],
        rtol=1e-10,
    )
    assert km.median() == fitter.median_survival_time_


def test_curve_is_one_before_anyone_is_observed(cohort):
    entry = cohort["entry"] + 0.2
    keep = cohort["durations"] > entry
    km = kaplan_meier(cohort["durations"][keep], cohort["events"][keep], entry=entry[keep])
    fitter = _lifelines_fit(cohort["durations"][keep], cohort["events"][keep], entry=entry[keep])
    first = fitter.survival_function_.index[0]
    assert first == pytest.approx(0.2)
    assert np.isnan(fitter.survival_function_at_times(0.1).iloc[0])  # lifelines: undefined there
    band = km.confidence_band([0.0, 0.1])
    assert (band[["survival", "lower", "upper"]].to_numpy() == 1.0).all()


def test_integer_weights_act_as_repeated_rows(cohort):
    w = cohort["weights"].astype(int)
    weighted = kaplan_meier(cohort["durations"], cohort["events"], entry=cohort["entry"], weights=w)
    repeated = kaplan_meier(
        np.repeat(cohort["durations"], w),
        np.repeat(cohort["events"], w),
        entry=np.repeat(cohort["entry"], w),
    )
    t = np.linspace(0, 10, 301)
    np.testing.assert_allclose(weighted.survival(t), repeated.survival(t), rtol=1e-12)
    np.testing.assert_allclose(
        weighted.confidence_band(t)[["lower", "upper"]],
        repeated.confidence_band(t)[["lower", "upper"]],
        rtol=1e-10,
    )
    assert weighted.variance == repeated.variance == "greenwood"


def test_fractional_weights_give_lifelines_curve_and_a_robust_variance(cohort):
    w = cohort["weights"] * 0.37
    km = kaplan_meier(cohort["durations"], cohort["events"], weights=w)
    with pytest.warns(StatisticalWarning):
        fitter = _lifelines_fit(cohort["durations"], cohort["events"], weights=w)
    reference = fitter.survival_function_at_times(km.times).to_numpy()
    np.testing.assert_allclose(km.estimate[:-1], reference[:-1], rtol=1e-10)
    # the last death leaves nobody at risk: S = 0, where lifelines' weighted sums keep a residue
    assert km.at_risk[-1] == km.events[-1] and km.estimate[-1] == 0
    # R switches to the infinitesimal jackknife for weights that are not whole numbers; that
    # variance does not scale with the weights, unlike Greenwood's on weighted counts
    assert km.variance == "robust"
    unscaled = kaplan_meier(cohort["durations"], cohort["events"], weights=w / 0.37 + 0.01)
    np.testing.assert_allclose(km.std_err[:500], unscaled.std_err[:500], rtol=0.02)


@pytest.mark.parametrize("horizon", [0.0, 0.3, 1.0, 2.5, 4.0, 7.5, 40.0])
def test_rmst_matches_lifelines(cohort, horizon):
    km = kaplan_meier(cohort["durations"], cohort["events"])
    fitter = _lifelines_fit(cohort["durations"], cohort["events"])
    expected = restricted_mean_survival_time(fitter, t=horizon)
    assert km.rmst(horizon) == pytest.approx(expected, rel=1e-12, abs=1e-14)


def test_rmst_at_step_times_matches_lifelines(lung):
    km = kaplan_meier(lung["time"], lung["status"])
    fitter = _lifelines_fit(lung["time"], lung["status"])
    for horizon in (5.0, 310.0, 1022.0, 2000.0):
        expected = restricted_mean_survival_time(fitter, t=horizon)
        assert km.rmst(horizon) == pytest.approx(expected, rel=1e-12)
    assert np.isinf(km.rmst(np.inf)) and np.isinf(km.mean())  # the curve ends at 0.05


@pytest.mark.filterwarnings("ignore::lifelines.exceptions.ApproximationWarning")
def test_quantile_matches_lifelines_percentile(lung):
    km = kaplan_meier(lung["time"], lung["status"])
    fitter = _lifelines_fit(lung["time"], lung["status"])
    p = np.array([0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.949, 0.95, 0.99, 1.0])
    expected = [fitter.percentile(1 - q) for q in p]  # lifelines' percentile is on S
    np.testing.assert_array_equal(km.quantile(p), expected)
    assert km.quantile(0.5) == km.median() == 310.0


def test_median_on_an_exact_half_is_the_midpoint_not_lifelines_first_time():
    # S = 0.75, 0.5, 0.25, 0 at 1, 2, 3, 4: flat at exactly 0.5 on [2, 3), so R's median is
    # (2 + 3) / 2 = 2.5, the ordinary sample median; lifelines takes the first time, 2
    km = kaplan_meier([1.0, 2.0, 3.0, 4.0], [1, 1, 1, 1])
    fitter = _lifelines_fit([1.0, 2.0, 3.0, 4.0], [1, 1, 1, 1])
    assert km.median() == 2.5 == np.median([1.0, 2.0, 3.0, 4.0])
    assert fitter.median_survival_time_ == 2.0
    assert km.quantile(1.0) == 4.0


# ------------------------------------------------------------------ step-function identities
def test_quantile_inverts_the_step_function_with_r_midpoints(cohort):
    km = kaplan_meier(cohort["durations"], cohort["events"], entry=cohort["entry"])
    levels = np.unique(km.estimate)[::-1]
    p = np.linspace(0, 1, 1001)[1:]
    off = np.abs(1 - p[:, None] - levels[None, :]).min(axis=1) > 1e-6
    q = km.quantile(p[off])  # away from a level: the first time S <= 1 - p
    finite = np.isfinite(q)
    assert (km.survival(q[finite]) <= 1 - p[off][finite]).all()
    assert (km.survival(np.nextafter(q[finite], 0)) > 1 - p[off][finite]).all()
    assert (p[off][~finite] > 1 - km.cure_fraction()).all()
    # on a level: midway between where the curve reaches it and where it leaves it
    drops = km.times[np.diff(np.concatenate([[1.0], km.estimate])) < 0]
    s_drops = km.survival(drops)
    mids = km.quantile(1 - s_drops[:-1])
    np.testing.assert_array_equal(mids, (drops[:-1] + drops[1:]) / 2)


def test_survival_is_right_continuous_and_one_before_the_first_death():
    km = kaplan_meier([2.0, 3.0, 3.0, 5.0, 8.0], [1, 1, 0, 1, 0])
    np.testing.assert_allclose(
        km.survival([0, 1.999, 2, 2.5, 3, 4.9, 5, 8, 100]),
        [1, 1, 0.8, 0.8, 0.6, 0.6, 0.3, 0.3, 0.3],
    )
    np.testing.assert_allclose(km.cumulative_hazard([0, 2, 5]), -np.log([1, 0.8, 0.3]))
    assert km.cumulative_hazard(0.0) == 0.0 and isinstance(km.survival(2.0), float)
    assert km.cure_fraction() == pytest.approx(0.3)
    dead = kaplan_meier([1.0, 2.0], [1, 1])
    assert np.isinf(dead.cumulative_hazard(2.0)) and dead.cure_fraction() == 0.0


@pytest.mark.parametrize("t0", [0.25, 1.0, 2.0, 3.7])
def test_conditional_is_survival_ratio(cohort, t0):
    km = kaplan_meier(cohort["durations"], cohort["events"], entry=cohort["entry"])
    later = km.conditional(t0)
    u = np.linspace(0, 10, 501)
    np.testing.assert_allclose(later.survival(u), km.survival(t0 + u) / km.survival(t0), rtol=1e-12)
    np.testing.assert_allclose(
        later.rmst(u), (km.rmst(t0 + u) - km.rmst(t0)) / km.survival(t0), rtol=1e-10, atol=1e-12
    )
    q = later.quantile(np.array([0.1, 0.5, 0.9]))
    np.testing.assert_array_equal(
        q[np.isfinite(q)] + t0,
        km.quantile(1 - km.survival(t0) * np.array([0.9, 0.5, 0.1]))[np.isfinite(q)],
    )


def test_conditional_quantile_is_never_negative_and_times_are_checked(lung):
    km = kaplan_meier(lung["time"], lung["status"])
    later = km.conditional(100.5)  # 100 is a death time: the step before 100.5 is at 100
    np.testing.assert_array_equal(later.quantile([0.0, 1e-17, 1e-13]), [0.0, 0.0, 0.0])
    assert later.quantile(0.5) == km.quantile(1 - 0.5 * km.survival(100.5)) - 100.5
    with pytest.raises(InputError, match=r"^survived: time -50 at position 0 is negative"):
        later.conditional(-50.0)


def test_mean_of_a_complete_sample_is_the_sample_mean():
    x = stats.weibull_min(c=1.4, scale=3.0).rvs(size=5000, random_state=np.random.default_rng(3))
    km = kaplan_meier(x, np.ones_like(x))
    assert km.cure_fraction() == 0.0
    assert km.mean() == pytest.approx(x.mean(), rel=1e-12)
    assert km.rmst(np.inf) == pytest.approx(x.mean(), rel=1e-12)
    assert km.median() == np.median(x)  # flat at 0.5 between deaths 2500 and 2501: R's midpoint


def test_sample_follows_the_step_function(lung):
    km = kaplan_meier(lung["time"], lung["status"])
    n, alpha = 100_000, 1e-3
    x = km.sample(n, np.random.default_rng(11))
    assert set(np.unique(x[np.isfinite(x)])) <= set(km.times)  # draws land on the steps
    steps = km.times
    empirical = np.searchsorted(np.sort(x), steps, side="right") / n
    gap = np.abs(empirical - (1 - km.survival(steps))).max()
    assert gap < np.sqrt(np.log(2 / alpha) / (2 * n))  # DKW; a false alarm has probability <= alpha
    # the mass beyond the last step (the curve ends at 0.05) is drawn as inf
    assert np.isinf(x).mean() == pytest.approx(km.cure_fraction(), abs=0.004)


# ------------------------------------------------------------------ against the true curve
def test_uncensored_curve_is_inside_the_dkw_band():
    truth, n, alpha = stats.weibull_min(c=1.5, scale=3.0), 20_000, 1e-3
    x = np.sort(truth.rvs(size=n, random_state=np.random.default_rng(2024)))
    km = kaplan_meier(x, np.ones(n, dtype=bool))
    cdf = truth.cdf(x)
    after = 1 - km.survival(x)  # empirical CDF at each death
    before = np.concatenate([[0.0], after[:-1]])  # and just before it
    gap = max(np.abs(after - cdf).max(), np.abs(before - cdf).max())
    assert gap < np.sqrt(np.log(2 / alpha) / (2 * n))  # a false alarm has probability <= alpha


@pytest.mark.parametrize("truncated", [False, True])
def test_censored_curve_band_covers_the_true_curve(truncated):
    truth, n = stats.weibull_min(c=1.5, scale=3.0), 20_000
    rng = np.random.default_rng(99)
    death = truth.rvs(size=n, random_state=rng)
    censor = rng.exponential(5.0, size=n)  # independent censoring
    entry = None
    if truncated:
        start = np.where(rng.random(n) < 0.3, 0.0, rng.uniform(0, 1.0, size=n))
        seen = death > start
        death, censor, entry = death[seen], start[seen] + censor[seen], start[seen]
    km = kaplan_meier(np.minimum(death, censor), death <= censor, entry=entry, alpha=1e-3)
    t = np.array([0.25, 0.5, 1.0, 2.0, 3.0, 5.0])
    band = km.confidence_band(t)
    true = truth.sf(t)
    assert ((band["lower"] <= true) & (true <= band["upper"])).all(), band.assign(true=true)


# ------------------------------------------------------------------ interface and errors
def test_hazard_and_density_are_refused_with_a_pointer():
    km = kaplan_meier([1.0, 2.0, 3.0], [1, 0, 1])
    message = (
        r"^kaplan_meier: a Kaplan-Meier curve is a step function and has no hazard rate; "
        r"use cumulative_hazard, or fit a parametric family with alsprog\.fit$"
    )
    with pytest.raises(InputError, match=message):
        km.hazard(1.0)
    with pytest.raises(InputError, match=message):
        km.conditional(0.5).hazard(1.0)
    with pytest.raises(InputError, match="has no density"):
        km.density(1.0)


def test_model_is_frozen_comparable_and_lazy():
    a = kaplan_meier([1.0, 2.0, 3.0], [1, 0, 1], label="als")
    b = kaplan_meier([1.0, 2.0, 3.0], [1, 0, 1], label="als")
    assert isinstance(a, KaplanMeier) and a.family == "kaplan_meier"
    assert a == b and hash(a) == hash(b) and a != kaplan_meier([1.0, 2.0, 3.0], [1, 1, 1])
    assert "KaplanMeier(label='als'" in repr(a)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.level = 0.9
    with pytest.raises(ValueError, match="read-only"):
        a.estimate[0] = 0.5
    assert alsprog.kaplan_meier is kaplan_meier
    code = (
        "import sys, alsprog, alsprog.models.kaplan_meier; "
        "assert 'lifelines' not in sys.modules, 'lifelines imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"durations": [1.0, 2.0], "event_observed": [1, 1], "alpha": 1.5},
            r"^kaplan_meier alpha must lie strictly between 0 and 1 \(got 1\.5\)$",
        ),
    ],
)
def test_bad_input_is_refused_in_one_line(kwargs, message):
    with pytest.raises(InputError, match=message) as caught:
        kaplan_meier(**kwargs)
    assert "\n" not in str(caught.value)


def test_bad_times_and_probabilities_are_refused():
    km = kaplan_meier([1.0, 2.0, 3.0], [1, 0, 1])
    with pytest.raises(InputError, match="negative"):
        km.survival(-1.0)
    with pytest.raises(InputError, match="not a probability"):
        km.quantile(1.5)
    with pytest.raises(InputError, match="nobody is alive"):
        kaplan_meier([1.0, 2.0], [1, 1]).conditional(2.0)


def test_a_risk_set_that_empties_gives_rs_curve_zero_from_then_on_with_a_warning():
    # survfit(Surv(c(0, 3), c(1, 5), c(1, 1)) ~ 1): S = 0 from t = 1 (the one at risk died),
    # and stays 0 although the second subject enters at 3
    with pytest.warns(UserWarning, match=r"^kaplan_meier: with these entry times the risk set"):
        km = kaplan_meier([1.0, 5.0], [1, 1], entry=[0.0, 3.0])
    np.testing.assert_array_equal(km.survival([0.5, 1.0, 4.0, 6.0]), [1.0, 0.0, 0.0, 0.0])
