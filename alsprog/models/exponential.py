"""Exponential survival: a constant hazard."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from alsprog.errors import check_positive
from alsprog.models.base import SurvivalModel
from alsprog.models.parameters import Parameter


@dataclass(frozen=True)
class Exponential(SurvivalModel):
    """Exponential survival, S(t) = exp(-rate * t), t in years from onset.

    rate : deaths per person-year; the median is log(2) / rate.
    """

    rate: float
    family: ClassVar[str] = "exponential"
    declared_parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("rate", "positive", "per year"),
    )

    @staticmethod
    def starts(median: float, spread: float) -> list[np.ndarray]:
        """Starting points on the fitting scale (``declared_parameters``) from a median (years)
        and the spread of log time."""
        return [np.array([math.log(math.log(2) / median)])]

    def __post_init__(self) -> None:
        object.__setattr__(self, "rate", check_positive("Exponential rate (per year)", self.rate))

    def _cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        return self.rate * t

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        return np.full_like(t, self.rate)

    def _quantile(self, p: np.ndarray) -> np.ndarray:
        return -np.log1p(-p) / self.rate

    def _mean(self) -> float:
        return 1.0 / self.rate

    def _rmst(self, horizon: np.ndarray) -> np.ndarray:
        return -np.expm1(-self.rate * horizon) / self.rate
