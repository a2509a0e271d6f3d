"""Precision far in the tail, and the bugs a review found there (regression tests)."""

import numpy as np
import pytest
from scipy import integrate, stats

import alsprog
from alsprog.errors import InputError
from alsprog.estimation.targets import Landmark, Targets
from alsprog.models import Gompertz, PopulationModel, Weibull


def test_small_hazard_ratio_keeps_tail_quantiles_finite_and_exact():
    # S(t) = exp(-0.1 (t / 3) ** 1.5): a Weibull with scale 3 * 0.1 ** (-1 / 1.5)
    model = Weibull(1.5, 3.0).with_hazard_ratio(0.1)
    reference = stats.weibull_min(c=1.5, scale=3.0 * 0.1 ** (-1 / 1.5))
    p = np.array([0.5, 0.98, 0.999999])
    np.testing.assert_allclose(model.quantile(p), reference.ppf(p), rtol=1e-9)
    draws = model.sample(100_000, np.random.default_rng(3))
    assert np.isfinite(draws).all()


def test_conditional_far_in_the_tail():
    base = Gompertz(0.3, 0.2)  # S(20) is about 1e-117
    later = base.conditional(20.0)
    # residual life: H(20 + u) - H(20) = rate * exp(20 shape) * expm1(shape u) / shape
    rate_now = 0.2 * np.exp(0.3 * 20)
    median = np.log1p(0.3 * np.log(2) / rate_now) / 0.3
    assert later.median() == pytest.approx(median, rel=1e-9)
    expected, _ = integrate.quad(lambda u: np.exp(-rate_now * np.expm1(0.3 * u) / 0.3), 0, 1)
    assert later.rmst(1.0) == pytest.approx(expected, rel=1e-7)
    assert 0 < later.mean() < 1


def test_calibration_with_a_cured_share_uses_alive_at_the_last_landmark():
    # Survival levels off (60%, 50%, 45%): a Gompertz with a fading hazard can hit all three.
    targets = Targets("plateau", (Landmark(1.0, 0.60), Landmark(2.0, 0.50), Landmark(4.0, 0.45)))
    model = alsprog.calibrate(targets, "gompertz")
    assert model.cure_fraction() > 0
    np.testing.assert_allclose(model.survival([1.0, 2.0, 4.0]), [0.60, 0.50, 0.45], atol=0.01)


def test_population_time_ratio_stretches_the_disease_not_the_life_table():
    patient = alsprog.phenotype("pls").patient(60, "male")
    slower = patient.with_time_ratio(2.0)
    disease = patient.components[0].with_hazard_ratio(patient.hazard_ratios[0])
    expected = disease.with_time_ratio(2.0).survival(40.0) * alsprog.background_survival(
        60, "male", 40.0
    )
    assert slower.survival(40.0) == pytest.approx(expected, rel=1e-9)


def test_background_is_not_added_twice():
    patient = alsprog.phenotype("pls").patient(60, "male")
    with pytest.raises(InputError, match="already includes background mortality"):
        patient.with_background(60, "male")


@pytest.mark.parametrize("age", [-5.0, float("nan"), 130.0])
def test_population_model_refuses_ages_outside_the_table(age):
    table = alsprog.life_table()
    with pytest.raises(InputError, match="age at onset"):
        PopulationModel((Weibull(1.5, 3.0),), (1.0,), (age,), ("male",), (1.0,), (1.0,), table)


def test_cause_of_death_shares_add_up_exactly():
    model = alsprog.phenotype("pma").model
    horizons = np.array([5.0, 25.0])
    causes = model.cause_of_death(horizons)
    total = causes["disease"] + causes["other"] + model.survival(horizons)
    np.testing.assert_allclose(total, 1.0, atol=1e-12)
    disease, _ = integrate.quad(
        lambda s: float(model._density_parts(np.array([s]))[0][0]), 0, 5, limit=400
    )
    assert causes["disease"][0] == pytest.approx(disease, rel=1e-6)
    with pytest.raises(InputError, match="finite"):
        model.cause_of_death(np.inf)


@pytest.mark.parametrize(
    "model, at_zero, at_infinity",
    [
        (alsprog.models.LogLogistic(1.0, 3.0), 1 / 3, 0.0),  # shape 1: h(0) = 1 / scale
        (alsprog.models.LogLogistic(2.0, 3.0), 0.0, 0.0),
        (alsprog.models.LogNormal(1.0, 0.5), 0.0, 0.0),
        (Weibull(1.0, 2.0), 0.5, 0.5),
    ],
)
def test_hazard_limits_at_zero_and_infinity(model, at_zero, at_infinity):
    h = model.hazard([0.0, np.inf])
    assert h[0] == pytest.approx(at_zero, abs=1e-12)
    assert h[1] == pytest.approx(at_infinity, abs=1e-12)
    assert model.survival(np.inf) == model.cure_fraction() == 0.0


def test_survival_at_infinity_is_the_cured_share():
    fading = Gompertz(-0.5, 0.2)
    assert fading.survival(np.inf) == pytest.approx(np.exp(0.2 / -0.5))
    assert fading.cumulative_hazard(np.inf) == pytest.approx(0.4)
    spline = alsprog.models.Spline((1.0, 3.0, 10.0), (-1.0, 1.2, 0.01))
    assert spline.survival(np.inf) == 0.0 and spline.cumulative_hazard(np.inf) == np.inf
