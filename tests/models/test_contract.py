"""Every family through the same identities, with hypothesis drawing the parameters."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import integrate

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

positive = st.floats(0.3, 3.0)
scale = st.floats(0.5, 10.0)

MODELS = st.one_of(
    st.builds(Exponential, st.floats(0.05, 2.0)),
    st.builds(Weibull, positive, scale),
    st.builds(Gompertz, st.floats(-0.5, 0.8), st.floats(0.05, 1.0)),
    st.builds(LogNormal, st.floats(-0.5, 2.5), st.floats(0.3, 1.5)),
    st.builds(LogLogistic, st.floats(1.2, 4.0), scale),
    st.builds(
        GeneralizedGamma,
        st.floats(0.0, 2.0),
        st.floats(0.3, 1.2),
        st.sampled_from([-1.0, -0.4, 0.3, 1.0, 1.6]),
    ),
    st.builds(
        lambda r: PiecewiseExponential((1.0, 4.0), tuple(r)),
        st.lists(st.floats(0.05, 1.5), min_size=3, max_size=3),
    ),
    st.builds(
        lambda g0, g1: Spline((0.5, 3.0, 12.0), (g0, g1, 0.01)),
        st.floats(-3.0, 0.0),
        st.floats(0.8, 2.5),
    ),
    st.builds(
        lambda w, s1, s2: Mixture((Weibull(1.5, s1), LogNormal(np.log(s2), 0.6)), (w, 1 - w)),
        st.floats(0.05, 0.95),
        scale,
        scale,
    ),
)
GRID = np.concatenate([[0.0], np.geomspace(0.01, 60.0, 120)])


@settings(max_examples=60, deadline=None)
@given(MODELS)
def test_survival_is_a_survival_function(model):
    s = model.survival(GRID)
    assert s[0] == 1.0
    assert np.all((s >= 0) & (s <= 1))
    assert np.all(np.diff(s) <= 1e-12)
    alive = s > 1e-250  # beyond, survival underflows (or uses a tail series) while H is finite
    np.testing.assert_allclose(
        model.cumulative_hazard(GRID[alive]), -np.log(s[alive]), rtol=1e-9, atol=1e-12
    )


@settings(max_examples=60, deadline=None)
@given(MODELS, st.floats(0.02, 40.0))
def test_quantile_inverts_survival(model, t):
    s = model.survival(t)
    # a survival of 1 or 0 in floating point has no unique inverse: draw again (hypothesis
    # counts only the kept examples towards max_examples, so every one asserts)
    assume(1e-9 < s < 1 - 1e-9)
    assert model.quantile(1 - s) == pytest.approx(t, rel=1e-6)


@settings(max_examples=40, deadline=None)
@given(MODELS, st.floats(0.1, 8.0), st.floats(0.0, 10.0))
def test_conditional_survival_identity(model, t0, u):
    assume(model.survival(t0) >= 1e-6)  # nobody alive at t0: no residual life to compare
    later = model.conditional(t0)
    expected = model.survival(t0 + u) / model.survival(t0)
    assert later.survival(u) == pytest.approx(expected, rel=1e-9, abs=1e-14)
    assert later.hazard(u) == pytest.approx(model.hazard(t0 + u), rel=1e-9)


@settings(max_examples=30, deadline=None)
@given(MODELS, st.floats(0.5, 15.0))
def test_rmst_matches_an_independent_quadrature(model, horizon):
    # trapezoid-free check: adaptive quadrature of the public survival function
    expected, _ = integrate.quad(
        lambda x: model.survival(x),
        0,
        horizon,
        limit=200,
        points=[1.0, 4.0] if horizon > 4 else None,
    )
    assert model.rmst(horizon) == pytest.approx(expected, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize(
    "model",
    [
        Weibull(1.4, 4.0),
        LogNormal(1.1, 0.8),
        Gompertz(0.3, 0.2),
        LogLogistic(2.5, 3.0),
        GeneralizedGamma(1.0, 0.5, -0.7),
        PiecewiseExponential((1.0, 3.0), (0.1, 0.3, 0.5)),
        Spline((0.5, 3.0, 12.0), (-1.6, 1.3, 0.01)),
        Mixture((Weibull(3.4, 3.2), Weibull(0.84, 6.2)), (0.55, 0.45)),
        Weibull(1.4, 4.0).conditional(2.0),
        Weibull(1.4, 4.0).with_hazard_ratio(1.6),
    ],
    ids=lambda m: type(m).__name__,
)
def test_samples_stay_inside_the_dkw_band(model):
    n, alpha = 100_000, 1e-3
    x = np.sort(model.sample(n, np.random.default_rng(2024)))
    cdf = 1 - model.survival(x)
    gap = max(np.abs(np.arange(1, n + 1) / n - cdf).max(), np.abs(np.arange(n) / n - cdf).max())
    assert gap < np.sqrt(np.log(2 / alpha) / (2 * n))  # a false alarm has probability <= alpha


def test_same_seed_same_sample():
    model = Mixture((Weibull(3.4, 3.2), Weibull(0.84, 6.2)), (0.55, 0.45))
    a = model.sample(1000, np.random.default_rng(7))
    b = model.sample(1000, 7)
    assert a.tobytes() == b.tobytes()


def test_hazard_ratio_and_time_ratio_transforms_are_exact():
    base = Weibull(1.5, 4.0)
    hr, tr = 1.6, 1.3
    # PH on a Weibull is a Weibull with scale * hr ** (-1 / shape)
    ph = base.with_hazard_ratio(hr)
    np.testing.assert_allclose(
        ph.survival(GRID), Weibull(1.5, 4.0 * hr ** (-1 / 1.5)).survival(GRID)
    )
    assert ph.median() == pytest.approx(4.0 * hr ** (-1 / 1.5) * np.log(2) ** (1 / 1.5))
    scaled = base.with_time_ratio(tr)
    np.testing.assert_allclose(scaled.survival(GRID), Weibull(1.5, 4.0 * tr).survival(GRID))
    assert scaled.rmst(5.0) == pytest.approx(Weibull(1.5, 4.0 * tr).rmst(5.0))
    twice = base.with_hazard_ratio(2.0).with_hazard_ratio(1.5)  # hazard ratios multiply
    assert twice.survival(3.0) == pytest.approx(Weibull(1.5, 4.0 * 3.0 ** (-1 / 1.5)).survival(3.0))
