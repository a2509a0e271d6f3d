"""A hazard multiplied by a piecewise-constant factor: treatment effects over time windows.

A schedule is a set of change points 0 < c_1 < ... < c_m (years) and multipliers m_0, ..., m_m,
m_p applying on [c_p, c_{p+1}) with c_0 = 0 and c_{m+1} = inf. A hazard ratio v from a start a
for a duration d is the schedule with change points a and a + d and multipliers 1, v, 1; several
hazard ratios multiply. With H the base cumulative hazard, the windowed cumulative hazard is

    H_w(t) = C_p + m_p * (H(t) - H(c_p))   for t in [c_p, c_{p+1}),

with C_p = sum_{q < p} m_q (H(c_{q+1}) - H(c_q)): a closed form in H, and its inverse a closed
form in the inverse of H, so quantiles and samples stay exact (and the same exponential draw
gives paired treated and untreated times).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

import numpy as np

from alsprog.errors import InputError
from alsprog.models.base import SurvivalModel

# A window: (hazard ratio, start in years, duration in years); the start already in years from
# onset (a start "from diagnosis" is turned into one by adding the diagnostic delay).
Window = tuple[float, float, float]


@cache
def default_delay_years() -> float:
    """The default population's median diagnostic delay, years (``data/phenotypes.toml``):
    where diagnosis falls for a model that does not know its patients' own delays."""
    from alsprog import data

    return data.phenotypes().population.delay_median_months / 12.0


def schedule(windows: Sequence[Window]) -> tuple[np.ndarray, np.ndarray]:
    """Change points (years, increasing, finite, > 0) and multipliers (one more than points)."""
    edges = sorted(
        {e for v, a, d in windows for e in (a, a + d) if 0 < e < math.inf and math.isfinite(e)}
    )
    points = np.array(edges, dtype=float)
    starts = np.concatenate([[0.0], points])
    multipliers = np.ones(starts.size)
    for value, start, duration in windows:
        inside = (starts >= start) & (starts < start + duration)
        multipliers[inside] *= value
    return points, multipliers


def _piece(t: np.ndarray, points: np.ndarray) -> np.ndarray:
    return np.searchsorted(points, t, side="right")


def windowed_cumulative(
    cumulative: Callable[[np.ndarray], np.ndarray],
    t: np.ndarray,
    points: np.ndarray,
    multipliers: np.ndarray,
    at_t: np.ndarray | None = None,
) -> np.ndarray:
    """H_w(t) from the base cumulative hazard function ``cumulative`` (any array shape of t);
    ``at_t``, when given, is ``cumulative(t)`` already computed."""
    at_t = cumulative(t) if at_t is None else at_t
    if points.size == 0:
        return multipliers[0] * at_t
    at_points = np.concatenate([[0.0], cumulative(points)])
    offsets = np.concatenate([[0.0], np.cumsum(multipliers[:-1] * np.diff(at_points))])
    p = _piece(t, points)
    return offsets[p] + multipliers[p] * (at_t - at_points[p])


def windowed_times(
    cumulative: Callable[[np.ndarray], np.ndarray],
    time_at: Callable[[np.ndarray], np.ndarray],
    target: np.ndarray,
    points: np.ndarray,
    multipliers: np.ndarray,
) -> np.ndarray:
    """Times t with H_w(t) = target; ``time_at`` inverts the base cumulative hazard."""
    target = np.asarray(target, dtype=float)
    if points.size == 0:
        return time_at(target / multipliers[0])
    at_points = np.concatenate([[0.0], cumulative(points)])
    offsets = np.concatenate([[0.0], np.cumsum(multipliers[:-1] * np.diff(at_points))])
    p = np.clip(np.searchsorted(offsets, target, side="right") - 1, 0, points.size)
    base_target = at_points[p] + (target - offsets[p]) / multipliers[p]
    times = time_at(base_target)
    lower = np.concatenate([[0.0], points])[p]
    upper = np.concatenate([points, [np.inf]])[p]
    return np.clip(times, lower, upper)


def multiplier_at(t: np.ndarray, points: np.ndarray, multipliers: np.ndarray) -> np.ndarray:
    """The factor in force at each time t."""
    return multipliers[_piece(t, points)]


@dataclass(frozen=True)
class HazardWindows(SurvivalModel):
    """The base model with its hazard multiplied by ``multipliers[p]`` on [c_p, c_{p+1}).

    base : the (disease) model.
    points : change points c_1 < ... < c_m, years from onset (> 0, finite).
    multipliers : m_0 ... m_m, each > 0 (m_0 before c_1, m_m from c_m on).
    """

    base: SurvivalModel
    points: tuple[float, ...]
    multipliers: tuple[float, ...]
    family: ClassVar[str] = "hazard_windows"

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", tuple(float(c) for c in self.points))
        object.__setattr__(self, "multipliers", tuple(float(m) for m in self.multipliers))
        c, m = np.array(self.points), np.array(self.multipliers)
        if m.size != c.size + 1 or not (np.isfinite(m).all() and (m > 0).all()):
            raise InputError(
                "HazardWindows: give one finite multiplier > 0 more than there are change points"
            )
        if c.size and not (np.isfinite(c).all() and c[0] > 0 and (np.diff(c) > 0).all()):
            raise InputError("HazardWindows: change points must be finite, > 0 and increasing")

    @classmethod
    def of(cls, base: SurvivalModel, windows: Sequence[Window]) -> SurvivalModel:
        """``base`` under the hazard ratios ``windows`` (the base itself when none applies)."""
        points, multipliers = schedule(windows)
        if np.all(multipliers == 1):
            return base
        if points.size == 0:
            return base.with_hazard_ratio(float(multipliers[0]))
        return cls(base=base, points=tuple(points), multipliers=tuple(multipliers))

    @property
    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return np.array(self.points), np.array(self.multipliers)

    def _base_cumulative(self, t: np.ndarray) -> np.ndarray:
        flat = np.asarray(t, dtype=float)
        out = np.zeros_like(flat)
        positive = flat > 0
        out[positive] = self.base._cumulative_hazard(flat[positive])
        return out

    def _cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        return windowed_cumulative(self._base_cumulative, t, *self._arrays)

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        return multiplier_at(t, *self._arrays) * self.base._hazard(t)

    def _cumulative_hazard_and_hazard(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self._cumulative_hazard(t), self._hazard(t)

    def _time_at_cumulative_hazard(self, target: np.ndarray) -> np.ndarray:
        return windowed_times(
            self._base_cumulative, self.base._time_at_cumulative_hazard, target, *self._arrays
        )

    def _quantile(self, p: np.ndarray) -> np.ndarray:
        return self._time_at_cumulative_hazard(-np.log1p(-p))

    def cure_fraction(self) -> float:
        cured = self.base.cure_fraction()
        if cured <= 0:
            return 0.0
        at_infinity = -math.log(cured)

        def cumulative(t: np.ndarray) -> np.ndarray:
            return np.where(np.isinf(t), at_infinity, self._base_cumulative(np.minimum(t, 1e300)))

        total = windowed_cumulative(cumulative, np.array([np.inf]), *self._arrays)[0]
        return float(math.exp(-total))
