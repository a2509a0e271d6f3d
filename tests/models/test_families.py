"""Each family against scipy.stats (an independent implementation) and its nested cases."""

import numpy as np
import pytest
from scipy import integrate, stats

from alsprog.errors import InputError
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

T = np.array([0.25, 1.0, 3.0, 10.0])
P = np.array([0.1, 0.5, 0.9])


def gengamma_reference(mu, sigma, q):
    # T = exp(mu) * (G / g) ** (sigma / q), G ~ Gamma(g = 1 / q**2): scipy's gengamma(a, c, scale)
    return stats.gengamma(a=1 / q**2, c=q / sigma, scale=np.exp(mu) * (q * q) ** (sigma / q))


REFERENCES = [
    (Exponential(rate=0.3), stats.expon(scale=1 / 0.3)),
    (Weibull(shape=1.4, scale=4.0), stats.weibull_min(c=1.4, scale=4.0)),
    (Weibull(shape=0.7, scale=2.0), stats.weibull_min(c=0.7, scale=2.0)),
    (LogNormal(mu=1.1, sigma=0.8), stats.lognorm(s=0.8, scale=np.exp(1.1))),
    (Gompertz(shape=0.3, rate=0.2), stats.gompertz(c=0.2 / 0.3, scale=1 / 0.3)),
    (LogLogistic(shape=2.5, scale=3.0), stats.fisk(c=2.5, scale=3.0)),
    (GeneralizedGamma(1.0, 0.5, 0.7), gengamma_reference(1.0, 0.5, 0.7)),
    (GeneralizedGamma(1.0, 0.5, -0.7), gengamma_reference(1.0, 0.5, -0.7)),
    (GeneralizedGamma(0.8, 1.2, 2.0), gengamma_reference(0.8, 1.2, 2.0)),
]


@pytest.mark.parametrize("model, reference", REFERENCES, ids=lambda m: repr(m)[:40])
def test_agrees_with_scipy(model, reference):
    np.testing.assert_allclose(model.survival(T), reference.sf(T), rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(model.hazard(T), reference.pdf(T) / reference.sf(T), rtol=1e-8)
    np.testing.assert_allclose(model.density(T), reference.pdf(T), rtol=1e-8)
    np.testing.assert_allclose(model.quantile(P), reference.ppf(P), rtol=1e-9)
    np.testing.assert_allclose(model.mean(), reference.mean(), rtol=1e-7)
    assert model.median() == pytest.approx(reference.median(), rel=1e-9)


@pytest.mark.parametrize("model, reference", REFERENCES, ids=lambda m: repr(m)[:40])
def test_rmst_is_the_integral_of_survival(model, reference):
    for horizon in (0.5, 2.0, 7.0):
        expected, _ = integrate.quad(reference.sf, 0, horizon, epsabs=1e-12)
        assert model.rmst(horizon) == pytest.approx(expected, rel=1e-7)


def test_scalars_in_scalars_out_and_shapes_kept():
    model = Weibull(1.4, 4.0)
    assert isinstance(model.survival(2.0), float)
    assert isinstance(model.quantile(0.3), float)
    assert model.survival(np.ones((2, 3))).shape == (2, 3)
    assert model.rmst([1.0, 2.0]).shape == (2,)


def test_gompertz_nests_the_exponential_and_allows_a_cured_share():
    near_zero = Gompertz(shape=1e-9, rate=0.4)
    np.testing.assert_allclose(near_zero.survival(T), Exponential(0.4).survival(T), rtol=1e-7)
    assert Gompertz(shape=0.0, rate=0.4).quantile(0.5) == pytest.approx(np.log(2) / 0.4)
    fading = Gompertz(shape=-0.5, rate=0.2)
    cured = np.exp(0.2 / -0.5)  # S(inf) = exp(rate / shape) for shape < 0
    assert fading.cure_fraction() == pytest.approx(cured)
    assert fading.survival(1e4) == pytest.approx(cured)
    assert fading.quantile(0.99) == np.inf and fading.mean() == np.inf
    assert fading.quantile(0.5 * (1 - cured)) < np.inf
    # a subnormal shape (found by Hypothesis): shape * t would be quantised to a few ulps of
    # the smallest float; the model is then the exponential, to double precision
    for shape in (5e-324, -5e-324, 1e-250):
        tiny = Gompertz(shape=shape, rate=0.5)
        np.testing.assert_allclose(tiny.survival(T), Exponential(0.5).survival(T), rtol=1e-14)
        assert tiny.quantile(1 - np.exp(-1.5)) == pytest.approx(3.0, rel=1e-12)


def test_generalized_gamma_nests_weibull_and_lognormal():
    sigma, mu = 0.6, 1.2
    weibull = Weibull(shape=1 / sigma, scale=np.exp(mu))
    np.testing.assert_allclose(
        GeneralizedGamma(mu, sigma, 1.0).survival(T), weibull.survival(T), rtol=1e-10
    )
    np.testing.assert_allclose(
        GeneralizedGamma(mu, sigma, 1e-7).survival(T), LogNormal(mu, sigma).survival(T), rtol=1e-9
    )
    np.testing.assert_allclose(
        GeneralizedGamma(mu, sigma, 2e-3).survival(T), LogNormal(mu, sigma).survival(T), atol=2e-3
    )


def test_spline_with_two_knots_is_a_weibull():
    shape, scale = 1.3, 3.5
    spline = Spline(knots=(1.0, 10.0), gammas=(-shape * np.log(scale), shape))
    reference = Weibull(shape, scale)
    np.testing.assert_allclose(spline.survival(T), reference.survival(T), rtol=1e-12)
    np.testing.assert_allclose(spline.hazard(T), reference.hazard(T), rtol=1e-12)
    np.testing.assert_allclose(spline.quantile(P), reference.quantile(P), rtol=1e-10)


def test_spline_basis_matches_the_royston_parmar_definition():
    knots = np.log([0.5, 2.0, 4.0, 12.0])
    gammas = (-1.5, 1.2, 0.05, -0.04)
    model = Spline(tuple(np.exp(knots)), gammas)
    x = np.log(T)
    a, b = knots[0], knots[-1]

    def v(k):  # written out from Royston & Parmar (Stat Med 2002), eq. for natural cubic splines
        lam = (b - k) / (b - a)
        cube = lambda z: np.maximum(z, 0) ** 3  # noqa: E731
        return cube(x - k) - lam * cube(x - a) - (1 - lam) * cube(x - b)

    log_h = gammas[0] + gammas[1] * x + gammas[2] * v(knots[1]) + gammas[3] * v(knots[2])
    np.testing.assert_allclose(model.cumulative_hazard(T), np.exp(log_h), rtol=1e-12)


def test_spline_refuses_a_decreasing_cumulative_hazard():
    with pytest.raises(InputError, match="must increase with log time"):
        Spline((1.0, 3.0, 10.0), (0.0, -0.5, 0.0))


def test_piecewise_exponential_closed_forms():
    model = PiecewiseExponential(breakpoints=(1.0, 3.0), rates=(0.1, 0.3, 0.5))
    # S(4) = exp(-(0.1*1 + 0.3*2 + 0.5*1))
    assert model.survival(4.0) == pytest.approx(np.exp(-1.2))
    assert model.hazard(2.0) == 0.3 and model.hazard(3.0) == 0.5
    expected, _ = integrate.quad(lambda s: model.survival(s), 0, 10, points=[1, 3])
    assert model.rmst(10.0) == pytest.approx(expected, rel=1e-9)
    np.testing.assert_allclose(model.survival(model.quantile(P)), 1 - P, rtol=1e-12)
    with pytest.raises(InputError, match="one rate more than breakpoints"):
        PiecewiseExponential((1.0,), (0.1,))


def test_mixture_is_the_weighted_sum_and_samples_by_component():
    a, b = Weibull(2.0, 2.0), LogNormal(2.0, 0.5)
    model = Mixture((a, b), (0.7, 0.3))
    np.testing.assert_allclose(model.survival(T), 0.7 * a.survival(T) + 0.3 * b.survival(T))
    density = 0.7 * a.density(T) + 0.3 * b.density(T)
    np.testing.assert_allclose(model.hazard(T), density / model.survival(T), rtol=1e-12)
    assert model.mean() == pytest.approx(0.7 * a.mean() + 0.3 * b.mean())
    np.testing.assert_allclose(model.survival(model.quantile(P)), 1 - P, rtol=1e-10)
    with pytest.raises(InputError, match="must sum to 1"):
        Mixture((a, b), (0.7, 0.2))


@pytest.mark.parametrize(
    "bad, message",
    [
        (lambda: Weibull(-1.0, 2.0), "Weibull shape must be above 0"),
        (lambda: Weibull(1.0, float("nan")), "must be a finite number"),
        (lambda: LogNormal(1.0, 0.0), "sigma must be above 0"),
        (lambda: Weibull(1.0, 1.0).survival([1.0, -2.0]), "negative"),
        (lambda: Weibull(1.0, 1.0).survival([np.nan]), "NaN"),
        (lambda: Weibull(1.0, 1.0).quantile(1.5), "not a probability"),
        (lambda: Weibull(1.0, 1.0).sample(10, rng=None), "numpy Generator"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(bad, message):
    with pytest.raises(InputError, match=message):
        bad()
