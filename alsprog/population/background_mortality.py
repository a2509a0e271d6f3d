"""Survival from ordinary causes of death alone, read off a life table.

Constant hazard within each year of age (see ``alsprog.population.lifetable``), so every figure
is exact: ``background_survival`` is l(age + t) / l(age) at whole years and continuous between them.
Ages (years) run from 0 to the table's last age; sex is 'male' or 'female'; inputs broadcast.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from alsprog.errors import InputError, as_numbers, as_probabilities, as_times
from alsprog.population.lifetable import SEXES, LifeTable, _sex_rows, life_table


def _check_ages(table: LifeTable, age: object, name: str = "age") -> np.ndarray:
    """Ages as a float array; refused if NaN, outside [0, max_age], or past a q(x) = 1."""
    arr = as_numbers(age, name)
    at = ""
    if np.isnan(arr).any():
        if arr.ndim:
            at = f" at position {int(np.flatnonzero(np.isnan(arr.ravel()))[0])}"
        raise InputError(f"{name}: NaN{at}; drop or fill missing ages first")
    bad = (arr < 0) | (arr > table.max_age)
    if bad.any():
        where = int(np.flatnonzero(bad.ravel())[0])
        at = f" at position {where}" if arr.ndim else ""
        raise InputError(
            f"{name}: {arr.ravel()[where]:g}{at} is outside the life table's ages; "
            f"pass ages between 0 and {table.max_age} years"
        )
    return arr


def _broadcast(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    try:
        return np.broadcast_arrays(*arrays)
    except ValueError:
        shapes = ", ".join(str(a.shape) for a in arrays)
        raise InputError(
            f"background mortality: inputs of shapes {shapes} do not broadcast together; "
            "pass scalars or arrays of one shape"
        ) from None


def _check_alive(table: LifeTable, age: np.ndarray, rows: np.ndarray, name: str = "age") -> None:
    if np.isfinite(table.hazard).all():  # no q(x) = 1: everyone may be alive at any age
        return
    dead = ~np.isfinite(table._cumulative_hazard_between(np.zeros_like(age), age, rows))
    if dead.any():
        where = int(np.flatnonzero(dead.ravel())[0])
        raise InputError(
            f"{name}: nobody in life table {table.name} survives to age {age.ravel()[where]:g} "
            f"({SEXES[rows.ravel()[where]]}); choose an earlier age"
        )


def _person(
    table: str | Path | LifeTable | None, age: object, sex: object, other: np.ndarray
) -> tuple[LifeTable, np.ndarray, np.ndarray, np.ndarray]:
    """The table, and checked ages, sex rows and ``other`` broadcast together, for people alive
    at their ages."""
    table = life_table(table)
    rows = _sex_rows(sex)
    ages = _check_ages(table, age)
    ages, rows, other = _broadcast(ages, rows, other)
    _check_alive(table, ages, rows)
    return table, ages, rows, other


def _float_or_array(values: np.ndarray) -> float | np.ndarray:
    return float(values) if values.ndim == 0 else values


def background_survival(
    age: object, sex: object, t: object, table: str | Path | LifeTable | None = None
) -> float | np.ndarray:
    """Probability of surviving t more years from ordinary mortality alone, starting at ``age``.

    S = exp(-(H(age + t) - H(age))) = l(age + t) / l(age), exact under a constant hazard within
    each year of age. ``age`` (years, 0..max_age), ``sex`` ('male'/'female') and ``t`` (years, >= 0,
    inf allowed) broadcast together; a float comes back when all three are scalars.
    """
    table, ages, rows, times = _person(table, age, sex, as_times(t))
    with np.errstate(over="ignore"):
        return _float_or_array(np.exp(-table._cumulative_hazard_between(ages, times, rows)))


def background_hazard(
    age: object, sex: object, table: str | Path | LifeTable | None = None
) -> float | np.ndarray:
    """Ordinary-cause death rate at exact ``age`` (per year): mu = -log(1 - q) of that year of age.

    Unlike ``background_survival`` any age >= 0 is accepted: past the table's last age its hazard
    continues.
    """
    table = life_table(table)
    rows = _sex_rows(sex)
    ages = as_times(age, "age")
    ages, rows = _broadcast(ages, rows)
    return _float_or_array(table._hazard_at(ages, rows))


def background_quantile(
    age: object, sex: object, p: object, table: str | Path | LifeTable | None = None
) -> float | np.ndarray:
    """Years after ``age`` by which a fraction p of those alive then have died of ordinary causes.

    The inverse of ``1 - background_survival`` in t; exact, and p = 1 gives inf.
    """
    table, ages, rows, probabilities = _person(table, age, sex, as_probabilities(p))
    out = np.empty(ages.shape)
    start = table._cumulative_hazard_between(np.zeros_like(ages), ages, rows)
    with np.errstate(divide="ignore"):
        target = start - np.log1p(-probabilities)
    for row in range(len(SEXES)):
        mask = rows == row
        out[mask] = table._age_at_cumulative_hazard(target[mask], row) - ages[mask]
    out = np.where(probabilities == 0, 0.0, np.maximum(out, 0.0))
    return _float_or_array(np.where(np.isinf(target), math.inf, out))
