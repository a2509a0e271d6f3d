"""What a fit leaves behind: estimates, their uncertainty and how well the model fits.

``fit_info`` is the one place a ``FitInfo`` is assembled (maximum likelihood on patient data,
calibration to landmarks, a phenotype's calibration): from the optimiser's estimate it derives
the estimates on the model's own scale, delta-method standard errors and the AIC. A FitInfo is
deeply frozen (tuples, read-only arrays, the landmark table handed out as a copy) and pickles
when its ``build`` does (a ``FamilySpec``'s does).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd

from alsprog.data.frozen import FrameField, readonly
from alsprog.errors import InputError

if TYPE_CHECKING:
    from alsprog.models.base import SurvivalModel


class Scale(Protocol):
    """What ``fit_info`` needs of a parameterisation (a ``FamilySpec`` is one)."""

    @property
    def parameter_names(self) -> tuple[str, ...]: ...

    def natural(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...


@dataclass(frozen=True, eq=False)
class FitInfo:
    """Diagnostics of a fitted or calibrated model.

    method : "individual" (maximum likelihood on patient data) or "landmarks" (calibration).
    parameter_names, estimates, standard_errors : on the model's own scale; a standard error is
        NaN when the data do not identify the parameter (a saturated calibration, say).
    log_likelihood, aic : the maximised log-likelihood and 2k - 2 logL.
    n_observations, n_events : rows and deaths (for landmarks: the effective sample size).
    converged : the optimiser stopped at a maximum that the data identify; False when it stopped
        but ``identified`` is False.
    identified : False when the data cannot pin the parameters down (the Hessian at the optimum
        is singular, or a standard error on the optimiser's scale exceeds
        ``alsprog.estimation.fitting.SE_LIMIT``): the estimates are then where the optimiser
        happened to stop, and ``fit`` warns. True for calibrations (their saturated fits have
        NaN standard errors by design, see above).
    landmarks : for calibrations, one row per target (columns t, target, fitted, kind); each
        read returns a copy.
    unconstrained, covariance, build : the optimiser's estimate on its unbounded scale, its
        covariance (None when singular), both read-only, and the map back to a model; together
        they let ``draw_models`` sample parameter uncertainty.
    """

    method: str
    parameter_names: tuple[str, ...]
    estimates: tuple[float, ...]
    standard_errors: tuple[float, ...]
    log_likelihood: float
    aic: float
    n_observations: float
    n_events: float
    converged: bool
    landmarks: FrameField = FrameField()  # noqa: RUF009 (a descriptor: copies in and out)
    unconstrained: np.ndarray | None = field(default=None, repr=False)
    covariance: np.ndarray | None = field(default=None, repr=False)
    build: Callable[[np.ndarray], SurvivalModel] | None = field(default=None, repr=False)
    identified: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "parameter_names", tuple(self.parameter_names))
        object.__setattr__(self, "estimates", tuple(self.estimates))
        object.__setattr__(self, "standard_errors", tuple(self.standard_errors))
        for name in ("unconstrained", "covariance"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, readonly(value, dtype=float))

    def __eq__(self, other: object) -> bool:
        """Field by field: frames by content, arrays by value (NaN equal to NaN)."""
        if not isinstance(other, FitInfo):
            return NotImplemented
        for item in fields(self):
            mine, theirs = getattr(self, item.name), getattr(other, item.name)
            if isinstance(mine, pd.DataFrame) or isinstance(theirs, pd.DataFrame):
                same = isinstance(mine, pd.DataFrame) and mine.equals(theirs)
            elif isinstance(mine, np.ndarray) or isinstance(theirs, np.ndarray):
                same = mine is not None and theirs is not None
                same = same and np.array_equal(mine, theirs, equal_nan=True)
            elif item.name in ("estimates", "standard_errors", "log_likelihood", "aic"):
                same = np.array_equal(mine, theirs, equal_nan=True)
            elif item.name == "build":
                same = _same_callable(mine, theirs)
            else:
                same = bool(mine == theirs)
            if not same:
                return False
        return True

    __hash__ = None  # type: ignore[assignment]

    @property
    def rebuild(self) -> Callable[[np.ndarray], SurvivalModel]:
        """``build``, or ValueError when the fit did not keep one."""
        if self.build is None:
            raise ValueError(f"this {self.method} fit keeps no map from theta to a model")
        return self.build

    @property
    def unconstrained_estimate(self) -> np.ndarray:
        """``unconstrained``, or ValueError when the fit did not keep it."""
        if self.unconstrained is None:
            raise ValueError(f"this {self.method} fit keeps no estimate on its unbounded scale")
        return self.unconstrained

    def summary(self) -> pd.DataFrame:
        """One row per parameter: parameter, estimate, standard_error."""
        return pd.DataFrame(
            {
                "parameter": list(self.parameter_names),
                "estimate": list(self.estimates),
                "standard_error": list(self.standard_errors),
            }
        )

    @property
    def max_abs_error(self) -> float:
        """Largest |fitted - target| over equality landmarks (survival scale); NaN without them."""
        table = self.landmarks
        if table is None:
            return float("nan")
        rows = table[table["kind"] == "equal"]
        return float((rows["fitted"] - rows["target"]).abs().max()) if len(rows) else float("nan")

    def draw_models(self, n: int, rng: np.random.Generator) -> list[SurvivalModel]:
        """``n`` models with parameters drawn from the estimate's normal approximation."""
        if self.covariance is None or self.build is None or self.unconstrained is None:
            raise InputError(
                "draw_models: this fit has no usable covariance matrix (its parameters are not "
                "all identified); use a model with fewer parameters or more data"
            )
        draws = rng.multivariate_normal(self.unconstrained, self.covariance, size=n, method="eigh")
        return [self.build(theta) for theta in draws]


def _same_callable(a: object, b: object) -> bool:
    """Equal callables; a bound method by its function and its (equal, not identical) owner."""
    func_a, func_b = getattr(a, "__func__", None), getattr(b, "__func__", None)
    if func_a is not None and func_b is not None:
        return func_a is func_b and bool(getattr(a, "__self__", a) == getattr(b, "__self__", b))
    return bool(a == b)


def fit_info(
    method: str,
    scale: Scale,
    theta: np.ndarray,
    log_likelihood: float,
    n_observations: float,
    n_events: float,
    *,
    build: Callable[[np.ndarray], SurvivalModel] | None,
    covariance: np.ndarray | None = None,
    converged: bool = True,
    identified: bool = True,
    landmarks: pd.DataFrame | None = None,
) -> FitInfo:
    """The ``FitInfo`` of an optimum: every fit and calibration builds its diagnostics here.

    method : "individual" or "landmarks".
    scale : the parameterisation (``parameter_names`` and ``natural(theta)``, the model's
        parameters and their Jacobian); a ``FamilySpec``.
    theta : the optimiser's estimate on its unbounded scale.
    log_likelihood : at ``theta``; the AIC is 2 * len(theta) - 2 * log_likelihood.
    n_observations, n_events : rows and deaths (for landmarks: the effective sample size).
    build : theta -> model (picklable for the fit to pickle, e.g. ``FamilySpec.build``).
    covariance : of theta (inverse Hessian), or None when singular: then every standard error
        is NaN. Standard errors are the delta method's, sqrt(diag(J C J')); NaN where the
        variance is negative.
    converged, identified, landmarks : as ``FitInfo`` documents them.
    """
    theta = np.asarray(theta, dtype=float)
    values, jacobian = scale.natural(theta)
    errors = tuple(math.nan for _ in values)
    if covariance is not None:
        variance = np.einsum("ij,jk,ik->i", jacobian, covariance, jacobian)
        errors = tuple(float(math.sqrt(v)) if v >= 0 else math.nan for v in variance)
    return FitInfo(
        method=method,
        parameter_names=tuple(scale.parameter_names),
        estimates=tuple(float(v) for v in values),
        standard_errors=errors,
        log_likelihood=log_likelihood,
        aic=2 * theta.size - 2 * log_likelihood,
        n_observations=n_observations,
        n_events=n_events,
        converged=converged,
        landmarks=landmarks,
        unconstrained=theta,
        covariance=covariance,
        build=build,
        identified=identified,
    )
