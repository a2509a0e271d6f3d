"""Shared cohorts for the simulation tests (built once per test session, fixed seeds)."""

from __future__ import annotations

import pytest

from alsprog.simulation.cohort import simulate_cohort


@pytest.fixture(scope="session")
def als_cohort():
    return simulate_cohort(100_000, 11)


@pytest.fixture(scope="session")
def visits_cohort():
    return simulate_cohort(4_000, 12)
