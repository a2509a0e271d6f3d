"""The tidy inputs every endpoint reads, checked once and turned into flat numpy arrays.

Survival data (one row per patient and replicate): ``replicate`` (optional; any sortable label,
absent means one trial), ``patient_id`` (needed only with visits), ``arm`` ("control" or
"treatment"), ``time_on_study`` (years from enrolment to death or censoring, >= 0) and
``event`` (1 if the patient died at ``time_on_study``, 0 if censored).

Visit data (one row per visit): ``replicate`` (when the patients have it), ``patient_id``,
``arm``, ``weeks_on_study`` (>= 0; the baseline visit is week 0) and ``alsfrs_r`` (0-48). Every
patient with visits has a baseline visit; no patient has two visits in the same week.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from alsprog.errors import InputError

ARMS = ("control", "treatment")
# Weeks on study against years on study: the calendar (Julian) year of 365.25 days, so 4.348
# weeks a month. Not the 52-week year of population.covariates (4.333 weeks a month, how the
# delay's hazard ratio per 12 weeks is read) or of outcomes.course_measures: unifying them would
# change every trial or every covariate hazard ratio, so each is named by what it means.
CALENDAR_WEEKS_PER_YEAR = 365.25 / 7
CALENDAR_WEEKS_PER_MONTH = CALENDAR_WEEKS_PER_YEAR / 12
SURVIVAL_COLUMNS = ("arm", "time_on_study", "event")
VISIT_COLUMNS = ("patient_id", "arm", "weeks_on_study", "alsfrs_r")


@dataclass(frozen=True)
class Patients:
    """Survival data as arrays, one entry per patient row of the input frame.

    replicates : the distinct replicate labels, sorted; ``replicate`` indexes into them.
    replicate : int array, each patient's replicate code (0 .. n_replicates - 1).
    treatment : bool array, True in the treatment arm.
    time : years on study (enrolment to death or censoring).
    event : bool array, True where the patient died at ``time``.
    patient_id : the input's patient IDs (None when the column is absent).
    """

    replicates: np.ndarray
    replicate: np.ndarray
    treatment: np.ndarray
    time: np.ndarray
    event: np.ndarray
    patient_id: np.ndarray | None

    @property
    def n_replicates(self) -> int:
        return int(self.replicates.size)

    def per_replicate(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` (one per patient) within each replicate."""
        return np.bincount(self.replicate, weights=values, minlength=self.n_replicates)


@dataclass(frozen=True)
class Visits:
    """Visit data as arrays, sorted by patient and week.

    patient : int array, the row of each visit's patient in ``Patients``.
    weeks : weeks on study of each visit (0 is baseline).
    score : ALSFRS-R total at each visit (0-48).
    baseline : per patient (aligned with ``Patients``), the week-0 score; NaN with no visits.
    """

    patient: np.ndarray
    weeks: np.ndarray
    score: np.ndarray
    baseline: np.ndarray


def group_sort(group: np.ndarray, key: np.ndarray, *, stable: bool = True) -> np.ndarray:
    """Indices sorting by integer ``group``, then by ``key`` (``np.lexsort((key, group))``).

    Each group is sorted as a row of a (padded) table, which on millions of rows is several
    times faster than one global sort of floating-point keys. ``key`` must not be NaN. With
    ``stable`` (default) equal keys keep their order; without, their order is arbitrary.
    """
    size = group.size
    if size == 0:
        return np.zeros(0, dtype=np.intp)
    kind: Literal["stable", "quicksort"] = "stable" if stable else "quicksort"
    outer = None
    step = group[1:] - group[:-1]
    if np.any(step < 0):
        outer = np.argsort(group, kind="stable")
    elif not np.any((step == 0) & (key[1:] < key[:-1])):
        return np.arange(size)  # already in order
    grouped = group if outer is None else group[outer]
    keys = key if outer is None else key[outer]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    sizes = np.diff(np.r_[starts, size])
    width = int(sizes.max())
    if starts.size * width > 4 * size + 1024:  # very unequal groups: one global sort
        return np.lexsort((key, group))
    if sizes.min() == width:  # equal groups: a plain reshape
        inner = np.argsort(keys.reshape(starts.size, width), axis=1, kind=kind)
        flat = (inner + starts[:, None]).ravel()
    else:
        table = np.full((starts.size, width), np.inf)
        row = np.repeat(np.arange(starts.size), sizes)
        table[row, np.arange(size) - starts[row]] = keys
        inner = np.argsort(table, axis=1, kind="stable")  # padding sorts after real keys
        flat = (starts[:, None] + inner)[np.arange(width)[None, :] < sizes[:, None]]
    return flat if outer is None else outer[flat]


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct labels and each value's index among them (``np.unique`` semantics)."""
    if values.dtype.kind in "iu" and values.size:
        low = int(values.min())
        span = int(values.max()) - low + 1
        if span <= 4 * values.size:  # dense integer labels: counting beats sorting
            present = np.bincount(values - low, minlength=span) > 0
            position = np.cumsum(present) - 1
            return np.flatnonzero(present) + low, position[values - low]
    return np.unique(values, return_inverse=True)


def _require(frame: object, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{name}: expected a pandas DataFrame (got {type(frame).__name__})")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{name}: missing column(s) {', '.join(missing)} (columns seen: "
            f"{', '.join(map(str, frame.columns))}); pass the documented tidy columns"
        )
    if len(frame) == 0:
        raise InputError(f"{name}: no rows; pass at least one patient")
    return frame


def _treatment(arm: pd.Series, name: str) -> np.ndarray:
    codes, labels = pd.factorize(arm)
    unknown = [label for label in labels if label not in ARMS]
    if unknown or (codes < 0).any():
        raise InputError(
            f"{name}: arm {_label(unknown[0] if unknown else None)} is unknown; "
            "use 'control' or 'treatment'"
        )
    return np.asarray([label == ARMS[1] for label in labels], dtype=bool)[codes]


def _numbers(frame: pd.DataFrame, column: str, name: str, low: float, high: float) -> np.ndarray:
    try:
        values = frame[column].to_numpy(dtype=float)
    except (TypeError, ValueError) as err:
        raise InputError(f"{name}: column {column} is not numeric ({err}); pass numbers") from err
    bad = ~((values >= low) & (values <= high) & np.isfinite(values))  # NaN and inf too
    if bad.any():
        at = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{name}: {column} {values[at]:g} in row {at} is outside [{low:g}, {high:g}]; "
            "fix or drop that row"
        )
    return values


def _label(value: object) -> str:
    """A value as a user wrote it (numpy scalars unwrapped)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def patients_arrays(patients: pd.DataFrame) -> Patients:
    """Check survival data (see the module docstring) and return it as ``Patients``."""
    frame = _require(patients, "patients", SURVIVAL_COLUMNS)
    treated = _treatment(frame["arm"], "patients")
    time = _numbers(frame, "time_on_study", "patients", 0.0, np.inf)
    event = _numbers(frame, "event", "patients", 0.0, 1.0)
    if not np.isin(event, (0.0, 1.0)).all():
        raise InputError("patients: event must be 0 (censored) or 1 (died); fix the event column")
    if "replicate" in frame.columns:
        replicates, codes = _codes(frame["replicate"].to_numpy())
    else:
        replicates, codes = np.array([0]), np.zeros(len(frame), dtype=np.intp)
    ids = frame["patient_id"].to_numpy() if "patient_id" in frame.columns else None
    return Patients(replicates, codes.astype(np.intp), treated, time, event == 1.0, ids)


def _lookup(known: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, bool]:
    """For integer keys: the index in ``known`` of each wanted key (-1 if absent), and
    whether ``known`` repeats a key. A table when the keys are dense, else a sorted search."""
    low = int(min(known.min(), wanted.min()))
    span = int(max(known.max(), wanted.max())) - low + 1
    if span <= 4 * (known.size + wanted.size) + 1024:
        table = np.full(span, -1, dtype=np.intp)
        table[known - low] = np.arange(known.size)
        repeats = bool(np.any(np.bincount(known - low, minlength=span) > 1))
        return table[wanted - low], repeats
    order = np.argsort(known, kind="stable")
    repeats = bool(np.any(np.diff(known[order]) == 0))
    at = order[np.minimum(np.searchsorted(known, wanted, sorter=order), known.size - 1)]
    return np.where(known[at] == wanted, at, -1), repeats


def _patient_rows(patients: Patients, replicate: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The row in ``patients`` of each (replicate code, patient_id) pair; -1 when unknown."""
    own = patients.patient_id
    if own is None:
        raise InputError("visits: patients have no patient_id column to match visits to")
    if own.dtype.kind in "iu" and ids.dtype.kind in "iu" and own.size:
        low = min(own.min(), ids.min())
        span = int(max(own.max(), ids.max()) - low) + 1
        keys = patients.replicate.astype(np.int64) * span + (own - low)
        rows, repeats = _lookup(keys, replicate.astype(np.int64) * span + (ids - low))
    else:
        index = pd.MultiIndex.from_arrays([patients.replicate, own])
        repeats = not index.is_unique
        rows = (
            np.zeros(0, dtype=np.intp)
            if repeats
            else index.get_indexer(pd.MultiIndex.from_arrays([replicate, ids]))
        )
    if repeats:
        raise InputError("patients: patient_id repeats within a replicate; make IDs unique")
    return rows


def _replicate_codes(patients: Patients, labels: np.ndarray) -> np.ndarray:
    """The replicate code of each label; -1 for a label the patients do not have."""
    known = patients.replicates
    if known.dtype.kind in "iu" and labels.dtype.kind in "iu":
        return _lookup(known, labels)[0]
    codes = np.minimum(np.searchsorted(known, labels), known.size - 1)
    return np.where(known[codes] == labels, codes, -1)


def visits_arrays(visits: pd.DataFrame, patients: Patients) -> Visits:
    """Check visit data against ``patients``; ``Visits`` sorted by patient and week."""
    if patients.patient_id is None:
        raise InputError("patients: no patient_id column; it is needed to link visits to patients")
    frame = _require(visits, "visits", VISIT_COLUMNS)
    weeks = _numbers(frame, "weeks_on_study", "visits", 0.0, np.inf)
    score = _numbers(frame, "alsfrs_r", "visits", 0.0, 48.0)
    treated = _treatment(frame["arm"], "visits")
    if "replicate" in frame.columns:
        codes = _replicate_codes(patients, frame["replicate"].to_numpy())
        unknown = codes < 0
    else:
        if patients.n_replicates > 1:
            raise InputError("visits: no replicate column but patients has several; add it")
        codes, unknown = np.zeros(len(frame), dtype=np.intp), np.zeros(len(frame), bool)
    rows = _patient_rows(patients, np.maximum(codes, 0), frame["patient_id"].to_numpy())
    bad = unknown | (rows < 0)
    if bad.any():
        at = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"visits: patient {_label(frame['patient_id'].iloc[at])} in row {at} is not in "
            "patients; pass the visits of the same patients"
        )
    if (patients.treatment[rows] != treated).any():
        at = int(np.flatnonzero(patients.treatment[rows] != treated)[0])
        raise InputError(
            f"visits: row {at} has an arm other than its patient's; fix the arm column"
        )
    order = group_sort(rows, weeks)
    rows, weeks, score = rows[order], weeks[order], score[order]
    if np.any((np.diff(rows) == 0) & (np.diff(weeks) == 0)):
        raise InputError("visits: a patient has two visits in the same week; keep one per week")
    first = np.ones(rows.size, bool)
    first[1:] = rows[1:] != rows[:-1]
    if np.any(weeks[first] != 0):
        at = int(order[np.flatnonzero(first & (weeks != 0))[0]])
        raise InputError(
            f"visits: patient {_label(frame['patient_id'].iloc[at])} has no baseline visit at "
            "week 0; every patient with visits needs one"
        )
    baseline = np.full(patients.time.size, np.nan)
    baseline[rows[first]] = score[first]
    return Visits(rows, weeks, score, baseline)
