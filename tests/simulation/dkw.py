"""The Dvoretzky-Kiefer-Wolfowitz check shared by the simulation tests (a module of its own:
importing from a conftest breaks when several test folders are collected together)."""

from __future__ import annotations

import numpy as np


def dkw_gap(times: np.ndarray, cdf) -> tuple[float, float]:
    """Largest distance between the empirical CDF of ``times`` and ``cdf``, and the DKW bound
    it stays under with probability 1 - 1e-3."""
    x = np.sort(np.asarray(times, dtype=float))
    n = x.size
    model = cdf(x)
    gap = max(np.abs(np.arange(1, n + 1) / n - model).max(), np.abs(np.arange(n) / n - model).max())
    return gap, float(np.sqrt(np.log(2 / 1e-3) / (2 * n)))
