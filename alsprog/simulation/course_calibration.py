"""``calibrate_course``: the course parameters and the copula correlation, estimated jointly by
simulated moments against published figures (``data/course_targets.toml`` or a user's file).

Objective: sum over the targets marked ``calibrate`` of ((simulated - published) / se)^2, the
simulated figures measured like for like on a fixed stand-in cohort (``course_moments``: common
random numbers, so the objective is a deterministic function of the parameters for a seed),
minimised by Nelder-Mead over unbounded transforms of the parameters (log for positive ones,
logit for shares, a scaled tanh for the correlation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from alsprog.errors import InputError
from alsprog.simulation.course_moments import simulated_moments, stand_in_draws
from alsprog.simulation.course_targets import default_course_targets, load_course_targets
from alsprog.simulation.progression_settings import ProgressionSettings

# the fitted fields and their transform: "log" (> 0), "logit" (0-1), "corr" (-0.95-0.95), "id"
FITTED: dict[str, str] = {
    "rate_median": "log",
    "rate_log_sd": "log",
    "copula_correlation": "corr",
    "curvature": "id",
    "clock_deceleration": "log",
    "domain_span_points": "log",
    "later_span_factor": "log",
    "second_region_points": "log",
    "third_region_points": "log",
    "respiratory_points": "log",
    "niv_share": "logit",
    "gastrostomy_share": "logit",
    "tracheostomy_share": "logit",
    "tracheostomy_survival_months": "log",
    "niv_delay_months": "log",
    "gastrostomy_delay_months": "log",
    "rate_median_pls": "log",
    "rate_median_pma": "log",
}
STEP = 0.25  # the initial simplex's step in the free coordinates (log: about 28%)
TABLE_COLUMNS = ("target", "quantity", "published", "se", "simulated", "z", "source")


@dataclass(frozen=True)
class CourseCalibration:
    """What ``calibrate_course`` returns.

    settings : the fitted ``ProgressionSettings`` (frozen).
    table : one row per target (TABLE_COLUMNS, plus ``calibrate``): z = (simulated -
        published) / se.
    objective : the minimised sum of squared z over the calibrated targets.
    evaluations : objective evaluations used. seed, n : the stand-in cohort's.
    """

    settings: ProgressionSettings
    table: pd.DataFrame
    objective: float
    evaluations: int
    seed: int
    n: int


def _to_free(settings: ProgressionSettings, names: tuple[str, ...]) -> np.ndarray:
    out = []
    for name in names:
        kind = FITTED[name]
        v = float(getattr(settings, name))
        if kind == "log":
            out.append(math.log(v))
        elif kind == "logit":
            out.append(math.log(v / (1.0 - v)))
        elif kind == "corr":
            out.append(math.atanh(v / 0.95))
        else:
            out.append(v)
    return np.array(out)


def _from_free(
    x: np.ndarray, base: ProgressionSettings, names: tuple[str, ...]
) -> ProgressionSettings:
    values: dict[str, Any] = {}
    for v, name in zip(x, names, strict=True):
        kind = FITTED[name]
        v = float(np.clip(v, -30.0, 30.0))
        if kind == "log":
            values[name] = math.exp(v)
        elif kind == "logit":
            values[name] = 1.0 / (1.0 + math.exp(-v))
        elif kind == "corr":
            values[name] = 0.95 * math.tanh(v)
        else:
            values[name] = v
    return replace(base, **values)


def course_table(targets: pd.DataFrame, moments: dict[str, float]) -> pd.DataFrame:
    """The targets beside their simulated values (TABLE_COLUMNS and ``calibrate``)."""
    simulated = targets["quantity"].map(moments).astype(float)
    return pd.DataFrame(
        {
            "target": targets["name"],
            "quantity": targets["quantity"],
            "published": targets["published"],
            "se": targets["se"],
            "simulated": simulated,
            "z": (simulated - targets["published"]) / targets["se"],
            "source": targets["source"],
            "calibrate": targets["calibrate"],
        }
    ).reset_index(drop=True)


def calibrate_course(
    targets: str | pd.DataFrame | None = None,
    *,
    seed: int = 2026,
    n: int = 8_000,
    max_evaluations: int = 1500,
    rounds: int = 1,
    start: ProgressionSettings | None = None,
    fit: tuple[str, ...] | None = None,
) -> CourseCalibration:
    """Fit the course to published figures by simulated moments.

    targets : None (the shipped ``data/course_targets.toml``), a path to a user's file in that
        format, or a table from ``load_course_targets``.
    seed, n : the stand-in cohort (n ALS patients, n // 5 PLS and PMA); the same seed gives the
        same fit, bit for bit.
    max_evaluations : Nelder-Mead's budget of objective evaluations per round (each simulates
        the cohort).
    rounds : Nelder-Mead runs, each restarted (a fresh simplex) from the previous best.
    start : the settings to start from (default: ``ProgressionSettings.default()``, which holds
        the shipped calibration).
    fit : the fields to fit (default: every field of ``FITTED``); the others stay as ``start``.
    """
    names = tuple(FITTED) if fit is None else tuple(fit)
    unknown = [name for name in names if name not in FITTED]
    if unknown or not names:
        raise InputError(
            f"calibrate_course: cannot fit {unknown[0] if unknown else 'nothing'!r}; "
            f"choose among {', '.join(FITTED)}"
        )
    if targets is None:
        table = default_course_targets()
    elif isinstance(targets, pd.DataFrame):
        table = targets
    else:
        table = load_course_targets(targets)
    if isinstance(n, bool) or not isinstance(n, int) or n < 500:
        raise InputError(
            f"calibrate_course: n must be a whole number >= 500 (got {n!r}); pass n=8_000"
        )
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise InputError(
            f"calibrate_course: rounds must be a whole number >= 1 (got {rounds!r}); pass 1"
        )
    if (
        isinstance(max_evaluations, bool)
        or not isinstance(max_evaluations, int)
        or max_evaluations < 1
    ):
        raise InputError(
            "calibrate_course: max_evaluations must be a whole number >= 1 "
            f"(got {max_evaluations!r}); pass 1500"
        )
    fitted = table[table["calibrate"]]
    if fitted.empty:
        raise InputError("calibrate_course: no target has calibrate = true; mark at least one")
    base = ProgressionSettings.default() if start is None else start
    cohorts = stand_in_draws(n, seed)
    published = fitted["published"].to_numpy(float)
    se = fitted["se"].to_numpy(float)
    quantities = list(fitted["quantity"])

    def objective(x: np.ndarray) -> float:
        moments = simulated_moments(_from_free(x, base, names), cohorts)
        z = (np.array([moments[q] for q in quantities]) - published) / se
        return float(np.sum(np.where(np.isfinite(z), z, 10.0) ** 2))

    x, value, evaluations = _to_free(base, names), math.inf, 0
    for _ in range(rounds):
        simplex = np.vstack([x, x + STEP * np.eye(x.size)])  # scipy's default is 5% of x, 0 at 0
        result = minimize(
            objective,
            x,
            method="Nelder-Mead",
            options={
                "maxfev": max_evaluations,
                "adaptive": True,
                "xatol": 1e-4,
                "fatol": 1e-3,
                "initial_simplex": simplex,
            },
        )
        evaluations += int(result.nfev)
        if result.fun < value:
            x, value = result.x, float(result.fun)
    best = _from_free(x, base, names)
    moments = simulated_moments(best, cohorts)
    return CourseCalibration(
        settings=best,
        table=course_table(table, moments),
        objective=value,
        evaluations=evaluations,
        seed=seed,
        n=n,
    )
