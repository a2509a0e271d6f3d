"""Predictions from a fitted survival regression, per row and over a population.

``predict`` gives each row's survival and hazard at given times, quantiles (the median by
default) and restricted mean survival (RMST) to given horizons, with delta-method intervals:
every gradient comes from the analytic Jacobian of the family's rows (a quantile's through the
implicit function theorem, dq/dtheta = (d log S/dtheta) / h(q)), and intervals are built on
log(-log S) for survival and on the log scale for the others, so they stay in range.
``standardise`` (flexsurv's ``standsurv``) averages survival and RMST over a population's rows,
under the covariates as observed or under settings (``{"female": {"sex": "female"}, ...}``),
and with two settings adds their difference. ``sample`` draws one death time per row.

Tidy results, one row per (row or setting, quantity, time or probability): ``row`` or
``setting``; ``quantity`` ('survival', 'hazard' per year, 'quantile' in years, 'rmst' in years,
and for contrasts 'survival difference', 'rmst difference'); ``time`` (years, NaN for
quantiles); ``p`` (the probability of having died, NaN otherwise); ``estimate``, ``se``,
``lower``, ``upper``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
from scipy import special

from alsprog.errors import InputError, as_probabilities, as_times
from alsprog.estimation.regression_families import full_jacobian
from alsprog.models.base import SurvivalModel, as_generator
from alsprog.models.hazard_grid import LOG_T_MAX, LOG_T_MIN

if TYPE_CHECKING:
    from alsprog.estimation.regression_model import RegressionModel

BISECTIONS = 64  # on log time over [LOG_T_MIN, LOG_T_MAX]: a relative precision of 1e-17
NODES = 48  # Gauss-Legendre nodes of the RMST integral, on t = horizon * u**2
COLUMNS = ["quantity", "time", "p", "estimate", "se", "lower", "upper"]


def _rows(
    model: RegressionModel, t: np.ndarray, x: np.ndarray, which: int, jac: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """(values, Jacobian rows x theta); the Jacobian is empty when ``jac`` is False."""
    value, parts = model.spec.bind(t, x, which)(np.asarray(model.theta, dtype=float), jac)
    if parts is None:
        return value, np.empty((len(x), 0))
    return value, full_jacobian(parts, x, model.spec.n_spread_covariates)


def _times(values: Any, name: str) -> np.ndarray:
    arr = np.atleast_1d(as_times(values, name)).astype(float)
    if not (np.isfinite(arr).all() and (arr > 0).all()):
        raise InputError(f"{name}: times must be finite and above 0 years (got {arr.tolist()})")
    return arr


def log_survival_rows(model: RegressionModel, t: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Per row of the design ``x``, log S at that row's time ``t`` (years from onset, > 0)."""
    return _rows(model, np.asarray(t, dtype=float), x, 1, jac=False)[0]


def solve_times(model: RegressionModel, x: np.ndarray, log_s: np.ndarray) -> np.ndarray:
    """Per row of ``x``, the time (years) at which log S reaches ``log_s`` (bisection on log t;
    inf beyond exp(LOG_T_MAX))."""
    lo = np.full(len(x), LOG_T_MIN)
    hi = np.full(len(x), LOG_T_MAX)
    with np.errstate(all="ignore"):
        beyond = _rows(model, np.exp(hi), x, 1, jac=False)[0] > log_s
        for _ in range(BISECTIONS):
            mid = (lo + hi) / 2
            above = _rows(model, np.exp(mid), x, 1, jac=False)[0] > log_s
            lo = np.where(above, mid, lo)
            hi = np.where(above, hi, mid)
    return np.where(beyond, np.inf, np.exp((lo + hi) / 2))


def quantile_rows(
    model: RegressionModel,
    data: pd.DataFrame,
    p: np.ndarray,
    alive_at: np.ndarray | None = None,
) -> np.ndarray:
    """Per row of ``data``, the time (years from onset) by which a fraction ``p`` of such
    patients has died; with ``alive_at`` (years, per row), among those alive then (the time
    still counts from onset). Feeding uniforms as ``p`` samples one death time per row: the
    simulation's sampler supplies its own stream's uniforms this way."""
    x = model.matrix(data, caller="quantile_rows")
    p = np.broadcast_to(np.asarray(p, dtype=float), (len(x),))
    if not ((p >= 0) & (p < 1)).all():
        raise InputError("quantile_rows: p must be in [0, 1) per row; pass uniforms in [0, 1)")
    target = np.log1p(-p)
    if alive_at is not None:
        start = np.broadcast_to(np.asarray(alive_at, dtype=float), (len(x),))
        if not (np.isfinite(start) & (start >= 0)).all():
            raise InputError("quantile_rows: alive_at must be finite times >= 0 years per row")
        late = start > 0
        log_s = np.zeros(len(x))
        log_s[late] = _rows(model, start[late], x[late], 1, jac=False)[0]
        target = target + log_s
    times = solve_times(model, x, target)
    return times if alive_at is None else np.maximum(times, start)


def sample(
    model: RegressionModel, data: pd.DataFrame, rng: np.random.Generator | int
) -> np.ndarray:
    """One death time (years from onset) per row of ``data``, each from its own covariate
    profile, by inverse transform of one uniform per row (in row order)."""
    u = as_generator(rng).random(len(data))
    return quantile_rows(model, data, u)


@dataclass(frozen=True, eq=False)
class Marginal(SurvivalModel):
    """Population-averaged survival of a regression over covariate rows x (years from onset):
    S(t) = mean_i S(t | x_i), hazard = mean_i f(t | x_i) / S(t)."""

    regression: Any
    x: np.ndarray = field(repr=False)
    family: ClassVar[str] = "marginal"

    def _log_rows(self, t: np.ndarray, which: int) -> np.ndarray:
        n, m = len(self.x), t.size
        times = np.repeat(np.maximum(t, 1e-300), n)
        values, _ = _rows(self.regression, times, np.tile(self.x, (m, 1)), which, jac=False)
        return values.reshape(m, n)

    def _survival(self, t: np.ndarray) -> np.ndarray:
        return np.where(t > 0, np.exp(self._log_rows(t, 1)).mean(axis=1), 1.0)

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        return np.exp(self._log_rows(t, 0)).mean(axis=1) / self._survival(t)


def _quantities(
    model: RegressionModel,
    x: np.ndarray,
    times: np.ndarray,
    probabilities: np.ndarray,
    horizons: np.ndarray,
) -> list[tuple[str, float, float, np.ndarray, np.ndarray, str]]:
    """Per quantity: (name, time, p, values per row, gradients rows x theta, transform)."""
    out = []
    n = len(x)
    for t in times:
        tt = np.full(n, t)
        log_s, d_s = _rows(model, tt, x, 1)
        log_f, d_f = _rows(model, tt, x, 0)
        surv = np.exp(log_s)
        out.append(("survival", t, np.nan, surv, surv[:, None] * d_s, "cloglog"))
        hazard = np.exp(log_f - log_s)
        out.append(("hazard", t, np.nan, hazard, hazard[:, None] * (d_f - d_s), "log"))
    for p in probabilities:
        q = solve_times(model, x, np.full(n, np.log1p(-p)))
        finite = np.isfinite(q)
        qq = np.where(finite, q, 1.0)
        log_s, d_s = _rows(model, qq, x, 1)
        log_f, _ = _rows(model, qq, x, 0)
        hazard = np.exp(log_f - log_s)
        grad = np.where(finite[:, None], d_s / hazard[:, None], np.nan)
        out.append(("quantile", np.nan, p, q, grad, "log"))
    for horizon in horizons:
        t, jacobian = _rmst_nodes(horizon, model.spec.options.get("breakpoints", ()))
        xs = np.repeat(x, t.size, axis=0)
        log_s, d_s = _rows(model, np.tile(t, n), xs, 1)
        surv = np.exp(log_s).reshape(n, t.size)
        value = surv @ jacobian
        grad = np.einsum("ij,ijk->ik", surv * jacobian, d_s.reshape(n, t.size, -1))
        out.append(("rmst", horizon, np.nan, value, grad, "log"))
    return out


def _rmst_nodes(horizon: float, kinks: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes (years) and weights for the integral of survival over [0, horizon]:
    one panel per stretch between the kinks of a piecewise hazard, the first on t = b u**2
    (smooth where a hazard is infinite at 0)."""
    nodes, weights = np.polynomial.legendre.leggauss(NODES)
    u, half = (nodes + 1) / 2, weights / 2
    edges = [0.0, *(k for k in kinks if 0 < k < horizon), horizon]
    times, factors = [edges[1] * u**2], [2 * edges[1] * u * half]
    for a, b in itertools.pairwise(edges[1:]):
        times.append(a + (b - a) * u)
        factors.append((b - a) * half)
    return np.concatenate(times), np.concatenate(factors)


def _interval(
    value: np.ndarray, grad: np.ndarray, covariance: np.ndarray | None, how: str, crit: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(se, lower, upper) by the delta method on the transformed scale."""
    if covariance is None:
        nan = np.full(value.shape, np.nan)
        return nan, nan, nan
    se = np.sqrt(np.einsum("ij,jk,ik->i", grad, covariance, grad))
    with np.errstate(all="ignore"):
        if how == "cloglog":  # g = log(-log S), dg = dS / (S log S)
            g = np.log(-np.log(value))
            se_g = se / np.abs(value * np.log(value))
            return se, np.exp(-np.exp(g + crit * se_g)), np.exp(-np.exp(g - crit * se_g))
        if how == "log":
            se_g = se / value
            return se, value * np.exp(-crit * se_g), value * np.exp(crit * se_g)
    return se, value - crit * se, value + crit * se


def predict(
    model: RegressionModel,
    data: pd.DataFrame,
    times: Sequence[float] | float = (),
    quantiles: Sequence[float] | float = (0.5,),
    rmst: Sequence[float] | float = (),
    level: float = 0.95,
) -> pd.DataFrame:
    """Each row's survival and hazard at ``times``, quantiles (probability of having died,
    the median by default) and RMST to the ``rmst`` horizons, with ``level`` intervals.

    Returns a tidy frame: row (position in ``data``) and the module's columns.
    """
    x = model.matrix(data)
    crit = float(special.ndtri(0.5 + level / 2))
    frames = []
    for name, t, p, value, grad, how in _quantities(
        model, x, _times(times, "times"), _probabilities(quantiles), _times(rmst, "rmst")
    ):
        se, lower, upper = _interval(value, grad, model.fit_info.covariance, how, crit)
        frames.append(
            pd.DataFrame(
                {
                    "row": np.arange(len(x)),
                    "quantity": name,
                    "time": t,
                    "p": p,
                    "estimate": value,
                    "se": se,
                    "lower": lower,
                    "upper": upper,
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def _probabilities(values: Any) -> np.ndarray:
    arr = np.atleast_1d(as_probabilities(values, "quantiles")).astype(float)
    if not ((arr > 0) & (arr < 1)).all():
        raise InputError(f"quantiles: give probabilities strictly between 0 and 1 (got {arr})")
    return arr


def standardise(
    model: RegressionModel,
    data: pd.DataFrame,
    times: Sequence[float] | float = (),
    rmst: Sequence[float] | float = (),
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Marginal (population-averaged) survival at ``times`` and RMST to ``rmst`` horizons over
    the rows of ``data``, as flexsurv's ``standsurv``.

    settings : named covariate settings applied to every row, e.g. ``{"female": {"sex":
        "female"}, "male": {"sex": "male"}}``; None averages over the rows as observed. With two
        settings the result also has the second minus the first ('survival difference', 'rmst
        difference', a Wald interval on the difference scale).

    Returns a tidy frame: setting and the module's columns.
    """
    chosen = {"observed": {}} if settings is None else dict(settings)
    if not chosen:
        raise InputError("standardise: settings is empty; pass None or at least one setting")
    crit = float(special.ndtri(0.5 + level / 2))
    covariance = model.fit_info.covariance
    t_arr, h_arr = _times(times, "times"), _times(rmst, "rmst")
    frames, kept = [], {}
    for label, setting in chosen.items():
        frame = data.copy()
        for column, value in setting.items():
            known = (*model.design.variables, *getattr(model.spread_design, "variables", ()))
            if column not in known:
                raise InputError(
                    f"standardise: setting {label!r} names {column!r}, which is not a covariate "
                    f"of the model ({', '.join(model.design.variables)}); name a covariate"
                )
            frame[column] = value
        x = model.matrix(frame, caller="standardise")
        rows = []
        for name, t, p, value, grad, _ in _quantities(model, x, t_arr, np.array([]), h_arr):
            if name == "hazard":
                continue
            mean, mean_grad = value.mean(), grad.mean(axis=0)
            kept[(label, name, t)] = (mean, mean_grad)
            how = "cloglog" if name == "survival" else "log"
            se, lower, upper = _interval(
                np.array([mean]), mean_grad[None, :], covariance, how, crit
            )
            rows.append((label, name, t, p, mean, se[0], lower[0], upper[0]))
        frames.append(pd.DataFrame(rows, columns=["setting", *COLUMNS]))
    if len(chosen) == 2:
        first, second = list(chosen)
        rows = []
        for (label, name, t), (mean, grad) in kept.items():
            if label != second:
                continue
            base, base_grad = kept[(first, name, t)]
            se, lower, upper = _interval(
                np.array([mean - base]), (grad - base_grad)[None, :], covariance, "wald", crit
            )
            rows.append(
                (
                    f"{second} - {first}",
                    f"{name} difference",
                    t,
                    np.nan,
                    mean - base,
                    se[0],
                    lower[0],
                    upper[0],
                )
            )
        frames.append(pd.DataFrame(rows, columns=["setting", *COLUMNS]))
    return pd.concat(frames, ignore_index=True)
