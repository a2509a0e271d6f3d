"""The MixedLM slope reference: recovery of known variance components, the log-likelihood it
reaches against statsmodels' default optimiser, and agreement with two-stage slopes where the two
estimators are the same (balanced, complete visits)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from statsmodels.regression.mixed_linear_model import MixedLM
from trials_testdata import WEEKS_PER_YEAR, survival_trials, visit_trials

from alsprog.trials import fit_slope_mixed, slope, slope_mixed

WEEKS_PER_MONTH = WEEKS_PER_YEAR / 12


def _arrays(visits):
    return (
        visits["patient_id"].to_numpy(),
        visits["weeks_on_study"].to_numpy() / WEEKS_PER_MONTH,
        visits["alsfrs_r"].to_numpy(dtype=float),
        (visits["arm"] == "treatment").to_numpy(),
    )


def test_known_variance_components_are_recovered():
    rng = np.random.default_rng(11)
    patients = survival_trials(rng, 1, 120, followup=2.0, dropout_per_year=0.01, scale=20.0)
    truth = {"intercept_sd": 5.0, "slope_sd": 0.5, "correlation": -0.3, "residual_sd": 1.5}
    visits = visit_trials(
        rng,
        patients,
        intercept=(38.0, truth["intercept_sd"]),
        slope_per_month=(-1.0, truth["slope_sd"]),
        correlation=truth["correlation"],
        noise_sd=truth["residual_sd"],
        interval_weeks=8,
        slope_effect=0.3,
        integer=False,
    )
    fit = fit_slope_mixed(*_arrays(visits))
    # standard errors here: about 5% for the two SDs, 0.06 for the correlation, 2% for noise
    assert fit.converged
    assert fit.intercept_sd == pytest.approx(truth["intercept_sd"], rel=0.2)
    assert fit.slope_sd == pytest.approx(truth["slope_sd"], rel=0.2)
    assert fit.correlation == pytest.approx(truth["correlation"], abs=0.2)
    assert fit.residual_sd == pytest.approx(truth["residual_sd"], rel=0.08)
    assert fit.mean_slope_control == pytest.approx(-1.0, abs=4 * 0.5 / np.sqrt(120))
    assert abs(fit.estimate - 0.3) < 4 * fit.se


def test_the_fit_reaches_at_least_the_default_optimisers_log_likelihood():
    rng = np.random.default_rng(5)
    patients = survival_trials(rng, 1, 40)  # deaths and dropouts: unbalanced visits
    visits = visit_trials(rng, patients, slope_per_month=(-0.9, 0.6), correlation=0.4)
    ours = fit_slope_mixed(*_arrays(visits))
    patient, months, score, treated = _arrays(visits)
    x = treated.astype(float)
    model = MixedLM(
        score,
        np.column_stack([np.ones_like(months), months, x, months * x]),
        groups=patient,
        exog_re=np.column_stack([np.ones_like(months), months]),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        others = [model.fit(reml=True), model.fit(reml=True, method="lbfgs")]
    assert ours.converged
    for other in others:
        assert ours.loglik >= other.llf - 1e-6


def test_on_balanced_complete_visits_mixed_and_two_stage_agree():
    # With every patient seen at the same weeks, generalised least squares is ordinary least
    # squares whatever the covariance, and the OLS slope difference is the difference of the
    # arms' mean per-patient slopes: the two analyses must give the same estimate.
    rng = np.random.default_rng(3)
    patients = survival_trials(rng, 1, 40, scale=50.0, dropout_per_year=1e-9)
    patients["time_on_study"] = 1.0
    patients["event"] = 0
    visits = visit_trials(rng, patients, interval_weeks=8, slope_effect=0.2)
    mixed = slope_mixed(patients, visits).iloc[0]
    two_stage = slope(patients, visits).iloc[0]
    assert mixed["estimate"] == pytest.approx(two_stage["estimate"], abs=1e-6)
    assert mixed["n_analysed"] == two_stage["n_analysed"] == 80
