"""Shared cohorts for the simulation tests (built once per test session, fixed seeds)."""

from __future__ import annotations

import numpy as np
import pytest

from alsprog.simulation.cohort import simulate_cohort


def dkw_gap(times: np.ndarray, cdf) -> tuple[float, float]:
    """Largest distance between the empirical CDF of ``times`` and ``cdf``, and the DKW bound
    it stays under with probability 1 - 1e-3."""
    x = np.sort(np.asarray(times, dtype=float))
    n = x.size
    model = cdf(x)
    gap = max(np.abs(np.arange(1, n + 1) / n - model).max(), np.abs(np.arange(n) / n - model).max())
    return gap, float(np.sqrt(np.log(2 / 1e-3) / (2 * n)))


@pytest.fixture(scope="session")
def als_cohort():
    return simulate_cohort(100_000, 11)


@pytest.fixture(scope="session")
def visits_cohort():
    return simulate_cohort(4_000, 12)
