"""Weibull survival: a hazard that is a power of time."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import special

from alsprog.errors import check_positive
from alsprog.models.base import SurvivalModel
from alsprog.models.parameters import Parameter


@dataclass(frozen=True)
class Weibull(SurvivalModel):
    """Weibull survival, S(t) = exp(-(t / scale) ** shape), t in years from onset.

    shape : dimensionless; above 1 the hazard rises with time.
    scale : years; the time by which 63.2% have died.
    """

    shape: float
    scale: float
    family: ClassVar[str] = "weibull"
    declared_parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("shape", "positive", "dimensionless"),
        Parameter("scale", "positive", "years"),
    )

    @staticmethod
    def starts(median: float, spread: float) -> list[np.ndarray]:
        """Starting points on the fitting scale (``declared_parameters``) from a median (years)
        and the spread of log time."""
        return [
            np.array([math.log(k), math.log(median / math.log(2) ** (1 / k))])
            for k in (1.0 / max(spread, 0.2), 1.0, 2.0)
        ]

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape", check_positive("Weibull shape", self.shape))
        object.__setattr__(self, "scale", check_positive("Weibull scale (years)", self.scale))

    def _cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        return (t / self.scale) ** self.shape

    def _survival(self, t: np.ndarray) -> np.ndarray:
        return np.exp(-((t / self.scale) ** self.shape))

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        return self.shape / self.scale * (t / self.scale) ** (self.shape - 1)

    def _log_hazard(self, t: np.ndarray) -> np.ndarray:
        return np.log(self.shape / self.scale) + (self.shape - 1) * np.log(t / self.scale)

    def _quantile(self, p: np.ndarray) -> np.ndarray:
        return self.scale * (-np.log1p(-p)) ** (1 / self.shape)

    def _mean(self) -> float:
        return self.scale * special.gamma(1 + 1 / self.shape)

    def _rmst(self, horizon: np.ndarray) -> np.ndarray:
        # integral of exp(-(t/scale)^k) from 0 to h = (scale/k) * lower_gamma(1/k, (h/scale)^k)
        a = 1 / self.shape
        finite = np.isfinite(horizon)
        x = np.where(finite, (horizon / self.scale) ** self.shape, np.inf)
        return self.scale * special.gamma(1 + a) * special.gammainc(a, x)
