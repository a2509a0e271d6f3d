"""Figures of calibrated survival models: functions that return plotnine ``ggplot`` objects.

Each plot takes a tidy DataFrame and returns a ggplot, unshown and unsaved (``report.py`` saves
them). Each has a tidy helper that builds its frame from models:

=============================  =========================  ==========================================
helper (models -> frame)       plot (frame -> ggplot)     what it shows
=============================  =========================  ==========================================
``model_curves``               ``survival_curves``        survival curves against landmark figures
``calibration.landmark_fits``  ``landmark_errors``        fitted minus target at each landmark
``background_curves``          ``background_comparison``  the disease with and without other causes
=============================  =========================  ==========================================

``landmark_fits`` reads calibration diagnostics, so it lives in
``alsprog.estimation.calibration``. Plots of one patient's outlook live in
``alsprog.plots.prognosis``; both share ``alsprog.plots.style`` (theme, palette, axes, column
checks).

Time is in years from symptom onset. plotnine is imported by the plot modules only, never by
``import alsprog``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from plotnine import (
    aes,
    facet_wrap,
    geom_line,
    geom_point,
    geom_vline,
    ggplot,
    labs,
    scale_color_manual,
    scale_linetype_manual,
    scale_shape_manual,
    scale_x_continuous,
    scale_y_discrete,
    theme,
)

from alsprog.errors import InputError, as_times
from alsprog.models.base import SurvivalModel
from alsprog.plots.style import (
    ERROR_LABEL,
    PALETTE,
    SURVIVAL_LABEL,
    TIME_LABEL,
    as_model,
    house_theme,
    in_order,
    points_labels,
    probability_axis,
    require_columns,
    time_grid,
    years_axis,
)

if TYPE_CHECKING:
    from alsprog.population.lifetable import LifeTable

LANDMARK_SHAPES = {"equal": "o", "upper": "v", "lower": "^"}
LANDMARK_NAMES = {"equal": "figure to reproduce", "upper": "upper bound", "lower": "lower bound"}
DEFAULT_PEOPLE = ((55.0, "male"), (75.0, "female"))


# --------------------------------------------------------------------------- survival curves
def model_curves(
    models: Mapping[str, SurvivalModel], t_max: float = 30.0, n: int = 301
) -> pd.DataFrame:
    """Survival (0-1) of each model on an even grid of ``n`` times from 0 to ``t_max`` years.

    Returns
    -------
    One row per model and time, models in the mapping's order. Columns: model (str, the
    mapping's key), t (years from onset), survival (0-1).
    """
    grid = time_grid(t_max, n)
    if not isinstance(models, Mapping) or not models:
        raise InputError("model_curves: no models; pass a dict such as {'weibull': model}")
    models = {name: as_model(f"model_curves: models[{name!r}]", m) for name, m in models.items()}
    frames = [
        pd.DataFrame({"model": str(name), "t": grid, "survival": model.survival(grid)})
        for name, model in models.items()
    ]
    return pd.concat(frames, ignore_index=True)


def survival_curves(
    curves: pd.DataFrame,
    landmarks: pd.DataFrame | None = None,
    title: str | None = None,
    *,
    facet: bool = False,
) -> ggplot:
    """Survival curves, one line per model, with landmark figures as points.

    curves : columns t (years), survival (0-1), model (str; legend order = first appearance,
        or the categories' order for a categorical); ``model_curves`` builds it.
    landmarks : optional, columns t (years), target (survival, 0-1), kind (equal, upper,
        lower). A figure to reproduce is a circle, an upper bound a downward triangle (the curve
        should pass at or below it), a lower bound an upward one. With ``facet`` and a model
        column, each landmark goes in its model's panel only; otherwise in every panel.
    title : plot title.
    facet : one panel per model (small multiples) instead of overlaid lines; clearer for many.

    Returns a ggplot: x "Years from symptom onset", y "Survival probability" (0-100%).
    """
    require_columns(curves, ("t", "survival", "model"), "survival_curves: curves")
    data = curves.assign(model=in_order(curves["model"]))
    n_models = len(data["model"].cat.categories)
    plot = ggplot(data, aes("t", "survival"))
    if facet:
        plot += geom_line(color=PALETTE[4], size=0.9)
        plot += facet_wrap("model", ncol=3)
    else:
        colours = [PALETTE[i % len(PALETTE)] for i in range(n_models)]
        plot += geom_line(aes(color="model"), size=0.9)
        plot += scale_color_manual(values=colours, name="Model")
    if landmarks is not None:
        require_columns(landmarks, ("t", "target", "kind"), "survival_curves: landmarks")
        unknown = sorted(set(landmarks["kind"]) - set(LANDMARK_SHAPES))
        if unknown:
            raise InputError(
                f"survival_curves: landmark kind {unknown[0]!r} is unknown; "
                f"use one of {', '.join(LANDMARK_SHAPES)}"
            )
        kinds = [k for k in LANDMARK_SHAPES if k in set(landmarks["kind"])]
        points = landmarks[["t", "target", "kind"]].assign(
            kind=pd.Categorical(landmarks["kind"], categories=kinds)
        )
        if facet and "model" in landmarks.columns:  # each panel its own figures
            names = data["model"].cat.categories
            points = points.assign(
                model=pd.Categorical(landmarks["model"].astype(str), categories=names)
            ).dropna(subset=["model"])
        plot += geom_point(
            aes("t", "target", shape="kind"),
            data=points,
            inherit_aes=False,
            size=3,
            fill="white",
            color="black",
            stroke=1.0,
        )
        plot += scale_shape_manual(
            values=[LANDMARK_SHAPES[k] for k in kinds],
            labels=[LANDMARK_NAMES[k] for k in kinds],
            name="Landmark",
        )
    t_max = float(data["t"].max()) if len(data) else 30.0
    step = 5 if t_max > 12 else 1
    plot += years_axis(t_max, step)
    plot += probability_axis()
    plot += labs(x=TIME_LABEL, y=SURVIVAL_LABEL, title=title)
    size = (9.0, 3.0 + 2.4 * -(-n_models // 3)) if facet else (8.0, 5.0)
    return (
        plot
        + house_theme()
        + theme(figure_size=size, legend_position="bottom" if facet else "right")
    )


# --------------------------------------------------------------------------- landmark errors
def landmark_errors(table: pd.DataFrame, title: str | None = None) -> ggplot:
    """Dot plot of fitted minus target survival, one row per family, one colour per landmark.

    table : columns family (str; drawn top to bottom in order of first appearance), t (years),
        error (fitted - target, survival 0-1);
        ``alsprog.estimation.calibration.landmark_fits`` builds it. With a kind column only the
        figures to reproduce (kind equal) are drawn: a bound is met or not, and its distance is
        no error.

    Returns a ggplot: x "Fitted minus target survival (percentage points)", y "Family".
    """
    require_columns(table, ("family", "t", "error"), "landmark_errors: table")
    data = table[table["kind"] == "equal"] if "kind" in table.columns else table
    families = list(in_order(data["family"]).categories)
    times = sorted(set(data["t"].astype(float)))
    labels = [f"S({t:g} y)" for t in times]
    data = data.assign(
        family=pd.Categorical(data["family"].astype(str), categories=families[::-1]),
        landmark=pd.Categorical(
            [f"S({t:g} y)" for t in data["t"].astype(float)], categories=labels
        ),
    )
    widest = float(np.nanmax(np.abs(data["error"]))) if len(data) else 0.0
    reach = max(0.02, np.ceil(widest * 100 / 2) * 2 / 100)  # whole 2-point steps
    step = 0.01 if reach <= 0.04 else 0.02 if reach <= 0.1 else 0.05
    plot = (
        ggplot(data, aes("error", "family", color="landmark", shape="landmark"))
        + geom_vline(xintercept=0, color="#555555", linetype="dashed")
        + geom_point(size=3.2, alpha=0.9)
        + scale_color_manual(
            values=[PALETTE[(i + 1) % len(PALETTE)] for i in range(len(labels))],
            name="Landmark",
        )
        + scale_shape_manual(
            values=["o", "s", "D", "^", "v", "P"][: len(labels)] or ["o"], name="Landmark"
        )
        + scale_x_continuous(
            limits=(-reach, reach),
            breaks=[float(b) for b in np.arange(-reach, reach + 1e-9, step)],
            labels=points_labels,
        )
        + scale_y_discrete(name="Family")
        + labs(x=ERROR_LABEL, y="Family", title=title)
        + house_theme()
        + theme(figure_size=(8.0, 1.6 + 0.38 * max(len(families), 1)))
    )
    return plot


# --------------------------------------------------------------------------- background mortality
def _person(age: float, sex: str) -> str:
    word = {"male": "man", "female": "woman"}.get(sex, sex)
    return f"{word}, onset at {age:g}"


def background_curves(
    model: SurvivalModel,
    people: Sequence[tuple[float, str]] = DEFAULT_PEOPLE,
    t_max: float = 30.0,
    n: int = 301,
    table: str | Path | LifeTable | None = None,
    *,
    times: Sequence[float] | None = None,
    disease: str = "ALS",
) -> pd.DataFrame:
    """The disease alone, the disease with ordinary mortality, and ordinary mortality alone.

    model : the disease's (net) survival model, years from onset.
    people : (age at onset in years, sex 'male'/'female') pairs; default a man of 55 (the
        document: onset most often in the 50s, more often in men) and a woman of 75.
    table : life table (default ``us_ssa_2007``, see ``alsprog.population.lifetable``).
    times : years from onset to evaluate at, instead of ``n`` even steps from 0 to ``t_max``.
    disease : the disease's name in the curve labels (default "ALS").

    Returns
    -------
    One row per curve and time. Columns: person (str; "any age" for the disease alone),
    age_at_onset (years; NaN for the disease alone), sex (str; "" for the disease alone), cause
    ("ALS only", "ALS and other causes", "other causes only", with ``disease`` for "ALS"),
    t (years), survival (0-1).
    """
    from alsprog.population.background_mortality import background_survival

    model = as_model("background_curves: model", model)
    if times is None:
        grid = time_grid(t_max, n)
    else:
        grid = np.atleast_1d(as_times(times)).astype(float)
    rows = [_curve("any age", np.nan, "", f"{disease} only", grid, model.survival(grid))]
    for age, sex in people:
        combined = model.with_background(age_at_onset=age, sex=sex, table=table)
        other = background_survival(age, sex, grid, table=table)
        rows.append(
            _curve(
                _person(age, sex),
                age,
                sex,
                f"{disease} and other causes",
                grid,
                combined.survival(grid),
            )
        )
        rows.append(_curve(_person(age, sex), age, sex, "other causes only", grid, other))
    return pd.concat(rows, ignore_index=True)


def _curve(person, age, sex, cause, grid, survival) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person": person,
            "age_at_onset": float(age),
            "sex": sex,
            "cause": cause,
            "t": grid,
            "survival": np.asarray(survival, dtype=float),
        }
    )


def background_comparison(curves: pd.DataFrame, title: str | None = None) -> ggplot:
    """The disease's survival with and without ordinary mortality, and ordinary mortality alone.

    curves : columns person, cause, t (years), survival (0-1); ``background_curves`` builds it.
        Colour is the person, line type the causes of death counted (dashed: other causes only).

    Returns a ggplot: x "Years from symptom onset", y "Survival probability" (0-100%).
    """
    require_columns(curves, ("person", "cause", "t", "survival"), "background_comparison: curves")
    people = list(pd.unique(curves["person"].astype(str)))
    pairs = list(
        dict.fromkeys(zip(curves["person"].astype(str), curves["cause"].astype(str), strict=True))
    )
    names = [_curve_name(person, cause) for person, cause in pairs]
    data = curves.assign(
        curve=pd.Categorical(
            [
                _curve_name(p, c)
                for p, c in zip(
                    curves["person"].astype(str), curves["cause"].astype(str), strict=True
                )
            ],
            categories=names,
        )
    )
    colours = [PALETTE[people.index(person) % len(PALETTE)] for person, _ in pairs]
    dashes = ["dashed" if cause == "other causes only" else "solid" for _, cause in pairs]
    t_max = float(data["t"].max())
    return (
        ggplot(data, aes("t", "survival", color="curve", linetype="curve"))
        + geom_line(size=0.9)
        + scale_color_manual(values=colours, name="Curve")
        + scale_linetype_manual(values=dashes, name="Curve")
        + years_axis(t_max, 5 if t_max > 12 else 1)
        + probability_axis()
        + labs(x=TIME_LABEL, y=SURVIVAL_LABEL, title=title)
        + house_theme()
        + theme(figure_size=(9.5, 5.0), legend_position="right")
    )


def _curve_name(person: str, cause: str) -> str:
    return cause if person == "any age" else f"{person}: {cause}"
