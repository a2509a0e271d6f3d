"""Figures of an intervention's effect on the functional course."""

from __future__ import annotations

import pandas as pd
from plotnine import aes, geom_line, ggplot, labs, scale_color_manual, scale_y_continuous, theme

from alsprog.plots.style import PALETTE, house_theme, in_order, require_columns


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
