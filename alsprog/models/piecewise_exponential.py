"""Piecewise-exponential survival: a constant hazard between fixed breakpoints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from alsprog.errors import InputError, as_sequence, check_positive
from alsprog.models.base import SurvivalModel
from alsprog.models.parameters import Parameter


@dataclass(frozen=True)
class PiecewiseExponential(SurvivalModel):
    """Survival with hazard ``rates[j]`` on [breakpoints[j-1], breakpoints[j]), t in years.

    breakpoints : increasing times in years, above 0, where the hazard changes (may be empty).
    rates : per year, one more than ``breakpoints``; the last applies for ever after.
    """

    breakpoints: tuple[float, ...]
    rates: tuple[float, ...]
    family: ClassVar[str] = "piecewise_exponential"
    declared_parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("rate", "positive", "per year"),
    )  # one per interval

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "breakpoints",
            tuple(
                check_positive(f"PiecewiseExponential breakpoint {j} (years)", b)
                for j, b in enumerate(
                    as_sequence("PiecewiseExponential breakpoints", self.breakpoints)
                )
            ),
        )
        object.__setattr__(
            self,
            "rates",
            tuple(
                check_positive(f"PiecewiseExponential rate {j} (per year)", r)
                for j, r in enumerate(as_sequence("PiecewiseExponential rates", self.rates))
            ),
        )
        if len(self.rates) != len(self.breakpoints) + 1:
            raise InputError(
                f"PiecewiseExponential: {len(self.rates)} rates for {len(self.breakpoints)} "
                "breakpoints; give one rate more than breakpoints"
            )
        edges = np.array(self.breakpoints)
        if edges.size and (edges[0] <= 0 or np.any(np.diff(edges) <= 0)):
            raise InputError(
                f"PiecewiseExponential: breakpoints {self.breakpoints} must be above 0 and "
                "strictly increasing (years)"
            )

    @property
    def _edges(self) -> np.ndarray:
        return np.concatenate([[0.0], self.breakpoints])

    @property
    def _cum_at_edges(self) -> np.ndarray:
        widths = np.diff(self._edges)
        return np.concatenate([[0.0], np.cumsum(np.array(self.rates[:-1]) * widths)])

    def _piece(self, t: np.ndarray) -> np.ndarray:
        return np.searchsorted(self._edges, t, side="right") - 1

    def _cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        j = self._piece(t)
        return self._cum_at_edges[j] + np.asarray(self.rates)[j] * (t - self._edges[j])

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        return np.asarray(self.rates)[self._piece(t)]

    def _quantile(self, p: np.ndarray) -> np.ndarray:
        target = -np.log1p(-p)
        cum = self._cum_at_edges
        j = np.searchsorted(cum, target, side="right") - 1
        return self._edges[j] + (target - cum[j]) / np.asarray(self.rates)[j]

    def _rmst(self, horizon: np.ndarray) -> np.ndarray:
        edges, cum, rates = self._edges, self._cum_at_edges, np.asarray(self.rates)
        upper = np.append(edges[1:], np.inf)
        total = np.zeros_like(horizon)
        for j in range(rates.size):  # exact integral of exp(-H) over each piece
            width = np.clip(np.minimum(horizon, upper[j]) - edges[j], 0.0, None)
            total += np.exp(-cum[j]) * -np.expm1(-rates[j] * width) / rates[j]
        return total

    def _mean(self) -> float:
        return float(self._rmst(np.array([np.inf]))[0])
