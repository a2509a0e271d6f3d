"""Individual survival data checked once, for every function that takes one row per patient.

``check_survival_data`` turns durations, event flags and optional entry times and case weights
into a frozen ``SurvivalData`` of float and boolean arrays, or raises an InputError naming the
first bad value. ``fit`` and ``kaplan_meier`` both use it, so the same mistake gets the same
message from either, prefixed with the caller's name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alsprog.errors import InputError

__all__ = ["SurvivalData", "check_survival_data"]

# how messages name one value and all values of a time column
_NOUNS = {"durations": ("duration", "durations"), "entry": ("entry", "entry times")}


@dataclass(frozen=True, eq=False)
class SurvivalData:
    """Checked survival data, one entry per patient; the arrays are read-only copies.

    durations : time of death or censoring, years since onset (the caller's unit), >= 0.
    died : True where the patient died at ``durations``, False if censored.
    entry : time the patient came under observation (left truncation), 0 <= entry <= duration;
        0 when no entry times were given.
    weights : case (frequency) weights, finite and >= 0 (> 0 if the caller asked for positive
        weights); 1 when none were given.
    """

    durations: np.ndarray
    died: np.ndarray
    entry: np.ndarray
    weights: np.ndarray


def check_survival_data(
    caller: str,
    durations: object,
    event_observed: object,
    entry: object = None,
    weights: object = None,
    *,
    positive_weights: bool = False,
) -> SurvivalData:
    """The rows as a ``SurvivalData``, or InputError at the first value that cannot be used.

    Parameters
    ----------
    caller : name of the public function, the prefix of every message (``"fit"``).
    durations : time of death or censoring per patient: finite numbers >= 0, at least one.
    event_observed : 1 or True where the patient died, 0 or False if censored.
    entry : optional time each patient came under observation, 0 <= entry <= duration.
    weights : optional case weights, finite and >= 0.
    positive_weights : refuse weights of 0 as well (for estimators that cannot use them).

    Returns
    -------
    SurvivalData
        durations, entry and weights as float arrays, died as a boolean array.

    Raises
    ------
    InputError
        One line, ``"<caller>: <argument, position>: what is wrong (value seen); what to do"``,
        for arrays that are not one-dimensional, are empty, differ in length or are not numbers;
        NaN or infinite values; negative times; event flags other than 0/1/bool; an entry after
        its duration; and negative (or, with ``positive_weights``, zero) weights.
    """
    t = _times(caller, "durations", durations, None)
    events = _column(caller, "event_observed", event_observed, t.size)
    if events.dtype.kind not in "biuf":
        raise InputError(
            f"{caller}: event_observed must be 0/1 or booleans (got dtype {events.dtype}); "
            "use 1 (died) or 0 (censored)"
        )
    bad = ~np.isin(events, (0, 1))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{caller}: event_observed has {events[i]:g} at position {i}; use 1 (died) or "
            "0 (censored), or booleans"
        )
    e = np.zeros(t.size) if entry is None else _times(caller, "entry", entry, t.size)
    late = e > t
    if late.any():
        i = int(np.flatnonzero(late)[0])
        raise InputError(
            f"{caller}: entry {e[i]:g} at position {i} is after its duration {t[i]:g}; "
            "entry (when observation began) must not exceed the duration"
        )
    w = np.ones(t.size) if weights is None else _numbers(caller, "weights", weights, t.size)
    if positive_weights and (w <= 0).any():
        i = int(np.flatnonzero(w <= 0)[0])
        raise InputError(
            f"{caller}: weight {w[i]:g} at position {i} is not above 0; "
            "drop rows with zero weight and pass positive weights"
        )
    if (w < 0).any():
        i = int(np.flatnonzero(w < 0)[0])
        raise InputError(
            f"{caller}: weight {w[i]:g} at position {i} is negative; "
            "weights are case counts and must be >= 0"
        )
    arrays = (t, events.astype(bool), e, w)
    for arr in arrays:
        arr.setflags(write=False)
    return SurvivalData(*arrays)


def _column(caller: str, name: str, values: object, n: int | None) -> np.ndarray:
    """``values`` as a 1-d array of ``n`` entries (any dtype), non-empty when ``n`` is None."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise InputError(
            f"{caller}: {name} must be one-dimensional (got shape {arr.shape}); "
            "pass one value per patient"
        )
    if n is None and arr.size == 0:
        raise InputError(f"{caller}: {name} is empty; pass at least one patient")
    if n is not None and arr.size != n:
        raise InputError(
            f"{caller}: durations and {name} have different lengths ({n} and {arr.size}); "
            f"pass one {name} value per duration"
        )
    return arr


def _numbers(caller: str, name: str, values: object, n: int | None) -> np.ndarray:
    """A checked column of finite numbers as a new float array."""
    arr = _column(caller, name, values, n)
    if arr.dtype.kind not in "iuf":
        raise InputError(
            f"{caller}: {name} must be numbers (got dtype {arr.dtype}); "
            "convert the column to numbers first"
        )
    arr = arr.astype(float)
    if np.isnan(arr).any():
        i = int(np.flatnonzero(np.isnan(arr))[0])
        raise InputError(
            f"{caller}: {name} has nan at position {i}; drop or fill missing values first"
        )
    if np.isinf(arr).any():
        i = int(np.flatnonzero(np.isinf(arr))[0])
        hint = " (a censored time is the last time seen alive)" if name == "durations" else ""
        raise InputError(
            f"{caller}: {name} has {arr[i]:g} at position {i}; pass finite values{hint}"
        )
    return arr


def _times(caller: str, name: str, values: object, n: int | None) -> np.ndarray:
    """A checked column of finite times >= 0 as a new float array."""
    arr = _numbers(caller, name, values, n)
    if (arr < 0).any():
        i = int(np.flatnonzero(arr < 0)[0])
        singular, plural = _NOUNS[name]
        raise InputError(
            f"{caller}: {singular} {arr[i]:g} at position {i} is negative; "
            f"{plural} are times since onset and must be >= 0"
        )
    return arr
