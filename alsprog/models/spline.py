"""Royston-Parmar spline survival: log cumulative hazard as a natural cubic spline of log time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from alsprog.errors import InputError, as_sequence, check_finite, check_positive
from alsprog.models.base import SurvivalModel
from alsprog.models.parameters import Parameter

MAX_KNOTS = 25  # limit: calibrating 20 knots takes seconds, 40 about 10 s, 200 minutes


def spline_basis(log_t: np.ndarray, log_knots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Royston-Parmar natural cubic spline basis and its derivative at ``log_t``.

    Columns: 1, x, then v_j(x) for each interior knot k_j, where with boundary knots a < b and
    l_j = (b - k_j) / (b - a), v_j(x) = (x - k_j)_+^3 - l_j (x - a)_+^3 - (1 - l_j) (x - b)_+^3.
    The spline is linear beyond the boundary knots.
    """
    x = np.asarray(log_t, dtype=float)[:, None]
    a, b, interior = log_knots[0], log_knots[-1], log_knots[1:-1]
    weight = (b - interior) / (b - a)

    def pos(v: np.ndarray, power: int) -> np.ndarray:
        return np.where(v > 0, v, 0.0) ** power

    value = pos(x - interior, 3) - weight * pos(x - a, 3) - (1 - weight) * pos(x - b, 3)
    slope = 3 * (pos(x - interior, 2) - weight * pos(x - a, 2) - (1 - weight) * pos(x - b, 2))
    ones = np.ones_like(x)
    return np.hstack([ones, x, value]), np.hstack([np.zeros_like(x), ones, slope])


@dataclass(frozen=True)
class Spline(SurvivalModel):
    """Royston-Parmar proportional-hazards spline model, t in years from onset.

    log H(t) = s(log t), with s a natural cubic spline: gammas[0] + gammas[1] * log t + the
    interior-knot terms of ``spline_basis``. With only the two boundary knots it is a Weibull.

    knots : years, increasing; the first and last are the boundary knots.
    gammas : one coefficient per knot (dimensionless); s must increase with log t.
    """

    knots: tuple[float, ...]
    gammas: tuple[float, ...]
    family: ClassVar[str] = "spline"
    declared_parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("gamma", "real", "dimensionless"),
    )  # one per knot

    def __post_init__(self) -> None:
        knots = as_sequence("Spline knots", self.knots)
        gammas = as_sequence("Spline gammas", self.gammas)
        object.__setattr__(
            self, "knots", tuple(check_positive("Spline knot (years)", k) for k in knots)
        )
        object.__setattr__(self, "gammas", tuple(check_finite("Spline gamma", g) for g in gammas))
        if len(self.knots) > MAX_KNOTS:
            raise InputError(
                f"Spline: {len(self.knots)} knots, above the limit of {MAX_KNOTS}; a survival "
                "curve needs a handful (Royston and Parmar use 2 to 6)"
            )
        if len(self.knots) < 2 or len(self.gammas) != len(self.knots):
            raise InputError(
                f"Spline: {len(self.knots)} knots and {len(self.gammas)} gammas; give at least "
                "two knots and one gamma per knot"
            )
        if np.any(np.diff(self.knots) <= 0):
            raise InputError(f"Spline: knots {self.knots} must be strictly increasing (years)")
        lo, hi = np.log(self.knots[0]), np.log(self.knots[-1])
        grid = np.concatenate([[lo - 1.0], np.linspace(lo, hi, 201), [hi + 1.0]])
        _, slope = self._basis(grid)
        if np.any(slope <= 0):
            raise InputError(
                "Spline: log cumulative hazard must increase with log time for these gammas "
                f"{self.gammas}; refit or choose gammas with a positive slope"
            )

    def _basis(self, log_t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        value, slope = spline_basis(log_t, np.log(np.asarray(self.knots)))
        coef = np.asarray(self.gammas)
        return value @ coef, slope @ coef

    def _cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        log_t = np.log(np.where(t > 0, t, np.nan))
        s, _ = self._basis(log_t)
        return np.where(t > 0, np.exp(s), 0.0)

    def _log_hazard(self, t: np.ndarray) -> np.ndarray:
        log_t = np.log(t)
        s, ds = self._basis(log_t)
        return s + np.log(ds) - log_t

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        return np.exp(self._log_hazard(t))
