"""Figures of the disease course against published figures; each returns a ggplot.

=============================  ==============================================================
plot                           what it shows
=============================  ==============================================================
``calibration_z_plot``         each course target's z score (simulated minus published, over
                               its SE), with the band of two standard errors
``patient_trajectories``       ALSFRS-R of a few simulated patients, one line each, from
                               their first visit to their last
=============================  ==============================================================
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from plotnine import (
    aes,
    annotate,
    element_text,
    geom_line,
    geom_point,
    geom_vline,
    ggplot,
    labs,
    scale_color_manual,
    scale_shape_manual,
    scale_x_continuous,
    scale_y_continuous,
    theme,
)

from alsprog.errors import InputError
from alsprog.plots.style import PALETTE, TIME_LABEL, house_theme, require_columns

Z_LIMIT = 6.0  # z beyond this is drawn at the edge of the axis, as a triangle
Z_COLUMNS = ("label", "z", "fitted")
LABEL_WIDTH = 60  # characters a target's label is wrapped at, so the panel keeps its width
PRINT_ASPECT = 1.4  # height over width at most, so a printed A4 page holds the figure whole


def calibration_z_plot(table: pd.DataFrame, title: str | None = None) -> ggplot:
    """One dot per target at its z = (simulated - published) / SE, the band |z| <= 2 shaded.

    table : one row per target, top to bottom as given: label (the target in words), z
        (dimensionless), fitted (bool: the calibration fitted it, or it is shown beside).
    Returns a ggplot: x "z (simulated minus published, in standard errors)", y the targets.
    z beyond +-6 is drawn at +-6 as a triangle; labels longer than ``LABEL_WIDTH`` characters
    are wrapped over two or more lines.
    """
    require_columns(table, Z_COLUMNS, "calibration_z_plot: table")
    if table["label"].duplicated().any():
        raise InputError("calibration_z_plot: labels repeat; give each target its own label")
    z = table["z"].astype(float).to_numpy()
    labels = [textwrap.fill(label, LABEL_WIDTH) for label in table["label"].astype(str)]
    data = pd.DataFrame(
        {
            "row": np.arange(len(labels), 0, -1, dtype=float),  # the first target on top
            "z": np.clip(np.nan_to_num(z, nan=0.0), -Z_LIMIT, Z_LIMIT),
            "fitted": np.where(table["fitted"].astype(bool), "fitted", "shown, not fitted"),
            "where": np.where(np.abs(z) > Z_LIMIT, "beyond the axis", "on the axis"),
        }
    )
    data = data[np.isfinite(z)]
    n = len(labels)
    plot = (
        ggplot(data, aes("z", "row", color="fitted", shape="where"))
        + annotate("rect", xmin=-2, xmax=2, ymin=0.4, ymax=n + 0.6, fill="#56B4E9", alpha=0.18)
        + geom_vline(xintercept=0, linetype="dashed", color="#666666")
        + geom_point(size=2.8)
        + scale_color_manual(
            values={"fitted": PALETTE[0], "shown, not fitted": PALETTE[5]}, name=""
        )
        + scale_shape_manual(values={"on the axis": "o", "beyond the axis": ">"}, guide=None)
        + scale_x_continuous(limits=(-Z_LIMIT, Z_LIMIT), breaks=list(range(-6, 7, 2)))
        + scale_y_continuous(
            breaks=[float(k) for k in range(n, 0, -1)], labels=labels, limits=(0.4, n + 0.6)
        )
        + labs(
            x="z (simulated minus published, in standard errors)",
            y="",
            color="",
            title=title or "Each target: simulated against published",
        )
    )
    lines = max(label.count("\n") + 1 for label in labels)
    row_inches = max(0.28, 0.12 * lines + 0.06)  # every row as tall as the longest label
    height = row_inches * n + 2.0
    return (
        plot
        + house_theme()
        + theme(
            figure_size=(max(8.5, height / PRINT_ASPECT), height),
            axis_text_y=element_text(ha="right"),
        )
    )


def patient_trajectories(
    visits: pd.DataFrame,
    patients: pd.DataFrame,
    n_patients: int = 20,
    seed: int = 0,
    title: str | None = None,
) -> ggplot:
    """ALSFRS-R at each visit of ``n_patients`` patients drawn at random (one line each); a
    cross marks the last visit of those who died during follow-up.

    visits : ``Cohort.visits`` (patient_id, time in years from onset, alsfrs_r).
    patients : ``Cohort.patients`` (patient_id, event: 1 for a death).
    Returns a ggplot: x "Years from symptom onset", y "ALSFRS-R (0-48)".
    """
    require_columns(visits, ("patient_id", "time", "alsfrs_r"), "patient_trajectories: visits")
    require_columns(patients, ("patient_id", "event"), "patient_trajectories: patients")
    if isinstance(n_patients, bool) or not isinstance(n_patients, int) or n_patients < 1:
        raise InputError(
            f"patient_trajectories: n_patients must be a whole number >= 1 (got {n_patients!r})"
        )
    ids = visits["patient_id"].unique()
    chosen = np.random.default_rng(seed).choice(ids, size=min(n_patients, ids.size), replace=False)
    sample = visits.loc[visits["patient_id"].isin(chosen), ["patient_id", "time", "alsfrs_r"]]
    sample = sample.sort_values(["patient_id", "time"])
    died = set(patients.loc[patients["event"] == 1, "patient_id"])
    last = sample.groupby("patient_id").tail(1)
    last = last[last["patient_id"].isin(died)]
    plot = (
        ggplot(sample, aes("time", "alsfrs_r", group="patient_id"))
        + geom_line(color=PALETTE[4], alpha=0.7, size=0.6)
        + geom_point(data=last, shape="x", size=3, color=PALETTE[5])
        + scale_y_continuous(limits=(0, 48), breaks=range(0, 49, 12))
        + labs(
            x=TIME_LABEL,
            y="ALSFRS-R (0-48)",
            title=title or f"ALSFRS-R of {len(chosen)} simulated patients",
        )
    )
    return plot + house_theme() + theme(figure_size=(8.0, 4.5))
