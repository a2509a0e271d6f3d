"""Kaplan-Meier against R's survfit: published figures, slow by-the-definition references, and
small data sets worked by hand.

R itself cannot run here. Where R's output is quoted, the R call sits beside the number. Where a
value has no published figure (the left-truncated lung median), it comes from
``_survfit_by_definition`` below: risk sets counted person by person with R's rules as the
survival package documents them (survfit: a subject with ``Surv(entry, time, status)`` is at
risk on (entry, time]; quantile.survfit: "if the survival curve has a flat at exactly 1 - p,
the midpoint of the flat is used"; the log band is S exp(+-z se), se^2 = Greenwood's sum).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from alsprog.errors import InputError
from alsprog.models.kaplan_meier import kaplan_meier

lifelines = pytest.importorskip("lifelines")
from lifelines.datasets import load_lung  # noqa: E402

TOL = 1.5e-8  # R: sqrt(.Machine$double.eps), quantile.survfit's tolerance


@pytest.fixture(scope="module")
def lung() -> pd.DataFrame:
    """NCCTG lung data as lifelines ships it: time in days, status 1 = died, 0 = censored.

    R's survival::lung codes status 1 = censored, 2 = died; the same 228 rows otherwise.
    """
    frame = load_lung()
    assert sorted(frame["status"].unique()) == [0, 1] and len(frame) == 228
    return frame


# ------------------------------------------------------------------ slow references
def _survfit_by_definition(durations, died, entry=None, weights=None) -> pd.DataFrame:
    """R's survfit estimate, one distinct exit time at a time, risk sets counted directly."""
    durations = np.asarray(durations, dtype=float)
    died = np.asarray(died, dtype=bool)
    weights = np.ones(durations.size) if weights is None else np.asarray(weights, dtype=float)
    rows, s, greenwood = [], 1.0, 0.0
    for t in sorted(set(durations)):
        if entry is None:
            risk = durations >= t
        else:
            risk = (np.asarray(entry, dtype=float) < t) & (t <= durations)
        n = weights[risk].sum()
        d = weights[died & (durations == t)].sum()
        if d > 0:
            s *= (n - d) / n
            greenwood += d / (n * (n - d)) if n > d else np.inf
        rows.append((t, n, d, s, greenwood))
    return pd.DataFrame(rows, columns=["t", "n", "d", "survival", "greenwood"])


def _quantile_by_definition(t, curve, p, last_time):
    """First time the curve is <= 1 - p; the midpoint of a flat at exactly 1 - p; NaN if never."""
    t = np.concatenate([[0.0], t])
    curve = np.concatenate([[1.0], curve])
    target = 1 - p
    for j in range(t.size):
        if np.isnan(curve[j]):
            continue
        if abs(curve[j] - target) < TOL:  # a flat at 1 - p: it ends where the curve drops
            later = [k for k in range(j + 1, t.size) if curve[k] < target - TOL]
            return (t[j] + (t[later[0]] if later else last_time)) / 2
        if curve[j] < target:
            return t[j]
    return np.nan


def _log_band(table, level=0.95):
    z = stats.norm.ppf(1 - (1 - level) / 2)
    s, se = table["survival"].to_numpy(), np.sqrt(table["greenwood"].to_numpy())
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = np.where(s > 0, s * np.exp(-z * se), np.nan)
        upper = np.where(s > 0, np.minimum(s * np.exp(z * se), 1.0), np.nan)
    return lower, upper


def _median_and_ci_by_definition(table):
    t, last = table["t"].to_numpy(), table["t"].to_numpy()[-1]
    lower, upper = _log_band(table)
    return tuple(
        _quantile_by_definition(t, curve, 0.5, last)
        for curve in (table["survival"].to_numpy(), lower, upper)
    )


# ------------------------------------------------------------------ R's published lung figures
def test_lung_median_and_interval(lung):
    km = kaplan_meier(lung["time"], lung["status"])
    # R: survfit(Surv(time, status) ~ 1, data = lung)
    #        n events median 0.95LCL 0.95UCL
    #      228    165    310     285     363
    assert km.median() == 310.0
    assert km.median_ci() == (285.0, 363.0)
    assert km.quantile_ci(0.5, level=0.95, conf_type="log") == (285.0, 363.0)
    assert km.conf_type == "log" and km.level == 0.95


def test_lung_by_sex_on_r_default_log_band(lung):
    # R: survfit(Surv(time, status) ~ sex, data = lung)
    #         n events median 0.95LCL 0.95UCL
    #   sex=1 138    112    270     212     310
    #   sex=2  90     53    426     348     550
    expected = {1: (270.0, (212.0, 310.0)), 2: (426.0, (348.0, 550.0))}
    for sex, (median, interval) in expected.items():
        rows = lung[lung["sex"] == sex]
        km = kaplan_meier(rows["time"], rows["status"])
        assert (km.median(), km.median_ci()) == (median, interval)


def test_lung_survival_at_one_year(lung):
    km = kaplan_meier(lung["time"], lung["status"])
    # R: summary(survfit(Surv(time, status) ~ 1, data = lung), times = 365)$surv  0.4092416
    assert km.survival(365.0) == pytest.approx(0.4092416, abs=5e-8)


def test_lung_restricted_mean_and_its_standard_error(lung):
    km = kaplan_meier(lung["time"], lung["status"])
    # R: print(survfit(Surv(time, status) ~ 1, data = lung), rmean = 730)
    #        n events rmean* se(rmean) median 0.95LCL 0.95UCL
    #      228    165    357      16.2    310     285     363
    #    with more digits, summary(fit, rmean = 730)$table: rmean 357.07325, se(rmean) 16.21934
    assert km.rmst(730.0) == pytest.approx(357.07325, abs=5e-6)
    assert km.rmst_se(730.0) == pytest.approx(16.21934, abs=5e-6)
    np.testing.assert_allclose(km.rmst_se([730.0, 730.0]), 16.21934, atol=5e-6)


def test_lung_estimate_and_band_by_definition(lung):
    km = kaplan_meier(lung["time"], lung["status"])
    reference = _survfit_by_definition(lung["time"], lung["status"])
    table = km.table()
    np.testing.assert_array_equal(table["t"], reference["t"])
    np.testing.assert_array_equal(table["at_risk"], reference["n"])
    np.testing.assert_allclose(table["survival"], reference["survival"], rtol=1e-13)
    np.testing.assert_allclose(table["std_err"] ** 2, reference["greenwood"], rtol=1e-12)
    lower, upper = _log_band(reference)
    np.testing.assert_allclose(table["lower"], lower, rtol=1e-12)
    np.testing.assert_allclose(table["upper"], upper, rtol=1e-12)
    # the plain band: S -+ z S se, clipped to [0, 1]
    z = stats.norm.ppf(0.95)
    plain = km.confidence_band(km.times, level=0.9, conf_type="plain")
    s, se = reference["survival"], np.sqrt(reference["greenwood"])
    np.testing.assert_allclose(plain["lower"], np.maximum(s - z * s * se, 0), rtol=1e-12)
    np.testing.assert_allclose(plain["upper"], np.minimum(s + z * s * se, 1), rtol=1e-12)
    assert (plain["level"] == 0.9).all()


def test_lung_left_truncated_median_by_definition(lung):
    # Half the rows (R's even rows) come under observation on day 88, when another patient
    # dies: those entrants are not at risk for that death. R:
    #   lung2 <- transform(lung, entry = ifelse(seq_len(nrow(lung)) %% 2 == 0, 88, 0))
    #   fit <- survfit(Surv(entry, time, status) ~ 1, data = subset(lung2, time > entry))
    #   quantile(fit, 0.5)        # median and 95% limits, as below by the definition
    t, status = lung["time"].to_numpy(float), lung["status"].to_numpy()
    entry = np.where(np.arange(t.size) % 2 == 1, 88.0, 0.0)
    keep = t > entry
    t, status, entry = t[keep], status[keep], entry[keep]
    assert ((t == 88) & (status == 1)).sum() == 1
    reference = _survfit_by_definition(t, status, entry)
    km = kaplan_meier(t, status, entry=entry)
    np.testing.assert_array_equal(km.at_risk, reference["n"])
    at_88 = km.table().set_index("t").loc[88.0, "at_risk"]
    assert at_88 == ((entry < 88) & (t >= 88)).sum() and ((entry == 88) & (t >= 88)).sum() > 90
    np.testing.assert_allclose(km.estimate, reference["survival"], rtol=1e-13)
    median, lower, upper = _median_and_ci_by_definition(reference)
    assert (km.median(), *km.median_ci()) == (median, lower, upper)  # 329 (285-364) days


# ------------------------------------------------------------------ small data sets, by hand
def test_flat_at_exactly_half_gives_the_midpoint():
    # deaths at 1 and 2 of 4: S = 3/4, then 1/2; censored at 3; the last death at 5: S = 0.
    # S sits at exactly 0.5 on [2, 5), so R's median is (2 + 5) / 2 = 3.5
    km = kaplan_meier([1.0, 2.0, 3.0, 5.0], [1, 1, 0, 1])
    np.testing.assert_allclose(km.estimate, [0.75, 0.5, 0.5, 0.0])
    assert km.median() == 3.5
    assert km.quantile(0.25) == 1.5  # S is flat at exactly 0.75 on [1, 2) too
    assert km.quantile(0.3) == 2.0  # no flat at 0.7: the first time S <= 0.7
    # an uncensored sample: the ordinary sample median, for an even and an odd count
    x = np.random.default_rng(5).exponential(2.0, size=40)
    assert kaplan_meier(x, np.ones(40)).median() == np.median(x)
    assert kaplan_meier(x[:39], np.ones(39)).median() == np.median(x[:39])


def test_a_flat_at_half_that_ends_the_curve_takes_the_last_time():
    # deaths at 1 and 2 of 4, then censored at 3 and 4: S = 3/4, 1/2, 1/2, 1/2 and no later
    # drop. R's quantile.survfit (findq, "a flat at the end of the curve") gives the midpoint
    # of where the flat starts and the last time: (2 + 4) / 2 = 3. (print.survfit's own median
    # code would print 2; quantile() and median() are the reference here.)
    km = kaplan_meier([1.0, 2.0, 3.0, 4.0], [1, 1, 0, 0])
    assert km.median() == 3.0


def test_last_observation_censored_leaves_the_upper_limit_na():
    # 10 people, deaths at 1..6, censored at 7..10: S = 0.9, 0.8, ..., 0.4, flat at 0.4 after.
    # S = 0.5 exactly on [5, 6): median (5 + 6) / 2 = 5.5.
    # Greenwood var(log S) at 6 = 1/90 + 1/72 + 1/56 + 1/42 + 1/30 + 1/20 = 0.15, so the upper
    # log band there is 0.4 exp(1.96 * 0.387) = 0.85 and never reaches 0.5: R's UCL is NA.
    # The lower band: 0.9 exp(-1.96 * 0.105) = 0.73 at 1, 0.8 exp(-1.96 * 0.158) = 0.59 at 2,
    # 0.7 exp(-1.96 * 0.207) = 0.47 at 3: R's LCL is 3.
    km = kaplan_meier(np.arange(1.0, 11.0), [1] * 6 + [0] * 4)
    np.testing.assert_allclose(km.estimate, [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4])
    assert km.std_err[5] ** 2 == pytest.approx(0.15, rel=1e-12)
    assert km.upper[5] == pytest.approx(0.4 * np.exp(stats.norm.ppf(0.975) * np.sqrt(0.15)))
    assert km.median() == 5.5
    lower, upper = km.median_ci()
    assert lower == 3.0 and np.isnan(upper)
    assert np.isinf(km.quantile(0.7))  # never as low as 0.3: inf in the model interface
    # quantile(0.7) needs the lower band at 0.3: var(log S) at 4 = 0.1 - 1/30 = 0.0667, band
    # 0.6 exp(-1.96 * 0.258) = 0.36; at 5 var = 0.1, band 0.5 exp(-1.96 * 0.316) = 0.27: LCL 5
    lower, upper = km.quantile_ci(0.7)
    assert lower == 5.0 and np.isnan(upper)
    lower, upper = km.quantile_ci(np.array([0.5, 0.7]))
    np.testing.assert_array_equal(lower, [3.0, 5.0])
    assert np.isnan(upper).all()


def test_last_observation_an_event_takes_the_curve_to_zero():
    # 4 deaths at 1, 2, 3, 4: S = 3/4, 1/2, 1/4, 0. The band is NA where S = 0 (R).
    # Lower log band at 1: 0.75 exp(-1.96 sqrt(1/12)) = 0.43 <= 0.5, so LCL = 1; the upper
    # band is 1 (capped) at 1, 2 and 3 and NA at 4, so UCL is NA.
    # rmean to 4 = (1 + 2 + 3 + 4) / 4 = 2.5; its variance by R's survmean is
    # (1.5^2) / 12 + (0.75^2) / 6 + (0.25^2) / 2 = 0.3125 (the areas after 1, 2, 3 to the
    # horizon are 1.5, 0.75, 0.25; d / (n (n - d)) = 1/12, 1/6, 1/2, and 0 where n = d).
    km = kaplan_meier([1.0, 2.0, 3.0, 4.0], [1, 1, 1, 1])
    assert km.estimate[-1] == 0 and np.isinf(km.std_err[-1])
    assert np.isnan(km.lower[-1]) and np.isnan(km.upper[-1])
    np.testing.assert_array_equal(km.upper[:3], 1.0)
    band = km.confidence_band([3.5, 4.0, 9.0])
    assert band["lower"].isna().tolist() == [False, True, True]
    assert km.median() == 2.5 and km.quantile(1.0) == 4.0
    lower, upper = km.median_ci()
    assert lower == 1.0 and np.isnan(upper)
    assert km.rmst(4.0) == km.mean() == 2.5
    assert km.rmst_se(4.0) == pytest.approx(np.sqrt(0.3125), rel=1e-12)


def test_rmst_se_of_a_complete_sample_is_that_of_the_sample_mean():
    # uncensored, horizon past the last death: the KM mean is the sample mean, and R's
    # survmean variance reduces to sum((x - mean)^2) / n^2
    x = np.random.default_rng(8).gamma(2.0, 1.5, size=300)
    km = kaplan_meier(x, np.ones(x.size))
    assert km.rmst_se(x.max() + 1) == pytest.approx(np.std(x) / np.sqrt(x.size), rel=1e-10)


def test_ties_between_events_and_censorings():
    # at 2: 5 at risk, 2 die, 1 is censored (at risk for those deaths): S = 3/5
    # at 3: 2 at risk, 1 dies, 1 censored: S = 3/5 * 1/2 = 0.3
    km = kaplan_meier([2.0, 2.0, 2.0, 3.0, 3.0], [1, 1, 0, 1, 0])
    table = km.table()
    assert table["t"].tolist() == [2.0, 3.0]
    assert table["at_risk"].tolist() == [5.0, 2.0]
    assert table["events"].tolist() == [2.0, 1.0] and table["censored"].tolist() == [1.0, 1.0]
    np.testing.assert_allclose(table["survival"], [0.6, 0.3])
    # Greenwood: 2 / (5 * 3) then + 1 / (2 * 1)
    np.testing.assert_allclose(table["std_err"] ** 2, [2 / 15, 2 / 15 + 1 / 2])
    risk = km.risk_table([0.0, 2.0, 2.5, 3.0, 4.0])
    assert risk["at_risk"].tolist() == [5.0, 5.0, 2.0, 2.0, 0.0]
    assert risk["events"].tolist() == [0.0, 2.0, 2.0, 3.0, 3.0]
    assert risk["censored"].tolist() == [0.0, 1.0, 1.0, 2.0, 2.0]


def test_entries_at_other_subjects_event_times_are_not_at_risk_then():
    # rows (entry, exit]: A (0, 1] dies, B (0, 2] dies, C (1, 3] dies, D (2, 4] censored,
    # E (0, 5] dies. At 1: A, B, E at risk (C enters at 1, not at risk): S = 2/3.
    # At 2: B, C, E (D enters at 2): S = 4/9. At 3: C, D, E: S = 8/27. At 4: D, E, no death.
    # At 5: E alone dies: S = 0. Median: the first time S <= 0.5, 2.
    km = kaplan_meier([1.0, 2, 3, 4, 5], [1, 1, 1, 0, 1], entry=[0.0, 0, 1, 2, 0])
    assert km.at_risk.tolist() == [3.0, 3.0, 3.0, 2.0, 1.0]
    np.testing.assert_allclose(km.estimate, [2 / 3, 4 / 9, 8 / 27, 8 / 27, 0.0], rtol=1e-15)
    np.testing.assert_allclose(km.std_err[:3] ** 2, [1 / 6, 2 / 6, 3 / 6])
    assert km.median() == 2.0
    # lifelines' curve follows the same rule (its event table's at_risk column does not)
    fitter = lifelines.KaplanMeierFitter().fit(
        [1, 2, 3, 4, 5], [1, 1, 1, 0, 1], entry=[0, 0, 1, 2, 0]
    )
    np.testing.assert_allclose(fitter.survival_function_at_times(km.times), km.estimate)


def test_entry_equal_to_duration_is_left_out_with_a_warning():
    with pytest.warns(UserWarning, match=r"^kaplan_meier: 1 row\(s\) have entry equal to dur"):
        km = kaplan_meier([1.0, 2.0, 3.0, 2.0], [1, 1, 0, 1], entry=[0.0, 0.0, 0.0, 2.0])
    assert km == kaplan_meier([1.0, 2.0, 3.0], [1, 1, 0], entry=[0.0, 0.0, 0.0])


# ------------------------------------------------------------------ risk table
@pytest.mark.parametrize("truncated", [False, True])
def test_risk_table_equals_counts_taken_from_the_data(truncated):
    rng = np.random.default_rng(21)
    n = 400
    exit = np.round(rng.weibull(1.3, n) * 3.0, 1) + 0.1  # rounded: many ties
    died = rng.random(n) < 0.7
    entry = np.where(rng.random(n) < 0.4, np.round(rng.uniform(0, 1, n), 1), 0.0)
    entry = np.minimum(entry, exit - 0.1) if truncated else None
    weights = rng.integers(1, 3, n).astype(float)
    km = kaplan_meier(exit, died, entry=entry, weights=weights, label="arm A")
    times = np.array([0.0, 0.05, 0.5, 1.0, 1.3, 2.0, 3.3, 5.0, 50.0])
    table = km.risk_table(times)
    assert list(table.columns) == ["group", "time", "at_risk", "events", "censored"]
    assert (table["group"] == "arm A").all() and table["time"].tolist() == times.tolist()
    for row in table.itertuples():
        # survminer / summary(fit, times=): at risk at the first tabulated time >= t
        later = exit[exit >= row.time]
        if later.size == 0:
            at_risk = 0.0
        else:
            t_next = later.min()
            start = -np.inf if entry is None else entry
            at_risk = weights[(start < t_next) & (t_next <= exit)].sum()
            if entry is None:
                assert at_risk == weights[exit >= row.time].sum()  # just before t
        assert row.at_risk == at_risk
        assert row.events == weights[died & (exit <= row.time)].sum()
        assert row.censored == weights[~died & (exit <= row.time)].sum()
    assert kaplan_meier([1.0], [1]).risk_table([0.5])["group"].tolist() == ["all"]


# ------------------------------------------------------------------ robust variance
def test_robust_variance_is_the_infinitesimal_jackknife():
    # R uses the IJ variance when a weight is not a whole number: the sum over rows of
    # (w_i d log S / d w_i)^2. Check it by finite differences of the definition's estimate.
    rng = np.random.default_rng(3)
    n = 25
    exit = np.round(rng.exponential(2.0, n), 1) + 0.1
    died = rng.random(n) < 0.75
    entry = np.where(rng.random(n) < 0.3, np.minimum(0.5, exit - 0.05), 0.0)
    w = rng.uniform(0.5, 2.0, n)
    km = kaplan_meier(exit, died, entry=entry, weights=w)
    assert km.variance == "robust"
    base = _survfit_by_definition(exit, died, entry, w)
    alive = base["survival"].to_numpy() > 0
    h = 1e-6
    gradient = np.empty((n, alive.sum()))
    for i in range(n):
        up, down = w.copy(), w.copy()
        up[i] += h
        down[i] -= h
        s_up = _survfit_by_definition(exit, died, entry, up)["survival"].to_numpy()[alive]
        s_down = _survfit_by_definition(exit, died, entry, down)["survival"].to_numpy()[alive]
        gradient[i] = w[i] * (np.log(s_up) - np.log(s_down)) / (2 * h)
    np.testing.assert_allclose(km.std_err[alive], np.sqrt((gradient**2).sum(axis=0)), rtol=1e-5)


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda km: km.quantile_ci(0.5, conf_type="logit"),
            r"^quantile_ci: conf_type 'logit' is unknown; choose 'log' \(R's default\), "
            r"'log-log' \(lifelines' default\) or 'plain'$",
        ),
        (
            lambda km: km.median_ci(level=1.5),
            r"^quantile_ci level must lie strictly between 0 and 1 \(got 1\.5\)$",
        ),
        (
            lambda km: km.confidence_band([1.0], level=0.0),
            r"^confidence_band level must lie strictly between 0 and 1 \(got 0(\.0)?\)$",
        ),
        (
            lambda km: km.median_ci(level="95%"),
            r"^quantile_ci: level must be a number between 0 and 1 \(got '95%'\)$",
        ),
        (
            lambda km: km.risk_table([0.0, -1.0]),
            r"^risk_table times: time -1 at position 1 is negative; times are years since",
        ),
        (
            lambda km: km.risk_table([np.nan]),
            r"^risk_table times: NaN at position 0; drop or fill missing times first$",
        ),
        (lambda km: km.rmst_se(-2.0), r"^horizon: time -2 at position 0 is negative"),
        (lambda km: km.quantile_ci(1.5), r"^p: .*1\.5.* at position 0 is not a probability"),
        (
            lambda km: kaplan_meier([1.0, 2.0], [1, 0], conf_type="log_log"),
            r"^kaplan_meier: conf_type 'log_log' is unknown; choose 'log'",
        ),
    ],
)
def test_bad_input_gets_one_line_naming_the_fix(call, message):
    km = kaplan_meier([1.0, 2.0, 3.0, 4.0], [1, 0, 1, 1])
    with pytest.raises(InputError, match=message) as caught:
        call(km)
    assert "\n" not in str(caught.value)
