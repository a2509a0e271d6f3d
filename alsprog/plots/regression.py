"""Goodness-of-fit figures of a survival regression (plotnine ``ggplot`` objects).

``fit_by_group_plot``: per group of a covariate, the Kaplan-Meier estimate with the
regression's population-averaged survival over that group's own rows (dashed, same colour), so
a family or a covariate scale that does not suit the data shows as curves that part.
``cox_snell_plot``: the Nelson-Aalen cumulative hazard of the Cox-Snell residuals against the
residuals, with the line of identity they follow when the model fits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from plotnine import aes, geom_abline, geom_step, ggplot, labs

from alsprog.errors import InputError
from alsprog.estimation.regression_checks import cox_snell
from alsprog.models.kaplan_meier import kaplan_meier
from alsprog.plots.kaplan_meier import kaplan_meier_plot
from alsprog.plots.style import house_theme

if TYPE_CHECKING:
    from alsprog.estimation.regression_model import RegressionModel

MAX_GROUPS = 11  # the palette's colours


def fit_by_group_plot(
    model: RegressionModel, data: pd.DataFrame, by: str, *, risk_table: bool = False
) -> ggplot:
    """Kaplan-Meier curves of ``data`` split by column ``by``, each with the model's marginal
    survival over that group's rows (``RegressionModel.marginal``), dashed in the same colour.

    data : the rows the model was fitted to (its duration, event and entry columns are read).
    by : a column with a few values (sex, site, an age band).
    """
    if by not in data.columns:
        raise InputError(
            f"fit_by_group_plot: column {by!r} is not in the data; name a column to split by"
        )
    groups = list(pd.unique(data[by].dropna()))
    if not 1 <= len(groups) <= MAX_GROUPS:
        raise InputError(
            f"fit_by_group_plot: column {by!r} has {len(groups)} values; split by a column "
            f"with 1 to {MAX_GROUPS} (cut a number into bands first)"
        )
    duration, event, entry, _ = model.columns
    curves, models = {}, {}
    for group in sorted(groups, key=str):
        rows = data[data[by] == group]
        name = f"{by} = {group}"
        curves[name] = kaplan_meier(
            rows[duration].to_numpy(dtype=float),
            rows[event].to_numpy(dtype=float),
            None if entry is None else rows[entry].to_numpy(dtype=float),
            label=name,
        )
        models[name] = model.marginal(rows)
    return kaplan_meier_plot(curves, models=models, risk_table=risk_table, band=False)


def cox_snell_plot(model: RegressionModel, data: pd.DataFrame) -> ggplot:
    """Nelson-Aalen cumulative hazard of the Cox-Snell residuals against the residuals, with
    the line of identity (the unit exponential's cumulative hazard)."""
    table = cox_snell(model, data)
    return (
        ggplot(table, aes("residual", "cumulative_hazard"))
        + geom_abline(intercept=0, slope=1, linetype="dashed", color="#999999")
        + geom_step(color="#0072B2")
        + labs(
            x="Cox-Snell residual",
            y="Nelson-Aalen cumulative hazard",
            title=f"{model.family} ({model.scale}): Cox-Snell residuals",
        )
        + house_theme()
    )
