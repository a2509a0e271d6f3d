"""Goodness of fit of a survival regression: Cox-Snell residuals and a proportional-hazards test.

Cox-Snell residuals r_i = H(t_i | x_i) are, if the model is right, a unit-exponential sample
censored where the rows are (left-truncated at H(e_i | x_i) where rows entered late): their
Nelson-Aalen cumulative hazard should follow the line of identity. The proportional-hazards
check is lifelines' test of Schoenfeld residuals from a Cox model with the regression's
covariate columns (Grambsch and Therneau's test), not a hand-written one.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from alsprog.errors import InputError

if TYPE_CHECKING:
    from alsprog.estimation.regression_model import RegressionModel


def _survival_columns(
    model: RegressionModel, data: pd.DataFrame, caller: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    duration, event, entry, weights = model.columns
    for name in (duration, event, entry, weights):
        if name is not None and name not in data.columns:
            raise InputError(
                f"{caller}: column {name!r}, which the model was fitted with, is not in the "
                "data; pass the data the model was fitted to"
            )
    t = data[duration].to_numpy(dtype=float)
    died = data[event].to_numpy(dtype=float) > 0
    e = np.zeros(t.size) if entry is None else data[entry].to_numpy(dtype=float)
    w = np.ones(t.size) if weights is None else data[weights].to_numpy(dtype=float)
    return t, died, e, w


def cox_snell(model: RegressionModel, data: pd.DataFrame) -> pd.DataFrame:
    """Cox-Snell residuals and their Nelson-Aalen cumulative hazard.

    Returns one row per data row, sorted by residual: row (position in ``data``), residual
    (H(t | x)), entry_residual (H(entry | x), 0 without entry times), event (1/0), weight, and
    cumulative_hazard (the Nelson-Aalen estimate at the residual, from lifelines; close to the
    residual itself when the model fits).
    """
    from lifelines import NelsonAalenFitter

    t, died, e, w = _survival_columns(model, data, "cox_snell")
    x = model.matrix(data, caller="cox_snell")
    theta = np.asarray(model.theta, dtype=float)
    exit_log_s, _ = model.spec.bind(np.maximum(t, 1e-300), x, 1)(theta, False)
    entry_log_s, _ = model.spec.bind(np.maximum(e, 1e-300), x, 1)(theta, False)
    residual = -exit_log_s
    start = np.where(e > 0, -entry_log_s, 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifelines' notes on non-integer weights
        fitter = NelsonAalenFitter().fit(residual, died.astype(int), entry=start, weights=w)
    cumulative = fitter.cumulative_hazard_at_times(residual).to_numpy()
    table = pd.DataFrame(
        {
            "row": np.arange(t.size),
            "residual": residual,
            "entry_residual": start,
            "event": died.astype(int),
            "weight": w,
            "cumulative_hazard": cumulative,
        }
    )
    return table.sort_values("residual", kind="stable").reset_index(drop=True)


def proportional_hazards_test(
    model: RegressionModel, data: pd.DataFrame, *, ignore_entry: bool = False
) -> pd.DataFrame:
    """Test of proportional hazards for each covariate column, from Schoenfeld residuals of a
    Cox model on the regression's columns (lifelines' ``proportional_hazard_test``, time
    transform 'rank' as its default check).

    Returns one row per covariate column: parameter, statistic (chi-squared, 1 df), p. A small
    p says the column's effect changes with time (non-proportional hazards).

    lifelines has no Schoenfeld residuals under delayed entry, so a model fitted with entry
    times is refused unless ``ignore_entry`` (then everyone is taken as followed from onset,
    which biases the risk sets: read the result as a rough screen).
    """
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    t, died, e, w = _survival_columns(model, data, "proportional_hazards_test")
    x = model.design.matrix(data, caller="proportional_hazards_test")
    names = list(model.design.names[1:])
    if not names:
        raise InputError(
            "proportional_hazards_test: the model has no covariates to test; fit one with "
            "covariates= or formula="
        )
    frame = pd.DataFrame(x[:, 1:], columns=[f"x{j}" for j in range(len(names))])
    frame["time"], frame["event"], frame["weight"] = t, died.astype(int), w
    if (e > 0).any() and not ignore_entry:
        raise InputError(
            "proportional_hazards_test: lifelines' Schoenfeld residuals do not allow delayed "
            "entry, and these rows have entry times; pass ignore_entry=True for a rough screen"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cox = CoxPHFitter().fit(frame, "time", "event", weights_col="weight")
        result = proportional_hazard_test(cox, frame, time_transform="rank")
    summary = result.summary
    return pd.DataFrame(
        {
            "parameter": names,
            "statistic": summary["test_statistic"].to_numpy(dtype=float),
            "p": summary["p"].to_numpy(dtype=float),
        }
    )
