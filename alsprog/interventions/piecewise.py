"""An effect over each patient's own time: the intervention types' components as multipliers.

The elementary components of ``core`` act by ``kind``, each counted from its ``anchor`` (onset,
the patient's diagnosis, or the ``reference`` time a trial passes for ``"enrolment"``); a
simulated patient's death time and course read them here:

- ``"hazard_ratio"`` (value, start_years, duration_years): the disease hazard times ``value`` on
  [start, start + duration) (``multiplier``). With the disease cumulative hazard H and the
  patient's draw E (H(T) = E), the treated time solves H_trt(T') = E, H_trt(t) = sum over
  pieces of m * (H(min(t, b)) - H(min(t, a))): closed in H and its inverse, so untreated and
  treated times are paired.
- ``"time_ratio"`` (value): the disease death time times ``value`` (the sampler's
  ``time_ratio``: ``simulation.sampler``).
- ``"slope_reduction"`` (fraction, start_years, duration_years): the progression clock runs at
  (1 - fraction) of its pace over the interval (``multiplier`` gives that pace per patient;
  the simulated course takes it as the clock's ``Slowing``: ``simulation.patient_course``).

``Piecewise`` holds each patient's multiplier m(t) as breakpoints and values; overlapping
intervals multiply. Components with no effect (a hazard ratio of 1, a fraction of 0) are left
out, so they change nothing, bit for bit. The components are taken as ``core`` built and
checked them: nothing here checks them again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


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
