"""Figures of interventions: their effect on the functional course, and trial power."""

from __future__ import annotations

import pandas as pd
from plotnine import (
    aes,
    facet_wrap,
    geom_hline,
    geom_line,
    geom_point,
    ggplot,
    labs,
    scale_color_manual,
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
    intervention, with the 80% line.

    curves : columns intervention, n_per_arm, endpoint, power (0-1), as
        ``alsprog.report.trials_section.power_curves`` builds it.

    Returns a ggplot: x "Patients per arm", y "Power".
    """
    require_columns(
        curves, ("intervention", "n_per_arm", "endpoint", "power"), "power_by_size: curves"
    )
    data = curves.assign(
        endpoint=in_order(curves["endpoint"]), intervention=in_order(curves["intervention"])
    )
    return (
        ggplot(data, aes("n_per_arm", "power", color="endpoint"))
        + geom_hline(yintercept=0.8, linetype="dashed", color="#777777")
        + geom_line(size=0.9)
        + geom_point(size=1.8)
        + facet_wrap("intervention", scales="free_x")
        + scale_color_manual(values=list(PALETTE[:6]), name="")
        + scale_y_continuous(
            limits=(0, 1), breaks=[0, 0.2, 0.4, 0.6, 0.8, 1.0], labels=percent_labels
        )
        + labs(x="Patients per arm", y="Power", title=title)
        + house_theme()
        + theme(figure_size=(8.5, 4.0))
    )
