"""Figures of interventions: their effect on the functional course, and trial power."""

from __future__ import annotations

import pandas as pd
from plotnine import (
    aes,
    facet_wrap,
    geom_errorbar,
    geom_hline,
    geom_line,
    geom_point,
    ggplot,
    labs,
    scale_color_manual,
    scale_linetype_manual,
    scale_shape_manual,
    scale_y_continuous,
    theme,
)

from alsprog.plots.style import PALETTE, house_theme, in_order, percent_labels, require_columns


def alsfrs_r_by_arm(course: pd.DataFrame, title: str | None = None) -> ggplot:
    """Mean ALSFRS-R over months from diagnosis, one line per arm.

    course : columns arm (str), months_from_diagnosis (months), mean_alsfrs_r (0-48), as
        ``alsprog.report.interventions_section.mean_course`` builds it.

    Returns a ggplot: x "Months from diagnosis", y "Mean ALSFRS-R (0-48)".
    """
    require_columns(
        course, ("arm", "months_from_diagnosis", "mean_alsfrs_r"), "alsfrs_r_by_arm: course"
    )
    data = course.assign(arm=in_order(course["arm"]))
    return (
        ggplot(data, aes("months_from_diagnosis", "mean_alsfrs_r", color="arm"))
        + geom_line(size=1.0)
        + scale_color_manual(values=[PALETTE[0], PALETTE[5], PALETTE[4], PALETTE[3]], name="")
        + scale_y_continuous(limits=(0, 48), breaks=[0, 12, 24, 36, 48])
        + labs(x="Months from diagnosis", y="Mean ALSFRS-R (0-48)", title=title)
        + house_theme()
        + theme(figure_size=(7.0, 3.8))
    )


def power_by_size(curves: pd.DataFrame, title: str | None = None) -> ggplot:
    """Simulated power against patients per arm, one line per endpoint, one panel per
    intervention, with the 80% line; each point with its Monte Carlo 95% error bar when the
    frame has ``power_se``. Each endpoint has its own line type and point shape as well as
    colour, so lines that coincide (the log-rank test and the Cox model usually do) stay
    distinguishable: the later is drawn dashed over the earlier.

    curves : columns intervention, n_per_arm, endpoint, power (0-1) and optionally power_se,
        as ``alsprog.report.trials_section.power_curves`` builds it.

    Returns a ggplot: x "Patients per arm", y "Power".
    """
    require_columns(
        curves, ("intervention", "n_per_arm", "endpoint", "power"), "power_by_size: curves"
    )
    data = curves.assign(
        endpoint=in_order(curves["endpoint"]), intervention=in_order(curves["intervention"])
    )
    levels = len(data["endpoint"].cat.categories)
    plot = ggplot(data, aes("n_per_arm", "power", color="endpoint")) + geom_hline(
        yintercept=0.8, linetype="dashed", color="#777777"
    )
    if "power_se" in data.columns:
        bars = data.assign(
            low=(data["power"] - 1.96 * data["power_se"]).clip(0, 1),
            high=(data["power"] + 1.96 * data["power_se"]).clip(0, 1),
        )
        plot += geom_errorbar(aes(ymin="low", ymax="high"), data=bars, width=0, size=0.5, alpha=0.7)
    return (
        plot
        + geom_line(aes(linetype="endpoint"), size=0.9)
        + geom_point(aes(shape="endpoint"), size=2.0, fill="white")
        + facet_wrap("intervention", scales="free_x", ncol=2)
        + scale_color_manual(values=list(PALETTE[:levels]), name="")
        + scale_linetype_manual(values=list(LINETYPES[:levels]), name="")
        + scale_shape_manual(values=list(SHAPES[:levels]), name="")
        + scale_y_continuous(
            limits=(0, 1), breaks=[0, 0.2, 0.4, 0.6, 0.8, 1.0], labels=percent_labels
        )
        + labs(x="Patients per arm", y="Power", title=title, color="", linetype="", shape="")
        + house_theme()
        + theme(figure_size=(8.5, 4.0), legend_position="bottom")
    )


LINETYPES = ("solid", "dashed", "dotted", "dashdot", "solid", "dashed")
SHAPES = ("o", "^", "s", "D", "v", "x")
