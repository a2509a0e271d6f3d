"""Weibull survival: a hazard that is a power of time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import special

from alsprog.errors import check_positive
from alsprog.models.base import SurvivalModel


@dataclass(frozen=True)
class Weibull(SurvivalModel):
    """Weibull survival, S(t) = exp(-(t / scale) ** shape), t in years from onset.

    shape : dimensionless; above 1 the hazard rises with time.
    scale : years; the time by which 63.2% have died.
    """

    shape: float
    scale: float
    family: ClassVar[str] = "weibull"

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape", check_positive("Weibull shape", self.shape))
        object.__setattr__(self, "scale", check_positive("Weibull scale (years)", self.scale))

    def _cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        return (t / self.scale) ** self.shape

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
