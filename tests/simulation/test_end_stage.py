"""``course_build.end_stage``: the end stage and tracheostomy of ``build_course`` without the
rest of the course, bit for bit (what a survival effect's untreated course is read for)."""

from __future__ import annotations

import numpy as np
import pytest

from alsprog.simulation.course_build import build_course, end_stage
from alsprog.simulation.course_moments import stand_in_draws
from alsprog.simulation.progression_settings import ProgressionSettings

SETTINGS = ProgressionSettings.default()


@pytest.mark.parametrize("niv_share", [None, 0.0, "by patient"])
def test_end_stage_is_build_courses(niv_share):
    draws = stand_in_draws(1_000, 17)["als"]
    n = draws["disease"].size
    share = np.linspace(0.0, 1.0, n) if niv_share == "by patient" else niv_share
    death = draws["disease"] * 0.8  # a survival effect's earlier death, another rate cap
    course = build_course(
        SETTINGS,
        rate=np.full(n, 0.9),
        site=draws["site"],
        death=death,
        draws=draws,
        untreated_death=draws["disease"],
        niv_share=share,
    )
    alone = end_stage(SETTINGS, death=death, draws=draws, niv_share=share)
    for name in ("end_start", "end_length", "tracheostomy_time"):
        np.testing.assert_array_equal(getattr(alone, name), getattr(course, name), err_msg=name)
    assert np.isfinite(alone.tracheostomy_time).any() and np.isnan(alone.tracheostomy_time).any()
