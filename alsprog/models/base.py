"""The common interface of every survival model in alsprog.

A model is a frozen dataclass. Public methods here check input, keep the shape of what they were
given (a scalar in gives a float out) and call private formulas that families supply. A family
writes only what it has in closed form; this base derives the rest:

- survival from the cumulative hazard, and the reverse;
- quantiles by a safeguarded Newton inversion of the cumulative hazard on log time;
- restricted mean survival and the mean by quadrature;
- samples by inverse transform.

Time is in years from symptom onset throughout. ``quantile(p)`` takes the probability of having
died by time t (scipy's ``ppf``), so ``quantile(1 - survival(t)) == t``.

The methods that return a transformed model (``conditional``, ``with_hazard_ratio``,
``with_time_ratio``, ``with_background``) import their classes inside the method: those classes
subclass this one, so a top-level import would be a circle. Every other import is at the top.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from alsprog.errors import (
    InputError,
    as_probabilities,
    as_times,
    check_positive,
    check_whole,
    is_whole,
)
from alsprog.models.hazard_grid import GRID_U, LOG_T_MIN, log_h_grid
from alsprog.models.parameters import Parameter

if TYPE_CHECKING:
    from pathlib import Path

    from alsprog.models.fit_info import FitInfo
    from alsprog.population.lifetable import LifeTable

ArrayLike = float | np.ndarray | list[float]


def nan_to_number(values: np.ndarray, nan: float = 0.0) -> np.ndarray:
    """``np.nan_to_num(values, nan=nan)``, without its passes when every value is finite
    (the usual case, in the solvers' inner loops)."""
    if np.isfinite(values).all():
        return values
    return np.nan_to_num(values, nan=nan)


def _shaped(values: np.ndarray, like: np.ndarray) -> float | np.ndarray:
    """Return a float for a 0-d input, else an array of the input's shape."""
    values = np.asarray(values, dtype=float).reshape(like.shape)
    return float(values) if like.ndim == 0 else values


def as_generator(rng: np.random.Generator | int) -> np.random.Generator:
    """Accept a numpy Generator, or an integer seed for one."""
    if isinstance(rng, np.random.Generator):
        return rng
    if is_whole(rng):
        return np.random.default_rng(int(rng))
    raise InputError(
        f"rng must be a numpy Generator or an integer seed (got {type(rng).__name__}); "
        "pass np.random.default_rng(seed)"
    )


@dataclass(frozen=True)
class SurvivalModel:
    """Base of every model: a distribution of time to death in years from symptom onset.

    ``fit_info`` holds standard errors, log-likelihood, AIC and landmark diagnostics when the
    model came out of a fit or a calibration; it takes no part in equality.
    """

    fit_info: FitInfo | None = field(default=None, compare=False, repr=False, kw_only=True)
    family: ClassVar[str] = "model"
    # name, domain and unit of each parameter, for the registry (empty: not fitted by theta)
    declared_parameters: ClassVar[tuple[Parameter, ...]] = ()

    @staticmethod
    def starts(median: float, spread: float) -> list[np.ndarray]:
        """Starting points for fitting, on the scale of ``declared_parameters``."""
        raise NotImplementedError("this family's starting points are in the registry")

    # ----------------------------------------------------------------- public interface
    def survival(self, t: ArrayLike) -> float | np.ndarray:
        """Probability of being alive t years after onset (S(0) = 1, S(inf) = the cured share)."""
        arr = as_times(t)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            values = self._survival(arr.ravel())
        return _shaped(self._at_the_ends(arr.ravel(), values, 1.0, self.cure_fraction()), arr)

    def cumulative_hazard(self, t: ArrayLike) -> float | np.ndarray:
        """Cumulative hazard H(t) = -log S(t), dimensionless."""
        arr = as_times(t)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            values = self._cumulative_hazard(arr.ravel())
            cure = self.cure_fraction()
            at_infinity = -math.log(cure) if cure > 0 else math.inf
        return _shaped(self._at_the_ends(arr.ravel(), values, 0.0, at_infinity), arr)

    def hazard(self, t: ArrayLike) -> float | np.ndarray:
        """Instantaneous death rate at t, per year.

        Where a formula has no value at t = 0 or t = inf (0/0 in a closed form), the hazard
        just inside the range (1e-300 or 1e300 years) stands in for the limit.
        """
        arr = as_times(t)
        flat = arr.ravel()
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            values = self._hazard(flat)
            undefined = np.isnan(values) & ((flat == 0) | np.isinf(flat))
            if undefined.any():
                nearby = np.where(flat[undefined] == 0, 1e-300, 1e300)
                values = values.copy()
                values[undefined] = self._hazard(nearby)
        return _shaped(values, arr)

    @staticmethod
    def _at_the_ends(t: np.ndarray, values: np.ndarray, at_zero: float, at_infinity: float):
        """Exact values at t = 0 and t = inf, whatever a formula gives there."""
        values = np.asarray(values, dtype=float)
        if (t == 0).any() or np.isinf(t).any():
            values = np.where(t == 0, at_zero, np.where(np.isinf(t), at_infinity, values))
        return values

    def density(self, t: ArrayLike) -> float | np.ndarray:
        """Probability density of the death time, per year: hazard(t) * survival(t)."""
        arr = as_times(t).ravel()
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            values = self._hazard(arr) * self._survival(arr)
        return _shaped(np.nan_to_num(values, nan=0.0, posinf=np.inf), as_times(t))

    def quantile(self, p: ArrayLike) -> float | np.ndarray:
        """Time (years) by which a fraction p has died; inf where p exceeds the ever-dying share."""
        arr = as_probabilities(p)
        flat = arr.ravel()
        dying = 1.0 - self.cure_fraction()
        inside = flat < dying if dying < 1 else flat < 1
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            if inside.all():  # the usual case, without a gather and a scatter
                out = np.array(self._quantile(flat), dtype=float)
            else:
                out = np.full(flat.shape, np.inf)
                out[inside] = self._quantile(flat[inside])
        out[flat == 0] = 0.0
        return _shaped(out, arr)

    def median(self) -> float:
        """Median survival, years (inf when fewer than half ever die)."""
        return float(self.quantile(0.5))

    def mean(self) -> float:
        """Mean survival, years (inf when a fraction never dies or the tail is too heavy)."""
        if self.cure_fraction() > 0:
            return math.inf
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            return float(self._mean())

    def rmst(self, horizon: ArrayLike) -> float | np.ndarray:
        """Restricted mean survival time: expected years alive in the first ``horizon`` years."""
        arr = as_times(horizon, "horizon")
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            return _shaped(self._rmst(arr.ravel()), arr)

    def cure_fraction(self) -> float:
        """Share who never die of this cause, S(infinity); 0 for most families."""
        return 0.0

    def conditional(self, survived: float) -> SurvivalModel:
        """Residual life (years from now) of someone alive ``survived`` years after onset."""
        from alsprog.models.transforms import Conditional

        survived = float(as_times(survived, "survived"))
        if survived == 0:
            return self
        alive = float(self._survival(np.array([survived]))[0])
        if not alive > 0:
            raise InputError(
                f"conditional: nobody is alive at {survived:g} years under this model; "
                "choose an earlier time"
            )
        return Conditional(base=self, survived=survived)

    def sample(self, n: int, rng: np.random.Generator | int) -> np.ndarray:
        """Draw ``n`` death times (years; inf for those who never die) by inverse transform."""
        n = check_whole("sample: n", n)
        generator = as_generator(rng)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            return np.asarray(self._sample(int(n), generator), dtype=float)

    def with_hazard_ratio(self, hazard_ratio: float) -> SurvivalModel:
        """The same model with every hazard times ``hazard_ratio`` (proportional hazards)."""
        from alsprog.models.transforms import ProportionalHazards

        check_positive("hazard_ratio", hazard_ratio)
        if hazard_ratio == 1:
            return self
        return ProportionalHazards(base=self, hazard_ratio=float(hazard_ratio))

    def with_time_ratio(self, time_ratio: float) -> SurvivalModel:
        """The same model with time stretched by ``time_ratio`` (accelerated failure time)."""
        from alsprog.models.transforms import TimeScaled

        check_positive("time_ratio", time_ratio)
        if time_ratio == 1:
            return self
        return TimeScaled(base=self, time_ratio=float(time_ratio))

    def with_background(
        self, age_at_onset: float, sex: str, table: str | Path | LifeTable | None = None
    ) -> SurvivalModel:
        """All-cause survival: this model as the disease, plus ordinary mortality from a life table.

        age_at_onset : years, 0 to the table's last age (119 for the default table).
        sex : 'male' or 'female'.
        table : a LifeTable, a table name or a CSV path (default ``us_ssa_2007``, see
            ``alsprog.population.lifetable``). Returns a ``WithBackground`` model.
        """
        from alsprog.models.background import WithBackground

        return WithBackground(disease=self, age_at_onset=age_at_onset, sex=sex, table=table)

    def with_effect(self, effect: Any) -> SurvivalModel:
        """Apply an effect object (anything with ``apply(model) -> model``), or a list or tuple
        of them in order, to this model."""
        if isinstance(effect, list | tuple):
            model = self
            for item in effect:
                model = model.with_effect(item)
            return model
        apply = getattr(effect, "apply", None)
        if apply is None:
            raise InputError(
                f"with_effect: {type(effect).__name__} has no apply(model) method; "
                "pass an effect object, or use with_hazard_ratio / with_time_ratio"
            )
        return apply(self)

    @property
    def parameters(self) -> dict[str, Any]:
        """The model's parameters by name (not including ``fit_info``)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "fit_info"}

    # ----------------------------------------------------------------- formulas to supply
    # Inputs are 1-d float arrays of times >= 0 (inf allowed) or probabilities in (0, 1).
    def _cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        return -np.log(self._survival(t))

    def _survival(self, t: np.ndarray) -> np.ndarray:
        return np.exp(-self._cumulative_hazard(t))

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} defines no hazard")

    def _cumulative_hazard_and_hazard(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Both at once, for the quantile solver; models that share work between them override."""
        return self._cumulative_hazard(t), self._hazard(t)

    def _log_hazard(self, t: np.ndarray) -> np.ndarray:
        """log hazard; families override it where a direct formula is more accurate."""
        return np.log(self._hazard(t))

    def _quantile(self, p: np.ndarray) -> np.ndarray:
        return invert_cumulative_hazard(self, -np.log1p(-p))

    def _time_at_cumulative_hazard(self, target: np.ndarray) -> np.ndarray:
        """Times with H(t) = target (inf where never reached). Uses the family's quantile while
        1 - exp(-target) is distinguishable from 1, and solves on the H scale beyond, so that a
        large target (a small hazard ratio, a conditional far in the tail) keeps its precision."""
        target = np.asarray(target, dtype=float)
        p = -np.expm1(-target)
        closed = p < 1 - 1e-9
        if closed.all():  # the usual case
            return np.asarray(self.quantile(p), dtype=float)
        out = np.empty_like(target)
        out[closed] = np.asarray(self.quantile(p[closed]))
        out[~closed] = invert_cumulative_hazard(self, target[~closed])
        return out

    def _mean(self) -> float:
        from scipy import integrate  # here, not at the top: it costs a cold start 0.3 s

        # Break the half-line at quantiles so quadrature sees where the mass is.
        points = [q for q in np.atleast_1d(self.quantile([0.1, 0.5, 0.9, 0.99])) if np.isfinite(q)]
        edges = [0.0, *sorted(set(points)), np.inf]
        total = 0.0
        for a, b in itertools.pairwise(edges):
            piece, _ = integrate.quad(
                lambda s: float(self._survival(np.array([s]))[0]), a, b, limit=400
            )
            total += piece
        return total

    def _rmst(self, horizon: np.ndarray) -> np.ndarray:
        from scipy import integrate

        order = np.argsort(horizon)
        out = np.empty_like(horizon)
        total, previous = 0.0, 0.0
        for i in order:  # integrate piece by piece between sorted horizons
            if np.isinf(horizon[i]):
                out[i] = self.mean()
                continue
            piece, _ = integrate.quad(
                lambda s: float(self._survival(np.array([s]))[0]), previous, horizon[i], limit=400
            )
            total, previous = total + piece, horizon[i]
            out[i] = total
        return out

    def _sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return np.asarray(self.quantile(rng.random(n)))


def invert_cumulative_hazard(model: SurvivalModel, target: np.ndarray) -> np.ndarray:
    """Times t (years) with H(t) = target, vectorised.

    Starts from interpolation on a log-time grid, then takes safeguarded Newton steps on
    g(u) = log H(e^u) - log target, whose slope is t h(t) / H(t); a step that leaves the bracket
    is replaced by bisection. Targets beyond H at the grid's end give inf.
    """
    target = np.asarray(target, dtype=float)
    out = np.full(target.shape, np.inf)
    grid_u, grid_log_h = GRID_U, log_h_grid(model)
    log_target = np.log(target)
    reachable = np.isfinite(log_target) & (log_target <= grid_log_h[-1])
    below = reachable & (log_target <= grid_log_h[0])
    out[below] = math.exp(LOG_T_MIN)
    solve = reachable & ~below
    if not solve.any():
        return out
    every = solve.all()  # the usual case, without a gather and a scatter
    goal = log_target.ravel() if every else log_target[solve]
    upper_index = np.searchsorted(grid_log_h, goal, side="left").clip(1, grid_u.size - 1)
    lo, hi = grid_u[upper_index - 1], grid_u[upper_index]
    span = grid_log_h[upper_index] - grid_log_h[upper_index - 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(
            np.isfinite(span) & (span > 0), (goal - grid_log_h[upper_index - 1]) / span, 0.5
        )
    u = lo + np.clip(nan_to_number(frac, nan=0.5), 0.0, 1.0) * (hi - lo)
    solved = np.empty(goal.size)
    index = np.arange(goal.size)  # the points still sought, and their working values
    for _ in range(60):
        t = np.exp(u)
        cum, hazard = model._cumulative_hazard_and_hazard(t)
        g = np.log(cum) - goal
        slope = t * hazard / cum
        lo = np.where(g < 0, u, lo)
        hi = np.where(g > 0, u, hi)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = u - g / slope
        tolerance = 1e-12 * np.maximum(1.0, np.abs(u))
        # A Newton step below the tolerance means converged, even when rounding puts it on
        # the bracket's edge; otherwise a step leaving the bracket (or not finite) is replaced
        # by bisection.
        tiny = np.abs(step - u) < tolerance
        bisect = ~(((step > lo) & (step < hi)) | tiny)
        if bisect.any():
            new_u = np.where(bisect, 0.5 * (lo + hi), step)
            converged = tiny | (g == 0) | (np.abs(new_u - u) < tolerance)
        else:  # Newton steps only: converged where the step was below the tolerance
            new_u = step
            converged = tiny | (g == 0)
        u = new_u
        if converged.any():
            solved[index[converged]] = u[converged]
            going = ~converged
            index, u, lo, hi, goal = index[going], u[going], lo[going], hi[going], goal[going]
            if index.size == 0:
                break
    solved[index] = u  # any left after the last step
    if every:
        return np.exp(solved).reshape(target.shape)
    out[solve] = np.exp(solved)
    return out
