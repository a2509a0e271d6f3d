"""The disease on top of ordinary mortality: all-cause survival of a patient of given age and sex.

Death from the disease and death from other causes are treated as independent competing risks, so
S(t) = S_disease(t) * S_pop(age_at_onset + t) / S_pop(age_at_onset) and the hazards add. Ordinary
mortality comes from a life table (``alsprog.population.lifetable``: constant hazard within
each year of age; the last age's hazard continues beyond it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import ClassVar, cast

import numpy as np
import pandas as pd

from alsprog.errors import InputError, as_numbers, as_times, check_finite
from alsprog.models.base import SurvivalModel
from alsprog.models.mixture import Mixture
from alsprog.models.piecewise_exponential import PiecewiseExponential
from alsprog.models.transforms import Conditional, ProportionalHazards, TimeScaled
from alsprog.models.windows import HazardWindows
from alsprog.population.background_mortality import _check_ages, _check_alive
from alsprog.population.lifetable import SEXES, LifeTable, _sex_rows, _shown, life_table

# Quadrature for cause-specific shares, RMST and mean: Gauss-Legendre on each year of age, with
# extra break points halving towards onset (disease hazards may be singular at t = 0) and at the
# disease's own hazard jumps (piecewise-exponential breakpoints, through wrappers). Ordinary
# mortality alone leaves exp(-800) alive, i.e. nobody, after the time where its H reaches this.
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(20)
_CUMULATIVE_HAZARD_END = 800.0
_ONSET_BREAKS = 2.0 ** -np.arange(1, 41)


@dataclass(frozen=True)
class WithBackground(SurvivalModel):
    """All-cause survival: a disease model plus ordinary mortality from a life table.

    S(t) = S_disease(t) * S_pop(age_at_onset + t) / S_pop(age_at_onset), t in years from onset.

    disease : the disease-specific survival model (net survival).
    age_at_onset : years, 0 to the table's last age (119 for the default table).
    sex : 'male' or 'female'.
    table : a LifeTable, a table name or a CSV path (default ``us_ssa_2007``).

    Everyone dies eventually (no cure fraction), so ``quantile`` and ``mean`` are finite.
    ``with_hazard_ratio`` and ``with_time_ratio`` act on the disease only: treatments change
    the disease, not ordinary mortality. ``sample`` draws the disease death time first, then an
    ordinary death time from the same generator, and keeps the earlier.
    """

    disease: SurvivalModel
    age_at_onset: float
    sex: str
    table: LifeTable | str | Path | None = None
    family: ClassVar[str] = "with_background"

    def __post_init__(self) -> None:
        if not isinstance(self.disease, SurvivalModel):
            raise InputError(
                f"WithBackground: disease is a {type(self.disease).__name__}, not a survival "
                "model; pass a model such as Weibull(shape=1.4, scale=4.0)"
            )
        if isinstance(self.disease, WithBackground) or getattr(
            self.disease, "includes_background", False
        ):
            raise InputError(
                "WithBackground: the disease model already includes background mortality; "
                "pass its .disease instead"
            )
        table = life_table(self.table)
        object.__setattr__(self, "table", table)
        check_finite("age_at_onset (years)", self.age_at_onset)
        object.__setattr__(self, "age_at_onset", float(self.age_at_onset))
        if not isinstance(self.sex, str):
            raise InputError(f"sex must be 'male' or 'female' (got {_shown(self.sex)})")
        rows = _sex_rows(self.sex)
        ages = _check_ages(table, self.age_at_onset, "age_at_onset")
        _check_alive(table, ages, rows, "age_at_onset")

    @property
    def _life(self) -> LifeTable:
        """``table`` as ``__post_init__`` left it: always a LifeTable."""
        return cast(LifeTable, self.table)

    # ----------------------------------------------------------------- ordinary mortality
    @cached_property
    def _row(self) -> int:
        return SEXES.index(self.sex)

    @cached_property
    def _start(self) -> float:
        """Cumulative hazard from birth to the age at onset."""
        return float(
            self._life._cumulative_hazard_between(
                np.zeros(1), np.array([self.age_at_onset]), self._row
            )[0]
        )

    def _population_cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        return self._life._cumulative_hazard_between(self.age_at_onset, t, self._row)

    def _population_hazard(self, t: np.ndarray) -> np.ndarray:
        return self._life._hazard_at(self.age_at_onset + t, self._row)

    def _population_times(self, e: np.ndarray) -> np.ndarray:
        """Years from onset at which the ordinary-cause cumulative hazard reaches e (>= 0)."""
        age = self._life._age_at_cumulative_hazard(self._start + e, self._row)
        return np.maximum(age - self.age_at_onset, 0.0)

    # ----------------------------------------------------------------- formulas
    def _cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        return self.disease._cumulative_hazard(t) + self._population_cumulative_hazard(t)

    def _survival(self, t: np.ndarray) -> np.ndarray:
        return self.disease._survival(t) * np.exp(-self._population_cumulative_hazard(t))

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        return self.disease._hazard(t) + self._population_hazard(t)

    def _log_hazard(self, t: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.logaddexp(self.disease._log_hazard(t), np.log(self._population_hazard(t)))

    def _sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        disease_times = np.asarray(self.disease._sample(n, rng), dtype=float)
        other_times = self._population_times(rng.standard_exponential(n))
        return np.minimum(disease_times, other_times)

    def _rmst(self, horizon: np.ndarray) -> np.ndarray:
        return self._integrals(horizon)[0]

    def _mean(self) -> float:
        return float(self._integrals(np.array([np.inf]))[0][0])

    def _integrals(self, horizon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Integrals from 0 to each horizon of S (the RMST) and of h_pop * S (other-cause deaths).

        Gauss-Legendre on pieces between whole ages, the horizons and break points near onset;
        horizons past the time where ordinary mortality alone leaves nobody alive are cut there.
        """
        end = float(self._population_times(np.array([_CUMULATIVE_HAZARD_END]))[0])
        first_age = math.floor(self.age_at_onset) + 1
        whole_ages = np.arange(first_age, first_age + math.ceil(end) + 1) - self.age_at_onset
        cut = np.minimum(horizon, end)
        breaks = np.unique(
            np.concatenate([[0.0, end], _ONSET_BREAKS, whole_ages, cut, hazard_jumps(self.disease)])
        )
        breaks = breaks[breaks <= end]
        lower, width = breaks[:-1], np.diff(breaks)
        nodes = (lower[:, None] + 0.5 * width[:, None] * (_NODES + 1)).ravel()
        survival = self._survival(nodes)
        weights = (0.5 * width[:, None] * _WEIGHTS).ravel()
        pieces = np.stack([survival, self._population_hazard(nodes) * survival]) * weights
        per_piece = pieces.reshape(2, lower.size, _NODES.size).sum(axis=2)
        running = np.concatenate([np.zeros((2, 1)), np.cumsum(per_piece, axis=1)], axis=1)
        at = np.searchsorted(breaks, cut)
        return running[0, at], running[1, at]

    # ----------------------------------------------------------------- derived models
    def cause_of_death_shares(self, horizon: object) -> pd.DataFrame:
        """Who has died of what by each horizon (years from onset); one row per horizon.

        Columns: horizon (years), died_of_disease, died_of_other_causes, alive (probabilities
        summing to 1). Deaths from other causes are the integral of h_pop(t) S(t) (Gauss-Legendre,
        error below 1e-9); deaths from the disease are the rest, 1 - S - other.
        """
        arr = np.atleast_1d(as_times(horizon, "horizon")).ravel()
        with np.errstate(all="ignore"):
            alive = self._survival(arr)
            other = self._integrals(arr)[1]
        disease = np.clip(1.0 - alive - other, 0.0, 1.0)
        return pd.DataFrame(
            {
                "horizon": arr,
                "died_of_disease": disease,
                "died_of_other_causes": other,
                "alive": alive,
            }
        )

    def conditional(self, survived: float) -> SurvivalModel:
        """Residual life of someone alive ``survived`` years after onset (years from now).

        Stays a WithBackground (at the later age) while that age is in the table.
        """
        survived = float(as_times(survived, "survived"))
        if survived == 0 or self.age_at_onset + survived > self._life.max_age:
            return super().conditional(survived)
        return replace(
            self,
            disease=self.disease.conditional(survived),
            age_at_onset=self.age_at_onset + survived,
            fit_info=None,
        )

    def with_hazard_ratio(self, hazard_ratio: float) -> SurvivalModel:
        """The disease hazard (only) multiplied by ``hazard_ratio``."""
        return replace(self, disease=self.disease.with_hazard_ratio(hazard_ratio), fit_info=None)

    def with_time_ratio(self, time_ratio: float) -> SurvivalModel:
        """The disease (only) on a clock stretched by ``time_ratio``."""
        return replace(self, disease=self.disease.with_time_ratio(time_ratio), fit_info=None)

    def with_background(
        self, age_at_onset: float, sex: str, table: str | Path | LifeTable | None = None
    ) -> SurvivalModel:
        raise InputError(
            "with_background: this model already includes background mortality; "
            "call .disease.with_background(...) instead"
        )


def hazard_jumps(model: SurvivalModel) -> np.ndarray:
    """Times (years, > 0) where a model's hazard jumps, for quadrature: piecewise-exponential
    breakpoints and treatment windows' edges, followed through conditioning, hazard ratios,
    time scaling and mixtures."""
    if isinstance(model, PiecewiseExponential):
        return np.asarray(model.breakpoints, dtype=float)
    if isinstance(model, ProportionalHazards):
        return hazard_jumps(model.base)
    if isinstance(model, HazardWindows):  # a treatment window's edges
        return np.concatenate([np.asarray(model.points, dtype=float), hazard_jumps(model.base)])
    if isinstance(model, TimeScaled):
        return model.time_ratio * hazard_jumps(model.base)
    if isinstance(model, Conditional):
        later = hazard_jumps(model.base) - model.survived
        return later[later > 0]
    if isinstance(model, Mixture):
        return np.concatenate([np.empty(0), *(hazard_jumps(c) for c in model.components)])
    return np.empty(0)


def with_background_population(
    disease: SurvivalModel,
    ages: Sequence[float],
    sexes: Sequence[str],
    weights: Sequence[float] | None = None,
    table: str | Path | LifeTable | None = None,
) -> Mixture:
    """A population's all-cause survival: a mixture of WithBackground over (age, sex) points.

    S(t) = sum_k w_k S_disease(t) S_pop(ages[k] + t | sex[k]) / S_pop(ages[k] | sex[k]).

    ages : ages at onset (years), one per point.
    sexes : 'male' or 'female', one per point.
    weights : relative weights (counts are fine), >= 0 with a positive sum; normalised to sum to
        1. Default: equal weights.
    The components are named like ``male 55``.
    """
    ages = list(np.atleast_1d(as_numbers(ages, "with_background_population: ages")))
    sexes = [sexes] if isinstance(sexes, str) else list(sexes)
    if weights is None:
        weights = [1.0] * len(ages)
    shares = np.atleast_1d(as_numbers(weights, "with_background_population: weights"))
    if not len(ages) == len(sexes) == shares.size or not ages:
        raise InputError(
            f"with_background_population: {len(ages)} ages, {len(sexes)} sexes and "
            f"{shares.size} weights; give one of each per population point"
        )
    if not np.isfinite(shares).all() or (shares < 0).any() or shares.sum() <= 0:
        raise InputError(
            "with_background_population: weights must be finite, >= 0 and not all 0 "
            f"(got {shares.tolist()})"
        )
    table = life_table(table)
    components = tuple(
        WithBackground(disease, age, sex, table) for age, sex in zip(ages, sexes, strict=True)
    )
    names = tuple(f"{sex} {age:g}" for age, sex in zip(ages, sexes, strict=True))
    return Mixture(components, tuple(shares / shares.sum()), names)
