"""General-population life tables: loading, checking and the cumulative hazard they imply.

Queries for a person (survival, hazard and quantiles from ordinary causes alone) live in
``alsprog.population.background_mortality``.

A life table gives q(x), the probability that someone alive at exact age x dies before age x + 1,
by sex and single year of age 0, 1, ..., max_age. alsprog assumes the hazard is constant within each
year of age, mu(x) = -log(1 - q(x)), so the cumulative hazard from birth H(a) is piecewise linear in
age and exact at whole ages: exp(-H(x)) = l(x) = (1 - q(0)) ... (1 - q(x - 1)).

- **Beyond the last age** the last age's hazard continues for ever. The shipped US table ends at 119
  with q(119) = 0.914 (a hazard of 2.45 per year), so it does not close by itself.
- **q(x) = 1** makes the hazard infinite from age x on (the constant-hazard limit): everyone alive
  at exact age x dies there, and an age past x is refused as a starting age.
- **Sex** is spelled ``"male"`` or ``"female"``, lower case, as in the tables' CSV files; other
  spellings ("M", "Female") are refused rather than guessed.
- **Ages** (years) start anywhere in [0, max_age], fractions allowed; times t (years) are >= 0,
  inf allowed.

The default table, ``us_ssa_2007``, is listed with its source in ``data/life_tables.toml``.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from alsprog import data
from alsprog.data.records import LifeTableEntry
from alsprog.errors import InputError, csv_rows, decimal_comma_hint, is_real, read_text

SEXES = ("male", "female")
DEFAULT_TABLE = "us_ssa_2007"
COLUMNS = ("age", "sex", "qx")
MAX_AGE = 150  # limit: nobody has lived past 122; a larger last age is a typing error
EXPECTED = "a CSV with columns age, sex, qx"


@dataclass(frozen=True, eq=False)
class LifeTable:
    """Death probabilities by single year of age and sex, with the hazards derived from them.

    name : short label (``us_ssa_2007``, or a user file's stem).
    source : where the figures come from.
    ages : whole ages 0, 1, ..., max_age (years).
    qx : shape (2, n_ages); row 0 male, row 1 female; q(x) = P(die before x + 1 | alive at x).
    notes : assumptions and caveats.
    hazard : derived, shape (2, n_ages); mu(x) = -log(1 - q(x)) per year, constant within the year.
    cumulative_hazard_at_age : derived, shape (2, n_ages + 1); H from birth at ages 0..max_age + 1.
    """

    name: str
    source: str = field(repr=False)
    ages: np.ndarray = field(repr=False)
    qx: np.ndarray = field(repr=False)
    notes: str = field(default="", repr=False)
    hazard: np.ndarray = field(init=False, repr=False)
    cumulative_hazard_at_age: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        ages = np.asarray(self.ages)
        qx = np.array(self.qx, dtype=float)
        where = f"life table {self.name}"
        if ages.ndim == 1 and ages.size > MAX_AGE + 1:
            raise InputError(
                f"{where}: {ages.size} ages, above the limit of ages 0-{MAX_AGE}; "
                "give one row per whole age up to the oldest in the table"
            )
        if ages.ndim != 1 or not np.array_equal(ages, np.arange(ages.size)):
            raise InputError(f"{where}: ages must be 0, 1, 2, ... without gaps")
        if qx.shape != (len(SEXES), ages.size):
            raise InputError(
                f"{where}: qx has shape {qx.shape}, expected {(len(SEXES), ages.size)}; "
                "give one row per sex (male, female) and one column per age"
            )
        bad = np.isnan(qx) | (qx < 0) | (qx > 1)
        if bad.any():
            row, col = np.argwhere(bad)[0]
            raise InputError(
                f"{where}: qx {_shown(qx[row, col])} at age {col} ({SEXES[row]}) is not a "
                "probability; every qx must lie between 0 and 1"
            )
        for row, sex in enumerate(SEXES):
            if qx[row, -1] == 0 and not (qx[row] == 1).any():
                raise InputError(
                    f"{where}: qx is 0 at the last age {ages.size - 1} ({sex}) and never 1, so "
                    "nobody would ever die; the last age's qx must be above 0"
                )
        with np.errstate(divide="ignore"):
            hazard = -np.log1p(-qx)
        cumulative = np.zeros((len(SEXES), ages.size + 1))
        cumulative[:, 1:] = np.cumsum(hazard, axis=1)
        for name, value in (
            ("ages", ages.astype(np.intp)),
            ("qx", qx),
            ("hazard", hazard),
            ("cumulative_hazard_at_age", cumulative),
        ):
            value.setflags(write=False)
            object.__setattr__(self, name, value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LifeTable):
            return NotImplemented
        return (self.name, self.source) == (other.name, other.source) and np.array_equal(
            self.qx, other.qx
        )

    def __hash__(self) -> int:
        return hash((self.name, self.source, self.qx.tobytes()))

    def __reduce__(self) -> tuple[type, tuple[str, str, np.ndarray, np.ndarray, str]]:
        """Pickled as its inputs: unpickling checks them again and freezes the arrays."""
        return (LifeTable, (self.name, self.source, self.ages, self.qx, self.notes))

    @property
    def max_age(self) -> int:
        """The last whole age in the table (years)."""
        return int(self.ages[-1])

    def q(self, sex: str) -> np.ndarray:
        """q(x) for one sex, at ages 0..max_age (read-only)."""
        return self.qx[_sex_rows(sex)]

    def frame(self) -> pd.DataFrame:
        """The table, one row per sex and age.

        Columns: sex (male, female), age (years), qx, hazard (per year, constant within the year),
        survival_from_birth (l(x), the share of newborns alive at exact age x).
        """
        n = self.ages.size
        return pd.DataFrame(
            {
                "sex": np.repeat(SEXES, n),
                "age": np.tile(self.ages, len(SEXES)),
                "qx": self.qx.ravel(),
                "hazard": self.hazard.ravel(),
                "survival_from_birth": np.exp(-self.cumulative_hazard_at_age[:, :-1]).ravel(),
            }
        )

    # ----------------------------------------------------------------- vectorised formulas
    # ``row`` is a sex row (0 male, 1 female), an int or an int array broadcastable with the ages.
    def _whole_age(self, age: np.ndarray | float) -> np.ndarray:
        """Index of the table row that holds each age's hazard; the last one past max_age."""
        # for age >= 0, truncating min(age, last) is min(floor(age), last), and inf is safe
        return np.minimum(age, self.ages.size - 1).astype(np.intp)

    def _take(self, values: np.ndarray, row: np.ndarray | int, k: np.ndarray) -> np.ndarray:
        """values[row, k] for a per-sex array, faster than fancy indexing on two axes."""
        if np.ndim(row) == 0:
            return values[int(row)].take(k)
        return values.ravel().take(np.asarray(row) * values.shape[1] + k)

    def _hazard_at(self, age: np.ndarray, row: np.ndarray | int) -> np.ndarray:
        return self._take(self.hazard, row, self._whole_age(age))

    def _cumulative_hazard_between(
        self, age: np.ndarray | float, t: np.ndarray, row: np.ndarray | int
    ) -> np.ndarray:
        """H(age + t) - H(age): ordinary-cause cumulative hazard over t years from ``age``.

        Within one year of age it is mu * t, exactly (no cancellation for small t). Ages must have
        a finite H (checked at the edge).
        """
        end = age + t
        k0, k1 = self._whole_age(age), self._whole_age(end)
        mu0, mu1 = self._take(self.hazard, row, k0), self._take(self.hazard, row, k1)
        cumulative = self.cumulative_hazard_at_age
        span = self._take(cumulative, row, k1) - self._take(cumulative, row, k0)
        if np.isfinite(self.hazard).all():
            across = span + mu1 * (end - k1) - mu0 * (age - k0)
            return np.where(k0 == k1, mu0 * t, across)
        with np.errstate(invalid="ignore"):  # a q(x) = 1: avoid inf * 0 at whole ages
            across = span + _times(mu1, end - k1) - _times(mu0, age - k0)
            return np.where(k0 == k1, _times(mu0, t), across)

    def _age_at_cumulative_hazard(self, target: np.ndarray, row: int) -> np.ndarray:
        """The age a (years) at which H from birth reaches ``target``, for one sex."""
        cumulative = self.cumulative_hazard_at_age[row]
        k = np.searchsorted(cumulative, target, side="right").clip(1, self.ages.size) - 1
        return k + (target - cumulative.take(k)) / self.hazard[row].take(k)


def _shown(value: object) -> str:
    """A value as a message shows it: numbers with :g, text quoted, without numpy's wrappers."""
    if isinstance(value, str | np.str_):
        return repr(str(value))
    if is_real(value):
        return f"{float(value):g}"
    return repr(value)


def _cell(value: object) -> str:
    """A CSV cell as a message shows it: a number with :g (an empty cell as nan), text quoted."""
    if isinstance(value, str) and not value.strip():
        return "nan"
    try:
        return _shown(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return _shown(value)


def _times(rate: np.ndarray, span: np.ndarray) -> np.ndarray:
    """rate * span, with 0 where span is 0 even if the rate is infinite."""
    with np.errstate(invalid="ignore"):
        return np.where(span > 0, rate * span, 0.0)


# --------------------------------------------------------------------------- loading tables
def _catalogue() -> Mapping[str, LifeTableEntry]:
    return data.life_tables()


def list_life_tables() -> pd.DataFrame:
    """The life tables shipped with alsprog. Columns: name, file, source, notes."""
    entries = _catalogue().values()
    return pd.DataFrame(
        [{"name": e.name, "file": e.file, "source": e.source, "notes": e.notes} for e in entries]
    )


def life_table(name_or_path: str | Path | LifeTable | None = None) -> LifeTable:
    """A life table by name (default ``us_ssa_2007``), or read from a CSV file of the same shape.

    A CSV needs columns age (whole years; every age from 0 to the last, the same for both sexes),
    sex (``male``, ``female``) and qx (each in [0, 1]); other columns are ignored. Loaded tables are
    cached (a file is re-read when it changes). A LifeTable passed in comes back unchanged.
    """
    if isinstance(name_or_path, LifeTable):
        return name_or_path
    if name_or_path is None:
        name_or_path = DEFAULT_TABLE
    if not isinstance(name_or_path, str | Path):
        raise InputError(
            f"life table: {type(name_or_path).__name__} is not a table name or a path; "
            f"pass one of {', '.join(_catalogue())}, or the path of a CSV"
        )
    if isinstance(name_or_path, str) and name_or_path in _catalogue():
        return _named_table(name_or_path)
    path = Path(name_or_path)
    looks_like_file = isinstance(name_or_path, Path) or path.suffix or len(path.parts) > 1
    if not looks_like_file:
        raise InputError(
            f"life table {name_or_path!r} is unknown; choose one of {', '.join(_catalogue())}, "
            "or pass the path of a CSV with columns age, sex, qx"
        )
    if not path.exists():
        raise InputError(
            f"life table: file {path} not found; pass an existing CSV with columns age, sex, qx"
        )
    if path.is_dir():
        raise InputError(f"life table {str(path)!r} is a folder, not a file; pass {EXPECTED}")
    resolved = path.resolve()
    return _file_table(str(resolved), resolved.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _named_table(name: str) -> LifeTable:
    entry = _catalogue()[name]
    frame = pd.read_csv(io.StringIO(data.read_text(entry.file)))
    return _from_frame(frame, name, entry.source, entry.notes)


@functools.lru_cache(maxsize=8)
def _file_table(path: str, mtime_ns: int) -> LifeTable:  # mtime_ns: re-read a changed file
    file = Path(path)
    text = read_text(file, "life table", EXPECTED)
    return _from_frame(
        _csv_frame(text, f"life table {file.name}"), file.stem, f"user file {file}", ""
    )


def _csv_frame(text: str, where: str) -> pd.DataFrame:
    """The CSV's cells as text, one column per header field; refused (with the fix) when the
    separator is not a comma, a row has more or fewer fields than the header, or it is empty."""
    numbered = csv_rows(
        text, where, "age,sex,qx", "the file is empty; give a header age,sex,qx and rows"
    )
    header = [c.strip() for c in numbered[0][1]]
    for line, row in numbered[1:]:
        if len(row) != len(header):
            raise InputError(
                f"{where}: line {line} has {len(row)} fields, the header {len(header)}; give one "
                "value per column (a decimal comma? write 0.012, not 0,012)"
            )
    cells = [[c.strip() for c in row] for _, row in numbered[1:]]
    return pd.DataFrame(cells, columns=header, dtype=object)


def _from_frame(frame: pd.DataFrame, name: str, source: str, notes: str) -> LifeTable:
    where = f"life table {name}"
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            f"{where}: missing column(s) {', '.join(missing)} "
            f"(found {', '.join(map(str, frame.columns))}); "
            "the CSV needs columns age, sex, qx"
        )
    unknown = sorted(set(frame["sex"].astype(str)) - set(SEXES))
    if unknown:
        raise InputError(f"{where}: sex {unknown[0]!r} is unknown; spell sexes 'male' or 'female'")
    age = pd.to_numeric(frame["age"], errors="coerce").to_numpy(dtype=float)
    bad_age = ~np.isfinite(age) | (age < 0) | (age != np.round(age))
    if bad_age.any():
        i = int(np.flatnonzero(bad_age)[0])
        raise InputError(
            f"{where}: age {_cell(frame['age'].iloc[i])} in row {i + 1} is not a whole number "
            f">= 0; give one row per whole age{decimal_comma_hint(str(frame['age'].iloc[i]))}"
        )
    if age.size and age.max() > MAX_AGE:  # before anything sized by the last age is allocated
        i = int(np.argmax(age))
        raise InputError(
            f"{where}: age {age[i]:g} in row {i + 1} is above the limit of {MAX_AGE}; "
            "check the ages (whole years of age, one row each)"
        )
    qx = pd.to_numeric(frame["qx"], errors="coerce").to_numpy(dtype=float)
    if np.isnan(qx).any():
        i = int(np.flatnonzero(np.isnan(qx))[0])
        raise InputError(
            f"{where}: qx {_cell(frame['qx'].iloc[i])} in row {i + 1} (age {age[i]:g}) is "
            "missing or not a number; fill in every qx"
            f"{decimal_comma_hint(str(frame['qx'].iloc[i]))}"
        )
    tidy = pd.DataFrame({"age": age.astype(np.intp), "sex": frame["sex"].astype(str), "qx": qx})
    duplicated = tidy.duplicated(["sex", "age"])
    if duplicated.any():
        row = tidy[duplicated].iloc[0]
        raise InputError(f"{where}: age {row.age} ({row.sex}) appears twice; keep one row per age")
    max_age = int(tidy["age"].max()) if len(tidy) else -1
    for sex in SEXES:
        ages = set(tidy.loc[tidy["sex"] == sex, "age"])
        if not ages:
            raise InputError(f"{where}: no rows for {sex}; give qx for both male and female")
        gaps = sorted(set(range(max_age + 1)) - ages)
        if gaps:
            raise InputError(
                f"{where}: no qx for {sex} at age {gaps[0]}"
                f"{f' (and {len(gaps) - 1} more)' if len(gaps) > 1 else ''}; "
                f"give every age from 0 to {max_age} for both sexes"
            )
    table = tidy.pivot(index="sex", columns="age", values="qx").loc[list(SEXES)]
    return LifeTable(
        name=name,
        source=source,
        ages=np.arange(max_age + 1),
        qx=table.to_numpy(dtype=float),
        notes=notes,
    )


def _sex_rows(sex: object) -> np.ndarray:
    """Sex as table rows (0 male, 1 female), same shape as given."""
    arr = np.asarray(sex)
    if arr.dtype.kind not in "UO":
        raise InputError(f"sex must be 'male' or 'female' (got {_shown(sex)})")
    rows = np.full(arr.shape, -1, dtype=np.intp)
    for row, name in enumerate(SEXES):
        rows[arr == name] = row
    if (rows < 0).any():
        flat = arr.ravel()
        where = int(np.flatnonzero(rows.ravel() < 0)[0])
        at = f" at position {where}" if arr.ndim else ""
        raise InputError(f"sex: {_shown(flat[where])}{at} is unknown; use 'male' or 'female'")
    return rows


def require_ages(table: LifeTable, oldest: float, who: str) -> LifeTable:
    """``table`` if it runs to age ``oldest`` (years) or beyond, else InputError naming it.

    Beyond its last age a table's last hazard continues for ever, which for a table that stops
    early (at 60, say) is the wrong ordinary mortality for everyone older; ``who`` says which
    ages need the table ("the phenotypes' onset ages").
    """
    if table.max_age < oldest:
        raise InputError(
            f"life table {table.name} ends at age {table.max_age}, but {who} reach {oldest:g} "
            f"years; pass a table that runs to age {oldest:g} or beyond ({DEFAULT_TABLE} "
            "runs to 119)"
        )
    return table
