"""R's survfit rules for a Kaplan-Meier curve: the estimate, its bands, quantiles and means.

The reference throughout is R's survival package (version 3.5): ``survfitKM`` and its C routine
for the estimate and variance, ``survfit_confint`` for the pointwise bands, ``quantile.survfit``
(``findq``) for quantiles and their confidence limits, and ``survmean`` (``print(fit, rmean=)``)
for the restricted mean and its standard error. Functions here take plain arrays;
``alsprog.models.kaplan_meier`` wraps them in the model.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import special

from alsprog.errors import InputError, check_probability, is_real
from alsprog.models.survival_data import SurvivalData

__all__ = [
    "CONF_TYPES",
    "TOLERANCE",
    "check_conf_type",
    "check_level",
    "confidence_limits",
    "estimate",
    "estimate_checked",
    "find_quantile",
    "first_time_at_or_below",
    "restricted_mean_se",
    "risk_counts",
]

# R: quantile.survfit(tolerance = sqrt(.Machine$double.eps)); a curve within this of 1 - p is
# taken as flat at exactly 1 - p
TOLERANCE = float(np.sqrt(np.finfo(float).eps))
CONF_TYPES = ("log", "log-log", "plain")


def check_conf_type(where: str, conf_type: object) -> str:
    """``conf_type`` if it names one of the three bands, else InputError naming the choices."""
    if not isinstance(conf_type, str) or conf_type not in CONF_TYPES:
        raise InputError(
            f"{where}: conf_type {conf_type!r} is unknown; choose 'log' (R's default), "
            "'log-log' (lifelines' default) or 'plain'"
        )
    return conf_type


def check_level(where: str, level: object) -> float:
    """``level`` as a float strictly between 0 and 1, else InputError."""
    if not is_real(level):
        raise InputError(f"{where}: level must be a number between 0 and 1 (got {level!r})")
    check_probability(f"{where} level", float(level), open_interval=True)
    return float(level)


# ----------------------------------------------------------------------------- the estimate
def estimate_checked(data: SurvivalData, truncated: bool) -> dict[str, np.ndarray | bool]:
    """``estimate`` for checked rows, with R's handling of entry times and robust variance.

    A row whose entry equals its duration is never at risk: left out with a warning (R's
    Surv() makes it NA). With entry times, a curve that reaches 0 while others enter later is
    refused. Weights that are not whole numbers get the robust variance (R's default then).
    The returned dict also holds robust (bool).
    """
    exit, died, start, w = data.durations, data.died, data.entry, data.weights
    if truncated:
        empty = start >= exit
        if empty.all():
            raise InputError(
                "kaplan_meier: every entry equals its duration, so nobody is ever at risk; "
                "entry must be before the duration for someone to be observed"
            )
        if empty.any():
            i = int(np.flatnonzero(empty)[0])
            warnings.warn(
                f"kaplan_meier: {int(empty.sum())} row(s) have entry equal to duration (first "
                f"at position {i}); they are never at risk and are left out, as in R's survfit",
                UserWarning,
                stacklevel=3,
            )
            exit, died, start, w = exit[~empty], died[~empty], start[~empty], w[~empty]
    robust = bool((np.round(w) != w).any())
    curve = estimate(exit, died, start if truncated else None, w, robust)
    zero = np.flatnonzero(curve["estimate"] == 0)
    if truncated and zero.size and zero[0] < curve["times"].size - 1:
        # R's survfit returns this curve as it is (0 from then on); so do we, with a warning
        warnings.warn(
            f"kaplan_meier: with these entry times the risk set empties at "
            f"{curve['times'][zero[0]]:g}: everyone at risk dies there while others enter "
            "later, so the curve is 0 from then on (as in R's survfit); start the curve later "
            "(condition on survival to a later time) or fit a parametric family with alsprog.fit",
            UserWarning,
            stacklevel=3,
        )
    return curve | {"robust": robust}


def estimate(
    exit: np.ndarray,
    died: np.ndarray,
    entry: np.ndarray | None,
    weights: np.ndarray,
    robust: bool,
) -> dict[str, np.ndarray]:
    """The curve tabulated at every distinct exit time, as R's survfitKM does.

    exit, died, entry, weights : one entry per row; ``entry`` None for right-censored data.
        With entry times a row is at risk at t when entry < t <= exit (R's counting process:
        someone entering at t is not at risk for deaths at t); without, when t <= exit.
    robust : R's infinitesimal-jackknife variance (R uses it when a weight is not a whole
        number) instead of Greenwood's.

    Returns
    -------
    dict of arrays, one entry per distinct exit time: times, at_risk (total weight at risk),
    events, censored (total weight dying, censored there), estimate (survival just after),
    std_err (standard error of log survival; inf where survival is 0).
    """
    times, index = np.unique(exit, return_inverse=True)
    m = times.size
    events = np.bincount(index, weights=weights * died, minlength=m)
    censored = np.bincount(index, weights=weights * ~died, minlength=m)
    leaving = events + censored
    at_risk = np.cumsum(leaving[::-1])[::-1]  # weight with exit >= t
    if entry is not None:  # minus the weight not yet entered: entry >= t
        order = np.argsort(entry, kind="stable")
        before = np.concatenate([[0.0], np.cumsum(weights[order])])
        at_risk = at_risk - (before[-1] - before[np.searchsorted(entry[order], times, "left")])
        at_risk = np.maximum(at_risk, 0.0)  # rounding in the weighted sums
    dying = events > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(dying, (at_risk - events) / at_risk, 1.0)
        survival = np.cumprod(factor)
        greenwood = np.where(dying, events / (at_risk * (at_risk - events)), 0.0)
    if robust:
        variance = _jackknife_variance(times, index, died, entry, weights, at_risk, events)
    else:
        variance = np.cumsum(greenwood)
    std_err = np.sqrt(variance)
    std_err[survival == 0] = np.inf
    return {
        "times": times,
        "at_risk": at_risk,
        "events": events,
        "censored": censored,
        "estimate": survival,
        "std_err": std_err,
    }


def _jackknife_variance(times, index, died, entry, weights, at_risk, events) -> np.ndarray:
    """Var(log S) at each time by the infinitesimal jackknife, in O(n + m).

    R's survfitkm.c updates each row's influence on S at every death time; divided by S, row
    i's influence on log S at the j-th time is w_i * (sum over death times l <= j at which i is
    at risk of d_l / (n_l (n_l - d_l))) - w_i / (n_k - d_k) once i has died at time k. The
    variance is the sum of squares over rows; rows still at risk share the running sum C_j, so
    the sum of squares is a quadratic in C_j whose coefficients are running totals.
    """
    m = times.size
    with np.errstate(divide="ignore", invalid="ignore"):
        live = (events > 0) & (at_risk > events)
        c = np.where(live, events / (at_risk * (at_risk - events)), 0.0)
        g = np.where(live, 1.0 / (at_risk - events), 0.0)
    big_c = np.concatenate([[0.0], np.cumsum(c)])  # big_c[j]: sum over the first j times
    k = index + 1  # the row's exit is the k-th time (1-based)
    b = np.zeros(k.size, dtype=int) if entry is None else np.searchsorted(times, entry, "right")
    w2 = weights**2
    final = weights * (big_c[k] - big_c[b] - died * g[index])  # from the k-th time on
    done = np.cumsum(np.bincount(k, weights=final**2, minlength=m + 1))[1:]
    active = b + 1 < k  # at risk at times b+1 .. k-1, with influence w (C_j - C_b) there
    terms = []
    for power in range(3):
        share = w2[active] * big_c[b[active]] ** power
        add = np.bincount(b[active] + 1, weights=share, minlength=m + 2)
        drop = np.bincount(k[active], weights=share, minlength=m + 2)
        terms.append(np.cumsum(add - drop)[1 : m + 1])
    cj = big_c[1:]
    return np.maximum(done + cj**2 * terms[0] - 2 * cj * terms[1] + terms[2], 0.0)


# ----------------------------------------------------------------------------- bands
def confidence_limits(
    survival: np.ndarray, std_err: np.ndarray, level: float, conf_type: str
) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise band (lower, upper) around ``survival``, as R's survfit_confint.

    std_err is the standard error of log survival (Greenwood or robust). NaN where R gives NA:
    where survival is 0. Where survival is 1 (no death yet) the band is [1, 1].
    """
    z = special.ndtri(1 - (1 - level) / 2)  # the normal quantile, without loading scipy.stats
    s = np.asarray(survival, dtype=float)
    se = np.asarray(std_err, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if conf_type == "log":
            lower = s * np.exp(-z * se)
            upper = np.minimum(s * np.exp(z * se), 1.0)
        elif conf_type == "log-log":
            log_s = np.log(s)
            spread = z * se / log_s
            lower = np.exp(-np.exp(np.log(-log_s) - spread))
            upper = np.exp(-np.exp(np.log(-log_s) + spread))
        else:  # plain: S -+ z se(S), se(S) = S se(log S)
            lower = np.maximum(s - z * se * s, 0.0)
            upper = np.minimum(s + z * se * s, 1.0)
    one, zero = s == 1, s == 0
    lower = np.where(one, 1.0, np.where(zero, np.nan, lower))
    upper = np.where(one, 1.0, np.where(zero, np.nan, upper))
    return lower, upper


# ----------------------------------------------------------------------------- quantiles
def find_quantile(
    p: np.ndarray, x: np.ndarray, y: np.ndarray, tolerance: float = TOLERANCE
) -> np.ndarray:
    """Where the curve 1 - S first reaches each p, with R's flat-segment rule (NaN if never).

    x : times, the first being the curve's start (0); y : 1 - survival at those times (y[0] =
    0), NaN where R's band is NA. A step that sits within ``tolerance`` of p gives the midpoint
    of its start and the next step (of the last time in ``x`` if it is the last step); p = 0
    gives x[0]. This is R's ``findq`` in quantile.survfit, NA dropping and ordering included.
    """
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    if np.isnan(y).all():
        return out
    x_last = x[-1]
    _, first = np.unique(y, return_index=True)  # R: drop duplicated levels (censorings)
    keep = np.sort(first)
    x, y = x[keep], y[keep]
    position = np.arange(y.size)
    finite = ~np.isnan(y)  # approx() drops NA pairs and sorts its knots
    order = np.argsort(y[finite], kind="stable")
    knots, values = y[finite][order], position[finite][order]

    def first_knot_at_or_above(shifted: np.ndarray) -> np.ndarray:
        j = np.searchsorted(shifted, p, side="left")
        inside = (p >= shifted[0]) & (p <= shifted[-1])
        return np.where(inside, values[np.minimum(j, values.size - 1)], -1)

    reach = first_knot_at_or_above(knots + tolerance)
    leave = first_knot_at_or_above(knots - tolerance)
    found = (reach >= 0) & (leave >= 0)
    out[found] = (x[reach[found]] + x[leave[found]]) / 2
    if not np.isnan(y[-1]):  # a flat at the end of the curve: midpoint with its last time
        at_end = (np.abs(p - y[-1]) < tolerance) & (reach >= 0)
        out[at_end] = (x[reach[at_end]] + x_last) / 2
    out[np.nanmax(y) < p] = np.nan
    out[p == 0] = x[0]
    return out


def first_time_at_or_below(edges: np.ndarray, values: np.ndarray, target: np.ndarray):
    """The first edge where the step function ``values`` is <= target (inf if none).

    The plain inverse of the steps, used to sample; the 1e-12 slack absorbs the rounding in
    1 - (1 - S), so that the draws land exactly on the steps.
    """
    j = np.searchsorted(-values, -(target + 1e-12), side="left")
    out = np.full(np.shape(target), np.inf)
    found = j < values.size
    out[found] = edges[j[found]]
    return out


# ----------------------------------------------------------------------------- means
def restricted_mean_se(
    times: np.ndarray,
    survival: np.ndarray,
    at_risk: np.ndarray,
    events: np.ndarray,
    horizon: float,
) -> float:
    """Standard error of the restricted mean to ``horizon``, as R's print(fit, rmean=horizon).

    R's survmean: the sum over death times t_k <= horizon of d_k / (n_k (n_k - d_k)) times the
    square of the area under the curve from t_k to the horizon (0 where n_k = d_k).
    """
    keep = times <= horizon
    t = np.concatenate([times[keep], [horizon]])
    s = survival[keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        n, d = at_risk[keep], events[keep]
        h = np.where((n - d) == 0, 0.0, d / (n * (n - d)))
    pieces = s * np.diff(t)  # the area from t_k to t_{k+1}, height S(t_k)
    after = np.cumsum(pieces[::-1])[::-1]  # area from t_k to the horizon
    return float(np.sqrt(np.sum(h * after**2)))


# ----------------------------------------------------------------------------- risk table
def risk_counts(
    times: np.ndarray,
    at_risk: np.ndarray,
    events: np.ndarray,
    censored: np.ndarray,
    at: np.ndarray,
) -> dict[str, np.ndarray]:
    """Numbers at risk and cumulative events and censorings at times ``at``, as survminer.

    R's summary(fit, times = at): at risk at t is the number at risk at the first tabulated
    time >= t (0 after the last); events and censored are totals over times <= t.
    """
    next_time = np.searchsorted(times, at, side="left")
    last = np.searchsorted(times, at, side="right")
    return {
        "at_risk": np.concatenate([at_risk, [0.0]])[next_time],
        "events": np.concatenate([[0.0], np.cumsum(events)])[last],
        "censored": np.concatenate([[0.0], np.cumsum(censored)])[last],
    }
