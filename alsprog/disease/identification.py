"""What a set of landmark figures identifies: the identification audit of a calibration.

A few figures can fix a curve's location and leave its spread or its tail open. The audit
measures this at the calibrated optimum rather than asserting it:

- the *observed information*, n times the Hessian of the grouped log-likelihood per patient
  (``LandmarkProblem.objective``), gives standard errors where it is not singular;
- the *figure profile*: with J the derivative of the fitted survival at each figure's time with
  respect to the unconstrained parameters, a parameter theta_i can move by delta / r_i while
  every figure moves by at most about delta, where r_i is the part of J's column i that the
  other columns cannot cancel (the residual of its least-squares projection on them). A
  parameter whose range is wider than the data file's ``range_factor`` (from end to end) is
  *free*: the figures do not pin it, and its fitted value is the optimiser's, not an estimate.

This is a linear profile: it does not depend on the effective sample size, only on where the
figures sit. Bounds (S(30) <= 0.01) pin nothing unless the fit sits on them; a parameter pinned
only by a bound the curve sits on is reported as ``bound``. Parameters fixed at a relative's
value before calibrating are ``borrowed``. Settings and their reasons: ``[identification]`` in
data/phenotypes.toml.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alsprog import data
from alsprog.errors import InputError
from alsprog.estimation.calibration import LandmarkProblem
from alsprog.estimation.targets import Landmark, Targets
from alsprog.models.base import SurvivalModel
from alsprog.models.registry import FamilySpec

COLUMNS = (
    "parameter",
    "estimate",
    "standard_error",
    "halfwidth",
    "status",
    "pinned_by",
    "source",
)
_STEP = 1e-5  # central-difference step on the unconstrained scale
_ACTIVE = 1e-4  # a bound whose log gap is below this is one the fit sits on


@dataclass(frozen=True)
class Borrowed:
    """A parameter fixed before calibration at a relative's value (natural scale)."""

    parameter: str
    value: float
    relative: str
    source: str


def settings() -> tuple[float, float]:
    """(figure precision, survival 0-1; range factor) from data/phenotypes.toml."""
    figures = data.phenotypes().identification
    return figures.figure_precision, figures.range_factor


def with_fixed(
    spec: FamilySpec, borrowed: Sequence[Borrowed]
) -> tuple[FamilySpec, Callable[[np.ndarray], np.ndarray]]:
    """``spec`` with the ``borrowed`` parameters fixed: the spec of the remaining ones and the
    map from their theta to the full theta."""
    fixed: dict[int, float] = {}
    for item in borrowed:
        if item.parameter not in spec.parameter_names:
            raise InputError(
                f"borrow: {spec.name} has no parameter {item.parameter!r}; "
                f"choose one of {', '.join(spec.parameter_names)}"
            )
        i = spec.parameter_names.index(item.parameter)
        if i < spec.n_logits or not spec.log_scale[i]:
            raise InputError(f"borrow: {item.parameter!r} is not a positive parameter")
        fixed[i] = math.log(item.value)
    reduced = spec.with_fixed(fixed)
    return reduced, reduced.expand


def figure_label(landmark: Landmark) -> str:
    """'S(5) = 0.562' for a figure, 'S(30) <= 0.01' for a bound."""
    sign = {"equal": "=", "upper": "<=", "lower": ">="}[landmark.kind]
    return f"S({landmark.t:g}) {sign} {landmark.survival:g}"


def _jacobian(build, theta: np.ndarray, times: np.ndarray) -> np.ndarray:
    """d S(times) / d theta by central differences (rows: times)."""
    cols = []
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = _STEP
        up, down = build(theta + step)._survival(times), build(theta - step)._survival(times)
        cols.append((up - down) / (2 * _STEP))
    return np.column_stack(cols) if cols else np.zeros((times.size, 0))


def halfwidths(jacobian: np.ndarray, precision: float) -> np.ndarray:
    """How far (unconstrained scale) each parameter moves, the others refitted, while the
    figures move by ``precision``: precision / |residual of column i on the other columns|;
    inf where the others cancel it."""
    n_rows, n_cols = jacobian.shape
    out = np.full(n_cols, math.inf)
    for i in range(n_cols):
        column = jacobian[:, i]
        others = np.delete(jacobian, i, axis=1)
        if others.shape[1]:
            coef = np.linalg.lstsq(others, column, rcond=None)[0]
            column = column - others @ coef
        size = float(np.linalg.norm(column))
        if n_rows and size > 1e-6 * max(float(np.linalg.norm(jacobian[:, i])), 1e-300):
            out[i] = precision / size
    return out


def _covariance(problem: LandmarkProblem, theta: np.ndarray, n: float) -> np.ndarray | None:
    from statsmodels.tools.numdiff import approx_hess3

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        hessian = n * approx_hess3(theta, problem.objective)
    if not np.all(np.isfinite(hessian)):
        return None
    eigen = np.linalg.eigvalsh(hessian)
    if eigen.min() <= 1e-8 * max(eigen.max(), 1e-300):
        return None
    return np.linalg.inv(hessian)


def audit(
    build: Callable[[np.ndarray], SurvivalModel],
    theta: np.ndarray,
    targets: Targets,
    spec: FamilySpec,
    borrowed: Sequence[Borrowed] = (),
    precision: float | None = None,
    range_factor: float | None = None,
) -> pd.DataFrame:
    """The identification of each parameter of a calibration at its optimum ``theta``.

    Parameters
    ----------
    build : theta -> the calibrated model (as the calibration built it).
    theta : the optimum on the unconstrained scale; spec : its parameter names and natural map.
    targets : the figures; borrowed : parameters fixed beforehand (reported, not audited).
    precision, range_factor : override the data file's settings (survival 0-1; ratio above 1).

    Returns
    -------
    One row per parameter (borrowed ones last). Columns: parameter, estimate (natural scale),
    standard_error (natural scale, from the observed information; NaN unless pinned, and NaN
    for every parameter when that information is singular),
    halfwidth (unconstrained scale: log for positive parameters; inf when the figures cannot
    hold it), status (pinned, bound, free, borrowed), pinned_by (the figures that pin it,
    ' ; '-joined), source (why a free parameter has its value, or where a borrowed one is from).
    """
    default_precision, default_factor = settings()
    precision = default_precision if precision is None else float(precision)
    range_factor = default_factor if range_factor is None else float(range_factor)
    limit = math.log(range_factor) / 2
    theta = np.asarray(theta, dtype=float)
    model = build(theta)
    problem = LandmarkProblem(build, targets)
    equal, bounds = targets.equal, targets.bounds
    bound_times = np.array([lm.t for lm in bounds])
    gaps = problem.bound_gaps(model._survival(bound_times))
    active = [lm for lm, gap in zip(bounds, gaps, strict=True) if abs(gap) < _ACTIVE]
    figures = list(equal) + active
    times = np.array([lm.t for lm in figures])
    jacobian = _jacobian(build, theta, times)
    n_equal = len(equal)
    by_figures = halfwidths(jacobian[:n_equal], precision)
    with_bounds = halfwidths(jacobian, precision)
    covariance = _covariance(problem, theta, targets.effective_sample_size)
    values, natural_jacobian = spec.natural(theta)
    errors = np.full(theta.size, math.nan)
    if covariance is not None:
        variance = np.einsum("ij,jk,ik->i", natural_jacobian, covariance, natural_jacobian)
        errors = np.sqrt(np.where(variance >= 0, variance, math.nan))
    rows = []
    for i, name in enumerate(spec.parameter_names):
        if by_figures[i] <= limit:
            status, rows_used = "pinned", range(n_equal)
        elif with_bounds[i] <= limit:
            status, rows_used = "bound", range(len(figures))
        else:
            status, rows_used = "free", range(0)
        pinned_by = _needed(jacobian, list(rows_used), i, precision, limit)
        source = ""
        if status == "free":
            source = (
                "not pinned by the figures: the optimiser's value (its range within the "
                "figures' precision, bounds included: "
                f"{_range_text(values[i], with_bounds[i], spec, i)})"
            )
        elif status == "bound":
            source = "pinned only by a bound the curve sits on (the optimiser's edge)"
        rows.append(
            {
                "parameter": name,
                "estimate": float(values[i]),
                "standard_error": float(errors[i]) if status == "pinned" else math.nan,
                "halfwidth": float(with_bounds[i] if status == "bound" else by_figures[i]),
                "status": status,
                "pinned_by": " ; ".join(figure_label(figures[j]) for j in pinned_by),
                "source": source,
            }
        )
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    return pd.concat([table, borrowed_rows(borrowed)], ignore_index=True) if borrowed else table


def borrowed_rows(borrowed: Sequence[Borrowed]) -> pd.DataFrame:
    """Audit rows (``audit``'s columns) for parameters fixed before calibration."""
    rows = [
        {
            "parameter": item.parameter,
            "estimate": item.value,
            "standard_error": math.nan,
            "halfwidth": math.nan,
            "status": "borrowed",
            "pinned_by": "",
            "source": f"from {item.relative}: {item.source}" if item.relative else item.source,
        }
        for item in borrowed
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def summary(table: pd.DataFrame, read_figures: Sequence[str] = ()) -> dict:
    """One curve's audit in three fields: identified (no parameter free or pinned only by a
    bound), pinned_by (the figures that pin any parameter, ' ; '-joined) and assumed (each
    borrowed parameter with where it is from, each parameter the figures leave open, and the
    ``read_figures``: labels of figures that are themselves assumptions)."""
    figures = dict.fromkeys(f for text in table["pinned_by"] if text for f in text.split(" ; "))
    borrowed = table[table["status"] == "borrowed"]
    open_ = table[table["status"].isin(["free", "bound"])]
    assumed = [
        f"{r.parameter} = {r.estimate:.4g} ({r.source.split(':')[0]})"
        for r in borrowed.itertuples()
    ]
    where = {"free": "free", "bound": "held only by a bound"}
    assumed += [
        f"{r.parameter} {where[r.status]} (optimiser's value {r.estimate:.4g})"
        for r in open_.itertuples()
    ]
    assumed += [f"{label} (a reading, assumption)" for label in read_figures]
    return {
        "identified": bool(open_.empty),
        "pinned_by": " ; ".join(figures),
        "assumed": " ; ".join(assumed),
    }


def _needed(jacobian: np.ndarray, used: list[int], i: int, precision: float, limit: float):
    """The figures among ``used`` without which parameter i is no longer pinned (all of them
    when none is needed on its own: the figures are redundant)."""
    if not used:
        return []
    needed = [
        j for j in used if halfwidths(jacobian[[k for k in used if k != j]], precision)[i] > limit
    ]
    return needed or used


def _range_text(value: float, halfwidth: float, spec: FamilySpec, i: int) -> str:
    if not math.isfinite(halfwidth):
        return "unbounded"
    if i >= spec.n_logits and spec.log_scale[i]:
        return f"{value * math.exp(-halfwidth):.3g} to {value * math.exp(halfwidth):.3g}"
    return f"{value:.3g} +/- {halfwidth:.3g} on its unconstrained scale"


def audit_model(
    model: SurvivalModel,
    targets: Targets,
    spec: FamilySpec,
    precision: float | None = None,
    range_factor: float | None = None,
) -> pd.DataFrame:
    """``audit`` of a model returned by ``alsprog.calibrate`` (its ``fit_info`` holds the
    optimum and the builder); ``spec`` is the family's spec (``alsprog.models.registry``)."""
    info = model.fit_info
    if info is None or info.build is None or info.unconstrained is None:
        raise InputError(
            "identification: the model has no calibration record; pass a model from "
            "alsprog.calibrate"
        )
    return audit(info.build, info.unconstrained, targets, spec, (), precision, range_factor)
