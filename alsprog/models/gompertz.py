"""Gompertz survival: a hazard that grows (or shrinks) exponentially with time."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from alsprog.errors import check_finite, check_positive
from alsprog.models.base import SurvivalModel
from alsprog.models.parameters import Parameter

# Below this |shape| (per year), shape * t is subnormal or lost in rounding for any time that
# matters, and expm1(shape * t) / shape is quantised to a few ulps of the smallest float: the
# exponential is then exact to double precision.
TINY_SHAPE = 1e-200


@dataclass(frozen=True)
class Gompertz(SurvivalModel):
    """Gompertz survival, hazard(t) = rate * exp(shape * t), t in years from onset.

    shape : per year; 0 gives the exponential. A negative shape makes the hazard fade, so a share
        exp(rate / shape) never dies: then ``quantile`` above that share and ``mean`` are inf.
    rate : per year; the hazard at onset.
    """

    shape: float
    rate: float
    family: ClassVar[str] = "gompertz"
    declared_parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("shape", "real", "per year"),
        Parameter("rate", "positive", "per year"),
    )

    @staticmethod
    def starts(median: float, spread: float) -> list[np.ndarray]:
        """Starting points on the fitting scale (``declared_parameters``) from a median (years)
        and the spread of log time."""
        out = []
        for b in (-0.5 / median, 0.01 / median, 0.5 / median):
            rate = math.log(2) * b / math.expm1(b * median)
            out.append(np.array([b, math.log(rate)]))
        return out

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape", check_finite("Gompertz shape (per year)", self.shape))
        object.__setattr__(self, "rate", check_positive("Gompertz rate (per year)", self.rate))

    def _cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        if abs(self.shape) < TINY_SHAPE:
            return self.rate * t
        return self.rate * np.expm1(self.shape * t) / self.shape

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        return self.rate * np.exp(self.shape * t)

    def _log_hazard(self, t: np.ndarray) -> np.ndarray:
        return math.log(self.rate) + self.shape * t

    def _quantile(self, p: np.ndarray) -> np.ndarray:
        target = -np.log1p(-p)
        if abs(self.shape) < TINY_SHAPE:
            return target / self.rate
        return np.log1p(self.shape * target / self.rate) / self.shape

    def cure_fraction(self) -> float:
        return math.exp(self.rate / self.shape) if self.shape < 0 else 0.0
