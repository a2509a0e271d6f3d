"""Landmark survival targets: the figures a model is calibrated to, with their sources.

A target set is a list of landmarks S(t) in years from onset. A landmark of kind ``equal`` is a
figure to reproduce; ``upper`` and ``lower`` are bounds S(t) <= s and S(t) >= s. Targets load
from the package's TOML files or from a user's TOML or CSV (columns time, survival, optional
kind and source).
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import numpy as np

from alsprog import data as data_files
from alsprog.data.frozen import readonly
from alsprog.errors import (
    InputError,
    check_number,
    check_positive,
    csv_rows,
    decimal_comma_hint,
    read_text,
)

KINDS = ("equal", "upper", "lower")
MAX_LANDMARKS = 200  # limit: figures to calibrate to are a handful; 200 with a spline takes minutes
CSV_COLUMNS = ("time", "survival", "kind", "source")
TOML_KEYS = ("name", "description", "document", "effective_sample_size", "landmark")
LANDMARK_KEYS = ("t", "survival", "kind", "source")
EXPECTED = "a TOML or CSV file of landmarks (columns time, survival[, kind, source])"
DEFAULT_EFFECTIVE_SAMPLE_SIZE = 500.0  # assumption: see data/als_landmarks.toml


@dataclass(frozen=True)
class Landmark:
    """One figure: survival ``survival`` (0-1) at ``t`` years, its kind and its source."""

    t: float
    survival: float
    kind: str = "equal"
    source: str = ""


@dataclass(frozen=True)
class Targets:
    """A validated set of landmarks, sorted by time.

    effective_sample_size : the number of patients the figures are treated as coming from; it
        scales the likelihood (and so standard errors), not the fitted curve.
    equal, bounds : the landmarks to reproduce and the upper and lower bounds, each by time
        (set once from ``landmarks``).
    edges, shares : the grouped data the equality landmarks make (``cells``; read-only arrays
        set once from ``landmarks``).
    """

    name: str
    landmarks: tuple[Landmark, ...]
    effective_sample_size: float = DEFAULT_EFFECTIVE_SAMPLE_SIZE
    description: str = ""
    source: str = field(default="", repr=False)
    equal: tuple[Landmark, ...] = field(init=False, repr=False, compare=False)
    bounds: tuple[Landmark, ...] = field(init=False, repr=False, compare=False)
    edges: np.ndarray = field(init=False, repr=False, compare=False)
    shares: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.landmarks, Landmark | str) or not hasattr(self.landmarks, "__iter__"):
            raise InputError(
                f"targets {self.name!r}: landmarks must be a sequence of Landmark (got "
                f"{type(self.landmarks).__name__}); pass a tuple such as (Landmark(3, 0.5),)"
            )
        object.__setattr__(self, "landmarks", tuple(self.landmarks))
        validate(self)

    def cells(self) -> tuple[np.ndarray, np.ndarray]:
        """Grouped data: interval edges (years) and the share dying in each interval.

        Edges are 0, t_1, ..., t_k; the shares are 1 - S(t_1), S(t_1) - S(t_2), ..., and S(t_k)
        (alive at the last landmark), so they sum to 1. Both read-only (``edges``, ``shares``).
        """
        return self.edges, self.shares

    def redrawn(self, rng: np.random.Generator) -> Targets:
        """The figures redrawn within their uncertainty: cell shares ~ Dirichlet(n * share + 1/2).

        With effective sample size n the figures act as grouped counts; the Dirichlet is their
        posterior under a Jeffreys prior, so no redrawn figure is exactly 0 or 1. Bounds stay.
        """
        _, shares = self.cells()
        cells = rng.dirichlet(self.effective_sample_size * shares + 0.5)
        survival = 1 - np.cumsum(cells)[:-1]
        equal = tuple(
            replace(lm, survival=float(np.clip(s, 1e-9, 1 - 1e-9)))
            for lm, s in zip(self.equal, survival, strict=True)
        )
        return replace(self, landmarks=equal + self.bounds)


def validate(targets: Targets) -> None:
    """Raise InputError naming the first landmark that cannot be used, and the fix.

    Times and survival figures may be any real numbers (numpy scalars too), stored as floats;
    booleans, text and NaN are refused, as are more than ``MAX_LANDMARKS`` landmarks.
    """
    if not isinstance(targets.name, str):
        raise InputError(f"targets: name must be text (got {targets.name!r}); pass a short label")
    where = f"targets {targets.name!r}"
    n = check_positive(f"{where}: effective_sample_size", targets.effective_sample_size)
    object.__setattr__(targets, "effective_sample_size", n)
    if len(targets.landmarks) > MAX_LANDMARKS:
        raise InputError(
            f"{where}: {len(targets.landmarks)} landmarks, above the limit of {MAX_LANDMARKS}; "
            "calibrate to a few published figures (for patient-level data use alsprog.fit)"
        )
    checked = []
    for lm in targets.landmarks:
        if not isinstance(lm, Landmark):
            raise InputError(
                f"{where}: {type(lm).__name__} {lm!r} is not a Landmark; pass Landmark(t, survival)"
            )
        at = f"{where}, landmark at t={lm.t!r}"
        if not isinstance(lm.kind, str) or lm.kind not in KINDS:
            raise InputError(f"{at}: kind {lm.kind!r} is unknown; use one of {', '.join(KINDS)}")
        if not isinstance(lm.source, str):
            raise InputError(f"{at}: source must be text (got {lm.source!r}); quote it")
        t = _checked(lm.t, at, "time", "is not a finite number; give years since onset")
        if t <= 0:
            raise InputError(
                f"{at}: time must be above 0 years (got {t:g}); landmarks "
                "are survival at a time after onset"
            )
        survival = _checked(
            lm.survival, at, "survival", "is not a number; give a probability in (0, 1)"
        )
        if not 0 < survival < 1:
            raise InputError(
                f"{at}: survival {survival!r} is outside (0, 1); give a "
                "probability strictly between 0 and 1 (50% is 0.5)"
            )
        checked.append(replace(lm, t=t, survival=survival))
    checked.sort(key=lambda lm: (lm.t, lm.kind))
    object.__setattr__(targets, "landmarks", tuple(checked))
    object.__setattr__(targets, "equal", tuple(lm for lm in checked if lm.kind == "equal"))
    object.__setattr__(targets, "bounds", tuple(lm for lm in checked if lm.kind != "equal"))
    times = np.array([lm.t for lm in targets.equal])
    surv = np.array([lm.survival for lm in targets.equal])
    object.__setattr__(targets, "edges", readonly(np.concatenate([[0.0], times])))
    object.__setattr__(targets, "shares", readonly(-np.diff(np.concatenate([[1.0], surv, [0.0]]))))
    if not targets.equal:
        raise InputError(
            f"targets {targets.name!r}: no landmark of kind 'equal'; give at least "
            "one figure S(t) to reproduce"
        )
    equal = targets.equal
    for before, after in itertools.pairwise(equal):
        if after.t == before.t:
            raise InputError(
                f"targets {targets.name!r}: two landmarks at t={after.t:g} years; "
                "keep one figure per time"
            )
        if after.survival > before.survival:
            raise InputError(
                f"targets {targets.name!r}: survival rises from {before.survival:.3g} at "
                f"{before.t:g} y to {after.survival:.3g} at {after.t:g} y; survival must not "
                "increase with time"
            )


@cache
def default_targets() -> Targets:
    """The reference document's ALS landmarks from onset (see data/als_landmarks.toml), read
    once (a ``Targets`` is immutable, so every call may share it)."""
    text = data_files.read_text("als_landmarks.toml")
    return _from_toml_dict(tomllib.loads(text), "als")


def _checked(value: object, where: str, what: str, problem: str) -> float:
    """A landmark's number as a float, or InputError in the message style of ``validate``."""
    try:
        return check_number(what, value)
    except InputError:
        raise InputError(f"{where}: {what} {problem} (got {value!r})") from None


def load_targets(path: str | Path) -> Targets:
    """Read targets from a TOML file (as data/als_landmarks.toml) or a CSV file.

    CSV columns: time (years, required), survival (0-1, required), kind (equal/upper/lower,
    optional, default equal), source (optional). Any other column is refused, as is a row with
    more or fewer fields than the header. TOML: the keys of data/als_landmarks.toml, each of its
    type (a number is not ``true`` or text). Both are read as UTF-8, with or without a BOM.
    """
    if not isinstance(path, str | Path):
        raise InputError(
            f"load_targets: path must be a file path (got {type(path).__name__}); pass the "
            "path of a .toml or .csv file"
        )
    path = Path(path)
    if path.suffix.lower() not in (".toml", ".csv"):
        raise InputError(
            f"targets file {path.name}: unknown format {path.suffix!r}; use .toml or .csv"
        )
    text = read_text(path, "targets file", EXPECTED)
    where = f"targets file {path.name}"
    try:
        if path.suffix.lower() == ".toml":
            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError as err:
                raise InputError(
                    f"{where}: not valid TOML ({err}); fix the syntax or use a CSV"
                ) from None
            return _from_toml_dict(data, path.stem, where)
        return _from_csv(text, path)
    except InputError as err:  # a value refused by Targets: name the file, not just its stem
        message = re.sub(r"^targets '[^']*'", where, str(err), count=1)
        raise InputError(message) from None


def _number(value: object, where: str, what: str, *, text: bool = False) -> float:
    """A number read from a file: TOML numbers as they are (not booleans or text); with
    ``text``, a CSV cell parsed (inf is left for ``validate`` to refuse by name)."""
    if text and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise InputError(
                f"{where}: {what} {value!r} is not a number; give a plain number"
                f"{decimal_comma_hint(value)}"
            ) from None
        if math.isnan(number):
            raise InputError(f"{where}: {what} is NaN; give a number")
        return number
    if isinstance(value, float) and math.isnan(value):
        raise InputError(f"{where}: {what} is NaN; give a number")
    try:
        return check_number(what, value, finite=False)
    except InputError:
        example = {"t": "3.0", "survival": "0.5"}.get(what, "500")
        raise InputError(
            f"{where}: {what} {value!r} is not a number ({type(value).__name__}); "
            f"write {what} = {example}, without quotes or true/false"
        ) from None


def _text(data: dict, key: str, where: str, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise InputError(f'{where}: {key} must be text (got {value!r}); write {key} = "..."')
    return value


def _from_toml_dict(data: dict, default_name: str, where: str | None = None) -> Targets:
    where = where or f"targets {default_name!r}"
    unknown = [key for key in data if key not in TOML_KEYS]
    if unknown:
        raise InputError(
            f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(TOML_KEYS)}"
        )
    name = _text(data, "name", where, default_name)
    rows = data.get("landmark")
    if not isinstance(rows, list) or not rows:
        raise InputError(f"{where}: no [[landmark]] tables; add entries with t and survival")
    landmarks = []
    for i, row in enumerate(rows):
        at = f"{where}, landmark {i + 1}"
        if not isinstance(row, dict):
            raise InputError(
                f"{at}: {row!r} is not a table; write each landmark as [[landmark]] with "
                "t = ... and survival = ... on their own lines"
            )
        extra = [key for key in row if key not in LANDMARK_KEYS]
        if extra:
            raise InputError(
                f"{at}: unknown key(s) {', '.join(map(repr, extra))}; "
                f"allowed: {', '.join(LANDMARK_KEYS)}"
            )
        missing = [key for key in ("t", "survival") if key not in row]
        if missing:
            raise InputError(
                f"{at}: missing {', '.join(missing)}; each landmark needs t "
                "(years) and survival (0-1)"
            )
        landmarks.append(
            Landmark(
                _number(row["t"], at, "t"),
                _number(row["survival"], at, "survival"),
                _text(row, "kind", at, "equal"),
                _text(row, "source", at, ""),
            )
        )
    n_eff = data.get("effective_sample_size", DEFAULT_EFFECTIVE_SAMPLE_SIZE)
    return Targets(
        name,
        tuple(landmarks),
        _number(n_eff, where, "effective_sample_size"),
        _text(data, "description", where, ""),
        _text(data, "document", where, ""),
    )


def _from_csv(text: str, path: Path) -> Targets:
    where = f"targets file {path.name}"
    numbered = csv_rows(
        text,
        where,
        "time,survival[,kind,source]",
        "empty; give a header time,survival and one row per landmark",
    )
    _, header = numbered[0]
    columns = [c.strip() for c in header]
    missing = [c for c in ("time", "survival") if c not in columns]
    if missing:
        raise InputError(
            f"{where}: missing column(s) {', '.join(missing)}; "
            "the CSV needs time (years) and survival (0-1), optionally kind "
            "and source"
        )
    extra = [c for c in columns if c not in CSV_COLUMNS]
    if extra:
        raise InputError(
            f"{where}: unknown column(s) {', '.join(extra)}; allowed: {', '.join(CSV_COLUMNS)}"
        )
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:
        raise InputError(f"{where}: column {twice[0]} appears twice; keep one")
    landmarks = []
    for line, fields in numbered[1:]:
        at = f"{where}, line {line}"
        if len(fields) != len(columns):
            raise InputError(
                f"{at}: {len(fields)} field{'s' * (len(fields) != 1)}, the header has "
                f"{len(columns)}; give one value per "
                "column (quote text that contains commas)"
            )
        row = dict(zip(columns, (f.strip() for f in fields), strict=True))
        landmarks.append(
            Landmark(
                _number(row["time"], at, "time", text=True),
                _number(row["survival"], at, "survival", text=True),
                row.get("kind") or "equal",
                row.get("source", ""),
            )
        )
    if not landmarks:
        raise InputError(f"{where}: no rows; add time,survival lines")
    return Targets(path.stem, tuple(landmarks))
