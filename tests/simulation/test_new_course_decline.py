"""The population-based decline measure (van Eijk et al. 2025's reading): each patient's
least-squares slope over the visits they were seen at, against numpy's polyfit patient by
patient; the patients' rates as a mixed model estimates them, against statsmodels' MixedLM; and
the summary against a closed form."""

from __future__ import annotations

import numpy as np

from alsprog.simulation.course_decline import (
    decline_slopes,
    min_visits,
    patient_rates,
    population_decline,
    population_visits,
)


def test_each_slope_is_the_least_squares_fit_of_the_visits_seen():
    rng = np.random.default_rng(5)
    t, months = population_visits(rng.uniform(0.5, 2.0, size=300))
    assert months.tolist() == [0, 3, 6, 9, 12, 15, 18, 21, 24] and t.shape == (300, 9)
    scores = rng.integers(0, 49, size=t.shape)
    seen = np.arange(9)[None, :] < rng.integers(1, 10, size=300)[:, None]  # alive until a visit
    slope = decline_slopes(scores, months, seen)
    for i in range(300):
        if seen[i].sum() < min_visits():
            assert np.isnan(slope[i])
        else:
            fitted = np.polyfit(months[seen[i]], scores[i, seen[i]], 1)[0]
            np.testing.assert_allclose(slope[i], -fitted, rtol=1e-9, atol=1e-12)


def test_a_straight_decline_gives_its_rate_and_the_summary_its_quantiles():
    """Straight lines: no residual, so nothing is shrunk and the rates are the slopes."""
    rates = np.linspace(0.0, 2.0, 201)  # points lost per month
    months = np.arange(0.0, 25.0, 3.0)
    scores = 48.0 - rates[:, None] * months[None, :]
    seen = np.ones(scores.shape, dtype=bool)
    seen[0, 2:] = False  # two visits: no slope, left out of the summary
    out = population_decline(scores, months, seen)
    np.testing.assert_allclose(out["alsfrs_r_decline_24_months_mean"], rates[1:].mean())
    for name, q in (("p025", 0.025), ("p975", 0.975)):
        np.testing.assert_allclose(
            out[f"alsfrs_r_decline_24_months_{name}"], np.quantile(rates[1:], q)
        )
    nobody = population_decline(scores, months, np.zeros(scores.shape, dtype=bool))
    assert all(np.isnan(v) for v in nobody.values())


def test_patient_rates_are_a_mixed_models_estimates():
    """Against statsmodels' MixedLM (random intercept and slope, REML) on patients drawn from
    that model (rates normal, mean 0.9 and SD 0.45 points a month, visit noise SD 1.5 points,
    followed for 2-8 visits): the method-of-moments shrinkage gives each patient nearly
    MixedLM's predicted rate (correlation > 0.98, the 2.5th and 97.5th percentiles within 0.05
    points a month), and narrower than the raw slopes."""
    import warnings

    import pandas as pd
    import statsmodels.formula.api as smf

    rng = np.random.default_rng(3)
    n, months = 300, np.arange(0.0, 25.0, 3.0)
    rate, start = rng.normal(0.9, 0.45, n), rng.normal(40.0, 3.0, n)
    seen = np.arange(9)[None, :] <= rng.integers(2, 9, n)[:, None]
    scores = start[:, None] - rate[:, None] * months + rng.normal(0.0, 1.5, (n, 9))
    ours = patient_rates(scores, months, seen)
    i, j = np.nonzero(seen)
    visits = pd.DataFrame({"patient": i, "month": months[j], "score": scores[i, j]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MixedLM's convergence chatter
        fit = smf.mixedlm(
            "score ~ month", visits, groups=visits["patient"], re_formula="~month"
        ).fit(reml=True)
    theirs = np.array(
        [-(fit.fe_params["month"] + fit.random_effects[k]["month"]) for k in range(n)]
    )
    assert np.corrcoef(ours, theirs)[0, 1] > 0.98
    for q in (0.025, 0.975):
        assert abs(np.quantile(ours, q) - np.quantile(theirs, q)) < 0.05
    raw = decline_slopes(scores, months, seen)
    assert np.quantile(ours, 0.975) < np.quantile(raw, 0.975)
    assert np.quantile(ours, 0.025) > np.quantile(raw, 0.025)


def test_the_calibration_cohort_reads_the_decline_a_wired_cohort_shows():
    """The measure on the calibration's stand-in cohort against the same reading of a cohort
    from ``simulate_cohort`` (entry at diagnosis, visits every 3 months, scored with visit noise,
    slopes by pandas, not by ``decline_slopes``): the mean within 0.05 points a month (Monte
    Carlo SE of the difference about 0.013; the visit noise's rounding at the scale's ends moves
    it by about as much), the rates' percentiles within 0.15."""
    from alsprog import simulate_cohort
    from alsprog.simulation.course_moments import simulated_moments, stand_in_draws
    from alsprog.simulation.progression_settings import ProgressionSettings

    visits = simulate_cohort(6000, seed=5, entry="diagnosis").visits
    visits = visits[visits["months_since_entry"] <= 24 + 1e-9]
    by = visits.groupby("patient_id")
    dx = visits["months_since_entry"] - by["months_since_entry"].transform("mean")
    dy = visits["alsfrs_r"] - by["alsfrs_r"].transform("mean")
    sxy = (dx * dy).groupby(visits["patient_id"]).sum()
    sxx = (dx**2).groupby(visits["patient_id"]).sum()
    enough = by.size() >= min_visits()
    wired = -(sxy / sxx)[enough]
    moments = simulated_moments(ProgressionSettings.default(), stand_in_draws(6000, 5))
    assert abs(moments["alsfrs_r_decline_24_months_mean"] - wired.mean()) < 0.05
    # the wired cohort's rates as a mixed model reads them, written out with pandas
    residual = dy - (sxy / sxx).reindex(visits["patient_id"]).to_numpy() * dx
    rss = (residual**2).groupby(visits["patient_id"]).sum()[enough]
    sampling = (rss.sum() / (by.size()[enough] - 2).sum()) / sxx[enough]
    spread = wired.var(ddof=0) - sampling.mean()
    rates = wired.mean() + spread / (spread + sampling) * (wired - wired.mean())
    for name, q in (("p025", 0.025), ("p975", 0.975)):
        assert abs(moments[f"alsfrs_r_decline_24_months_{name}"] - rates.quantile(q)) < 0.15
