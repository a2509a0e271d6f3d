"""The design matrix of a survival regression: covariate columns checked, then a formula.

``design(data, covariates=..., formula=...)`` checks every column the model names (present, not
all missing, not constant, numbers or categories but not numbers stored as text) and builds the
matrix with formulaic, which names each column (``age``, ``sex[T.male]``,
``C(site, contr.treatment('limb'))[T.bulbar]``). Text columns are categorical; the reference level
is the first in sorted order unless ``reference`` names another. The returned ``Design`` rebuilds
the same columns for new rows (``matrix(new_data)``), as predictions need.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alsprog.errors import InputError

INTERCEPT = "Intercept"
LEVELS_CHECKED = 1000  # distinct values of a text column tried as numbers


@dataclass(frozen=True, eq=False)
class Design:
    """A model's covariate columns.

    formula : the right-hand side used, as formulaic read it (``1 + age + sex``).
    names : one per column of the matrix, the intercept first (``Intercept``).
    variables : the data columns the formula reads.
    spec : formulaic's ModelSpec, which rebuilds the columns (same levels, same reference) for
        new rows.
    """

    formula: str
    names: tuple[str, ...]
    variables: tuple[str, ...]
    spec: Any
    fitted: np.ndarray | None = field(default=None, repr=False)  # the fitted rows' matrix

    def matrix(self, data: pd.DataFrame, caller: str = "predict") -> np.ndarray:
        """The design matrix (rows x ``names``) of new rows, from the fitted levels."""
        from formulaic.errors import DataMismatchWarning, FormulaicError

        frame = as_frame(caller, data)
        for name in self.variables:
            _check_column(caller, frame, name, allow_constant=True)
        try:
            with warnings.catch_warnings():  # a level the fit never saw: refuse, not NaN
                warnings.simplefilter("error", DataMismatchWarning)
                built = self.spec.get_model_matrix(frame, na_action="raise")
        except (FormulaicError, DataMismatchWarning) as error:
            raise InputError(
                f"{caller}: the covariates do not match the fitted model ({_first_line(error)}); "
                "give the columns and levels the model was fitted with"
            ) from None
        return np.asarray(built, dtype=float)


def design(
    caller: str,
    data: pd.DataFrame,
    covariates: Sequence[str] | None = None,
    formula: str | None = None,
    reference: Mapping[str, str] | None = None,
) -> Design:
    """Check the named columns of ``data`` and build their design matrix specification.

    Parameters
    ----------
    caller : name of the public function, the prefix of every message.
    data : one row per patient.
    covariates : column names; numbers enter as they are, text as categories.
    formula : a right-hand side such as ``"~ age + sex + C(site)"`` (instead of covariates).
    reference : the reference level of a text column, by column name (``{"site": "limb"}``).

    Returns
    -------
    Design
    """
    from formulaic import Formula, model_matrix  # here: formulaic costs an import 0.5 s
    from formulaic.errors import FormulaicError

    frame = as_frame(caller, data)
    if covariates is not None and formula is not None:
        raise InputError(f"{caller}: pass covariates= or formula=, not both; drop one")
    reference = dict(reference or {})
    if formula is None:
        columns = _covariate_list(caller, covariates)
        terms = [_term(name, reference.get(name)) for name in columns]
        formula = "~ " + (" + ".join(terms) if terms else "1")
    elif not isinstance(formula, str):
        raise InputError(
            f"{caller}: formula must be a string like '~ age + C(site)' "
            f"(got {type(formula).__name__}); pass it as text"
        )
    try:
        variables = sorted(str(v) for v in Formula(formula).required_variables)
    except FormulaicError as error:
        raise InputError(
            f"{caller}: formula {formula!r} cannot be read ({_first_line(error)}); "
            "write it as '~ age + sex + C(site)'"
        ) from None
    for name in variables:
        _check_column(caller, frame, name, allow_constant=False)
    for name in reference:
        if name not in variables:
            raise InputError(
                f"{caller}: reference names column {name!r}, which the model does not use; "
                "name a covariate of the model"
            )
    try:
        built = model_matrix(formula, frame, na_action="raise")
    except FormulaicError as error:
        raise InputError(
            f"{caller}: formula {formula!r} cannot be evaluated ({_first_line(error)}); "
            "check its column names and functions"
        ) from None
    names = tuple(str(c) for c in built.columns)
    if INTERCEPT not in names:
        raise InputError(
            f"{caller}: formula {formula!r} drops the intercept; the baseline needs one, so "
            "remove '- 1' or '+ 0'"
        )
    spec = built.model_spec
    matrix = np.asarray(built, dtype=float)
    return Design(str(spec.formula), names, tuple(variables), spec, matrix)


def _term(name: str, level: str | None) -> str:
    quoted = name if name.isidentifier() else f"`{name}`"
    if level is None:
        return quoted
    return f"C({quoted}, contr.treatment({level!r}))"


def _covariate_list(caller: str, covariates: Sequence[str] | None) -> list[str]:
    if covariates is None:
        return []
    if isinstance(covariates, str):
        covariates = [c.strip() for c in covariates.split(",") if c.strip()]
    columns = list(covariates)
    if not all(isinstance(c, str) for c in columns):
        raise InputError(
            f"{caller}: covariates must be column names (got {columns!r}); "
            "pass a list such as ['age', 'sex']"
        )
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise InputError(f"{caller}: covariate {repeated[0]!r} is listed twice; name it once")
    return columns


def as_frame(caller: str, data: object) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise InputError(
            f"{caller}: data must be a pandas DataFrame, one row per patient (got "
            f"{type(data).__name__}); read your file with pandas.read_csv"
        )
    if len(data) == 0:
        raise InputError(f"{caller}: data has no rows; pass one row per patient")
    return data.reset_index(drop=True)


def _check_column(caller: str, frame: pd.DataFrame, name: str, *, allow_constant: bool) -> None:
    """A covariate column: present, no missing values, not constant, not numbers as text."""
    if name not in frame.columns:
        shown = ", ".join(map(str, list(frame.columns)[:12]))
        raise InputError(
            f"{caller}: column {name!r} is not in the data (columns: {shown}); "
            "check the spelling in covariates= or formula="
        )
    column = frame[name]
    missing = column.isna().to_numpy()
    if missing.all():
        raise InputError(
            f"{caller}: column {name!r} is empty (all missing); drop it from the covariates"
        )
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise InputError(
            f"{caller}: column {name!r} has {int(missing.sum())} missing values (first at row "
            f"{i}); drop or impute those rows first"
        )
    if column.dtype.kind in "OSUT" or isinstance(column.dtype, pd.StringDtype):
        levels = pd.Series(column.unique()[:LEVELS_CHECKED])
        parsed = pd.to_numeric(levels, errors="coerce").notna().to_numpy()
        if parsed.mean() >= 0.5:
            odd = levels[~parsed] if not parsed.all() else levels
            i = int(np.flatnonzero((column == odd.iloc[0]).to_numpy())[0])
            raise InputError(
                f"{caller}: column {name!r} holds numbers stored as text (e.g. "
                f"{column.iloc[i]!r} at row {i}); convert it with pandas.to_numeric, or wrap it "
                f"in C({name}) if it is a category"
            )
    elif column.dtype.kind not in "biufc" and not isinstance(column.dtype, pd.CategoricalDtype):
        raise InputError(
            f"{caller}: column {name!r} has dtype {column.dtype}, neither numbers nor "
            "categories; convert it to numbers or text"
        )
    if not allow_constant and column.nunique() < 2:
        raise InputError(
            f"{caller}: column {name!r} is constant ({column.iloc[0]} in every row), so its "
            "effect cannot be estimated; drop it from the covariates"
        )


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
