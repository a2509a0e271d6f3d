"""Shared cohorts for the outcomes tests (built once per session, fixed seeds)."""

from __future__ import annotations

import pytest

from alsprog.simulation.cohort import simulate_cohort


@pytest.fixture(scope="session")
def small_cohort():
    return simulate_cohort(1_500, 27)


@pytest.fixture(scope="session")
def censored_cohort():
    return simulate_cohort(20_000, 28, followup_years=3.0, dropout_per_year=0.15)
