"""Log-likelihood of individual survival data on a family's unbounded scale, with its gradient.

The data are right-censored and left-truncated: row i leaves at t_i years from onset, dead
(d_i = 1) or censored (d_i = 0), having come under observation at entry e_i <= t_i, with frequency
weight w_i. The log-likelihood is

    sum_i w_i [d_i log f(t_i) + (1 - d_i) log S(t_i) - log S(e_i)],

which for a hazard model equals sum_i w_i [d_i log h(t_i) - H(t_i) + H(e_i)] (lifelines' form).

Each family supplies *rows*: for a fixed array of times, two functions of theta (the vector
``family_spec`` maps to a model) returning log f or log S at every time together with its
Jacobian in theta (rows x parameters). Derivatives are analytic except the generalised gamma's
in q, taken by central differences row by row. A mixture combines its components' rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np
from scipy import special

from alsprog.errors import InputError
from alsprog.models.generalized_gamma import (
    Q_LOGNORMAL,
)
from alsprog.models.generalized_gamma import (
    log_density_standardised as _gg_log_density_w,
)
from alsprog.models.registry import FamilySpec, family_spec
from alsprog.models.spline import spline_basis

Rows = tuple[np.ndarray, np.ndarray | None]
RowFunction = Callable[..., Rows]
HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
# Returned (per unit weight) for parameters no model accepts; far above any real value.
INVALID = 1e10
Q_STEP = 1e-5  # central-difference step in the generalised gamma's q


def _rows(value: np.ndarray, jac: bool, *columns: Callable[[], np.ndarray]) -> Rows:
    """(value, Jacobian); the Jacobian's columns are computed only when asked for."""
    return value, np.column_stack([c() for c in columns]) if jac else None


def _exponential(t: np.ndarray) -> tuple[RowFunction, RowFunction]:
    def log_s(th: np.ndarray, jac: bool = True) -> Rows:
        v = -math.exp(th[0]) * t
        return v, v[:, None] if jac else None

    def log_f(th: np.ndarray, jac: bool = True) -> Rows:
        v = -math.exp(th[0]) * t
        return th[0] + v, 1.0 + v[:, None] if jac else None

    return log_f, log_s


def _weibull(t: np.ndarray) -> tuple[RowFunction, RowFunction]:
    log_t = np.log(t)

    def parts(th: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        shape = math.exp(th[0])
        x = shape * (log_t - th[1])  # log H
        return shape, x, np.exp(x)

    def log_s(th: np.ndarray, jac: bool = True) -> Rows:
        shape, x, cum = parts(th)
        return _rows(-cum, jac, lambda: -cum * x, lambda: cum * shape)

    def log_f(th: np.ndarray, jac: bool = True) -> Rows:
        shape, x, cum = parts(th)
        return _rows(
            th[0] + x - log_t - cum, jac, lambda: 1 + x * (1 - cum), lambda: -shape * (1 - cum)
        )

    return log_f, log_s


def gompertz_cumulative(
    shape: np.ndarray | float, t: np.ndarray, jac: bool, rate: float = 1.0
) -> tuple[np.ndarray, np.ndarray | None]:
    """The Gompertz cumulative hazard H = rate t expm1(x) / x with x = shape t, and (with
    ``jac``) dH/dshape = rate t^2 (x e^x - expm1(x)) / x^2; near x = 0 both ratios come from
    their Taylor series. ``shape`` is one number or one per time."""
    x = shape * t
    grow = np.expm1(x)
    small = (np.abs(x) < 1e-2).nonzero()
    xs = x[small]
    safe = x.copy()
    safe[small] = 1.0
    ratio = grow / safe
    ratio[small] = 1 + xs * (1 / 2 + xs * (1 / 6 + xs / 24))
    if not jac:
        return rate * t * ratio, None
    slope = (safe * (grow + 1) - grow) / safe**2
    slope[small] = 0.5 + xs * (1 / 3 + xs * (1 / 8 + xs * (1 / 30 + xs / 144)))
    return rate * t * ratio, rate * t * t * slope


def _gompertz(t: np.ndarray) -> tuple[RowFunction, RowFunction]:
    def parts(th: np.ndarray, jac: bool) -> tuple[np.ndarray, np.ndarray | None]:
        return gompertz_cumulative(th[0], t, jac, math.exp(th[1]))

    def log_s(th: np.ndarray, jac: bool = True) -> Rows:
        cum, d_shape = parts(th, jac)
        return _rows(-cum, jac, lambda: -cast(np.ndarray, d_shape), lambda: -cum)

    def log_f(th: np.ndarray, jac: bool = True) -> Rows:
        cum, d_shape = parts(th, jac)
        return _rows(th[1] + th[0] * t - cum, jac, lambda: t - d_shape, lambda: 1 - cum)

    return log_f, log_s


def _lognormal(t: np.ndarray) -> tuple[RowFunction, RowFunction]:
    log_t = np.log(t)

    def log_s(th: np.ndarray, jac: bool = True) -> Rows:
        sigma = math.exp(th[1])
        z = (log_t - th[0]) / sigma
        v = special.log_ndtr(-z)
        if not jac:
            return v, None
        mills = np.exp(-0.5 * z * z - HALF_LOG_2PI - v)  # f / S in z: minus d log S / dz
        return _rows(v, jac, lambda: mills / sigma, lambda: mills * z)

    def log_f(th: np.ndarray, jac: bool = True) -> Rows:
        sigma = math.exp(th[1])
        z = (log_t - th[0]) / sigma
        return _rows(
            -0.5 * z * z - HALF_LOG_2PI - th[1] - log_t, jac, lambda: z / sigma, lambda: z * z - 1
        )

    return log_f, log_s


def _loglogistic(t: np.ndarray) -> tuple[RowFunction, RowFunction]:
    log_t = np.log(t)

    def parts(th: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        shape = math.exp(th[0])
        x = shape * (log_t - th[1])
        return shape, x, np.logaddexp(0.0, x)  # log odds of death by t, and H

    def log_s(th: np.ndarray, jac: bool = True) -> Rows:
        shape, x, cum = parts(th)
        if not jac:
            return -cum, None
        p = special.expit(x)
        return _rows(-cum, jac, lambda: -p * x, lambda: shape * p)

    def log_f(th: np.ndarray, jac: bool = True) -> Rows:
        shape, x, cum = parts(th)
        if not jac:
            return th[0] - log_t + x - 2 * cum, None
        tilt = 1 - 2 * special.expit(x)
        return _rows(th[0] - log_t + x - 2 * cum, jac, lambda: 1 + x * tilt, lambda: -shape * tilt)

    return log_f, log_s


def _gg_log_survival(w: np.ndarray, q: float) -> np.ndarray:
    """log S of the generalised gamma at standardised log times w (the model's formulas)."""
    if abs(q) < Q_LOGNORMAL:
        return special.log_ndtr(-w)
    g = 1.0 / q**2
    u = g * np.exp(np.clip(q * w, -700, 700))
    if q < 0:
        s = special.gammainc(g, u)
        tail = (s <= 1e-280).nonzero()  # leading term of P as u -> 0
        tail_value = g * np.log(u[tail]) - u[tail] - special.gammaln(g + 1)
    else:
        if g < 1:  # scipy's Q is slow for shape < 1 and u < 1, where 1 - P is as accurate
            s = np.empty_like(u)
            low = u < 1
            s[low] = -special.gammainc(g, u[low])
            s[low] += 1.0
            s[~low] = special.gammaincc(g, u[~low])
        else:
            s = special.gammaincc(g, u)
        tail = (s <= 1e-280).nonzero()  # Q's leading asymptotic term
        ut = u[tail]
        tail_value = (g - 1) * np.log(ut) - ut - special.gammaln(g) + np.log1p((g - 1) / ut)
    out = np.log(s)
    out[tail] = tail_value
    return out


def _generalized_gamma(t: np.ndarray) -> tuple[RowFunction, RowFunction]:
    log_t = np.log(t)

    def log_s(th: np.ndarray, jac: bool = True) -> Rows:
        sigma, q = math.exp(th[1]), th[2]
        w = (log_t - th[0]) / sigma
        v = _gg_log_survival(w, q)
        if not jac:
            return v, None
        ratio = np.exp(_gg_log_density_w(w, q) - v)  # f_W / S: minus d log S / dw
        d_q = _gg_log_survival(w, q + Q_STEP) - _gg_log_survival(w, q - Q_STEP)
        return _rows(v, jac, lambda: ratio / sigma, lambda: ratio * w, lambda: d_q / (2 * Q_STEP))

    def log_f(th: np.ndarray, jac: bool = True) -> Rows:
        sigma, q = math.exp(th[1]), th[2]
        w = (log_t - th[0]) / sigma
        v = _gg_log_density_w(w, q) - th[1] - log_t
        if not jac:
            return v, None
        slope = w * special.exprel(q * w)  # minus d log f_W / dw
        d_q = _gg_log_density_w(w, q + Q_STEP) - _gg_log_density_w(w, q - Q_STEP)
        return _rows(
            v, jac, lambda: slope / sigma, lambda: w * slope - 1, lambda: d_q / (2 * Q_STEP)
        )

    return log_f, log_s


def _piecewise(t: np.ndarray, breakpoints: Sequence[float]) -> tuple[RowFunction, RowFunction]:
    edges = np.concatenate([[0.0], breakpoints])
    upper = np.append(edges[1:], np.inf)
    exposure = np.clip(np.minimum(t[:, None], upper) - edges, 0.0, None)  # years in each piece
    piece = np.searchsorted(edges, t, side="right") - 1
    in_piece = (piece[:, None] == np.arange(edges.size)).astype(float)

    def log_s(th: np.ndarray, jac: bool = True) -> Rows:
        rates = np.exp(th)
        return -(exposure @ rates), exposure * -rates if jac else None

    def log_f(th: np.ndarray, jac: bool = True) -> Rows:
        rates = np.exp(th)
        v = th[piece] - exposure @ rates
        return v, in_piece - exposure * rates if jac else None

    return log_f, log_s


def _spline(t: np.ndarray, knots: Sequence[float]) -> tuple[RowFunction, RowFunction]:
    log_t = np.log(t)
    basis, slope_basis = spline_basis(log_t, np.log(np.asarray(knots, dtype=float)))

    def log_s(th: np.ndarray, jac: bool = True) -> Rows:
        cum = np.exp(basis @ th)
        return -cum, -cum[:, None] * basis if jac else None

    def log_f(th: np.ndarray, jac: bool = True) -> Rows:
        s, slope = basis @ th, slope_basis @ th
        cum = np.exp(s)
        v = s + np.log(slope) - log_t - cum
        return v, basis * (1 - cum)[:, None] + slope_basis / slope[:, None] if jac else None

    return log_f, log_s


def _mixture(t: np.ndarray, components: Sequence[str]) -> tuple[RowFunction, RowFunction]:
    parts = [family_rows(c, t) for c in components]
    sizes = [family_spec(c).n_parameters for c in components]
    n_logits = len(components) - 1
    offsets = np.cumsum([n_logits, *sizes])[:-1]

    def combine(which: int) -> RowFunction:
        def rows(th: np.ndarray, jac: bool = True) -> Rows:
            logits = np.concatenate([[0.0], th[:n_logits]])
            log_w = logits - special.logsumexp(logits)
            pieces = [
                part[which](th[a : a + size], jac)
                for part, a, size in zip(parts, offsets, sizes, strict=True)
            ]
            terms = [lw + v for lw, (v, _) in zip(log_w, pieces, strict=True)]
            total = terms[0]
            for term in terms[1:]:
                total = np.logaddexp(total, term)
            if not jac:
                return total, None
            d_theta = np.empty((t.size, th.size))
            for k, (a, size) in enumerate(zip(offsets, sizes, strict=True)):
                share = np.exp(terms[k] - total)  # component k's share of f (or S)
                if k:
                    d_theta[:, k - 1] = share - math.exp(log_w[k])
                d_theta[:, a : a + size] = share[:, None] * pieces[k][1]
            return total, d_theta

        return rows

    return combine(0), combine(1)


def family_rows(
    family: str,
    t: np.ndarray,
    *,
    knots: Sequence[float] = (),
    breakpoints: Sequence[float] = (),
    components: Sequence[str] = ("weibull", "weibull"),
) -> tuple[RowFunction, ...]:
    """(log f, log S) of ``family`` at times ``t`` (years, > 0) as functions of theta.

    Each is called as ``rows(theta, jac=True)`` and returns the values at every time and, when
    ``jac``, their Jacobian (one row per time, one column per entry of theta; else None). theta
    is the unbounded vector of ``family_spec(family, ...)``. Exponential, Gompertz and
    piecewise-exponential rows also accept t = 0.
    """
    t = np.asarray(t, dtype=float)
    simple = {
        "exponential": _exponential,
        "weibull": _weibull,
        "gompertz": _gompertz,
        "lognormal": _lognormal,
        "loglogistic": _loglogistic,
        "generalized_gamma": _generalized_gamma,
    }
    if family in simple:
        return simple[family](t)
    if family == "piecewise_exponential":
        return _piecewise(t, breakpoints)
    if family == "spline":
        return _spline(t, knots)
    if family == "mixture":
        return _mixture(t, components)
    raise InputError(f"likelihood: family {family!r} has no likelihood rows; choose a built-in one")


class NegativeLogLikelihood:
    """Minus the log-likelihood per unit weight as a function of theta, with its gradient.

    Parameters
    ----------
    spec : the family's ``FamilySpec``; ``spec.build`` vets theta (a spline whose log cumulative
        hazard does not increase, an overflowing parameter), and a refused theta scores INVALID.
    deaths, censored, entries : (times in years, weights) of the rows that died, of the rows
        censored at a time above 0, and of the rows that entered after onset.
    total_weight : the sum of all weights (rows censored at time 0 add nothing else).
    **options : knots, breakpoints, components as for ``family_rows``.
    """

    def __init__(
        self,
        spec: FamilySpec,
        deaths: tuple[np.ndarray, np.ndarray],
        censored: tuple[np.ndarray, np.ndarray],
        entries: tuple[np.ndarray, np.ndarray],
        total_weight: float,
        **options: Any,
    ) -> None:
        self.spec = spec
        self.total_weight = float(total_weight)
        self._parts = []  # (row function, weights, sign)
        for (times, weights), which, sign in (
            (deaths, 0, 1.0),
            (censored, 1, 1.0),
            (entries, 1, -1.0),
        ):
            if times.size:
                rows = family_rows(spec.name, times, **options)[which]
                self._parts.append((rows, weights, sign))

    def __call__(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """(value, gradient) at theta; INVALID and a zero gradient where no model exists."""
        theta = np.asarray(theta, dtype=float)
        value, gradient = self._evaluate(theta, jac=True)
        if value is None:
            return INVALID, np.zeros(theta.size)
        return -value / self.total_weight, -gradient / self.total_weight

    def value(self, theta: np.ndarray) -> float:
        """Minus the total log-likelihood (not per unit weight); inf where no model exists."""
        value, _ = self._evaluate(np.asarray(theta, dtype=float), jac=False)
        return math.inf if value is None else -value

    def _evaluate(self, theta: np.ndarray, jac: bool) -> tuple[float | None, np.ndarray]:
        try:
            self.spec.build(theta)
        except (InputError, OverflowError):
            return None, theta
        value, gradient = 0.0, np.zeros(theta.size)
        with np.errstate(all="ignore"):
            for rows, weights, sign in self._parts:
                v, d_theta = rows(theta, jac)
                value += sign * float(weights @ v)
                if jac:
                    gradient += sign * (weights @ d_theta)
        if not (math.isfinite(value) and np.all(np.isfinite(gradient))):
            return None, theta
        return value, gradient
