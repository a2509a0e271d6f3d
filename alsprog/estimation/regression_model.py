"""A fitted survival regression: the frozen model and what its fit leaves behind.

``RegressionModel`` holds the family on its covariate scale, the design (to rebuild covariate
columns for new rows) and the estimate; ``at(profile)`` is the ordinary alsprog model of one
covariate profile, and ``predict``/``standardise`` live in
``alsprog.estimation.regression_predict``, ``targets`` (the standardised survival as landmark
figures) in ``alsprog.estimation.regression_targets``. ``RegressionFitInfo.summary()`` is the
coefficient table (estimate, se, Wald interval, z, p), ``ratios()`` the hazard, time or odds
ratios.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from alsprog.errors import InputError
from alsprog.estimation.formula import Design
from alsprog.estimation.regression_families import RATIO_NAMES, RegressionSpec
from alsprog.estimation.targets import Targets
from alsprog.models.base import SurvivalModel
from alsprog.models.fit_info import FitInfo

LEVEL = 0.95


class ConvergenceWarning(UserWarning):
    """A regression fit stopped before the gradient of its log-likelihood vanished."""


@dataclass(frozen=True)
class RegressionFitInfo:
    """What a regression fit leaves behind.

    parameter_names : the coefficients (``Intercept``, then as the formula names each column),
        then the family's ancillary parameters (``shape``, ``sigma``, ``gamma_1``, ...).
    estimates, standard_errors : coefficients on the linear predictor's scale (log time for
        AFT, as R's survreg; log hazard for PH and log odds of death for the odds scale, as
        flexsurvreg's ``res``); ancillary parameters on the model's own scale.
    log_scale : per parameter, whether its interval is exp(log estimate +- z se / estimate).
    log_likelihood, aic, bic : maximised log-likelihood, 2k - 2 logL and k log(n) - 2 logL
        (n the weighted number of rows, as R's BIC for survreg).
    n_observations, n_events : weighted rows and deaths. converged : the gradient vanished
        and the Hessian is positive definite; message, iterations : from the optimiser.
    covariance : of (ancillary on the optimiser's scale, coefficients), for intervals and draws.
    """

    family: str
    scale: str
    parameter_names: tuple[str, ...]
    estimates: tuple[float, ...]
    standard_errors: tuple[float, ...]
    log_scale: tuple[bool, ...]
    n_coefficients: int
    log_likelihood: float
    aic: float
    bic: float
    n_observations: float
    n_events: float
    converged: bool
    message: str = ""
    iterations: int = 0
    covariance: np.ndarray | None = field(default=None, repr=False, compare=False)

    def summary(self, level: float = LEVEL) -> pd.DataFrame:
        """One row per parameter: parameter, estimate, se, lower, upper, z, p (two-sided Wald
        test of 0; for ancillary parameters on a log scale, of 1 on the log scale)."""
        est = np.asarray(self.estimates)
        se = np.asarray(self.standard_errors)
        crit = special.ndtri(0.5 + level / 2)
        logged = np.asarray(self.log_scale)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_se = np.where(logged, se / np.abs(est), se)
            centre = np.where(logged, np.log(np.abs(est)), est)
            lower = np.where(logged, np.exp(centre - crit * log_se), est - crit * se)
            upper = np.where(logged, np.exp(centre + crit * log_se), est + crit * se)
            z = centre / log_se
        return pd.DataFrame(
            {
                "parameter": list(self.parameter_names),
                "estimate": est,
                "se": se,
                "lower": lower,
                "upper": upper,
                "z": z,
                "p": 2 * special.ndtr(-np.abs(z)),
            }
        )

    def ratios(self, level: float = LEVEL) -> pd.DataFrame:
        """exp(coefficient) with its interval, per covariate column (not the intercept):
        parameter, kind ('time ratio', 'hazard ratio' or 'odds ratio'), ratio, lower, upper."""
        table = self.summary(level).iloc[1 : self.n_coefficients]
        return pd.DataFrame(
            {
                "parameter": table["parameter"].to_numpy(),
                "kind": RATIO_NAMES[self.scale],
                "ratio": np.exp(table["estimate"].to_numpy()),
                "lower": np.exp(table["lower"].to_numpy()),
                "upper": np.exp(table["upper"].to_numpy()),
            }
        )


@dataclass(frozen=True, eq=False)
class RegressionModel:
    """A fitted survival regression (frozen). theta is (ancillary on the optimiser's scale,
    coefficients); ``design`` rebuilds covariate columns for new rows; ``columns`` names the
    data's duration, event, entry and weights columns (entry, weights: None if not given);
    ``spread_design`` the covariates on an AFT family's spread (``anc=``), if any."""

    spec: RegressionSpec
    design: Design
    theta: np.ndarray = field(repr=False)
    fit_info: RegressionFitInfo
    columns: tuple[str, str, str | None, str | None] = ("time", "event", None, None)
    spread_design: Design | None = None

    def __post_init__(self) -> None:
        self.theta.setflags(write=False)

    def __repr__(self) -> str:
        info = self.fit_info
        spread = "" if self.spread_design is None else f", spread ~ {self.spread_design.formula}"
        return (
            f"RegressionModel({self.family}, {self.scale} scale, ~ {self.design.formula}{spread}; "
            f"{info.n_observations:g} rows, {info.n_events:g} deaths, "
            f"log-likelihood {info.log_likelihood:.3f}"
            f"{'' if info.converged else ', NOT CONVERGED'})"
        )

    @property
    def family(self) -> str:
        return self.spec.family

    @property
    def scale(self) -> str:
        return self.spec.scale

    @property
    def coefficients(self) -> pd.Series:
        """Coefficients by column name (linear-predictor scale), not the spread's."""
        m, p = len(self.spec.ancillary), len(self.design.names)
        return pd.Series(self.theta[m : m + p], index=list(self.design.names), name="coefficient")

    def matrix(self, data: pd.DataFrame, caller: str = "predict") -> np.ndarray:
        """The design of ``data``'s rows, then the spread covariates' columns (if any)."""
        x = self.design.matrix(data, caller=caller)
        if self.spread_design is None:
            return x
        return np.hstack([x, self.spread_design.matrix(data, caller=caller)[:, 1:]])

    def linear_predictor(self, data: pd.DataFrame) -> np.ndarray:
        """eta = X beta for each row of ``data``."""
        return self.spec.split(np.asarray(self.theta), self.matrix(data))[1]

    def at(self, profile: Mapping[str, Any] | pd.Series | pd.DataFrame) -> SurvivalModel:
        """The ordinary alsprog model (Weibull, LogNormal, ... or ``OddsSpline``) of one covariate
        profile, e.g. ``{"age": 60, "sex": "male"}``; its ``fit_info`` carries the fit's
        covariance, so ``parameter_draws`` works on it."""
        frame = _profile_frame(profile)
        xz = self.matrix(frame, caller="at")
        spec = self.spec

        def build(theta: np.ndarray) -> SurvivalModel:
            ancillary, eta = spec.split(theta, xz)
            return spec.model(ancillary[0], float(eta[0]))

        model = build(np.asarray(self.theta))
        info = FitInfo(
            method="individual",
            parameter_names=tuple(self.fit_info.parameter_names),
            estimates=tuple(self.fit_info.estimates),
            standard_errors=tuple(self.fit_info.standard_errors),
            log_likelihood=self.fit_info.log_likelihood,
            aic=self.fit_info.aic,
            n_observations=self.fit_info.n_observations,
            n_events=self.fit_info.n_events,
            converged=self.fit_info.converged,
            unconstrained=np.array(self.theta),
            covariance=self.fit_info.covariance,
            build=build,
        )
        return _with_fit_info(model, info)

    def predict(self, data: pd.DataFrame, **options: Any) -> pd.DataFrame:
        """Per-row survival, hazard, quantiles and RMST with intervals; see
        ``alsprog.estimation.regression_predict.predict``."""
        from alsprog.estimation.regression_predict import predict

        return predict(self, data, **options)

    def sample(self, data: pd.DataFrame, rng: np.random.Generator | int) -> np.ndarray:
        """One death time (years from onset) per row of ``data``, each from its own profile."""
        from alsprog.estimation.regression_predict import sample

        return sample(self, data, rng)

    def quantile_rows(
        self, data: pd.DataFrame, p: np.ndarray, alive_at: np.ndarray | None = None
    ) -> np.ndarray:
        """Per row, the time (years from onset) by which a fraction p has died (given alive at
        ``alive_at`` years, if given): the vectorised inverse a simulation samples with."""
        from alsprog.estimation.regression_predict import quantile_rows

        return quantile_rows(self, data, p, alive_at)

    def marginal(self, data: pd.DataFrame) -> SurvivalModel:
        """The population-averaged survival over ``data``'s rows, as an alsprog model."""
        from alsprog.estimation.regression_predict import Marginal

        return Marginal(self, self.matrix(data, caller="marginal"))

    def targets(self, data: pd.DataFrame, times: Any = None, name: str | None = None) -> Targets:
        """Landmark targets from the standardised survival over ``data`` (for ``calibrate``,
        ``compare_families``, the report and ``recalibrate``); see
        ``alsprog.estimation.regression_targets.regression_targets``."""
        from alsprog.estimation.regression_targets import regression_targets

        return regression_targets(self, data, times, name)

    def standardise(self, data: pd.DataFrame, **options: Any) -> pd.DataFrame:
        """Marginal survival and RMST over ``data``'s covariates, and contrasts; see
        ``alsprog.estimation.regression_predict.standardise``."""
        from alsprog.estimation.regression_predict import standardise

        return standardise(self, data, **options)


def _with_fit_info(model: SurvivalModel, info: FitInfo) -> SurvivalModel:
    return dataclasses.replace(model, fit_info=info)


def _profile_frame(profile: Mapping[str, Any] | pd.Series | pd.DataFrame) -> pd.DataFrame:
    if isinstance(profile, pd.DataFrame):
        if len(profile) != 1:
            raise InputError(
                f"at: profile has {len(profile)} rows; pass one row (or use predict for many)"
            )
        return profile.reset_index(drop=True)
    if isinstance(profile, pd.Series):
        return profile.to_frame().T.infer_objects().reset_index(drop=True)
    if isinstance(profile, Mapping):
        return pd.DataFrame({k: [v] for k, v in profile.items()}, index=[0])
    raise InputError(
        f"at: profile must be a mapping such as {{'age': 60, 'sex': 'male'}} (got "
        f"{type(profile).__name__}); pass one patient's covariates"
    )
