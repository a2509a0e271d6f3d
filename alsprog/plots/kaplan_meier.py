"""Kaplan-Meier curves with their bands, censoring marks, model curves and a risk table below.

``kaplan_meier_plot`` draws one figure in the KMunicate layout (Morris et al., BMJ Open 2019):
the curves above, and below them, per group, the number at risk and the cumulative numbers of
events and censorings at the times on the x axis. Curves and table are the two rows of one
plotnine ``facet_grid`` sharing one x scale, so the table's columns sit exactly over the axis
ticks whatever the width of the labels; the result is a single ``ggplot`` a notebook can extend
with ``+``. ``risk_tables`` gives the table as data. Uses alsprog.models (the curves) and the
shared look in ``alsprog.plots.style``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from mizani.breaks import breaks_extended
from plotnine import (
    aes,
    element_blank,
    element_text,
    facet_grid,
    geom_blank,
    geom_hline,
    geom_line,
    geom_point,
    geom_ribbon,
    geom_step,
    geom_text,
    ggplot,
    guides,
    labs,
    scale_color_manual,
    scale_fill_manual,
    scale_linetype_manual,
    scale_x_continuous,
    scale_y_continuous,
    theme,
)

from alsprog.errors import InputError, as_times
from alsprog.models.base import SurvivalModel
from alsprog.models.kaplan_meier import KaplanMeier
from alsprog.plots.style import PALETTE, SURVIVAL_LABEL, TIME_LABEL, as_model, house_theme

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["kaplan_meier_plot", "risk_tables"]

ROWS = (("at_risk", "at risk"), ("events", "events"), ("censored", "censored"))
CURVE_PANEL, TABLE_PANEL = "Survival probability", "Numbers"
PANELS = (CURVE_PANEL, TABLE_PANEL)
PROBABILITY_BREAKS = np.linspace(0.0, 1.0, 6)


def _ordered(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Curves in the caller's order, and the curves' facet row above the table's."""
    frame = frame.copy()
    frame["panel"] = pd.Categorical(frame["panel"], categories=PANELS)
    if "curve" in frame:
        frame["curve"] = pd.Categorical(frame["curve"], categories=names)
    return frame


def _named(curves: KaplanMeier | Mapping[str, KaplanMeier]) -> dict[str, KaplanMeier]:
    """The curves as {name: KaplanMeier}, in the caller's order; InputError otherwise."""
    if isinstance(curves, KaplanMeier):
        return {curves.label or "Kaplan-Meier": curves}
    if not isinstance(curves, Mapping) or not curves:
        raise InputError(
            f"kaplan_meier_plot: curves must be a KaplanMeier or a non-empty dict of name -> "
            f"KaplanMeier (got {type(curves).__name__}); build them with alsprog.kaplan_meier"
        )
    for name, curve in curves.items():
        if not isinstance(curve, KaplanMeier):
            raise InputError(
                f"kaplan_meier_plot: curves[{name!r}] is a {type(curve).__name__}, not a "
                "KaplanMeier; pass model curves as models={name: model}"
            )
    return {str(name): curve for name, curve in curves.items()}


def risk_tables(
    curves: KaplanMeier | Mapping[str, KaplanMeier], times: Sequence[float]
) -> pd.DataFrame:
    """Each curve's risk table at ``times`` (years), stacked: survminer's numbers at risk.

    curves : one KaplanMeier, or {group name: KaplanMeier} (e.g. ``Cohort.kaplan_meier(by=)``).

    Returns
    -------
    DataFrame, one row per group and time
        group (the dict key, or the curve's label), time (years), at_risk (just before the
        time), events, censored (cumulative up to and including the time); see
        ``KaplanMeier.risk_table``.
    """
    at = as_times(times, "risk_tables times").ravel()
    frames = [curve.risk_table(at).assign(group=name) for name, curve in _named(curves).items()]
    return pd.concat(frames, ignore_index=True)


def _steps(name: str, curve: KaplanMeier, t_end: float) -> pd.DataFrame:
    """The curve as steps up to ``t_end`` (cut there, or carried flat to it)."""
    keep = curve.times < t_end
    t = np.concatenate([[0.0], curve.times[keep], [t_end]])
    survival = np.concatenate([[1.0], curve.estimate[keep], [float(curve.survival(t_end))]])
    return pd.DataFrame({"curve": name, "t": t, "survival": survival, "panel": CURVE_PANEL})


def _band(name: str, curve: KaplanMeier, t_end: float) -> pd.DataFrame:
    """The band as a stepped ribbon, up to where it stops (R's NA once survival is 0) or to
    ``t_end``."""
    inside = curve.times < t_end
    lower = np.concatenate([[1.0], curve.lower[inside]])
    upper = np.concatenate([[1.0], curve.upper[inside]])
    edges = np.concatenate([[0.0], curve.times[inside]])
    stops = bool(np.isnan(lower).any())
    keep = int(np.argmax(np.isnan(lower))) if stops else lower.size
    lower, upper, edges = lower[:keep], upper[:keep], edges[:keep]
    carried = not stops and not inside.all()  # cut at t_end: the last step runs to it
    ends = np.concatenate([edges[1:], [t_end] if carried else edges[-1:]])
    return pd.DataFrame(
        {
            "curve": name,
            "t": np.column_stack([edges, ends]).ravel(),
            "lower": np.repeat(lower, 2),
            "upper": np.repeat(upper, 2),
            "panel": CURVE_PANEL,
        }
    )


MAX_MARKS = 40  # censoring marks per curve; beyond it they would blot out curve and band


def _censored(name: str, curve: KaplanMeier, t_end: float) -> pd.DataFrame:
    """Censoring marks, thinned to at most ``MAX_MARKS`` evenly spread over the censoring
    times (the risk table's censored row still counts every one)."""
    at = (curve.censored > 0) & (curve.times <= t_end)
    where = np.flatnonzero(at)
    if where.size > MAX_MARKS:
        at[:] = False
        at[where[np.linspace(0, where.size - 1, MAX_MARKS).round().astype(int)]] = True
    return pd.DataFrame(
        {"curve": name, "t": curve.times[at], "survival": curve.estimate[at], "panel": CURVE_PANEL}
    )


def _model_lines(models: dict[str, SurvivalModel], t_end: float) -> pd.DataFrame:
    """Each model's survival on an even grid from 0 to ``t_end``, in the curves' panel."""
    grid = np.linspace(0.0, t_end, 401)
    return pd.concat(
        [
            pd.DataFrame(
                {"curve": n, "t": grid, "survival": m.survival(grid), "panel": CURVE_PANEL}
            )
            for n, m in models.items()
        ],
        ignore_index=True,
    )


def _count(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 else f"{value:.1f}"


def _table_rows(named: dict[str, KaplanMeier], times: np.ndarray) -> tuple[pd.DataFrame, dict]:
    """The risk table as text at y = -1, -2, ... (one row per group and count), and its labels."""
    table = risk_tables(named, [float(t) for t in times])
    one = len(named) == 1
    rows, labels = [], {}
    for g, name in enumerate(named):
        part = table[table["group"] == name]
        for r, (column, words) in enumerate(ROWS):
            y = -(1 + g * len(ROWS) + r)
            labels[y] = words.capitalize() if one else (f"{name}: {words}" if r == 0 else words)
            rows.append(
                pd.DataFrame(
                    {
                        "curve": name,
                        "t": part["time"].to_numpy(),
                        "y": float(y),
                        "text": [_count(v) for v in part[column]],
                        "panel": TABLE_PANEL,
                    }
                )
            )
    return pd.concat(rows, ignore_index=True), labels


def kaplan_meier_plot(
    curves: KaplanMeier | Mapping[str, KaplanMeier],
    *,
    risk_table: bool = True,
    band: bool = True,
    times: Sequence[float] | None = None,
    models: Mapping[str, SurvivalModel] | None = None,
    time_label: str = TIME_LABEL,
    title: str | None = None,
) -> ggplot:
    """Kaplan-Meier curves with bands, censoring marks and a risk table below (KMunicate).

    curves : one KaplanMeier, or {group name: KaplanMeier} (a ``Cohort.kaplan_meier(by=...)``
        result); one colour per group, in the dict's order.
    risk_table : draw the numbers at risk, events and censored (cumulative) per group below the
        curves, at ``times``, on the same x axis (survminer's counts, see
        ``KaplanMeier.risk_table``).
    band : shade each curve's pointwise band (its own level and conf_type; R's log band by
        default). ``+`` marks censoring times (left out for a curve with more than
        ``MAX_MARKS`` of them, thinned to that many, evenly spread, so they never hide the
        curve and its band; the table still counts them all).
    times : where the table is read and the x axis has its breaks (years, the curves' unit);
        the x axis ends at the last of them (curves are cut there). Default about six round
        numbers up to the last follow-up time.
    models : optional {name: SurvivalModel or Phenotype} drawn as dashed curves over the
        estimates, e.g. fitted or calibrated models, or ``alsprog.phenotype("als")``. A model
        named like a curve is that curve's model, drawn dashed in the curve's colour without
        a legend entry of its own (say so in the caption).
    time_label : the x axis title (say so if the data are not in years from onset).

    Returns a ggplot: x time, y "Survival probability" (0-100%); with the table, a second row
    of panels "Numbers" whose rows are labelled on the y axis.
    """
    named = _named(curves)
    models = {
        name: as_model(f"kaplan_meier_plot: models[{name!r}]", model)
        for name, model in ({} if models is None else dict(models)).items()
    }
    # A model named like a curve is that curve's model: dashed, in the curve's colour.
    matched = {name: m for name, m in models.items() if name in named}
    models = {name: m for name, m in models.items() if name not in named}
    t_last = max(float(curve.times[-1]) for curve in named.values())
    if times is None:
        at = np.asarray(breaks_extended(n=6)((0.0, t_last)), dtype=float)
        at = at[(at >= 0) & (at <= t_last * 1.0001)]
    else:
        at = np.unique(as_times(times, "kaplan_meier_plot times").ravel())
        if at.size == 0 or not np.isfinite(at).all():
            raise InputError(
                f"kaplan_meier_plot: times must be finite times >= 0, at least one (got {times!r})"
            )
    t_end = float(at.max()) if times is not None and at.max() > 0 else t_last
    names = list(named) + list(models)
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}
    dashes = {name: ("solid" if name in named else "dashed") for name in names}

    steps = pd.concat([_steps(n, c, t_end) for n, c in named.items()], ignore_index=True)
    marks = pd.concat([_censored(n, c, t_end) for n, c in named.items()], ignore_index=True)
    steps, marks = _ordered(steps, names), _ordered(marks, names)
    plot = ggplot(steps, aes("t", "survival", color="curve"))
    plot += geom_hline(
        _ordered(pd.DataFrame({"y": PROBABILITY_BREAKS, "panel": CURVE_PANEL}), names),
        aes(yintercept="y"),
        color="#e5e5e5",
        size=0.4,
    )
    if band:
        ribbons = pd.concat([_band(n, c, t_end) for n, c in named.items()], ignore_index=True)
        ribbons = _ordered(ribbons, names)
        plot += geom_ribbon(
            aes(x="t", ymin="lower", ymax="upper", fill="curve"),
            data=ribbons,
            inherit_aes=False,
            alpha=0.18,
            outline_type="full",
            size=0,
        )
    plot += geom_step(aes(linetype="curve"), direction="hv", size=0.8)
    if len(marks):
        plot += geom_point(data=marks, shape="+", size=3.5, stroke=0.8, show_legend=False)
    if models:
        lines = _ordered(_model_lines(models, t_end), names)
        plot += geom_line(lines, aes(linetype="curve"), size=0.8)
    if matched:
        own = _ordered(_model_lines(matched, t_end), names)
        plot += geom_line(own, linetype="dashed", size=0.6)

    limits = pd.DataFrame({"t": 0.0, "survival": [0.0, 1.0], "panel": CURVE_PANEL})
    labels = {float(b): f"{b:.0%}" for b in PROBABILITY_BREAKS}
    n_rows = 0
    if risk_table:
        table, row_labels = _table_rows(named, at)
        n_rows = len(row_labels)
        labels |= {float(y): text for y, text in row_labels.items()}
        table = _ordered(table, names)
        plot += geom_text(
            table, aes("t", "y", label="text", color="curve"), size=8.5, show_legend=False
        )
        blank = pd.DataFrame({"t": 0.0, "survival": [-0.4, -n_rows - 0.6], "panel": TABLE_PANEL})
        limits = pd.concat([limits, blank], ignore_index=True)
        plot += facet_grid(
            "panel ~ .", scales="free_y", space={"x": [1], "y": [6.0, 0.5 + 0.42 * n_rows]}
        )
    plot += geom_blank(_ordered(limits, names), aes("t", "survival"), inherit_aes=False)

    def y_breaks(limits: tuple[float, float]) -> list[float]:
        if limits[1] <= 0:  # the table's panel: one break per row
            return [y for y in labels if limits[0] <= y < 0]
        return list(PROBABILITY_BREAKS)

    plot += scale_y_continuous(
        breaks=y_breaks, labels=lambda ys: [labels.get(float(y), "") for y in ys], expand=(0.015, 0)
    )
    plot += scale_x_continuous(breaks=list(at), limits=(0.0, t_end), expand=(0.035, 0.0))
    plot += scale_color_manual(values=colours, breaks=names, name="")
    plot += scale_fill_manual(values=colours, breaks=list(named), name="")
    plot += scale_linetype_manual(values=dashes, breaks=names, name="")
    plot += guides(fill="none")
    # The y title sits on the left, as survminer puts it; the table's rows are named by their
    # own labels, so the facet strips are left out.
    plot += labs(x=time_label, y=SURVIVAL_LABEL, color="", linetype="", title=title)
    height = 4.6 + (0.28 * n_rows + 0.4 if risk_table else 0.0)
    plot += house_theme() + theme(
        figure_size=(8.0, height),
        panel_grid_major_y=element_blank(),
        panel_grid_minor=element_blank(),
        strip_background=element_blank(),
        strip_text_y=element_blank(),
        legend_position="bottom" if len(names) > 1 else "none",
        axis_text_y=element_text(size=9),
    )
    return plot
