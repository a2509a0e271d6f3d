"""The MCI186-19 placebo arm's selection: El Escorial regions read from the course, and the
arm's moments measured on patients who meet every criterion."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest

from alsprog.simulation.course_build import build_course
from alsprog.simulation.course_moments import (
    regions_with_signs,
    simulated_moments,
    stand_in_draws,
)
from alsprog.simulation.progression_settings import ProgressionSettings, harness_draws

N = 400


@pytest.fixture(scope="module")
def course():
    settings = ProgressionSettings.start()
    rng = np.random.default_rng(11)
    return build_course(
        settings,
        rate=0.6 * np.exp(0.3 * rng.standard_normal(N)),
        site=rng.integers(0, 2, N),
        death=np.full(N, 50.0),
        draws=harness_draws(N, 11),
    )


def test_with_no_lead_a_region_has_signs_once_its_items_start_to_fall(course):
    """Lead 0: the count equals the bulbar, fine and gross motor domains whose latent items
    have lost something a moment later (read from the items, not from the clock)."""
    course = replace(course, settings=replace(course.settings, sign_lead_points=0.0))
    for t in (0.3, 0.8, 1.5, 3.0):
        at = np.full(N, t)
        lost = course.losses(at[:, None] + 1e-9)[:, 0, :9].reshape(N, 3, 3)
        expected = (lost > 0).any(axis=2).sum(axis=1)
        np.testing.assert_array_equal(regions_with_signs(course, at), expected)


def test_a_longer_lead_shows_signs_sooner(course):
    at = np.full(N, 0.8)
    counts = [
        regions_with_signs(
            replace(course, settings=replace(course.settings, sign_lead_points=v)), at
        )
        for v in (0.0, 2.0, 6.0, 1e6)
    ]
    for fewer, more in itertools.pairwise(counts):
        assert (more >= fewer).all()
    assert (counts[-1] == 3).all() and (counts[0] < 3).any()


def test_the_arm_moments_move_with_the_sign_lead():
    """A shorter lead makes definite ALS rarer among the selected and leaves fewer patients with
    two regions at screening, so the arm is taken from further on in the course: more points
    lost at screening (a lower score)."""
    cohorts = stand_in_draws(3000, 5)
    base = ProgressionSettings.start()
    short = simulated_moments(replace(base, sign_lead_points=1.0), cohorts)
    long = simulated_moments(replace(base, sign_lead_points=20.0), cohorts)
    assert short["mci186_19_definite_share"] < long["mci186_19_definite_share"]
    # the third region's gap spreads widely between patients (data/course.toml [spread]), so a
    # long lead makes most, not all, of the selected definite
    assert short["mci186_19_definite_share"] < 0.1 and long["mci186_19_definite_share"] > 0.5
    assert short["mci186_19_alsfrs_r_at_screening"] < long["mci186_19_alsfrs_r_at_screening"]
    # every figure of the arm is an ALSFRS-R mean or a share
    for moments in (short, long):
        assert 0.0 <= moments["mci186_19_definite_share"] <= 1.0
        assert 36 <= moments["mci186_19_alsfrs_r_at_baseline"]
        assert (
            moments["mci186_19_alsfrs_r_at_baseline"] < moments["mci186_19_alsfrs_r_at_screening"]
        )
