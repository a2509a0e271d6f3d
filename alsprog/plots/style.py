"""The look every alsprog figure shares: labels, the colour-blind-safe palette, the theme, axes,
and the column check each plot makes on the frame it is given. Uses plotnine and alsprog.errors.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from plotnine import (
    element_blank,
    element_text,
    scale_x_continuous,
    scale_y_continuous,
    theme,
    theme_bw,
)

from alsprog.disease.phenotype import Phenotype
from alsprog.errors import InputError, check_positive, check_whole
from alsprog.models.base import SurvivalModel

MAX_GRID_POINTS = 100_000  # limit: a curve drawn with more points looks no different
TIME_LABEL = "Years from symptom onset"
SURVIVAL_LABEL = "Survival probability"
ERROR_LABEL = "Fitted minus target survival (percentage points)"

# Okabe-Ito (colour-blind safe) without its yellow, then darker extras for up to 11 curves.
PALETTE = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7",
    "#999999", "#7F3C8D", "#11A579", "#3969AC",
)  # fmt: skip


def house_theme(base_size: float = 11) -> theme:
    return theme_bw(base_size=base_size) + theme(
        panel_grid_minor=element_blank(),
        legend_position="bottom",
        plot_title=element_text(size=base_size + 2),
    )


def percent_labels(values: Sequence[float] | Sequence[str]) -> list[str]:
    return [f"{float(v):.0%}" for v in values]


def points_labels(values: Sequence[float] | Sequence[str]) -> list[str]:
    return [f"{100 * float(v):+.0f}" if abs(float(v)) > 1e-12 else "0" for v in values]


def require_columns(frame: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{where}: expected a DataFrame (got {type(frame).__name__})")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{where}: missing column(s) {', '.join(missing)}; "
            f"pass a frame with columns {', '.join(columns)}"
        )


def in_order(values: pd.Series) -> pd.Categorical:
    """Strings as a categorical in order of first appearance (keeps a caller's order)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.remove_unused_categories()
    strings = values.astype(str)
    return pd.Categorical(strings, categories=list(pd.unique(strings)))


def time_grid(t_max: float, n: int) -> np.ndarray:
    t_max = check_positive("t_max (years)", t_max)
    n = check_whole("n (grid points)", n, 2, MAX_GRID_POINTS)
    return np.linspace(0.0, t_max, n)


def years_axis(t_max: float, step: float):
    """x axis from 0 to ``t_max`` years, a break every ``step`` years."""
    breaks = [float(b) for b in np.arange(0, t_max + 1e-9, step)]
    return scale_x_continuous(breaks=breaks, limits=(0, t_max))


def probability_axis():
    """y axis for a probability, 0 to 100%."""
    return scale_y_continuous(
        limits=(0, 1), breaks=np.linspace(0, 1, 6), labels=percent_labels, expand=(0, 0.01)
    )


def as_model(where: str, model: object) -> SurvivalModel:
    """A survival model to draw: a ``SurvivalModel`` as it is, a ``Phenotype`` as its population
    model (so ``alsprog.phenotype("als")`` can be passed wherever a model can)."""
    if isinstance(model, Phenotype):
        return model.model
    if not isinstance(model, SurvivalModel):
        raise InputError(
            f"{where} is a {type(model).__name__}, not a survival model; pass a model such "
            "as alsprog.calibrate(), Weibull(shape=1.4, scale=4.0) or alsprog.phenotype('als')"
        )
    return model
