"""The checks an effect's arguments pass: ratios, fractions, windows, and the anchor.

``resolve_anchor`` is where an effect's anchor is decided (see ``core``'s docstring).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from alsprog.errors import InputError, is_real

ANCHORS = ("onset", "diagnosis", "enrolment")


def resolve_anchor(where: str, anchor: object, from_diagnosis: object, default: str) -> str:
    """The anchor an effect's arguments name, or InputError.

    ``anchor`` "enrolment" always stands; otherwise a given ``from_diagnosis`` (True or False)
    decides between "diagnosis" and "onset" (so ``replace(effect, from_diagnosis=False)`` moves
    an effect to onset, as it always did), then ``anchor``, then the type's ``default``.
    """
    if from_diagnosis is not None and not isinstance(from_diagnosis, bool | np.bool_):
        raise InputError(f"{where}: from_diagnosis must be True or False (got {from_diagnosis!r})")
    if anchor is not None and anchor not in ANCHORS:
        raise InputError(
            f"{where}: anchor {anchor!r} is unknown; use one of {', '.join(ANCHORS)} (the time "
            "start_years counts from)"
        )
    if anchor == "enrolment":
        return "enrolment"
    if from_diagnosis is not None:
        return "diagnosis" if from_diagnosis else "onset"
    return default if anchor is None else str(anchor)


def set_anchor(effect: Any, where: str, default: str) -> None:
    anchor = resolve_anchor(where, effect.anchor, effect.from_diagnosis, default)
    object.__setattr__(effect, "anchor", anchor)
    object.__setattr__(effect, "from_diagnosis", anchor != "onset")


def _number(where: str, name: str, value: object) -> float:
    if not is_real(value):
        raise InputError(f"{where}: {name} must be a number (got {value!r}); pass a float")
    value = float(value)
    if math.isnan(value):
        raise InputError(f"{where}: {name} is NaN; pass a number")
    return value


def check_ratio(where: str, name: str, value: object) -> float:
    """A finite ratio above 0, or InputError naming it."""
    value = _number(where, name, value)
    if not (math.isfinite(value) and value > 0):
        raise InputError(
            f"{where}: {name} must be a finite number above 0 (got {value:g}); "
            "1 means no effect, below 1 a lower hazard"
            if name == "hazard_ratio"
            else f"{where}: {name} must be a finite number above 0 (got {value:g}); "
            "1 means no effect, above 1 longer survival"
        )
    return value


def check_fraction(where: str, value: object) -> float:
    """A fraction in [0, 1), or InputError."""
    value = _number(where, "fraction", value)
    if not 0 <= value < 1:
        raise InputError(
            f"{where}: fraction must lie in [0, 1) (got {value:g}); 0.3 slows the decline by 30%"
        )
    return value


def check_start(where: str, value: object) -> float:
    value = _number(where, "start_years", value)
    if not (math.isfinite(value) and value >= 0):
        raise InputError(
            f"{where}: start_years must be finite and >= 0 (got {value:g}); give years after "
            "onset (or after diagnosis)"
        )
    return value


def check_duration(where: str, value: object) -> float:
    value = _number(where, "duration_years", value)
    if not value > 0:
        raise InputError(
            f"{where}: duration_years must be above 0 (got {value:g}); use inf for a lasting effect"
        )
    return value
