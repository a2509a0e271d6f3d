"""Effects on a simulated patient: the duck-typed effect protocol and time-varying multipliers.

An effect (``EFFECT_PROTOCOL``, shared with ``alsprog.effects``) is any object whose
``components`` is a tuple of elementary effects, each with a ``kind``:

- ``"hazard_ratio"`` (value, start_years, duration_years, from_diagnosis): the disease hazard
  times ``value`` on [start, start + duration), start counted from onset or from the patient's
  own diagnosis. With the disease cumulative hazard H and the patient's draw E (H(T) = E), the
  treated time solves H_trt(T') = E, H_trt(t) = sum over pieces of m * (H(min(t, b)) -
  H(min(t, a))): closed in H and its inverse, so untreated and treated times are paired.
- ``"time_ratio"`` (value): the disease death time times ``value``.
- ``"slope_reduction"`` (fraction, start_years, duration_years, from_diagnosis): the ALSFRS-R
  decline slowed by (1 - fraction) over the interval; survival unchanged.

``Piecewise`` holds each patient's multiplier m(t) as breakpoints and values; overlapping
intervals multiply. Components with no effect (a hazard ratio of 1, a fraction of 0) are left
out, so they change nothing, bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from alsprog.errors import InputError, is_real

KINDS = ("hazard_ratio", "time_ratio", "slope_reduction")


def effect_components(effect: object) -> tuple:
    """The elementary effects of ``effect`` (None, an effect, or a list of effects)."""
    if effect is None:
        return ()
    if isinstance(effect, list | tuple):
        return tuple(c for e in effect for c in effect_components(e))
    parts = getattr(effect, "components", None)
    if parts is None:
        raise InputError(
            f"simulate_cohort effect: {type(effect).__name__} has no 'components'; pass an "
            "effect from alsprog.effects (hazard ratio, time ratio, slope reduction) or None"
        )
    parts = tuple(parts)
    for part in parts:
        kind = getattr(part, "kind", None)
        if kind not in KINDS:
            raise InputError(
                f"simulate_cohort effect: component kind {kind!r} is unknown; use one of "
                f"{', '.join(KINDS)}"
            )
        _check(part)
    return parts


def _number(part: object, name: str, default: float | None = None) -> float:
    value = getattr(part, name, default)
    if value is None or not is_real(value):
        raise InputError(
            f"simulate_cohort effect: {part.kind} needs a number {name} (got {value!r})"
        )
    return float(value)


def _check(part: object) -> None:
    if part.kind in ("hazard_ratio", "time_ratio"):
        value = _number(part, "value")
        if not (math.isfinite(value) and value > 0):
            raise InputError(
                f"simulate_cohort effect: {part.kind} value must be finite and above 0 "
                f"(got {value!r})"
            )
    if part.kind == "slope_reduction":
        fraction = _number(part, "fraction")
        if not 0 <= fraction < 1:
            raise InputError(
                f"simulate_cohort effect: slope_reduction fraction must lie in [0, 1) "
                f"(got {fraction!r})"
            )
    if part.kind in ("hazard_ratio", "slope_reduction"):
        start, duration = _number(part, "start_years", 0.0), _number(part, "duration_years")
        if not (math.isfinite(start) and start >= 0) or not duration > 0:
            raise InputError(
                f"simulate_cohort effect: {part.kind} needs start_years >= 0 and "
                f"duration_years > 0 (got {start!r}, {duration!r})"
            )


def time_ratio(parts: tuple) -> float:
    """The product of the time-ratio components (1 when there are none)."""
    return math.prod(_number(p, "value") for p in parts if p.kind == "time_ratio")


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
    'slope_reduction'); None when no component changes anything."""
    if kind == "hazard_ratio":
        chosen = [(p, _number(p, "value")) for p in parts if p.kind == kind]
    else:
        chosen = [(p, 1.0 - _number(p, "fraction")) for p in parts if p.kind == kind]
    chosen = [(p, factor) for p, factor in chosen if factor != 1.0]
    if not chosen:
        return None
    n = diagnosis_time.size
    default_from_diagnosis = kind == "slope_reduction"
    starts, ends = np.empty((n, len(chosen))), np.empty((n, len(chosen)))
    for j, (p, _) in enumerate(chosen):
        start = _number(p, "start_years", 0.0)
        if bool(getattr(p, "from_diagnosis", default_from_diagnosis)):
            starts[:, j] = diagnosis_time + start
        else:
            starts[:, j] = start
        ends[:, j] = starts[:, j] + _number(p, "duration_years")
    breaks = np.sort(np.concatenate([starts, ends], axis=1), axis=1)
    left = np.concatenate([np.zeros((n, 1)), breaks], axis=1)
    values = np.ones_like(left)
    for j, (_, factor) in enumerate(chosen):
        active = (starts[:, j : j + 1] <= left) & (left < ends[:, j : j + 1])
        values = np.where(active, values * factor, values)
    return Piecewise(breaks, values)
