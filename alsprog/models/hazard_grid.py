"""The cumulative-hazard solver's starting grid (``base.invert_cumulative_hazard``), log H on
a log-time grid, kept for the last few models: the solves of one model's patients (treated and
untreated, the strategies of a PSA run) share it. Models are frozen, so the same object has
the same grid; a model is kept (not only its id), so an id is never reused while kept."""

from __future__ import annotations

from threading import Lock
from typing import Any

import numpy as np

# Quantiles are sought on log time in [exp(LOG_T_MIN), exp(LOG_T_MAX)] years; beyond the upper
# end (about 160,000 years) a quantile is reported as inf.
LOG_T_MIN, LOG_T_MAX = -30.0, 12.0
GRID_U = np.linspace(LOG_T_MIN, LOG_T_MAX, 841)  # the solver's starting grid, log years
GRID_U.flags.writeable = False

_GRIDS: dict[int, tuple[Any, np.ndarray]] = {}  # id(model) -> (model, log H on the grid)
_GRIDS_KEPT = 16
_LOCK = Lock()


def log_h_grid(model: Any) -> np.ndarray:
    """log H(exp(GRID_U)) of ``model`` (a ``SurvivalModel``) on the solver's one grid, made
    non-decreasing (NaN as -inf, +inf kept), read-only."""
    kept = _GRIDS.get(id(model))
    if kept is not None and kept[0] is model:
        return kept[1]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        grid = np.log(model._cumulative_hazard(np.exp(GRID_U)))
    grid = np.maximum.accumulate(np.nan_to_num(grid, nan=-np.inf, posinf=np.inf))
    grid.flags.writeable = False
    with _LOCK:
        while len(_GRIDS) >= _GRIDS_KEPT:
            del _GRIDS[next(iter(_GRIDS))]  # the oldest
        _GRIDS[id(model)] = (model, grid)
    return grid
