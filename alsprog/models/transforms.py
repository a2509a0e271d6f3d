"""Models made from another model: conditional residual life, proportional hazards, time scaling."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from alsprog.errors import InputError, as_times, check_finite, check_positive
from alsprog.models.base import SurvivalModel


def _check_base(name: str, base: object) -> None:
    if not isinstance(base, SurvivalModel):
        raise InputError(
            f"{name}: base is a {type(base).__name__}, not a survival model; pass a model "
            "such as Weibull(shape=1.4, scale=4.0)"
        )


@dataclass(frozen=True)
class Conditional(SurvivalModel):
    """Residual life of someone alive ``survived`` years after onset; time counts from then.

    S(u) = S_base(survived + u) / S_base(survived).
    """

    base: SurvivalModel
    survived: float
    family: ClassVar[str] = "conditional"

    def __post_init__(self) -> None:
        _check_base("Conditional", self.base)
        survived = check_finite("Conditional survived (years)", self.survived)
        if survived < 0:
            raise InputError(f"Conditional survived must be >= 0 years (got {survived:g})")
        object.__setattr__(self, "survived", survived)

    @property
    def _alive(self) -> float:
        return float(self.base._survival(np.array([self.survived]))[0])

    def _survival(self, t: np.ndarray) -> np.ndarray:
        if self._alive > 1e-100:
            return self.base._survival(self.survived + t) / self._alive
        return np.exp(-self._cumulative_hazard(t))

    def _cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        start = self.base._cumulative_hazard(np.array([self.survived]))[0]
        return self.base._cumulative_hazard(self.survived + t) - start

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        return self.base._hazard(self.survived + t)

    def _log_hazard(self, t: np.ndarray) -> np.ndarray:
        return self.base._log_hazard(self.survived + t)

    @property
    def _start(self) -> float:
        return float(self.base._cumulative_hazard(np.array([self.survived]))[0])

    def _quantile(self, p: np.ndarray) -> np.ndarray:
        # die by u from now <=> the base's H reaches H(survived) - log(1 - p): on the H scale,
        # so the tail keeps its precision however small survival at ``survived`` is
        times = self.base._time_at_cumulative_hazard(self._start - np.log1p(-p))
        return np.maximum(times - self.survived, 0.0)

    def cure_fraction(self) -> float:
        return self.base.cure_fraction() / self._alive

    def _rmst(self, horizon: np.ndarray) -> np.ndarray:
        if self._alive > 1e-3:  # the difference of the base's integrals is accurate enough
            start = self.base._rmst(np.array([self.survived]))[0]
            return (self.base._rmst(self.survived + horizon) - start) / self._alive
        return super()._rmst(horizon)

    def _mean(self) -> float:
        if self._alive > 1e-3:
            return float(self._rmst(np.array([np.inf]))[0])
        return super()._mean()

    def conditional(self, survived: float) -> SurvivalModel:
        survived = float(as_times(survived, "survived"))
        if survived == 0:
            return self
        return self.base.conditional(self.survived + survived)


@dataclass(frozen=True)
class ProportionalHazards(SurvivalModel):
    """The base model with every hazard multiplied by ``hazard_ratio``: S(t) = S_base(t) ** hr."""

    base: SurvivalModel
    hazard_ratio: float
    family: ClassVar[str] = "proportional_hazards"

    def __post_init__(self) -> None:
        _check_base("ProportionalHazards", self.base)
        object.__setattr__(self, "hazard_ratio", check_positive("hazard_ratio", self.hazard_ratio))

    def _cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        return self.hazard_ratio * self.base._cumulative_hazard(t)

    def _survival(self, t: np.ndarray) -> np.ndarray:
        return self.base._survival(t) ** self.hazard_ratio

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        return self.hazard_ratio * self.base._hazard(t)

    def _log_hazard(self, t: np.ndarray) -> np.ndarray:
        return math.log(self.hazard_ratio) + self.base._log_hazard(t)

    def _cumulative_hazard_and_hazard(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cumulative, hazard = self.base._cumulative_hazard_and_hazard(t)
        return self.hazard_ratio * cumulative, self.hazard_ratio * hazard

    def _quantile(self, p: np.ndarray) -> np.ndarray:
        return self.base._time_at_cumulative_hazard(-np.log1p(-p) / self.hazard_ratio)

    def cure_fraction(self) -> float:
        return self.base.cure_fraction() ** self.hazard_ratio

    def with_hazard_ratio(self, hazard_ratio: float) -> SurvivalModel:
        check_positive("hazard_ratio", hazard_ratio)
        return self.base.with_hazard_ratio(self.hazard_ratio * float(hazard_ratio))


@dataclass(frozen=True)
class TimeScaled(SurvivalModel):
    """The base model on a stretched clock, S(t) = S_base(t / time_ratio): accelerated failure time.

    A time ratio above 1 lengthens every quantile by that factor.
    """

    base: SurvivalModel
    time_ratio: float
    family: ClassVar[str] = "time_scaled"

    def __post_init__(self) -> None:
        _check_base("TimeScaled", self.base)
        object.__setattr__(self, "time_ratio", check_positive("time_ratio", self.time_ratio))

    def _survival(self, t: np.ndarray) -> np.ndarray:
        return self.base._survival(t / self.time_ratio)

    def _cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        return self.base._cumulative_hazard(t / self.time_ratio)

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        return self.base._hazard(t / self.time_ratio) / self.time_ratio

    def _log_hazard(self, t: np.ndarray) -> np.ndarray:
        return self.base._log_hazard(t / self.time_ratio) - math.log(self.time_ratio)

    def _quantile(self, p: np.ndarray) -> np.ndarray:
        return self.time_ratio * np.asarray(self.base.quantile(p))

    def cure_fraction(self) -> float:
        return self.base.cure_fraction()

    def _mean(self) -> float:
        return self.time_ratio * self.base.mean()

    def _rmst(self, horizon: np.ndarray) -> np.ndarray:
        return self.time_ratio * self.base._rmst(horizon / self.time_ratio)

    def _sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.time_ratio * self.base._sample(n, rng)

    def with_time_ratio(self, time_ratio: float) -> SurvivalModel:
        check_positive("time_ratio", time_ratio)
        return self.base.with_time_ratio(self.time_ratio * float(time_ratio))
