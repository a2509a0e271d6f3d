"""Models drawn from an estimate's uncertainty, and the long tables that PSA code reads.

``parameter_draws`` is the one mechanism for every model alsprog makes:

- a phenotype (by name or ``Phenotype``): its versions recalibrated to redrawn figures
  (``alsprog.disease.draws.uncertainty_draws``, the same draws as the prognosis band);
- a model from ``alsprog.calibrate``: recalibrated to its landmarks redrawn
  (``alsprog.estimation.redraws``): the spread grows as the effective sample size shrinks;
- a model from ``alsprog.fit``: parameters drawn from the normal approximation of the
  estimate (the fit's covariance, ``FitInfo.draw_models``).

``survival_draws`` and ``rmst_draws`` evaluate the draws as long tables, one row per draw and
time, in the shape probabilistic sensitivity analyses consume (as hesim's ``disprog`` tables).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from alsprog.disease.draws import uncertainty_draws
from alsprog.disease.library import DEFAULT_TABLE, check_phenotype
from alsprog.disease.phenotype import Phenotype
from alsprog.errors import InputError, as_times, is_whole
from alsprog.estimation.redraws import calibration_draws
from alsprog.models.base import SurvivalModel
from alsprog.outcomes.integrals import restricted_means


def check_count(where: str, name: str, n: object) -> int:
    if not is_whole(n) or n < 0:
        raise InputError(f"{where}: {name} must be a whole number >= 0 (got {n!r}); 0 for none")
    return int(n)


def check_seed(where: str, seed: object) -> int:
    if not is_whole(seed) or seed < 0:
        raise InputError(f"{where}: seed must be a whole number >= 0 (got {seed!r})")
    return int(seed)


def parameter_draws(model_or_phenotype: Any, n: int, seed: int = 0) -> list[SurvivalModel]:
    """``n`` models drawn from the estimate's uncertainty (fewer when a recalibration fails).

    Parameters
    ----------
    model_or_phenotype : a phenotype name ('als', ...), a ``Phenotype``, or a model from
        ``alsprog.fit`` or ``alsprog.calibrate``.
    n : number of draws (>= 0).
    seed : the draws' seed; the same seed gives the same draws.

    Returns
    -------
    list of SurvivalModel, each on the same time scale as the estimate (years from onset). For a
    phenotype, each is its population model (all-cause, averaged over the default patients).
    """
    n = check_count("parameter_draws", "n", n)
    seed = check_seed("parameter_draws", seed)
    if n == 0:
        _baseline_check(model_or_phenotype)
        return []
    if isinstance(model_or_phenotype, str):
        return [p.model for p in uncertainty_draws(model_or_phenotype, DEFAULT_TABLE, n, seed)]
    if isinstance(model_or_phenotype, Phenotype):
        item = model_or_phenotype
        return [p.model for p in uncertainty_draws(item.name, item.table, n, seed)]
    if not isinstance(model_or_phenotype, SurvivalModel):
        raise InputError(
            f"parameter_draws: a {type(model_or_phenotype).__name__} has no uncertainty to "
            "draw from; pass a phenotype name, a Phenotype, or a model from alsprog.fit or "
            "alsprog.calibrate"
        )
    info = model_or_phenotype.fit_info
    if info is None:
        raise InputError(
            f"parameter_draws: this {model_or_phenotype.family} model carries no fit "
            "(fit_info is None); pass the model alsprog.fit or alsprog.calibrate returned, "
            "before any transform"
        )
    if info.method == "individual":
        return info.draw_models(n, np.random.default_rng(np.random.SeedSequence(seed)))
    return calibration_draws(model_or_phenotype, n, seed)


def _baseline_check(model_or_phenotype: Any) -> None:
    """Refuse what parameter_draws could never draw from, even when no draw is asked for."""
    if isinstance(model_or_phenotype, str):
        check_phenotype(model_or_phenotype)
    elif not isinstance(model_or_phenotype, SurvivalModel | Phenotype):
        raise InputError(
            f"parameter_draws: a {type(model_or_phenotype).__name__} has no uncertainty to "
            "draw from; pass a phenotype name, a Phenotype, or a model from alsprog.fit or "
            "alsprog.calibrate"
        )


def _models(model: Any, n: int, seed: int) -> list[SurvivalModel]:
    return parameter_draws(model, n, seed)


def survival_draws(
    model: Any, times: Sequence[float] | np.ndarray, n: int, seed: int = 0
) -> pd.DataFrame:
    """Survival, hazard and cumulative hazard of each parameter draw at each time.

    Returns
    -------
    DataFrame, one row per draw and time. Columns: draw (1, 2, ...), time (years from onset),
    survival (0-1), hazard (per year), cumulative_hazard.
    """
    grid = np.atleast_1d(as_times(times, "survival_draws: times")).astype(float)
    frames = []
    for k, drawn in enumerate(_models(model, n, seed), start=1):
        with np.errstate(all="ignore"):
            frames.append(
                pd.DataFrame(
                    {
                        "draw": k,
                        "time": grid,
                        "survival": np.atleast_1d(drawn.survival(grid)),
                        "hazard": np.atleast_1d(drawn.hazard(grid)),
                        "cumulative_hazard": np.atleast_1d(drawn.cumulative_hazard(grid)),
                    }
                )
            )
    return _joined(frames, ["draw", "time", "survival", "hazard", "cumulative_hazard"])


def rmst_draws(
    model: Any, horizons: Sequence[float] | np.ndarray, n: int, seed: int = 0
) -> pd.DataFrame:
    """Restricted mean survival of each parameter draw at each horizon (inf: the mean).

    Returns
    -------
    DataFrame, one row per draw and horizon. Columns: draw (1, 2, ...), horizon_years,
    rmst_years (expected years alive within the horizon).
    """
    horizons = np.atleast_1d(as_times(horizons, "rmst_draws: horizons")).astype(float)
    models = _models(model, n, seed)
    values = restricted_means(models, horizons) if models else np.empty((0, horizons.size))
    frames = [
        pd.DataFrame({"draw": k, "horizon_years": horizons, "rmst_years": row})
        for k, row in enumerate(values, start=1)
    ]
    return _joined(frames, ["draw", "horizon_years", "rmst_years"])


def _joined(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=int if c == "draw" else float) for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]


def interval(values: np.ndarray, level: float = 0.90) -> tuple[float, float]:
    """The central ``level`` interval of finite draws (NaN, NaN when none is finite)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return math.nan, math.nan
    tail = (1 - level) / 2
    low, high = np.quantile(values, [tail, 1 - tail])
    return float(low), float(high)
