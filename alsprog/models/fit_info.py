"""What a fit leaves behind: estimates, their uncertainty and how well the model fits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from alsprog.errors import InputError

if TYPE_CHECKING:
    from alsprog.models.base import SurvivalModel


@dataclass(frozen=True)
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
    landmarks : for calibrations, one row per target (columns t, target, fitted, kind).
    unconstrained, covariance, build : the optimiser's estimate on its unbounded scale, its
        covariance (None when singular), and the map back to a model; together they let
        ``draw_models`` sample parameter uncertainty.
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
    landmarks: pd.DataFrame | None = None
    unconstrained: np.ndarray | None = field(default=None, repr=False)
    covariance: np.ndarray | None = field(default=None, repr=False)
    build: Callable[[np.ndarray], SurvivalModel] | None = field(default=None, repr=False)
    identified: bool = True

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
        if self.landmarks is None:
            return float("nan")
        rows = self.landmarks[self.landmarks["kind"] == "equal"]
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
