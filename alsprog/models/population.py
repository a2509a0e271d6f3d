"""A population of patients: disease subgroups, each patient's hazard ratio, ordinary mortality.

S(t) = sum_j share_j sum_k weight_k * S_j(t) ** hr_k * S_pop,k(t)

with S_j the disease survival of subgroup j (onset site, say), hr_k the hazard ratio of patient
profile k (age, delay, ...), and S_pop,k the life-table survival from that profile's age at onset
and sex (1 when ``table`` is None). A treatment over time windows (``windows``) multiplies the
disease hazard of each profile by a piecewise-constant factor (``alsprog.models.windows``); a
window that starts at diagnosis starts at each profile's own diagnostic delay. With one
profile it is a single patient's all-cause model; with quadrature points of a population it is
the population average that calibration targets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property
from typing import ClassVar

import numpy as np

from alsprog.errors import InputError, as_numbers, as_times, check_positive
from alsprog.models.base import SurvivalModel
from alsprog.models.windows import (
    default_delay_years,
    multiplier_at,
    schedule,
    windowed_cumulative,
    windowed_times,
)
from alsprog.population.lifetable import SEXES, LifeTable

# A treatment window on the disease hazard: (hazard ratio, start in years, duration in years,
# from diagnosis); the start counts from onset, or from each profile's diagnosis when True.
TreatmentWindow = tuple[float, float, float, bool]


def _as_tuple(values: object) -> tuple:
    return tuple(np.atleast_1d(np.asarray(values)).tolist())


@dataclass(frozen=True)
class PopulationModel(SurvivalModel):
    """All-cause survival averaged over disease subgroups and patient profiles (years from onset).

    components, shares : disease models of the subgroups and their shares (summing to 1).
    ages, sexes, hazard_ratios, weights : one entry per patient profile: age at onset (years),
        'male'/'female', hazard ratio on the disease hazard, weight (summing to 1).
    table : the life table for ordinary mortality, or None for disease-only survival.
    names : optional labels of the components.
    delay_months : optional diagnostic delay of each profile, months from onset (where a
        window "from diagnosis" starts); None puts diagnosis at the default population's
        median delay.
    windows : hazard ratios on the disease hazard over time windows, each (hazard ratio,
        start years, duration years, from diagnosis); empty for an untreated population.
    """

    components: tuple[SurvivalModel, ...]
    shares: tuple[float, ...]
    ages: tuple[float, ...]
    sexes: tuple[str, ...]
    hazard_ratios: tuple[float, ...]
    weights: tuple[float, ...]
    table: LifeTable | None = None
    names: tuple[str, ...] | None = None
    delay_months: tuple[float, ...] | None = None
    windows: tuple[TreatmentWindow, ...] = ()
    family: ClassVar[str] = "population"

    def __post_init__(self) -> None:
        for name in ("components", "shares", "ages", "sexes", "hazard_ratios", "weights"):
            value = getattr(self, name)
            object.__setattr__(
                self, name, tuple(value) if name == "components" else _as_tuple(value)
            )
        for name in ("shares", "ages", "hazard_ratios", "weights"):  # NaN and inf: below
            numbers = as_numbers(getattr(self, name), f"PopulationModel {name}").tolist()
            object.__setattr__(self, name, tuple(numbers))
        for k, component in enumerate(self.components):
            if not isinstance(component, SurvivalModel):
                raise InputError(
                    f"PopulationModel component {k} is a {type(component).__name__}, not a "
                    "survival model; pass disease models such as Weibull(1.4, 4.0)"
                )
        k = len(self.ages)
        if not (len(self.sexes) == len(self.hazard_ratios) == len(self.weights) == k) or k == 0:
            raise InputError(
                "PopulationModel: give one age, sex, hazard ratio and weight per profile"
            )
        if len(self.components) != len(self.shares) or not self.components:
            raise InputError("PopulationModel: give one share per component")
        for label, values in (("shares", self.shares), ("weights", self.weights)):
            if any(v < 0 for v in values) or abs(sum(values) - 1) > 1e-9:
                raise InputError(f"PopulationModel: {label} must be >= 0 and sum to 1")
        if not all(math.isfinite(h) and h > 0 for h in self.hazard_ratios):
            raise InputError("PopulationModel: hazard ratios must be finite and above 0")
        if not all(math.isfinite(v) for v in (*self.shares, *self.weights)):
            raise InputError("PopulationModel: shares and weights must be finite numbers")
        oldest = self.table.max_age if self.table is not None else math.inf
        bad = [a for a in self.ages if not (math.isfinite(a) and 0 <= a <= oldest)]
        if bad:
            raise InputError(
                f"PopulationModel: age at onset {bad[0]!r} is outside 0-{oldest:g} years; "
                "give ages the life table covers"
            )
        if self.delay_months is not None:
            object.__setattr__(self, "delay_months", _as_tuple(self.delay_months))
            if len(self.delay_months) != k or not all(
                math.isfinite(d) and d >= 0 for d in self.delay_months
            ):
                raise InputError(
                    "PopulationModel: give one finite delay_months >= 0 per profile, or none"
                )
        object.__setattr__(self, "windows", tuple(tuple(w) for w in self.windows))
        unknown = sorted(set(self.sexes) - set(SEXES))
        if unknown:
            raise InputError(
                f"PopulationModel: sex {unknown[0]!r} is unknown; use 'male' or 'female'"
            )

    # ----------------------------------------------------------------- arrays
    @cached_property
    def _profile(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        rows = np.array([SEXES.index(s) for s in self.sexes])
        return (np.array(self.ages), rows, np.array(self.hazard_ratios), np.array(self.weights))

    def _background_cumulative(self, t: np.ndarray) -> np.ndarray:
        """Ordinary-cause cumulative hazard, shape (profiles, times)."""
        ages, rows, _, _ = self._profile
        if self.table is None:
            return np.zeros((ages.size, t.size))
        return self.table._cumulative_hazard_between(ages[:, None], t[None, :], rows[:, None])

    @cached_property
    def _schedules(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The treatment schedules: (profile indices, change points, multipliers) per group of
        profiles that share one (profiles differ only through their diagnostic delays)."""
        k = len(self.ages)
        if not self.windows:
            return [(np.arange(k), np.empty(0), np.ones(1))]
        if self.delay_months is None:
            delays = np.full(k, default_delay_years())
        else:
            delays = np.asarray(self.delay_months, dtype=float) / 12.0
        groups = []
        from_diagnosis = any(w[3] for w in self.windows)
        keys = delays if from_diagnosis else np.zeros(k)
        for key in np.unique(keys):
            shifted = [(v, a + (key if fd else 0.0), d) for v, a, d, fd in self.windows]
            points, multipliers = schedule(shifted)
            groups.append((np.flatnonzero(keys == key), points, multipliers))
        return groups

    def _disease_cumulative(self, t: np.ndarray) -> np.ndarray:
        """hr_k times the (treated) disease cumulative hazard, shape (components, profiles, T)."""
        _, _, hr, _ = self._profile
        out = np.empty((len(self.components), hr.size, t.size))
        for j, c in enumerate(self.components):

            def cumulative(x: np.ndarray, c: SurvivalModel = c) -> np.ndarray:
                x = np.asarray(x, dtype=float)
                return np.where(x > 0, c._cumulative_hazard(np.maximum(x, 1e-300)), 0.0)

            at_t = cumulative(t)
            for index, points, multipliers in self._schedules:
                value = windowed_cumulative(cumulative, t, points, multipliers, at_t)
                out[j, index] = value[None, :]
        return hr[None, :, None] * out

    def _disease_hazard(self, t: np.ndarray) -> np.ndarray:
        """hr_k times the (treated) disease hazard, shape (components, profiles, T)."""
        _, _, hr, _ = self._profile
        factor = np.empty((hr.size, t.size))
        for index, points, multipliers in self._schedules:
            factor[index] = multiplier_at(t, points, multipliers)[None, :]
        base = np.stack([c._hazard(t) for c in self.components])  # (J, T)
        return (hr[:, None] * factor)[None] * base[:, None, :]

    def _terms(self, t: np.ndarray) -> np.ndarray:
        """share_j * weight_k * S_jk(t) * S_pop,k(t), shape (components, profiles, times)."""
        _, _, _, w = self._profile
        exponent = self._disease_cumulative(t) + self._background_cumulative(t)[None]
        return np.asarray(self.shares)[:, None, None] * w[None, :, None] * np.exp(-exponent)

    # ----------------------------------------------------------------- formulas
    def _survival(self, t: np.ndarray) -> np.ndarray:
        return self._terms(t).sum(axis=(0, 1))

    def _density_parts(
        self, t: np.ndarray, terms: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Death densities by cause (disease, other causes), each shape (times,)."""
        ages, rows, _, _ = self._profile
        terms = self._terms(t) if terms is None else terms
        with np.errstate(invalid="ignore"):
            disease = np.nan_to_num(terms * self._disease_hazard(t))
        if self.table is None:
            return disease.sum(axis=(0, 1)), np.zeros_like(t)
        other_hazard = self.table._hazard_at(ages[:, None] + t[None, :], rows[:, None])
        other = np.nan_to_num(terms * other_hazard[None])
        return disease.sum(axis=(0, 1)), other.sum(axis=(0, 1))

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        return self._cumulative_hazard_and_hazard(t)[1]

    def _cumulative_hazard_and_hazard(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        terms = self._terms(t)
        survival = terms.sum(axis=(0, 1))
        disease, other = self._density_parts(t, terms)
        return -np.log(survival), (disease + other) / survival

    def cure_fraction(self) -> float:
        if self.table is not None:
            return 0.0
        _, _, hr, w = self._profile
        cured = np.array([c.cure_fraction() for c in self.components])
        if self.windows and (cured > 0).any():
            return float(self._survival(np.array([1e6]))[0])  # the windows have all closed
        return float(np.sum(np.asarray(self.shares)[:, None] * w[None, :] * cured[:, None] ** hr))

    def _sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        ages, rows, hr, w = self._profile
        cumulative = np.cumsum(np.outer(self.shares, w).ravel())
        cell = np.minimum(
            np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right"),
            cumulative.size - 1,
        )
        component, profile = np.divmod(cell, ages.size)
        e_disease, u_other = rng.standard_exponential(n), rng.standard_exponential(n)
        out = np.empty(n)
        group_of = np.empty(ages.size, dtype=int)
        for g, (index, _, _) in enumerate(self._schedules):
            group_of[index] = g
        for j, model in enumerate(self.components):

            def disease_cumulative(x: np.ndarray, model: SurvivalModel = model) -> np.ndarray:
                x = np.asarray(x, dtype=float)
                return np.where(x > 0, model._cumulative_hazard(np.maximum(x, 1e-300)), 0.0)

            for g, (_, points, multipliers) in enumerate(self._schedules):
                mine = (component == j) & (group_of[profile] == g)
                # inverse transform on the H scale: H_jk(T) = E / hr_k with E ~ Exp(1)
                out[mine] = windowed_times(
                    disease_cumulative,
                    model._time_at_cumulative_hazard,
                    e_disease[mine] / hr[profile[mine]],
                    points,
                    multipliers,
                )
        if self.table is not None:
            start = self.table._cumulative_hazard_between(0.0, ages, rows)  # birth to onset
            other = np.empty(n)
            for row in np.unique(rows[profile]):
                mine = rows[profile] == row
                age = self.table._age_at_cumulative_hazard(
                    start[profile[mine]] + u_other[mine], row
                )
                other[mine] = np.maximum(age - ages[profile[mine]], 0.0)
            out = np.minimum(out, other)
        return out

    def with_hazard_ratio(self, hazard_ratio: float) -> SurvivalModel:
        """The same population with every disease hazard multiplied by ``hazard_ratio``
        (a treatment acts on the disease, not on ordinary mortality)."""
        check_positive("hazard_ratio", hazard_ratio)
        return replace(
            self, hazard_ratios=tuple(h * hazard_ratio for h in self.hazard_ratios), fit_info=None
        )

    def with_time_ratio(self, time_ratio: float) -> SurvivalModel:
        """The same population with every disease clock stretched by ``time_ratio`` (ordinary
        mortality keeps its own clock)."""
        check_positive("time_ratio", time_ratio)
        parts = tuple(c.with_time_ratio(time_ratio) for c in self.components)
        return replace(self, components=parts, fit_info=None)

    @property
    def includes_background(self) -> bool:
        """True when ordinary mortality is already part of this model."""
        return self.table is not None

    def cause_of_death(self, horizon: float | np.ndarray) -> dict[str, np.ndarray]:
        """Probability of having died of the disease, and of other causes, by each horizon (years).

        Returns a dict with arrays ``disease`` and ``other`` (each 0-1, one entry per finite
        horizon). The disease-death density is continuous, so it is integrated by 20-point
        Gauss-Legendre on pieces that end at whole years and shrink geometrically towards onset
        (where a disease hazard may be singular); other causes take the rest, 1 - S - disease,
        which sidesteps the life table's jumps at whole ages.
        """
        horizons = np.atleast_1d(as_times(horizon, "horizon")).astype(float)
        if not np.isfinite(horizons).all():
            raise InputError("cause_of_death: horizon must be finite; give years from onset")
        disease = np.zeros(horizons.size)
        for i, h in enumerate(horizons):
            if h == 0:
                continue
            inner = np.concatenate([np.geomspace(1e-8, 1.0, 25), np.arange(1.0, h)])
            edges = np.unique(np.concatenate([[0.0], inner[inner < h], [h]]))
            left, right = edges[:-1], edges[1:]
            half = (right - left)[:, None] / 2
            times = ((left + right)[:, None] / 2 + half * _GL_NODES[None, :]).ravel()
            density, _ = self._density_parts(times)
            disease[i] = float(np.sum((half * _GL_WEIGHTS[None, :]).ravel() * density))
        if self.table is None:
            return {"disease": disease, "other": np.zeros(horizons.size)}
        other = np.clip(1.0 - self._survival(horizons) - disease, 0.0, None)
        return {"disease": disease, "other": other}


_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(20)
