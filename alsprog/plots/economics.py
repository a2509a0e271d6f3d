"""Figures of the health-economic outputs; each takes a tidy frame from ``alsprog.outcomes``
and returns a ggplot.

=============================  ==============================================================
plot                           what it shows
=============================  ==============================================================
``stage_occupancy_plot``       P(in each stage, or dead) over time, stacked (``stage_occupancy``)
``ce_plane``                   incremental QALYs and costs per PSA draw against the comparator
``ceac_plot``                  acceptability curve: P(cost-effective) against willingness to pay
``evpi_plot``                  expected value of perfect information against willingness to pay
``markov_comparison_plot``     occupancy of the course beside a constant-rate Markov model's
``time_in_stage_plot``         expected years in each stage, stacked, per phenotype or strategy
=============================  ==============================================================
"""

from __future__ import annotations

import pandas as pd
from plotnine import (
    aes,
    coord_flip,
    facet_wrap,
    geom_abline,
    geom_area,
    geom_col,
    geom_hline,
    geom_line,
    geom_point,
    geom_vline,
    ggplot,
    labs,
    position_stack,
    scale_fill_manual,
)

from alsprog.errors import InputError
from alsprog.plots.style import PALETTE, house_theme, in_order, probability_axis, require_columns

WTP_LABEL = "Willingness to pay per QALY"


def stage_occupancy_plot(occupancy: pd.DataFrame) -> ggplot:
    """Stacked areas of P(stage at t); ``occupancy`` from ``alsprog.stage_occupancy``
    (columns staging, stage, t, value), t in years from entry."""
    require_columns(occupancy, ("staging", "stage", "t", "value"), "stage_occupancy_plot")
    frame = occupancy.assign(stage=in_order(occupancy["stage"]))
    staging = "King's" if frame["staging"].iloc[0] == "kings" else "MiToS"
    colours = [*PALETTE[1 : len(frame["stage"].cat.categories)], "#555555"]
    return (
        ggplot(frame, aes("t", "value", fill="stage"))
        + geom_area(position="stack", alpha=0.85)
        + scale_fill_manual(values=colours)
        + probability_axis()
        + labs(x="Years from entry", y="Share of patients", fill=f"{staging} stage")
        + house_theme()
    )


def ce_plane(draws: pd.DataFrame, comparator: str, wtp: float | None = None) -> ggplot:
    """Cost-effectiveness plane: each PSA draw's discounted incremental QALYs and costs of
    every strategy against ``comparator`` (``CostEffectiveness.draws``); ``wtp`` adds the
    threshold line through the origin."""
    require_columns(draws, ("draw", "strategy", "discounted_qalys", "discounted_costs"), "ce_plane")
    if comparator not in set(draws["strategy"]):
        raise InputError(f"ce_plane: comparator {comparator!r} is not a strategy in draws")
    base = draws[draws["strategy"] == comparator].set_index("draw")
    rows = draws[draws["strategy"] != comparator]
    frame = pd.DataFrame(  # each row against the comparator's row of the same draw
        {
            "strategy": rows["strategy"].to_numpy(),
            "delta_qalys": rows["discounted_qalys"].to_numpy()
            - rows["draw"].map(base["discounted_qalys"]).to_numpy(),
            "delta_costs": rows["discounted_costs"].to_numpy()
            - rows["draw"].map(base["discounted_costs"]).to_numpy(),
        }
    )
    plot = (
        ggplot(frame, aes("delta_qalys", "delta_costs", colour="strategy"))
        + geom_hline(yintercept=0, colour="#999999")
        + geom_vline(xintercept=0, colour="#999999")
        + geom_point(alpha=0.3, size=0.8)
        + labs(
            x=f"Incremental QALYs vs {comparator}",
            y=f"Incremental costs vs {comparator}",
            colour="Strategy",
        )
        + house_theme()
    )
    if wtp is not None:
        plot = plot + geom_abline(slope=float(wtp), intercept=0, linetype="dashed")
    return plot


def ceac_plot(curve: pd.DataFrame) -> ggplot:
    """Acceptability curves; ``curve`` from ``CostEffectiveness.ceac`` (wtp, strategy,
    probability)."""
    require_columns(curve, ("wtp", "strategy", "probability"), "ceac_plot")
    frame = curve.assign(strategy=in_order(curve["strategy"]))
    return (
        ggplot(frame, aes("wtp", "probability", colour="strategy"))
        + geom_line(size=1)
        + probability_axis()
        + labs(x=WTP_LABEL, y="Probability cost-effective", colour="Strategy")
        + house_theme()
    )


def evpi_plot(evpi: pd.DataFrame) -> ggplot:
    """EVPI per patient against willingness to pay; ``evpi`` from ``CostEffectiveness.evpi``."""
    require_columns(evpi, ("wtp", "evpi"), "evpi_plot")
    return (
        ggplot(evpi, aes("wtp", "evpi"))
        + geom_line(size=1)
        + labs(x=WTP_LABEL, y="EVPI per patient")
        + house_theme()
    )


def markov_comparison_plot(course: pd.DataFrame, markov: pd.DataFrame) -> ggplot:
    """P(in each stage, or dead) over time from the simulated course (solid) beside the
    constant-rate Markov model read off it (dashed), one panel per stage; both frames as
    ``alsprog.stage_occupancy`` and ``alsprog.markov_occupancy`` give them (staging, stage, t,
    value), t in years from entry. Where the lines part, constant rates misread the course."""
    columns = ("staging", "stage", "t", "value")
    require_columns(course, columns, "markov_comparison_plot course")
    require_columns(markov, columns, "markov_comparison_plot markov")
    frame = pd.concat(
        [
            course[list(columns)].assign(model="simulated course"),
            markov[list(columns)].assign(model="constant-rate Markov"),
        ],
        ignore_index=True,
    )
    frame["stage"] = in_order(frame["stage"])
    frame["model"] = pd.Categorical(
        frame["model"], categories=["simulated course", "constant-rate Markov"]
    )
    return (
        ggplot(frame, aes("t", "value", colour="model", linetype="model"))
        + geom_line(size=0.9)
        + facet_wrap("~stage", nrow=1)
        + probability_axis()
        + labs(x="Years from entry", y="Share of patients in the stage", colour="", linetype="")
        + house_theme()
    )


def time_in_stage_plot(stays: pd.DataFrame, group: str = "phenotype") -> ggplot:
    """Expected years in each stage, stacked per ``group`` (a column of ``stays``, e.g.
    phenotype or strategy): ``stays`` as ``alsprog.time_in_stage`` gives it (staging, stage,
    value in years) with that column added."""
    require_columns(stays, ("staging", "stage", "value", group), "time_in_stage_plot")
    frame = stays.assign(stage=in_order(stays["stage"]), **{group: in_order(stays[group])})
    staging = "King's" if frame["staging"].iloc[0] == "kings" else "MiToS"
    return (
        ggplot(frame, aes(group, "value", fill="stage"))
        + geom_col(position=position_stack(reverse=True))
        + coord_flip()
        + scale_fill_manual(values=list(PALETTE[1 : len(frame["stage"].cat.categories) + 1]))
        + labs(x="", y="Expected years in the stage", fill=f"{staging} stage")
        + house_theme()
    )
