"""Errors raised by alsprog, and the small checks that raise them at the package's edges.

Every message is one line shaped as *where: what is wrong (the value seen); what to do*.
"""

from __future__ import annotations

import math

import numpy as np


class AlsprogError(Exception):
    """Base class of every error alsprog raises on purpose."""


class InputError(AlsprogError, ValueError):
    """Bad input from the user: a value, a file or a name that cannot be used."""


class FitError(AlsprogError, RuntimeError):
    """An optimiser could not find a fit."""


def check_positive(name: str, value: float) -> None:
    """Raise InputError unless ``value`` is a finite number above zero."""
    if not (isinstance(value, int | float | np.floating | np.integer) and math.isfinite(value)):
        raise InputError(f"{name} must be a finite number (got {value!r})")
    if value <= 0:
        raise InputError(f"{name} must be above 0 (got {value!r})")


def check_finite(name: str, value: float) -> None:
    """Raise InputError unless ``value`` is a finite number."""
    if not (isinstance(value, int | float | np.floating | np.integer) and math.isfinite(value)):
        raise InputError(f"{name} must be a finite number (got {value!r})")


def check_probability(name: str, value: float, *, open_interval: bool = False) -> None:
    """Raise InputError unless ``value`` lies in [0, 1] (or (0, 1) when ``open_interval``)."""
    check_finite(name, value)
    if open_interval and not 0 < value < 1:
        raise InputError(f"{name} must lie strictly between 0 and 1 (got {value!r})")
    if not 0 <= value <= 1:
        raise InputError(f"{name} must lie between 0 and 1 (got {value!r})")


def as_times(t: object, name: str = "t") -> np.ndarray:
    """Times in years as a float array; NaN and negative values are refused, +inf is allowed."""
    arr = np.asarray(t, dtype=float)
    if np.isnan(arr).any():
        where = int(np.flatnonzero(np.isnan(arr.ravel()))[0])
        raise InputError(f"{name}: NaN at position {where}; drop or fill missing times first")
    if (arr < 0).any():
        where = int(np.flatnonzero(arr.ravel() < 0)[0])
        raise InputError(
            f"{name}: time {arr.ravel()[where]:g} at position {where} is negative; "
            "times are years since onset and must be >= 0"
        )
    return arr


def as_probabilities(p: object, name: str = "p") -> np.ndarray:
    """Probabilities as a float array; anything outside [0, 1] or NaN is refused."""
    arr = np.asarray(p, dtype=float)
    bad = np.isnan(arr) | (arr < 0) | (arr > 1)
    if bad.any():
        where = int(np.flatnonzero(bad.ravel())[0])
        raise InputError(
            f"{name}: {arr.ravel()[where]!r} at position {where} is not a probability; "
            "pass values between 0 and 1"
        )
    return arr
