"""Effects on a simulated patient: the intervention types' components as time-varying multipliers.

An effect is one of ``alsprog.interventions`` (checked when it was built); its elementary
components act by ``kind``, each counted from its ``anchor`` (onset, the patient's diagnosis, or
the ``reference`` time a trial passes for ``"enrolment"``):

- ``"hazard_ratio"`` (value, start_years, duration_years): the disease hazard times ``value`` on
  [start, start + duration). With the disease cumulative hazard H and the patient's draw E
  (H(T) = E), the treated time solves H_trt(T') = E, H_trt(t) = sum over pieces of
  m * (H(min(t, b)) - H(min(t, a))): closed in H and its inverse, so untreated and treated
  times are paired.
- ``"time_ratio"`` (value): the disease death time times ``value``.
- ``"slope_reduction"`` (fraction, start_years, duration_years): the patient's progression
  clock runs at (1 - fraction) of its pace over the interval (``slowing``: a
  ``progression.Slowing``); survival unchanged.

``Piecewise`` holds each patient's multiplier m(t) as breakpoints and values; overlapping
intervals multiply. Components with no effect (a hazard ratio of 1, a fraction of 0) are left
out, so they change nothing, bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from alsprog.errors import InputError
from alsprog.interventions.core import Effect, combine
from alsprog.simulation.progression import Slowing


def effect_components(effect: object, where: str = "simulate_cohort effect") -> tuple:
    """The elementary effects of ``effect`` (None, an intervention, or a list of them) for a
    cohort, which has no enrolment: an ``"enrolment"`` anchor is refused."""
    if effect is not None and not isinstance(effect, Effect | list | tuple):
        raise InputError(
            f"{where}: {type(effect).__name__} is not an effect; pass one from "
            "alsprog.effects (HazardRatio, TimeRatio, SlopeReduction, a preset) or None"
        )
    parts = combine(effect).components
    for part in parts:
        if part.anchor == "enrolment":
            raise InputError(
                f"{where}: {part.kind} is anchored at enrolment, which a cohort does not have; "
                "use anchor 'onset' or 'diagnosis' (or simulate_trial)"
            )
    return parts


def time_ratio(parts: tuple) -> float:
    """The product of the time-ratio components (1 when there are none)."""
    return math.prod(p.value for p in parts if p.kind == "time_ratio")


@dataclass(frozen=True)
class Piecewise:
    """A piecewise-constant multiplier per patient.

    breaks : (n, K) sorted breakpoints (years from onset, inf allowed).
    values : (n, K + 1) the multiplier on [0, breaks[0]), [breaks[0], breaks[1]), ...
    """

    breaks: np.ndarray
    values: np.ndarray

    def integral(
        self, t: np.ndarray, rows: np.ndarray, f: Callable[[np.ndarray, np.ndarray], np.ndarray]
    ) -> np.ndarray:
        """G(t) = integral of m dF from 0 to t, for increasing F with F(0) = 0."""
        f_breaks, g_breaks = self._at_breaks(f)
        seg = (self.breaks[rows] <= t[:, None]).sum(axis=1)
        f_prev, g_prev = _previous(f_breaks[rows], seg), _previous(g_breaks[rows], seg)
        value = np.take_along_axis(self.values[rows], seg[:, None], axis=1)[:, 0]
        return g_prev + value * (f(t, rows) - f_prev)

    def inverse(
        self,
        y: np.ndarray,
        f: Callable[[np.ndarray, np.ndarray], np.ndarray],
        f_inverse: Callable[[np.ndarray, np.ndarray], np.ndarray],
    ) -> np.ndarray:
        """The t with G(t) = y, one per patient (rows 0..n-1)."""
        rows = np.arange(y.size)
        f_breaks, g_breaks = self._at_breaks(f)
        seg = (g_breaks < y[:, None]).sum(axis=1)
        f_prev, g_prev = _previous(f_breaks, seg), _previous(g_breaks, seg)
        value = np.take_along_axis(self.values, seg[:, None], axis=1)[:, 0]
        return f_inverse(f_prev + (y - g_prev) / value, rows)

    def _at_breaks(self, f) -> tuple[np.ndarray, np.ndarray]:
        n, k = self.breaks.shape
        rows = np.repeat(np.arange(n), k)
        with np.errstate(invalid="ignore"):
            f_breaks = f(self.breaks.ravel(), rows).reshape(n, k)
            steps = np.diff(np.concatenate([np.zeros((n, 1)), f_breaks], axis=1), axis=1)
            steps = np.where(np.isnan(steps), 0.0, steps)  # inf - inf past an open end
            g_breaks = np.cumsum(self.values[:, :k] * steps, axis=1)
        return f_breaks, g_breaks


def _previous(at_breaks: np.ndarray, seg: np.ndarray) -> np.ndarray:
    padded = np.concatenate([np.zeros((at_breaks.shape[0], 1)), at_breaks], axis=1)
    return np.take_along_axis(padded, seg[:, None], axis=1)[:, 0]


def multiplier(parts: tuple, kind: str, diagnosis_time: np.ndarray) -> Piecewise | None:
    """Each patient's multiplier from the components of ``kind`` ('hazard_ratio' or
    'slope_reduction'); None when no component changes anything. ``diagnosis_time`` (years from
    onset, per patient) is what every component not anchored at onset counts from: each
    patient's diagnosis in a cohort, the enrolment time in a trial."""
    if kind == "hazard_ratio":
        chosen = [(p, p.value) for p in parts if p.kind == kind]
    else:
        chosen = [(p, 1.0 - p.fraction) for p in parts if p.kind == kind]
    chosen = [(p, factor) for p, factor in chosen if factor != 1.0]
    if not chosen:
        return None
    n = diagnosis_time.size
    starts, ends = np.empty((n, len(chosen))), np.empty((n, len(chosen)))
    for j, (p, _) in enumerate(chosen):
        if p.anchor != "onset":  # the patient's diagnosis, or the reference passed for it
            starts[:, j] = diagnosis_time + p.start_years
        else:
            starts[:, j] = p.start_years
        ends[:, j] = starts[:, j] + p.duration_years
    breaks = np.sort(np.concatenate([starts, ends], axis=1), axis=1)
    left = np.concatenate([np.zeros((n, 1)), breaks], axis=1)
    values = np.ones_like(left)
    for j, (_, factor) in enumerate(chosen):
        active = (starts[:, j : j + 1] <= left) & (left < ends[:, j : j + 1])
        values = np.where(active, values * factor, values)
    return Piecewise(breaks, values)


def slowing(parts: tuple, reference: np.ndarray) -> Slowing | None:
    """The slope reduction of ``parts`` as the clock's ``Slowing`` (None when none changes
    anything). ``reference`` (years from onset, per patient) is what a component not anchored
    at onset counts from (the diagnosis in a cohort, the enrolment in a trial). Several
    components over the same interval multiply their paces; over different intervals they
    are refused (the clock takes one slowing)."""
    chosen = [p for p in parts if p.kind == "slope_reduction" and p.fraction != 0.0]
    if not chosen:
        return None
    windows = {(p.anchor == "onset", p.start_years, p.duration_years) for p in chosen}
    if len(windows) > 1:
        raise InputError(
            "effect: slope reductions over different intervals cannot be combined; pass one "
            "SlopeReduction (or several with the same anchor, start_years and duration_years)"
        )
    ((at_onset, start_years, duration),) = windows
    pace = math.prod(1.0 - p.fraction for p in chosen)
    start = start_years + (0.0 if at_onset else np.asarray(reference, dtype=float))
    return Slowing(share=1.0 - pace, start=start, end=start + duration)
