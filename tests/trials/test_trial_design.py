"""simulate_trial: enrolment from the prevalent pool, arms, common random numbers, visits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from alsprog.errors import InputError
from alsprog.interventions import HazardRatio, SlopeReduction, TimeRatio, edaravone, riluzole
from alsprog.simulation.settings import ITEMS
from alsprog.trials.analysis.inputs import CALENDAR_WEEKS_PER_YEAR
from alsprog.trials.simulation.design import Eligibility, TrialDesign
from alsprog.trials.simulation.simulate import simulate_trial

CONTROL_COLUMNS = [
    "enrolment_time",
    "death_time",
    "time_on_study",
    "event",
    "alsfrs_r_at_diagnosis",
]


def _arm(trial, arm):
    p = trial.patients
    return p[p["arm"] == arm].reset_index(drop=True)


def _visits(trial, arm):
    v = trial.visits
    return v[v["arm"] == arm].reset_index(drop=True)


def test_arms_have_exactly_the_sizes_asked_for():
    trial = simulate_trial(TrialDesign(40, allocation=2.0), 3)
    counts = trial.patients["arm"].value_counts()
    assert counts["control"] == 40 and counts["treatment"] == 80
    assert trial.patients["patient_id"].is_unique
    assert list(trial.patients["patient_id"]) == list(range(1, 121))


def test_same_seed_same_trial_and_another_seed_another():
    design = TrialDesign(30, effect=riluzole())
    a, b = simulate_trial(design, 8), simulate_trial(design, 8)
    pd.testing.assert_frame_equal(a.patients, b.patients)
    pd.testing.assert_frame_equal(a.visits, b.visits)
    c = simulate_trial(design, 9)
    assert not np.array_equal(a.patients["death_time"], c.patients["death_time"])


@pytest.mark.parametrize(
    "effect", [HazardRatio(0.5), TimeRatio(1.5), edaravone(), riluzole() & SlopeReduction(0.3)]
)
def test_the_control_arm_does_not_depend_on_the_effect(effect):
    none = simulate_trial(TrialDesign(50), 4)
    treated = simulate_trial(TrialDesign(50, effect=effect), 4)
    pd.testing.assert_frame_equal(_arm(none, "control"), _arm(treated, "control"))
    pd.testing.assert_frame_equal(_visits(none, "control"), _visits(treated, "control"))
    # the same candidates make the treatment arm: same people, enrolled at the same times
    for column in ["patient_id", "age_at_onset", "enrolment_time", "diagnosis_time"]:
        assert _arm(none, "treatment")[column].equals(_arm(treated, "treatment")[column])


def test_a_hazard_ratio_of_one_is_no_effect_bit_for_bit():
    none = simulate_trial(TrialDesign(50), 6)
    one = simulate_trial(TrialDesign(50, effect=HazardRatio(1.0)), 6)
    pd.testing.assert_frame_equal(none.patients, one.patients)
    pd.testing.assert_frame_equal(none.visits, one.visits)


def test_without_an_effect_the_arms_are_alike_in_distribution():
    trial = simulate_trial(TrialDesign(1500, followup_years=2.0), 2)
    control, treatment = _arm(trial, "control"), _arm(trial, "treatment")
    for column in ["enrolment_time", "time_on_study", "age_at_onset", "progression_rate"]:
        assert stats.ks_2samp(control[column], treatment[column]).pvalue > 1e-3, column


def test_the_effect_starts_at_enrolment():
    none = _arm(simulate_trial(TrialDesign(200), 7), "treatment")
    treated = _arm(simulate_trial(TrialDesign(200, effect=HazardRatio(0.5)), 7), "treatment")
    later = treated["death_time"] - none["death_time"]
    disease = (none["death_cause"] == "disease") & (treated["death_cause"] == "disease")
    assert (later[disease] > 0).all() and (later >= 0).all()
    ratio = _arm(simulate_trial(TrialDesign(200, effect=TimeRatio(1.5)), 7), "treatment")
    both = disease & (ratio["death_cause"] == "disease")
    left = none["death_time"] - none["enrolment_time"]
    assert np.allclose((ratio["death_time"] - ratio["enrolment_time"])[both], 1.5 * left[both])


def test_a_slope_reduction_keeps_the_baseline_and_slows_the_decline():
    design = TrialDesign(150, visit_interval_weeks=12)
    none = _visits(simulate_trial(design, 5), "treatment")
    slowed = _visits(
        simulate_trial(TrialDesign(150, effect=SlopeReduction(0.5), visit_interval_weeks=12), 5),
        "treatment",
    )
    key = ["patient_id", "weeks_on_study"]
    both = none.merge(slowed, on=key, suffixes=("_none", "_slow"))
    base = both[both["weeks_on_study"] == 0]
    assert (base["alsfrs_r_none"] == base["alsfrs_r_slow"]).all()
    late = both[both["weeks_on_study"] == 48]
    assert (late["alsfrs_r_slow"] - late["alsfrs_r_none"]).mean() > 0.5


def test_enrolled_patients_are_alive_and_diagnosed_at_enrolment():
    p = simulate_trial(TrialDesign(300, effect=riluzole()), 1).patients
    assert (p["death_time"] > p["enrolment_time"]).all()
    assert (p["diagnosis_time"] <= p["enrolment_time"]).all()
    assert np.array_equal(p["entry_time"], p["enrolment_time"])
    assert np.allclose(p["time"] - p["enrolment_time"], p["time_on_study"])
    assert (p["time_on_study"] <= 1.0 + 1e-12).all()
    died = p["event"] == 1
    assert np.allclose(p.loc[died, "time"], p.loc[died, "death_time"])
    assert (p.loc[~died, "death_time"] > p.loc[~died, "time"]).all()


def test_the_pool_is_length_biased_toward_long_survivors():
    # a prevalent pool holds patients in proportion to their time alive after diagnosis, so
    # enrolled patients outlive diagnosed patients in general (simulate_cohort, entry at
    # diagnosis, the same population)
    from alsprog.simulation.cohort import simulate_cohort

    p = simulate_trial(TrialDesign(1000), 3).patients
    cohort = simulate_cohort(4000, 3, entry="diagnosis").patients
    total = np.median(p["death_time"] - p["diagnosis_time"])
    assert total > 1.5 * np.median(cohort["death_time"] - cohort["diagnosis_time"])


def test_eligibility_is_met_at_the_baseline_visit():
    rules = Eligibility(
        max_disease_duration_years=2.0, min_alsfrs_r=36, min_item_score=2, dfs_range=(0.2, 1.2)
    )
    trial = simulate_trial(TrialDesign(150, effect=edaravone(), eligibility=rules), 2)
    p, v = trial.patients, trial.visits
    assert (p["enrolment_time"] <= 2.0).all()
    base = v[v["weeks_on_study"] == 0].set_index("patient_id").loc[p["patient_id"]]
    assert len(base) == len(p)
    assert (base["alsfrs_r"] >= 36).all()
    assert (base[list(ITEMS)] >= 2).all().all()
    dfs = (48 - base["alsfrs_r"].to_numpy()) / (p["enrolment_time"].to_numpy() * 12)
    assert ((dfs >= 0.2) & (dfs <= 1.2)).all()
    assert 0 < trial.settings["eligible_share"] < 1


def test_eligibility_nobody_meets_is_refused_with_the_share():
    rules = Eligibility(dfs_range=(30.0, 40.0))
    with pytest.raises(InputError, match=r"only 0\.000% of .* candidates"):
        simulate_trial(TrialDesign(20, eligibility=rules), 1)


def test_visits_are_on_the_schedule_while_alive_and_followed():
    trial = simulate_trial(TrialDesign(100, visit_interval_weeks=4, dropout_per_year=0.3), 4)
    v, p = trial.visits, trial.patients.set_index("patient_id")
    assert v["weeks_on_study"].dtype.kind == "i"
    assert (v["weeks_on_study"] % 4 == 0).all()
    assert not v.duplicated(["patient_id", "weeks_on_study"]).any()
    on_study = p.loc[v["patient_id"], "time_on_study"].to_numpy()
    assert (v["weeks_on_study"].to_numpy() / CALENDAR_WEEKS_PER_YEAR <= on_study + 1e-9).all()
    assert (v.groupby("patient_id")["weeks_on_study"].min() == 0).all()
    assert (v["arm"].to_numpy() == p.loc[v["patient_id"], "arm"].to_numpy()).all()
    assert (p["event"] == 0).sum() > (p["time_on_study"] >= 1.0 - 1e-12).sum()  # dropouts


def test_a_larger_trial_extends_a_smaller_one():
    small = _arm(simulate_trial(TrialDesign(40), 12), "control")
    large = _arm(simulate_trial(TrialDesign(60), 12), "control")
    columns = ["enrolment_time", "death_time", "age_at_onset"]
    pd.testing.assert_frame_equal(small[columns], large[columns].iloc[:40])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_per_arm": 1}, "n_per_arm must be at least 2"),
        ({"n_per_arm": 10, "alpha": 1.0}, "alpha must lie strictly between 0 and 1"),
        ({"n_per_arm": 10, "followup_years": 0}, "followup_years must be above 0"),
        ({"n_per_arm": 10, "allocation": -1}, "allocation must be above 0"),
        ({"n_per_arm": 10, "effect": "riluzole"}, "is not an effect"),
        ({"n_per_arm": 10, "eligibility": {"min_alsfrs_r": 30}}, "is not an Eligibility"),
    ],
)
def test_bad_designs_are_refused(kwargs, message):
    with pytest.raises(InputError, match=message):
        TrialDesign(**kwargs)


def test_bad_eligibility_is_refused():
    with pytest.raises(InputError, match="min_item_score 5 is outside 0-4"):
        Eligibility(min_item_score=5)
    with pytest.raises(InputError, match="needs 0 <= low < high"):
        Eligibility(dfs_range=(1.0, 0.5))
