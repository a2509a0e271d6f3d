"""Plots of one patient's outlook: functions that return plotnine ``ggplot`` objects.

Each plot takes a tidy DataFrame and returns a ggplot, unshown and unsaved (``report.py`` saves
them). The frames come from ``alsprog.prognosis`` (built in ``alsprog.report.prognosis_section``):

=============================  =========================  ==========================================
frame (built in)               plot (frame -> ggplot)     what it shows
=============================  =========================  ==========================================
``report_prognosis``           ``prognosis_curves``       patients' survival from today, 90% bands
``report_prognosis``           ``prognosis_factors``      median remaining survival by one factor
``alsfrs_r_course``            ``alsfrs_r_course_plot``   a patient's ALSFRS-R from today, its band
=============================  =========================  ==========================================

The theme, palette, percent labels and column checks are shared with ``alsprog.plots``. Time is
in years from today. plotnine is imported by the two plot modules only, never by ``import
alsprog``.
"""

from __future__ import annotations

import pandas as pd
from plotnine import (
    aes,
    facet_wrap,
    geom_hline,
    geom_line,
    geom_point,
    geom_ribbon,
    ggplot,
    labs,
    scale_color_manual,
    scale_fill_manual,
    scale_linetype_manual,
    scale_x_continuous,
    scale_y_continuous,
    theme,
)

from alsprog.plots.style import (
    PALETTE,
    house_theme,
    in_order,
    probability_axis,
    require_columns,
    years_axis,
)

FROM_NOW_LABEL = "Years from today"
ALIVE_LABEL = "Probability of being alive"
MEDIAN_REMAINING_LABEL = "Median remaining survival (years)"


def prognosis_curves(curves: pd.DataFrame, title: str | None = None) -> ggplot:
    """Survival from today of one or more patient profiles, each with its uncertainty band.

    curves : columns profile (str; panel order = first appearance, or the categories' order),
        years_from_now (years), survival, lower, upper (0-1; the band around survival), as in
        ``alsprog.prognosis(...).curve`` with a profile column added. One panel per profile;
        the dotted line marks 50%, where a curve crosses it is the median remaining survival.

    Returns a ggplot: x "Years from today", y "Probability of being alive" (0-100%).
    """
    require_columns(
        curves,
        ("profile", "years_from_now", "survival", "lower", "upper"),
        "prognosis_curves: curves",
    )
    data = curves.assign(profile=in_order(curves["profile"]))
    n_profiles = len(data["profile"].cat.categories)
    hues = [PALETTE[i] for i in (4, 5, 6, 3, 8, 1, 2, 9, 10)]  # no black or grey: bands
    colours = [hues[i % len(hues)] for i in range(n_profiles)]
    t_max = float(data["years_from_now"].max()) if len(data) else 10.0
    columns = min(n_profiles, 3) or 1
    return (
        ggplot(data, aes("years_from_now", "survival"))
        + geom_hline(yintercept=0.5, color="#777777", linetype="dotted")
        + geom_ribbon(aes(ymin="lower", ymax="upper", fill="profile"), alpha=0.25)
        + geom_line(aes(color="profile"), size=0.9)
        + facet_wrap("profile", ncol=columns)
        + scale_color_manual(values=colours, guide=None)
        + scale_fill_manual(values=colours, guide=None)
        + years_axis(t_max, _step(t_max))
        + probability_axis()
        + labs(x=FROM_NOW_LABEL, y=ALIVE_LABEL, title=title)
        + house_theme()
        + theme(figure_size=(9.0, 1.0 + 2.6 * -(-n_profiles // columns)))
    )


def prognosis_factors(table: pd.DataFrame, title: str | None = None) -> ggplot:
    """Median remaining survival as one prognostic factor moves, the others held fixed.

    table : columns factor (str; the panel heading, which should name the factor's unit, such
        as "Age at onset (years)"), value (the factor, in that unit), median_remaining_years;
        optional base (bool): the rows of the base profile, drawn as points. One panel per
        factor, each with its own x scale.

    Returns a ggplot: x "Value of the factor (unit in the panel heading)", y "Median remaining
    survival (years)".
    """
    require_columns(
        table, ("factor", "value", "median_remaining_years"), "prognosis_factors: table"
    )
    data = table.assign(factor=in_order(table["factor"]))
    plot = (
        ggplot(data, aes("value", "median_remaining_years"))
        + geom_line(color=PALETTE[4], size=0.9)
        + facet_wrap("factor", scales="free_x", ncol=2)
    )
    if "base" in data.columns:
        plot += geom_point(
            data=data[data["base"].astype(bool)], color=PALETTE[5], size=3, fill="white"
        )
    return (
        plot
        + scale_y_continuous(limits=(0, None), expand=(0, 0, 0.05, 0))  # type: ignore[arg-type]
        + labs(
            x="Value of the factor (unit in the panel heading)",
            y=MEDIAN_REMAINING_LABEL,
            title=title,
        )
        + house_theme()
        + theme(figure_size=(9.0, 4.0))
    )


def alsfrs_r_course_plot(
    course: pd.DataFrame, title: str | None = None, level: float = 0.8
) -> ggplot:
    """A patient's expected ALSFRS-R total from today: the median (line) and its band (shaded)
    among simulated patients like them who are alive then.

    course : columns months_from_now (months), alsfrs_r_median, alsfrs_r_lower,
        alsfrs_r_upper (0-48), as ``alsprog.alsfrs_r_course`` builds it; rows with no median
        (too few simulated patients alive) are left out.
    level : the band's central share, for the legend (0.8: 10th to 90th percentile).

    Returns a ggplot: x "Months from today", y "ALSFRS-R total (0-48)".
    """
    require_columns(
        course,
        ("months_from_now", "alsfrs_r_median", "alsfrs_r_lower", "alsfrs_r_upper"),
        "alsfrs_r_course_plot",
    )
    data = course.dropna(subset=["alsfrs_r_median", "alsfrs_r_lower", "alsfrs_r_upper"])
    months = float(course["months_from_now"].max()) if len(course) else 12.0
    tail = round(50 * (1 - level))
    band = f"{tail}th to {100 - tail}th percentile"
    return (
        ggplot(data, aes("months_from_now"))
        + geom_ribbon(
            aes(ymin="alsfrs_r_lower", ymax="alsfrs_r_upper", fill="'band'"),
            alpha=0.3,
            color="none",
        )
        + geom_line(aes(y="alsfrs_r_median", color="'median'"), size=0.9)
        + scale_fill_manual(values={"band": PALETTE[4]}, labels={"band": band}, name="")
        + scale_color_manual(values={"median": PALETTE[4]}, labels={"median": "median"}, name="")
        + scale_x_continuous(breaks=_month_breaks(months), limits=(0, months))
        + scale_y_continuous(limits=(0, 48), breaks=[0, 12, 24, 36, 48])
        + labs(x="Months from today", y="ALSFRS-R total (0-48)", title=title, fill="", color="")
        + house_theme()
        + theme(legend_position="bottom")
    )


def _month_breaks(months: float) -> list[int]:
    """Every 3, 6 or 12 months: about four to eight breaks."""
    step = next(s for s in (3, 6, 12, 24) if months / s <= 8)
    return list(range(0, int(months) + 1, step))


def alsfrs_r_projection_plot(projection: pd.DataFrame, title: str | None = None) -> ggplot:
    """The ALSFRS-R course from today: ``alsfrs_r_course_plot`` for a frame of
    ``alsprog.alsfrs_r_course`` (median and band); for the deprecated straight-line frame
    (months_from_now, alsfrs_r) of ``alsprog.disease.functional_course.alsfrs_r_projection``,
    its line.

    Returns a ggplot: x "Months from today", y "ALSFRS-R total (0-48)".
    """
    if "alsfrs_r_median" in getattr(projection, "columns", ()):
        return alsfrs_r_course_plot(projection, title)
    require_columns(projection, ("months_from_now", "alsfrs_r"), "alsfrs_r_projection_plot")
    months = float(projection["months_from_now"].max()) if len(projection) else 12.0
    return (
        ggplot(projection, aes("months_from_now", "alsfrs_r"))
        + geom_line(color=PALETTE[4], size=0.9)
        + geom_point(color=PALETTE[4], size=1.2)
        + scale_x_continuous(breaks=list(range(0, int(months) + 1, 3)), limits=(0, months))
        + scale_y_continuous(limits=(0, 48), breaks=[0, 12, 24, 36, 48])
        + labs(x="Months from today", y="ALSFRS-R total (0-48)", title=title)
        + house_theme()
    )


def prognosis_with_without(
    treated: pd.DataFrame, untreated: pd.DataFrame, treatment: str, title: str | None = None
) -> ggplot:
    """One patient's survival from today with a treatment (line and band) and without it
    (dashed line), in one panel.

    treated, untreated : ``alsprog.prognosis(...).curve`` frames (years_from_now, survival,
        lower, upper), with and without the treatment, on the same grid.
    treatment : its name, for the legend.

    Returns a ggplot: x "Years from today", y "Probability of being alive" (0-100%).
    """
    for name, frame in (("treated", treated), ("untreated", untreated)):
        require_columns(
            frame,
            ("years_from_now", "survival", "lower", "upper"),
            f"prognosis_with_without: {name}",
        )
    labels = [f"with {treatment}", "without treatment"]
    data = pd.concat(
        [treated.assign(arm=labels[0]), untreated.assign(arm=labels[1])], ignore_index=True
    )
    data["arm"] = pd.Categorical(data["arm"], categories=labels)
    colours = [PALETTE[4], PALETTE[0]]
    t_max = float(data["years_from_now"].max())
    return (
        ggplot(data, aes("years_from_now", "survival", color="arm", linetype="arm"))
        + geom_hline(yintercept=0.5, color="#777777", linetype="dotted")
        + geom_ribbon(
            aes(ymin="lower", ymax="upper"),
            data=data[data["arm"] == labels[0]],
            fill=colours[0],
            alpha=0.25,
            color="none",
            show_legend=False,
        )
        + geom_line(size=0.9)
        + scale_color_manual(values=colours, name="")
        + scale_linetype_manual(values=["solid", "dashed"], name="")
        + years_axis(t_max, _step(t_max))
        + probability_axis()
        + labs(x=FROM_NOW_LABEL, y=ALIVE_LABEL, title=title, color="", linetype="")
        + house_theme()
        + theme(legend_position="bottom")
    )


def _step(t_max: float) -> float:
    """Years between x-axis breaks: about five to eight breaks whatever the horizon."""
    return next((s for s in (1, 2, 5, 10, 20) if t_max / s <= 8), 20)
