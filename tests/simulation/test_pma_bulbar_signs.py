"""PMA's bulbar signs at inclusion (the ``pma_bulbar_signs`` target, Visser et al., Arch Neurol
2007, as their 2009 reply reports it): the calibration's measure against a wired cohort read
with pandas, and at its edges."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from alsprog.simulation.course_moments import simulated_moments, stand_in_draws
from alsprog.simulation.progression_settings import ProgressionSettings
from alsprog.simulation.study_designs import designs

QUANTITY = "pma_bulbar_signs_share"


def _bulbar_signs_time(course) -> np.ndarray:
    """Years from onset to the bulbar domain's signs, by the clock's inverse: the clock at the
    domain's first item start less the sign lead (inf where the clock never involves it)."""
    first = course.item_start[:, :3].min(axis=1)  # the bulbar domain's three items
    lead = course.settings.sign_lead_points
    with np.errstate(invalid="ignore"):
        return np.where(
            np.isfinite(first), course.time_at_clock(np.maximum(first - lead, 0.0)), np.inf
        )


def test_the_calibration_cohort_reads_the_share_a_wired_cohort_shows():
    """The measure on the calibration's stand-in cohort (1,000 PMA patients) against a wired
    PMA cohort from ``simulate_cohort`` (4,000 patients), its inclusion read from the patients
    table with pandas and each patient's signs from the clock's inverse: within 0.06 (the
    Monte Carlo SE of the difference is about 0.017 at a share near 0.3)."""
    from alsprog import simulate_cohort

    cohort = simulate_cohort(4000, seed=5, phenotype="pma")
    frames = []
    for block in cohort._blocks:
        frame = block.patients[["patient_id", "diagnosis_time", "diagnosis_delay_months"]]
        frames.append(frame.assign(signs_time=_bulbar_signs_time(block.course.course)))
    patients = pd.concat(frames, ignore_index=True)
    included = patients["diagnosis_time"].notna()  # alive at diagnosis
    included &= patients["diagnosis_delay_months"] / 12.0 < designs().visser2007.onset_years_max
    seen = patients.loc[included]
    wired = (seen["signs_time"] <= seen["diagnosis_time"]).mean()
    assert len(seen) > 2000
    moments = simulated_moments(ProgressionSettings.default(), stand_in_draws(5000, 5))
    assert abs(moments[QUANTITY] - wired) < 0.06, (moments[QUANTITY], wired)
    assert 0.1 < wired < 0.6  # some PMA patients have bulbar signs at inclusion, not most


def test_the_share_follows_the_bulbar_involvement_and_the_sign_lead():
    """Nobody has bulbar signs when the clock never involves the bulbar region; everyone
    diagnosed does when it always does and the signs lead by more than any clock reaches."""
    base = ProgressionSettings.default()
    cohorts = stand_in_draws(500, 11)

    def share(bulbar_share: float, lead: float) -> float:
        pma = dataclasses.replace(base.pma, bulbar_share=bulbar_share)
        settings = dataclasses.replace(base, pma=pma, sign_lead_points=lead)
        return simulated_moments(settings, cohorts)[QUANTITY]

    assert share(0.0, base.sign_lead_points) == 0.0
    assert share(1.0, 1e4) == 1.0
    assert 0.0 < share(1.0, base.sign_lead_points) < 1.0
