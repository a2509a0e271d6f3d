"""fit() against lifelines' fitters, an independent Gompertz likelihood, and simulated truths."""

import math
import warnings

import lifelines
import numpy as np
import pandas as pd
import pytest
from scipy import optimize
from statsmodels.tools.numdiff import approx_fprime, approx_hess2

from alsprog.errors import InputError
from alsprog.estimation.fitting import _covariance, _objective, fit
from alsprog.estimation.likelihood import INVALID
from alsprog.models import (
    Exponential,
    GeneralizedGamma,
    Gompertz,
    LogLogistic,
    LogNormal,
    Mixture,
    PiecewiseExponential,
    Spline,
    Weibull,
)
from alsprog.models.registry import family_spec
from alsprog.models.survival_data import check_survival_data

TIMES = np.array([0.5, 1.0, 2.0, 4.0, 8.0])


def censored(model, n, seed, censor_mean=6.0):
    """Death times from ``model``, independently censored by an exponential (mean in years)."""
    rng = np.random.default_rng(seed)
    death = model.sample(n, rng)
    censor = rng.exponential(censor_mean, n)
    return np.minimum(death, censor), (death <= censor).astype(int)


def truncated(model, n, seed):
    """Left-truncated, right-censored rows with integer case weights: (t, d, entry, weights).

    Patients enter uniformly within 1.5 years of onset and are seen only if alive then.
    """
    rng = np.random.default_rng(seed)
    death, entry = model.sample(n, rng), rng.uniform(0.0, 1.5, n)
    seen = death > entry
    death, entry = death[seen], entry[seen]
    censor = entry + rng.exponential(5.0, entry.size)
    weights = rng.integers(1, 4, entry.size)
    return np.minimum(death, censor), (death <= censor).astype(int), entry, weights


TRUTH = GeneralizedGamma(mu=1.0, sigma=0.6, q=0.5)
DATA = {
    "censored": (*censored(TRUTH, 2000, 11), None, None),
    "truncated": truncated(TRUTH, 2200, 12),
}


def lifelines_fitter(family, t, d):
    events = t[d == 1]
    if family == "piecewise_exponential":
        return lifelines.PiecewiseExponentialFitter(np.percentile(events, [100 / 3, 200 / 3]))
    if family == "spline":
        return lifelines.SplineFitter(np.percentile(events, [0, 50, 100]))
    return {
        "exponential": lifelines.ExponentialFitter,
        "weibull": lifelines.WeibullFitter,
        "lognormal": lifelines.LogNormalFitter,
        "loglogistic": lifelines.LogLogisticFitter,
        "generalized_gamma": lifelines.GeneralizedGammaFitter,
    }[family]()


def on_lifelines_scale(family, model):
    """(our estimates, our standard errors) in the order and on the scale of lifelines' params_."""
    est = np.array(model.fit_info.estimates)
    se = np.array(model.fit_info.standard_errors)
    if family in ("exponential", "piecewise_exponential"):  # lifelines: lambda = 1 / rate
        return 1 / est, se / est**2
    if family in ("weibull", "loglogistic"):  # lifelines: (scale, shape)
        return est[::-1], se[::-1]
    if family == "generalized_gamma":  # lifelines: (mu, log sigma, lambda = q)
        return (
            np.array([est[0], math.log(est[1]), est[2]]),
            np.array([se[0], se[1] / est[1], se[2]]),
        )
    return est, se  # lognormal (mu, sigma); spline (the same basis: phi_j = gamma_j)


@pytest.mark.parametrize("data", ["censored", "truncated"])
@pytest.mark.parametrize(
    "family",
    [
        "exponential",
        "weibull",
        "lognormal",
        "loglogistic",
        "generalized_gamma",
        "piecewise_exponential",
        "spline",
    ],
)
def test_agrees_with_lifelines(family, data):
    t, d, entry, weights = DATA[data]
    ours = fit(family, t, d, entry, weights)
    theirs = lifelines_fitter(family, t, d)
    start = None
    if family == "spline":  # lifelines' default start (0.01, ...) stalls with delayed entry
        weibull = lifelines.WeibullFitter().fit(t, d, entry=entry, weights=weights)
        rho, lam = weibull.rho_, weibull.lambda_
        start = np.array([-rho * math.log(lam), rho, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.fit(t, d, entry=entry, weights=weights, initial_point=start)
    # lifelines' log_likelihood_ has the same terms: sum w [d log h(t) - H(t) + H(entry)]
    assert ours.fit_info.log_likelihood == pytest.approx(theirs.log_likelihood_, rel=1e-8)
    np.testing.assert_allclose(
        ours.survival(TIMES), theirs.survival_function_at_times(TIMES).to_numpy(), atol=1e-4
    )
    estimates, errors = on_lifelines_scale(family, ours)
    np.testing.assert_allclose(estimates, theirs.params_.to_numpy(), rtol=2e-3, atol=1e-4)
    np.testing.assert_allclose(
        errors, np.sqrt(np.diag(theirs.variance_matrix_.to_numpy())), rtol=0.01
    )


def gompertz_log_likelihood(shape, rate, t, d, entry):
    """Closed form: sum d (log rate + shape t) - rate / shape (e^{shape t} - e^{shape entry})."""
    return float(
        np.sum(
            d * (math.log(rate) + shape * t)
            - rate / shape * (np.exp(shape * t) - np.exp(shape * entry))
        )
    )


def test_gompertz_agrees_with_a_direct_fit_of_its_closed_form():
    t, d, entry, _ = truncated(Gompertz(shape=0.35, rate=0.12), 2000, 5)

    def minus(x):
        return -gompertz_log_likelihood(x[0], math.exp(x[1]), t, d, entry)

    direct = optimize.minimize(
        minus,
        [0.1, math.log(0.1)],
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 4000},
    )
    shape, rate = direct.x[0], math.exp(direct.x[1])
    model = fit("gompertz", t, d, entry)
    assert model.fit_info.log_likelihood == pytest.approx(-direct.fun, rel=1e-9)
    np.testing.assert_allclose(model.fit_info.estimates, [shape, rate], rtol=1e-4)
    hessian = approx_hess2(
        np.array([shape, rate]), lambda x: -gompertz_log_likelihood(x[0], x[1], t, d, entry)
    )
    np.testing.assert_allclose(
        model.fit_info.standard_errors, np.sqrt(np.diag(np.linalg.inv(hessian))), rtol=0.01
    )


RECOVERY = [
    ("exponential", Exponential(rate=0.3), {}),
    ("weibull", Weibull(shape=1.5, scale=3.0), {}),
    ("gompertz", Gompertz(shape=0.3, rate=0.1), {}),
    ("gompertz", Gompertz(shape=-0.4, rate=0.5), {}),  # a cured fraction exp(-1.25)
    ("lognormal", LogNormal(mu=1.0, sigma=0.7), {}),
    ("loglogistic", LogLogistic(shape=2.5, scale=2.5), {}),
    ("generalized_gamma", GeneralizedGamma(mu=1.0, sigma=0.6, q=0.5), {}),
    ("generalized_gamma", GeneralizedGamma(mu=0.8, sigma=0.5, q=-0.6), {}),
    (
        "piecewise_exponential",
        PiecewiseExponential((1.0, 3.0), (0.1, 0.3, 0.5)),
        {"breakpoints": (1.0, 3.0)},
    ),
    ("spline", Spline((0.4, 2.2, 9.0), (-2.2, 2.6, 0.15)), {"knots": (0.4, 2.2, 9.0)}),
    ("mixture", Mixture((Weibull(2.0, 1.2), Weibull(1.5, 5.0)), (0.6, 0.4)), {}),
]


def truth_parameters_for(family, truth):
    """The truth in the order of ``fit_info.parameter_names``."""
    if family == "mixture":
        return [*truth.weights[1:], *(v for c in truth.components for v in c.parameters.values())]
    if family == "piecewise_exponential":
        return list(truth.rates)
    if family == "spline":
        return list(truth.gammas)
    return list(truth.parameters.values())


@pytest.mark.parametrize(
    ("family", "truth", "options"),
    RECOVERY,
    ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(RECOVERY)],
)
def test_recovers_simulated_parameters(family, truth, options):
    t, d = censored(truth, 4000, seed=len(family) + 7, censor_mean=8.0)
    model = fit(family, t, d, **options)
    info = model.fit_info
    truth_values = np.array(truth_parameters_for(family, truth))
    z = (np.array(info.estimates) - truth_values) / np.array(info.standard_errors)
    assert np.all(np.abs(z) < 4), dict(zip(info.parameter_names, z.round(2), strict=True))


def test_left_truncation_recovers_the_truth_where_ignoring_it_does_not():
    truth = Weibull(shape=1.5, scale=3.0)
    t, d, entry, weights = truncated(truth, 4000, 21)
    model = fit("weibull", t, d, entry, weights)
    z = (np.array(model.fit_info.estimates) - [1.5, 3.0]) / model.fit_info.standard_errors
    assert np.all(np.abs(z) < 4)
    naive = fit("weibull", t, d, None, weights)  # survivors to entry look long-lived
    assert naive.scale > model.scale + 4 * model.fit_info.standard_errors[1]


def test_case_weights_equal_repeated_rows():
    t, d, entry, weights = DATA["truncated"]
    weighted = fit("loglogistic", t, d, entry, weights)
    repeated = fit("loglogistic", *(np.repeat(x, weights) for x in (t, d, entry)))
    assert weighted.fit_info.log_likelihood == pytest.approx(
        repeated.fit_info.log_likelihood, rel=1e-10
    )
    np.testing.assert_allclose(weighted.fit_info.estimates, repeated.fit_info.estimates, rtol=1e-6)
    np.testing.assert_allclose(
        weighted.fit_info.standard_errors, repeated.fit_info.standard_errors, rtol=1e-4
    )
    assert weighted.fit_info.n_observations == weights.sum() == repeated.fit_info.n_observations


def test_fit_info_describes_the_fit():
    t, d, entry, weights = DATA["truncated"]
    model = fit("weibull", t, d, entry, weights)
    info = model.fit_info
    assert info.method == "individual" and info.converged
    assert info.parameter_names == ("shape", "scale")
    assert info.estimates == (model.shape, model.scale)
    assert info.aic == pytest.approx(4 - 2 * info.log_likelihood)
    assert info.n_events == float(weights[d == 1].sum())
    assert info.build(info.unconstrained) == model
    draws = info.draw_models(200, np.random.default_rng(0))
    shapes = np.array([m.shape for m in draws])
    assert np.std(shapes) == pytest.approx(info.standard_errors[0], rel=0.2)


def test_default_knots_and_breakpoints_follow_lifelines():
    t, d, _, _ = DATA["censored"]
    events = t[d == 1]
    spline = fit("spline", t, d)
    np.testing.assert_allclose(spline.knots, np.percentile(events, [0, 50, 100]))
    pieces = fit("piecewise_exponential", t, d)
    np.testing.assert_allclose(pieces.breakpoints, np.percentile(events, [100 / 3, 200 / 3]))


LIKELIHOOD_CASES = [
    ("exponential", {}),
    ("weibull", {}),
    ("gompertz", {}),
    ("lognormal", {}),
    ("loglogistic", {}),
    ("generalized_gamma", {}),
    ("piecewise_exponential", {"breakpoints": (1.0, 3.0)}),
    ("spline", {"knots": (0.4, 2.2, 9.0)}),
    ("mixture", {"components": ("weibull", "lognormal")}),
]


@pytest.mark.parametrize(("family", "options"), LIKELIHOOD_CASES)
def test_likelihood_matches_the_models_formulas_and_its_gradient(family, options):
    t, d, entry, weights = DATA["truncated"]
    data = check_survival_data("fit", t, d, entry, weights)
    spec = family_spec(family, **options)
    rows = (data.durations, data.died, data.entry, data.weights)
    nll = _objective(spec, *rows, {"components": ("weibull", "weibull"), **options})
    theta = spec.starts(2.5, 0.6)[0] + 0.05
    model = spec.build(theta)
    if family == "mixture":
        expected = np.sum(
            weights
            * (
                d * np.log(model.density(t))
                + (1 - d) * np.log(model.survival(t))
                - np.log(model.survival(entry))
            )
        )
    else:
        expected = np.sum(
            weights
            * (
                d * np.log(model.hazard(t))
                - model.cumulative_hazard(t)
                + model.cumulative_hazard(entry)
            )
        )
    assert -nll.value(theta) == pytest.approx(expected, rel=1e-10)
    _, gradient = nll(theta)
    numeric = approx_fprime(theta, lambda th: nll.value(th) / nll.total_weight, centered=True)
    numeric = np.ravel(numeric)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-7)


def test_a_singular_hessian_gives_no_covariance():
    class Flat:  # depends on theta[0] only
        def value(self, theta):
            return float(theta[0] ** 2)

    assert _covariance(Flat(), np.array([0.0, 1.0])) is None


T4, D4 = [1.0, 2.0, 3.0, 4.0], [1, 0, 1, 1]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"event_observed": [0, 0, 0, 0]}, r"no deaths among the 4 rows"),
        ({"event_observed": [1, 0, 0, 0], "weights": [0, 1, 1, 1]}, r"no deaths among the 4 rows"),
        ({"family": "weibul"}, r"family 'weibul' is unknown; choose one of"),
        ({"durations": [0.0, 2.0, 3.0, 4.0]}, r"death at duration 0 at position 0; a weibull"),
        ({"knots": (1.0, 2.0)}, r"knots apply to the spline family only"),
        ({"breakpoints": (1.0,)}, r"breakpoints apply to piecewise_exponential only"),
        ({"family": "spline", "knots": (2.0, 1.0)}, r"spline knots \(2, 1\) must be two or more"),
        (
            {"family": "piecewise_exponential", "breakpoints": (1.5, 1.8)},
            r"no deaths between 1.5 and 1.8 years",
        ),
        (
            {"family": "mixture", "components": ("weibull", "spline")},
            r"mixture components \('weibull', 'spline'\) must be one or more of exponential",
        ),
        (
            {"family": "piecewise_exponential", "breakpoints": (0.0, 2.0)},
            r"breakpoints \(0, 2\) must be increasing times above 0",
        ),
    ],
)
def test_bad_input_is_refused_with_one_line(kwargs, match):
    arguments = {"family": "weibull", "durations": T4, "event_observed": D4, **kwargs}
    with pytest.raises(InputError, match=match) as caught:
        fit(**arguments)
    assert "\n" not in str(caught.value)


def test_a_death_at_time_zero_is_fine_where_the_hazard_is_finite():
    model = fit("exponential", [0.0, 1.0, 2.0, 3.0], [1, 1, 0, 1])
    assert model.rate == pytest.approx(3 / 6)  # deaths / person-years


def test_a_theta_without_a_model_scores_invalid_instead_of_raising():
    t, d, entry, weights = DATA["truncated"]
    spec = family_spec("spline", knots=(0.4, 2.2, 9.0))
    data = check_survival_data("fit", t, d, entry, weights)
    rows = (data.durations, data.died, data.entry, data.weights)
    nll = _objective(spec, *rows, {"knots": (0.4, 2.2, 9.0)})
    falling = np.array([0.0, -1.0, 0.0])  # log cumulative hazard decreasing in log time
    value, gradient = nll(falling)
    assert value == INVALID and not gradient.any()
    assert nll.value(falling) == math.inf


def test_booleans_and_pandas_input_give_the_same_fit():
    t, d, _, _ = DATA["censored"]
    as_ints = fit("lognormal", t, d)
    as_frame = pd.DataFrame({"t": t, "dead": d.astype(bool)})
    as_bools = fit("lognormal", as_frame["t"], as_frame["dead"])
    assert as_bools.fit_info.estimates == as_ints.fit_info.estimates
