"""Log-logistic survival: log time follows a logistic distribution."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from alsprog.errors import check_positive
from alsprog.models.base import SurvivalModel
from alsprog.models.parameters import Parameter


@dataclass(frozen=True)
class LogLogistic(SurvivalModel):
    """Log-logistic survival, S(t) = 1 / (1 + (t / scale) ** shape), t in years from onset.

    shape : dimensionless; above 1 the hazard rises, then falls.
    scale : years; the median.
    The mean is inf when shape <= 1.
    """

    shape: float
    scale: float
    family: ClassVar[str] = "loglogistic"
    declared_parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("shape", "positive", "dimensionless"),
        Parameter("scale", "positive", "years"),
    )

    @staticmethod
    def starts(median: float, spread: float) -> list[np.ndarray]:
        """Starting points on the fitting scale (``declared_parameters``) from a median (years)
        and the spread of log time."""
        return [np.array([math.log(1.8 / spread), math.log(median)])]

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape", check_positive("LogLogistic shape", self.shape))
        object.__setattr__(self, "scale", check_positive("LogLogistic scale (years)", self.scale))

    def _survival(self, t: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + (t / self.scale) ** self.shape)

    def _cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        return np.log1p((t / self.scale) ** self.shape)

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        # shape / t * x / (1 + x) with x = (t / scale) ** shape, written to stay finite as x grows
        return self.shape / t / (1.0 + (self.scale / t) ** self.shape)

    def _log_hazard(self, t: np.ndarray) -> np.ndarray:
        log_x = self.shape * np.log(t / self.scale)
        return math.log(self.shape) - np.log(t) + log_x - np.logaddexp(0.0, log_x)

    def _quantile(self, p: np.ndarray) -> np.ndarray:
        return self.scale * (p / (1 - p)) ** (1 / self.shape)

    def _mean(self) -> float:
        if self.shape <= 1:
            return math.inf
        b = math.pi / self.shape
        return self.scale * b / math.sin(b)
