"""Discounting in continuous time: a cash flow or a year of life at time t weighs exp(-delta t).

An annual rate r (0.035 in NICE's reference case) becomes the continuous rate delta = log(1 + r),
so a whole year at time t is worth 1 / (1 + r)^t, exactly as annual discounting at whole years.
There are no cycles, hence no half-cycle correction: a stay in a state from a to b is worth
the integral of exp(-delta t) from a to b, and a one-off event at t is worth exp(-delta t).
"""

from __future__ import annotations

import numpy as np

from alsprog.errors import InputError, check_number

MAX_RATE = 0.2


def continuous_rate(discount_rate: float) -> float:
    """delta = log(1 + r) per year, for an annual discount rate r in [0, 0.2]."""
    r = check_number("discount_rate", discount_rate)
    if not 0.0 <= r <= MAX_RATE:
        raise InputError(
            f"discount_rate {r:g} is outside [0, {MAX_RATE:g}]; pass an annual rate such as "
            "0.035 (3.5% a year), not a percentage"
        )
    return float(np.log1p(r))


def discounted_years(start: np.ndarray, end: np.ndarray, delta: float) -> np.ndarray:
    """Integral of exp(-delta t) dt from ``start`` to ``end`` (years), elementwise.

    With delta = 0 this is end - start. Infinite ``end`` is allowed when delta > 0.
    """
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    if delta == 0.0:
        return end - start
    # (e^{-d a} - e^{-d b}) / d, written with expm1 so that short stays keep their digits
    return np.exp(-delta * start) * -np.expm1(-delta * (end - start)) / delta


def discount_factor(t: np.ndarray, delta: float) -> np.ndarray:
    """exp(-delta t): the present value of one unit paid at t years."""
    return np.exp(-delta * np.asarray(t, dtype=float))
