"""The progression-clock course in trials (issue 26): a hazard ratio from enrolment moves only
the end stage, patient by patient with the same seed; a slope reduction of 1/3 from enrolment
slows each patient's clock by 1/3 from enrolment on."""

from __future__ import annotations

import numpy as np
import pandas as pd

import alsprog
from alsprog.interventions import HazardRatio, SlopeReduction
from alsprog.interventions.core import at_enrolment
from alsprog.simulation.staging import MILESTONE_COLUMNS
from alsprog.trials.simulation.enrol import enrol, make_context
from alsprog.trials.simulation.followup import course_of, follow_up


def _arms(effect, seed=3, n=150):
    design = alsprog.TrialDesign(n, effect=effect)
    context = make_context(design)
    enrolled = enrol(context, [seed])
    follow = follow_up(context, enrolled, at_enrolment(effect), exact=True)
    return context, enrolled, follow


def test_a_hazard_ratio_leaves_the_treated_course_before_the_end_stage_alone():
    plain = alsprog.simulate_trial(alsprog.TrialDesign(150), 3)
    treated = alsprog.simulate_trial(alsprog.TrialDesign(150, effect=HazardRatio(0.7)), 3)
    a, b = plain.patients, treated.patients
    assert a["enrolment_time"].equals(b["enrolment_time"])  # the same patients
    arm = (b["arm"] == "treatment").to_numpy()
    assert (b["death_time"][arm] >= a["death_time"][arm]).all()
    # each treated patient's end stage start, untreated and treated (the trial's own course)
    context, enrolled, follow = _arms(HazardRatio(0.7))
    rows = np.flatnonzero(enrolled.treated)
    keys = (enrolled.draw_key[rows], enrolled.position[rows])
    people = enrolled.people.take(rows)
    parts, d = follow.parts, enrolled.d[rows]
    untreated = follow.untreated_time[rows]
    with_hr = course_of(context, people, follow.disease_time[rows], keys, parts, d, untreated)
    without = course_of(context, people, untreated, keys)
    end = np.full(len(b), np.inf)
    end[rows] = np.minimum(with_hr.course.end_start, without.course.end_start)
    np.testing.assert_array_equal(with_hr.course.rate, without.course.rate)
    keys_ = ["patient_id", "weeks_on_study"]
    both = plain.visits.merge(treated.visits, on=keys_, suffixes=("", "_hr"))
    before = both["time"].to_numpy() < end[both["patient_id"].to_numpy() - 1]
    treated_rows = both["arm_hr"].to_numpy() == "treatment"
    assert (before & treated_rows).sum() > 500
    for item in ("alsfrs_r", "speech", "walking", "dyspnea", "respiratory_insufficiency"):
        assert np.array_equal(both.loc[before, item], both.loc[before, f"{item}_hr"])
    assert (both.loc[~before, "alsfrs_r"] != both.loc[~before, "alsfrs_r_hr"]).any()
    # the control arm does not depend on the effect at all
    control = ~treated_rows
    pd.testing.assert_frame_equal(
        both.loc[control, ["alsfrs_r"]].reset_index(drop=True),
        both.loc[control, ["alsfrs_r_hr"]].set_axis(["alsfrs_r"], axis=1).reset_index(drop=True),
    )


def test_a_slope_reduction_of_a_third_slows_the_clock_by_a_third_from_enrolment():
    effect = SlopeReduction(1 / 3, anchor="enrolment")
    context, enrolled, follow = _arms(effect)
    rows = np.flatnonzero(enrolled.treated)
    keys = (enrolled.draw_key[rows], enrolled.position[rows])
    people = enrolled.people.take(rows)
    d = enrolled.d[rows]
    disease = follow.disease_time[rows]
    slowed = course_of(context, people, disease, keys, follow.parts, d, disease).course
    plain = course_of(context, people, disease, keys).course
    # closed form: before enrolment the same clock; after it, t years on the slowed clock are
    # d + (t - d) * 2 / 3 years on the plain one
    later = d[:, None] + np.linspace(0.0, 3.0, 13)[None, :]
    np.testing.assert_allclose(
        slowed.clock(later), plain.clock(d[:, None] + (later - d[:, None]) * 2 / 3), rtol=1e-12
    )
    before = d[:, None] * np.linspace(0.0, 1.0, 5)[None, :]
    np.testing.assert_array_equal(slowed.clock(before), plain.clock(before))
    # and the survival is untouched
    none = _arms(None)[2]
    np.testing.assert_array_equal(follow.death_time, none.death_time)


def test_a_hazard_ratio_from_enrolment_changes_no_baseline_and_no_earlier_milestone():
    """Without eligibility criteria about 1 treated patient in 10 is in the end stage (or
    tracheostomised) at enrolment: their course up to then stays as screening saw it."""
    plain = alsprog.simulate_trial(alsprog.TrialDesign(300), 1)
    treated = alsprog.simulate_trial(alsprog.TrialDesign(300, effect=HazardRatio(0.7)), 1)
    a, b = plain.visits, treated.visits
    base_a = a[a["weeks_on_study"] == 0].set_index("patient_id")
    base_b = b[b["weeks_on_study"] == 0].set_index("patient_id")
    pd.testing.assert_frame_equal(base_a.drop(columns="arm"), base_b.drop(columns="arm"))
    p, q = plain.patients, treated.patients
    enrolment = p["enrolment_time"].to_numpy()
    tracheostomised = (p["tracheostomy_time"] < enrolment).sum()
    assert tracheostomised > 5  # the case the rule is for
    for column in MILESTONE_COLUMNS:
        early = (p[column] < enrolment).to_numpy()
        assert np.array_equal(p[column].to_numpy()[early], q[column].to_numpy()[early]), column
