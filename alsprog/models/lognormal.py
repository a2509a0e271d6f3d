"""Log-normal survival: log time is normally distributed."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import special

from alsprog.errors import check_finite, check_positive
from alsprog.models.base import SurvivalModel
from alsprog.models.parameters import Parameter


@dataclass(frozen=True)
class LogNormal(SurvivalModel):
    """Log-normal survival: log(T) ~ Normal(mu, sigma), T in years from onset.

    mu : mean of log time; exp(mu) is the median in years.
    sigma : standard deviation of log time, dimensionless.
    """

    mu: float
    sigma: float
    family: ClassVar[str] = "lognormal"
    declared_parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("mu", "real", "log years"),
        Parameter("sigma", "positive", "log years"),
    )

    @staticmethod
    def starts(median: float, spread: float) -> list[np.ndarray]:
        """Starting points on the fitting scale (``declared_parameters``) from a median (years)
        and the spread of log time."""
        return [np.array([math.log(median), math.log(spread)])]

    def __post_init__(self) -> None:
        object.__setattr__(self, "mu", check_finite("LogNormal mu (log years)", self.mu))
        object.__setattr__(self, "sigma", check_positive("LogNormal sigma", self.sigma))

    def _z(self, t: np.ndarray) -> np.ndarray:
        return (np.log(t) - self.mu) / self.sigma

    def _survival(self, t: np.ndarray) -> np.ndarray:
        return special.ndtr(-self._z(t))

    def _cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        return -special.log_ndtr(-self._z(t))

    def _log_hazard(self, t: np.ndarray) -> np.ndarray:
        z = self._z(t)
        log_density = -0.5 * z**2 - 0.5 * math.log(2 * math.pi) - math.log(self.sigma) - np.log(t)
        return log_density - special.log_ndtr(-z)

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        return np.exp(self._log_hazard(t))

    def _quantile(self, p: np.ndarray) -> np.ndarray:
        return np.exp(self.mu + self.sigma * special.ndtri(p))

    def _mean(self) -> float:
        return math.exp(self.mu + self.sigma**2 / 2)

    def _rmst(self, horizon: np.ndarray) -> np.ndarray:
        # E[min(T, h)] = E[T; T < h] + h S(h)
        z = self._z(horizon)
        partial = math.exp(self.mu + self.sigma**2 / 2) * special.ndtr(z - self.sigma)
        tail = np.where(np.isfinite(horizon), horizon * special.ndtr(-z), 0.0)
        return partial + tail
