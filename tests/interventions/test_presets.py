"""The riluzole and edaravone presets against the reference document and the trials."""

import math
from dataclasses import replace

import numpy as np
import pytest

import alsprog
from alsprog import data
from alsprog.disease.library import phenotype
from alsprog.errors import InputError
from alsprog.interventions import edaravone, preset, riluzole
from alsprog.interventions.presets import sources
from alsprog.outcomes.translate import simulation_available, translate


def test_riluzole_is_the_cochrane_hazard_ratio_from_diagnosis():
    effect = riluzole()
    # Miller et al., Cochrane 2012 (facts.md): HR 0.84 (0.698-0.997)
    assert (effect.value, effect.interval) == (0.84, (0.698, 0.997))
    assert effect.from_diagnosis and effect.start_years == 0 and math.isinf(effect.duration_years)
    assert "Cochrane" in sources("riluzole")["source"]


def test_riluzole_adds_two_to_three_months_of_median_survival_to_als():
    # MSD Manual (2019): riluzole "may provide limited improvement in survival (by 2 to 3 months)"
    als = phenotype("als").model
    from_diagnosis = 12 * (als.with_effect(riluzole()).median() - als.median())
    from_onset = 12 * (
        als.with_effect(replace(riluzole(), from_diagnosis=False)).median() - als.median()
    )
    assert 2.0 < from_diagnosis < 3.0  # the preset: from each patient's diagnosis (2.1 months)
    assert 2.0 < from_onset < 3.0  # from onset the months before diagnosis are treated too (2.7)
    assert from_diagnosis < from_onset


def test_edaravone_fraction_is_the_pivotal_trials_ratio_of_changes():
    spec = data.effects().edaravone
    # MCI186-19: -5.01 (edaravone) vs -7.50 (placebo) over 24 weeks
    assert (spec.treated_change_24_weeks, spec.control_change_24_weeks) == (-5.01, -7.50)
    assert edaravone().fraction == pytest.approx(1 - 5.01 / 7.50, abs=1e-12)
    assert not edaravone().survival_link


def test_edaravone_has_no_survival_effect():
    table = translate(edaravone())
    survival = table[
        table["measure"].isin(["median_gain_months", "rmst_gain_months", "survival_difference"])
    ]
    np.testing.assert_allclose(survival["value"], 0.0, atol=1e-12)
    assert table.loc[table["measure"] == "hazard_ratio", "value"].item() == pytest.approx(1.0)


def test_prognosis_takes_the_preset_by_name():
    by_name = alsprog.prognosis("als", age_at_onset=55, years_since_onset=1.0, treatment="riluzole")
    by_object = alsprog.prognosis(
        "als", age_at_onset=55, years_since_onset=1.0, treatment=riluzole()
    )
    assert by_name.median_remaining_years == by_object.median_remaining_years
    patient = phenotype("als").patient(55).with_effect(riluzole()).conditional(1.0)
    assert by_name.median_remaining_years == pytest.approx(patient.median(), rel=1e-12)
    assert by_name.inputs["treatment"] == "riluzole"


def test_a_treatment_that_is_not_an_effect_is_refused_by_name():
    from alsprog.disease.prognosis import prognosis as disease_prognosis

    for bad in (["riluzole"], 0.84):
        with pytest.raises(InputError, match=rf"treatment {bad!r} is unknown".replace("[", r"\[")):
            disease_prognosis("pls", age_at_onset=53, years_since_onset=1.0, treatment=bad)
    with pytest.raises(
        InputError, match="treatment 'magic' is unknown; choose one of riluzole, edaravone"
    ):
        alsprog.prognosis("pls", age_at_onset=53, years_since_onset=1.0, treatment="magic")


def test_an_unknown_intervention_is_refused():
    with pytest.raises(
        InputError, match="intervention 'aspirin' is unknown; choose one of riluzole, edaravone"
    ):
        preset("aspirin")


@pytest.fixture(scope="module")
def mci186_19():
    """A simulated MCI186-19 population (selected as the trial selected it), with edaravone."""
    from alsprog.outcomes.course_measures import selected_trial_population

    return selected_trial_population(edaravone(), n=2500, seed=2020)


@pytest.mark.skipif(not simulation_available(), reason="alsprog.simulation is not installed here")
def test_the_simulated_mci186_19_population_meets_the_trial_criteria(mci186_19):
    p = mci186_19
    decline = p["before_observation"] - p["baseline"]
    assert decline.between(1, 4).all()
    assert (p["disease_duration_years"] <= 2.0).all()
    assert (p["disease_duration_years"] >= 12 / 52).all()
    # treatment starts at randomisation: the observation period is untouched
    assert (p["treated_baseline"] == p["baseline"]).all()


@pytest.mark.skipif(not simulation_available(), reason="alsprog.simulation is not installed here")
def test_the_simulated_placebo_arm_declines_as_the_trials_did(mci186_19):
    """The course is calibrated to this arm (data/course_targets.toml, MCI186-19) with another
    seed; here a fresh sample, weighted to the trial's ages, must agree with the placebo arm:
    -7.50 (SE 0.66) over 24 weeks. (It sits near the edge: about -6.0 here, within 2 SE and
    3 Monte Carlo SE by 0.14 points; z 1.7-2.6 in the calibration cohort over five seeds.)"""
    from alsprog.outcomes.course_measures import weighted_mean

    p = mci186_19
    mean, se = weighted_mean(p["control_change"].to_numpy(), p["age_weight"].to_numpy())
    assert abs(mean - (-7.50)) < 2 * 0.66 + 3 * se


@pytest.mark.skipif(not simulation_available(), reason="alsprog.simulation is not installed here")
def test_the_simulated_placebo_arm_is_selected_as_the_trial_selected(mci186_19):
    """The arm's patients look like the trial's at randomisation: baseline ALSFRS-R within one
    patient SD (2.2) of 41.8, and a disease duration near the reported mean of 1.06 years."""
    p = mci186_19
    assert abs(p["baseline"].mean() - 41.8) < 2.2
    assert p["disease_duration_years"].mean() == pytest.approx(1.06, abs=0.15)


@pytest.mark.skipif(not simulation_available(), reason="alsprog.simulation is not installed here")
def test_edaravone_reproduces_the_pivotal_trial_in_its_selected_population():
    from alsprog.outcomes.course_measures import selected_trial_difference

    difference, se = selected_trial_difference(edaravone(), n=2500, seed=2020)
    # MCI186-19: difference 2.49 points at 24 weeks; trial SE sqrt(0.64^2 + 0.66^2) = 0.92
    assert abs(difference - 2.49) < math.hypot(0.64, 0.66) + 3 * se


@pytest.mark.skipif(not simulation_available(), reason="alsprog.simulation is not installed here")
def test_the_selected_trial_difference_is_the_mean_of_the_paired_changes(mci186_19):
    from alsprog.outcomes.course_measures import selected_trial_difference

    difference, _ = selected_trial_difference(edaravone(), n=2500, seed=2020)
    paired = mci186_19["treated_change"] - mci186_19["control_change"]
    weights = mci186_19["age_weight"]
    # the mean of the pairs, weighted to the trial's ages (mean 60.1, SD 10)
    assert difference == pytest.approx((weights * paired).sum() / weights.sum(), rel=1e-12)
    ages = mci186_19["age_at_screening"]
    mean = (weights * ages).sum() / weights.sum()
    assert mean == pytest.approx(60.1, abs=1.0) and ages.mean() < mean - 3
    assert difference > 0
    # and without treatment there is nothing to find
    from alsprog.interventions import SlopeReduction
    from alsprog.outcomes.course_measures import selected_trial_population

    none = selected_trial_population(SlopeReduction(0.0), n=200, seed=2020)
    assert (none["treated_change"] == none["control_change"]).all()
