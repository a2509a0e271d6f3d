"""A per-patient reference time for effects anchored at enrolment (what trials pass)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from alsprog.interventions import HazardRatio, SlopeReduction, TimeRatio
from alsprog.interventions.core import at_enrolment
from alsprog.simulation.blocks import make_block, plan

SIZE = 3000


def _block(effect, reference=None):
    """A cohort block; with ``reference``, the effect re-anchored at it (as a trial does)."""
    if reference is None:
        request = plan(SIZE, 5, effect=effect)
    else:
        request = replace(plan(SIZE, 5), parts=at_enrolment(effect))
    return make_block(request, 0, SIZE, 1, SIZE, reference=reference)


def test_the_diagnosis_as_reference_changes_nothing():
    effect = [HazardRatio(0.6, from_diagnosis=True), SlopeReduction(0.4)]
    plain = _block(effect)
    dx = plain.patients["diagnosis_delay_months"].to_numpy() / 12.0
    again = _block(effect, reference=dx)
    cols = ["death_time", "gastrostomy_time", "kings_stage_3_time"]
    assert plain.patients[cols].equals(again.patients[cols])


def test_a_hazard_ratio_from_the_reference_leaves_earlier_deaths_alone():
    reference = np.full(SIZE, 2.0)
    none = _block(None).patients
    treated = _block(HazardRatio(0.5), reference=reference).patients
    before = none["death_time"].to_numpy() <= 2.0
    assert before.any() and (~before).any()
    assert np.array_equal(none["death_time"][before], treated["death_time"][before])
    disease = (none["death_cause"] == "disease").to_numpy() & ~before
    assert (
        treated["death_time"].to_numpy()[disease] > none["death_time"].to_numpy()[disease]
    ).all()


def test_a_time_ratio_stretches_the_time_left_after_the_reference():
    reference = np.full(SIZE, 1.5)
    none = _block(None).patients
    treated = _block(TimeRatio(1.4), reference=reference).patients
    disease = (none["death_cause"] == "disease") & (treated["death_cause"] == "disease")
    after = disease & (none["death_time"] > 1.5)
    expected = 1.5 + 1.4 * (none["death_time"][after] - 1.5)
    assert after.sum() > 100
    assert np.allclose(treated["death_time"][after], expected, rtol=1e-9)


def test_a_slope_reduction_from_the_reference_keeps_the_course_before_it():
    reference = np.full(SIZE, 3.0)
    none = _block(None)
    slowed = _block(SlopeReduction(0.5), reference=reference)
    early = np.full((SIZE, 1), 2.5)
    assert np.array_equal(none.course.course.losses(early), slowed.course.course.losses(early))
    late = np.full((SIZE, 1), 3.5)
    lost_none = none.course.course.losses(late).sum(axis=(1, 2))
    lost_slowed = slowed.course.course.losses(late).sum(axis=(1, 2))
    assert (lost_slowed <= lost_none + 1e-9).all() and (lost_slowed < lost_none - 1e-6).any()
