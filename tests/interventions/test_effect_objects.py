"""Effect objects: hazard ratios over windows, time ratios, slope reductions, composition."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

from alsprog.disease.library import phenotype
from alsprog.errors import InputError
from alsprog.interventions import (
    Combined,
    HazardRatio,
    SlopeReduction,
    TimeRatio,
    combine,
    edaravone,
    riluzole,
)
from alsprog.models import PopulationModel, Weibull, WithBackground

WEIBULL = Weibull(shape=1.4, scale=3.5)
REFERENCE = stats.weibull_min(c=1.4, scale=3.5)


def windowed_reference(t, value, a, b):
    """Closed form from scipy's Weibull: S(t) exp(-(v - 1)(H(min(t, b)) - H(min(t, a))))."""
    t = np.asarray(t, dtype=float)

    def cum(x):
        return -REFERENCE.logsf(x)

    return REFERENCE.sf(t) * np.exp(-(value - 1) * (cum(np.minimum(t, b)) - cum(np.minimum(t, a))))


def test_a_window_matches_the_closed_form_and_leaves_earlier_survival_alone():
    treated = WEIBULL.with_effect(HazardRatio(0.6, start_years=1.0, duration_years=2.0))
    t = np.array([0.2, 0.99, 1.0, 1.5, 2.9, 3.0, 4.0, 8.0])
    np.testing.assert_allclose(
        treated.survival(t), windowed_reference(t, 0.6, 1.0, 3.0), rtol=1e-12
    )
    before = t < 1.0
    np.testing.assert_array_equal(treated.survival(t[before]), WEIBULL.survival(t[before]))
    ratio = treated.hazard(t) / WEIBULL.hazard(t)
    np.testing.assert_allclose(ratio, np.where((t >= 1) & (t < 3), 0.6, 1.0), rtol=1e-12)


def test_a_window_inverts_exactly_and_samples_inside_the_dkw_band():
    treated = WEIBULL.with_effect(HazardRatio(0.5, start_years=0.5, duration_years=1.5))
    p = np.array([0.01, 0.1, 0.3, 0.5, 0.8, 0.99])
    np.testing.assert_allclose(1 - treated.survival(treated.quantile(p)), p, rtol=1e-10)
    n, alpha = 50_000, 1e-3
    x = np.sort(treated.sample(n, np.random.default_rng(7)))
    cdf = 1 - windowed_reference(x, 0.5, 0.5, 2.0)
    gap = max(np.abs(np.arange(1, n + 1) / n - cdf).max(), np.abs(np.arange(n) / n - cdf).max())
    assert gap < math.sqrt(math.log(2 / alpha) / (2 * n))


def test_a_hazard_ratio_acts_on_the_disease_only():
    model = WEIBULL.with_background(60, "male")
    effect = HazardRatio(0.7, start_years=0.5, duration_years=3.0)
    treated = model.with_effect(effect)
    t = np.array([0.1, 1.0, 2.0, 5.0, 10.0])
    other = model.hazard(t) - WEIBULL.hazard(t)  # ordinary mortality
    disease = WEIBULL.with_effect(effect).hazard(t)
    np.testing.assert_allclose(treated.hazard(t), disease + other, rtol=1e-10)
    assert isinstance(treated, WithBackground)
    # its RMST (Gauss-Legendre split at the window's edges) against scipy's quad
    reference, _ = integrate.quad(treated.survival, 0, 6.0, points=[0.5, 3.5, 1, 2, 3, 4, 5])
    assert treated.rmst(6.0) == pytest.approx(reference, rel=1e-9)


def test_from_diagnosis_on_a_phenotype_uses_each_profiles_delay():
    als = phenotype("als").model
    effect = HazardRatio(0.8, start_years=0.25, from_diagnosis=True)
    treated = als.with_effect(effect)
    t = np.array([0.5, 1.0, 2.0, 4.0, 8.0])
    # independent: each profile on its own, with the window's start shifted by its own delay
    total = np.zeros(t.size)
    for k, weight in enumerate(als.weights):
        one = PopulationModel(
            components=als.components,
            shares=als.shares,
            ages=(als.ages[k],),
            sexes=(als.sexes[k],),
            hazard_ratios=(als.hazard_ratios[k],),
            weights=(1.0,),
            table=als.table,
        )
        start = 0.25 + als.delay_months[k] / 12
        total += weight * one.with_effect(HazardRatio(0.8, start_years=start)).survival(t)
    np.testing.assert_allclose(treated.survival(t), total, rtol=1e-10)
    early = np.array([0.1, 0.25 + min(als.delay_months) / 12 - 1e-6])
    np.testing.assert_array_equal(treated.survival(early), als.survival(early))


def test_an_effect_applies_to_a_phenotype_as_to_its_model():
    als = phenotype("als")
    t = np.array([1.0, 4.0])
    np.testing.assert_array_equal(
        riluzole().apply(als).survival(t), als.model.with_effect(riluzole()).survival(t)
    )
    np.testing.assert_array_equal(
        als.with_effect(riluzole()).survival(t), riluzole().apply(als).survival(t)
    )


def test_a_hazard_ratio_for_life_from_onset_is_proportional_hazards():
    treated = WEIBULL.with_effect(HazardRatio(0.7))
    t = np.array([0.5, 2.0, 6.0])
    np.testing.assert_allclose(treated.survival(t), REFERENCE.sf(t) ** 0.7, rtol=1e-12)


def test_a_time_ratio_stretches_the_disease_clock():
    treated = WEIBULL.with_effect(TimeRatio(1.25))
    np.testing.assert_allclose(treated.quantile([0.1, 0.5]), 1.25 * REFERENCE.ppf([0.1, 0.5]))


def test_effects_compose_with_and_and_lists():
    a, b = HazardRatio(0.8), HazardRatio(0.9, start_years=1.0)
    both = a & b
    assert isinstance(both, Combined) and both.components == (a, b)
    assert combine([a, b]).components == (a, b) and ([a] & b).components == (a, b)
    t = np.array([0.5, 1.5, 4.0])
    # HR 0.8 throughout, times 0.9 from t = 1: H_trt = 0.8 H + 0.8 (0.9 - 1) (H(t) - H(min(t, 1)))
    expected = REFERENCE.sf(t) ** 0.8 * np.exp(
        -(0.9 - 1) * 0.8 * (-REFERENCE.logsf(t) + REFERENCE.logsf(np.minimum(t, 1.0)))
    )
    np.testing.assert_allclose(WEIBULL.with_effect(both).survival(t), expected, rtol=1e-12)
    np.testing.assert_allclose(
        WEIBULL.with_effect([a, b]).survival(t), WEIBULL.with_effect(both).survival(t)
    )
    assert (riluzole() & edaravone()).components[1].kind == "slope_reduction"


def test_a_slope_reduction_alone_leaves_survival_unchanged_and_the_link_is_off():
    als = phenotype("als").model
    effect = SlopeReduction(0.3)
    t = np.array([1.0, 3.0, 5.0])
    np.testing.assert_array_equal(als.with_effect(effect).survival(t), als.survival(t))
    assert effect.components == (effect,)
    linked = SlopeReduction(0.3, survival_link=True)
    kinds = [c.kind for c in linked.components]
    assert kinds == ["slope_reduction", "hazard_ratio"]
    # Elamin et al. 2015: HR 2.8 per point per month, at the reference rate 0.79 points/month
    assert linked.components[1].value == pytest.approx(2.8 ** (-0.3 * 0.79))
    assert als.with_effect(linked).median() > als.median()


def test_the_protocol_attributes():
    hr = HazardRatio(0.84, start_years=0.5, duration_years=2.0, from_diagnosis=True)
    assert (hr.kind, hr.value, hr.start_years, hr.duration_years, hr.from_diagnosis) == (
        "hazard_ratio",
        0.84,
        0.5,
        2.0,
        True,
    )
    assert TimeRatio(1.1).kind == "time_ratio" and TimeRatio(1.1).components[0].value == 1.1
    s = SlopeReduction(0.2, duration_years=1.0)
    assert (s.kind, s.fraction, s.duration_years, s.start_years, s.from_diagnosis) == (
        "slope_reduction",
        0.2,
        1.0,
        0.0,
        True,
    )


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: HazardRatio(0.0), "hazard_ratio must be a finite number above 0"),
        (lambda: HazardRatio(-1.0), "hazard_ratio must be a finite number above 0"),
        (lambda: HazardRatio(float("nan")), "hazard_ratio is NaN"),
        (lambda: HazardRatio(0.8, start_years=-1.0), "start_years must be finite and >= 0"),
        (lambda: HazardRatio(0.8, duration_years=0.0), "duration_years must be above 0"),
        (lambda: HazardRatio(0.8, duration_years=-2.0), "duration_years must be above 0"),
        (lambda: TimeRatio(0.0), "time_ratio must be a finite number above 0"),
        (lambda: TimeRatio(float("nan")), "time_ratio is NaN"),
        (lambda: SlopeReduction(1.0), r"fraction must lie in \[0, 1\)"),
        (lambda: SlopeReduction(-0.1), r"fraction must lie in \[0, 1\)"),
        (lambda: SlopeReduction(0.2, duration_years=-1.0), "duration_years must be above 0"),
        (lambda: combine("riluzole"), "is not an effect"),
    ],
)
def test_bad_effects_are_refused_in_one_line(make, message):
    with pytest.raises(InputError, match=message) as err:
        make()
    assert "\n" not in str(err.value)


def test_rmst_gain_equals_a_quadrature_of_the_two_curves():
    from alsprog.outcomes.integrals import restricted_means

    treated = WEIBULL.with_effect(HazardRatio(0.6, start_years=1.0, duration_years=2.0))
    got = restricted_means([treated, WEIBULL], [2.0, 5.0])
    for k, h in enumerate([2.0, 5.0]):
        ref_t, _ = integrate.quad(
            lambda s: windowed_reference(s, 0.6, 1.0, 3.0), 0, h, points=[1, 3]
        )
        ref_c, _ = integrate.quad(REFERENCE.sf, 0, h)
        assert got[0, k] - got[1, k] == pytest.approx(ref_t - ref_c, abs=1e-9)


def test_every_elementary_effect_has_an_explicit_anchor():
    from dataclasses import replace

    from alsprog.interventions.core import at_enrolment, with_anchor

    assert HazardRatio(0.8).anchor == "onset" and not HazardRatio(0.8).from_diagnosis
    assert HazardRatio(0.8, from_diagnosis=True).anchor == "diagnosis"
    assert HazardRatio(0.8, anchor="diagnosis") == HazardRatio(0.8, from_diagnosis=True)
    assert SlopeReduction(0.3).anchor == "diagnosis"
    assert SlopeReduction(0.3, anchor="onset").from_diagnosis is False
    assert TimeRatio(1.2).anchor == "onset"
    moved = replace(HazardRatio(0.8, anchor="diagnosis"), from_diagnosis=False)
    assert moved.anchor == "onset"  # the older spelling still moves an effect
    assert with_anchor(moved, "diagnosis").anchor == "diagnosis"
    trial = at_enrolment(HazardRatio(0.8) & SlopeReduction(0.2, start_years=0.5) & TimeRatio(1.1))
    assert [p.anchor for p in trial] == ["enrolment"] * 3
    assert trial[1].start_years == 0.5 and trial[1].fraction == 0.2
    with pytest.raises(InputError, match="anchor 'birth' is unknown"):
        HazardRatio(0.8, anchor="birth")
    with pytest.raises(InputError, match="needs a trial"):
        Weibull(1.5, 3.0).with_effect(HazardRatio(0.8, anchor="enrolment"))
