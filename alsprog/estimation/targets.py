"""Landmark survival targets: the figures a model is calibrated to, with their sources.

A target set is a list of landmarks S(t) in years from onset. A landmark of kind ``equal`` is a
figure to reproduce; ``upper`` and ``lower`` are bounds S(t) <= s and S(t) >= s. Targets load
from the package's TOML files or from a user's TOML or CSV (columns time, survival, optional
kind and source).
"""

from __future__ import annotations

import csv
import itertools
import math
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import numpy as np

from alsprog.errors import InputError

KINDS = ("equal", "upper", "lower")
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
    """

    name: str
    landmarks: tuple[Landmark, ...]
    effective_sample_size: float = DEFAULT_EFFECTIVE_SAMPLE_SIZE
    description: str = ""
    source: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        landmarks = tuple(sorted(self.landmarks, key=lambda lm: (lm.t, lm.kind)))
        object.__setattr__(self, "landmarks", landmarks)
        validate(self)

    @property
    def equal(self) -> tuple[Landmark, ...]:
        """Landmarks to reproduce, by time."""
        return tuple(lm for lm in self.landmarks if lm.kind == "equal")

    @property
    def bounds(self) -> tuple[Landmark, ...]:
        """Upper and lower bounds, by time."""
        return tuple(lm for lm in self.landmarks if lm.kind != "equal")

    def cells(self) -> tuple[np.ndarray, np.ndarray]:
        """Grouped data: interval edges (years) and the share dying in each interval.

        Edges are 0, t_1, ..., t_k; the shares are 1 - S(t_1), S(t_1) - S(t_2), ..., and S(t_k)
        (alive at the last landmark), so they sum to 1.
        """
        times = np.array([lm.t for lm in self.equal])
        surv = np.array([lm.survival for lm in self.equal])
        edges = np.concatenate([[0.0], times])
        shares = -np.diff(np.concatenate([[1.0], surv, [0.0]]))
        return edges, shares

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
    """Raise InputError naming the first landmark that cannot be used, and the fix."""
    n = targets.effective_sample_size
    if not (isinstance(n, int | float) and math.isfinite(n) and n > 0):
        raise InputError(
            f"targets {targets.name!r}: effective_sample_size must be a number above 0 (got {n!r})"
        )
    for lm in targets.landmarks:
        where = f"targets {targets.name!r}, landmark at t={lm.t!r}"
        if lm.kind not in KINDS:
            raise InputError(f"{where}: kind {lm.kind!r} is unknown; use one of {', '.join(KINDS)}")
        if not isinstance(lm.t, int | float) or not math.isfinite(lm.t) or math.isnan(lm.t):
            raise InputError(f"{where}: time is not a finite number; give years since onset")
        if lm.t <= 0:
            raise InputError(
                f"{where}: time must be above 0 years (got {lm.t:g}); landmarks "
                "are survival at a time after onset"
            )
        if not isinstance(lm.survival, int | float) or math.isnan(lm.survival):
            raise InputError(f"{where}: survival is not a number; give a probability in (0, 1)")
        if not 0 < lm.survival < 1:
            raise InputError(
                f"{where}: survival {lm.survival!r} is outside (0, 1); give a "
                "probability strictly between 0 and 1 (50% is 0.5)"
            )
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


def default_targets() -> Targets:
    """The reference document's ALS landmarks from onset (see data/als_landmarks.toml)."""
    text = resources.files("alsprog.data").joinpath("als_landmarks.toml").read_text("utf-8")
    return _from_toml_dict(tomllib.loads(text), "als")


def load_targets(path: str | Path) -> Targets:
    """Read targets from a TOML file (as data/als_landmarks.toml) or a CSV file.

    CSV columns: time (years, required), survival (0-1, required), kind (equal/upper/lower,
    optional, default equal), source (optional). Any other column is refused.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"targets file {str(path)!r} does not exist; check the path")
    if path.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as err:
            raise InputError(
                f"targets file {path.name}: not valid TOML ({err}); fix the syntax or use a CSV"
            ) from None
        return _from_toml_dict(data, path.stem)
    if path.suffix.lower() == ".csv":
        return _from_csv(path)
    raise InputError(f"targets file {path.name}: unknown format {path.suffix!r}; use .toml or .csv")


def _number(value: object, where: str, what: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(
            f"{where}: {what} {value!r} is not a number; give a plain number"
        ) from None
    if math.isnan(number):
        raise InputError(f"{where}: {what} is NaN; give a number")
    return number


def _from_toml_dict(data: dict, default_name: str) -> Targets:
    name = str(data.get("name", default_name))
    rows = data.get("landmark")
    if not isinstance(rows, list) or not rows:
        raise InputError(
            f"targets {name!r}: no [[landmark]] tables; add entries with t and survival"
        )
    landmarks = []
    for i, row in enumerate(rows):
        where = f"targets {name!r}, landmark {i + 1}"
        missing = [key for key in ("t", "survival") if key not in row]
        if missing:
            raise InputError(
                f"{where}: missing {', '.join(missing)}; each landmark needs t "
                "(years) and survival (0-1)"
            )
        landmarks.append(
            Landmark(
                _number(row["t"], where, "t"),
                _number(row["survival"], where, "survival"),
                str(row.get("kind", "equal")),
                str(row.get("source", "")),
            )
        )
    n_eff = data.get("effective_sample_size", DEFAULT_EFFECTIVE_SAMPLE_SIZE)
    return Targets(
        name,
        tuple(landmarks),
        _number(n_eff, f"targets {name!r}", "effective_sample_size"),
        str(data.get("description", "")),
        str(data.get("document", "")),
    )


def _from_csv(path: Path) -> Targets:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip() for c in (reader.fieldnames or [])]
        missing = [c for c in ("time", "survival") if c not in columns]
        if missing:
            raise InputError(
                f"targets file {path.name}: missing column(s) {', '.join(missing)}; "
                "the CSV needs time (years) and survival (0-1), optionally kind "
                "and source"
            )
        extra = [c for c in columns if c not in ("time", "survival", "kind", "source")]
        if extra:
            raise InputError(
                f"targets file {path.name}: unknown column(s) {', '.join(extra)}; "
                "allowed: time, survival, kind, source"
            )
        landmarks = []
        for line, row in enumerate(reader, start=2):
            row = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
            where = f"targets file {path.name}, line {line}"
            landmarks.append(
                Landmark(
                    _number(row["time"], where, "time"),
                    _number(row["survival"], where, "survival"),
                    row.get("kind") or "equal",
                    row.get("source", ""),
                )
            )
    if not landmarks:
        raise InputError(f"targets file {path.name}: no rows; add time,survival lines")
    return Targets(path.stem, tuple(landmarks))
