"""The patient card's ALSFRS-R course: read off the simulated course, drawn with its band.

``card_course`` runs ``alsprog.alsfrs_r_course`` for a ``prognosis`` result's profile;
``course_parts`` turns its frame into the card's figure (PNG), caption and number box.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alsprog.disease.prognosis import Prognosis
from alsprog.errors import InputError
from alsprog.interventions.presets import PRESETS
from alsprog.outcomes.projection import COLUMNS, course_for_prognosis
from alsprog.report.page import png_bytes

COURSE_MONTHS = 24.0  # the card's ALSFRS-R course reaches two years ahead
NO_COURSE = (
    "No ALSFRS-R course is shown: too few simulated patients with this profile are alive "
    "today to read one off."
)


def card_course(outlook: Prognosis) -> pd.DataFrame:
    """The card's ALSFRS-R course for the outlook's profile (``alsprog.alsfrs_r_course``, 24
    months ahead, seed 0); a treatment that is not a preset's name is left out of it."""
    treatment = outlook.inputs.get("treatment")
    return course_for_prognosis(
        outlook, months=COURSE_MONTHS, treatment=treatment if treatment in PRESETS else None
    )


def course_parts(
    course: pd.DataFrame, inputs: dict
) -> tuple[bytes | None, str, tuple[str, str] | None]:
    """The course figure as PNG bytes (None when too few simulated patients are alive today
    to draw it), its caption (or the sentence saying why there is none) and the card's number
    box for 12 months ahead (label, value; None without that row)."""
    from plotnine import theme

    from alsprog import plots

    missing = [c for c in COLUMNS if c not in getattr(course, "columns", ())]
    if missing:
        raise InputError(
            f"patient card: course lacks {', '.join(missing)}; pass alsprog.alsfrs_r_course's "
            "frame (or leave course out)"
        )
    shown = course.dropna(subset=["alsfrs_r_median"])
    if len(shown) < 2:
        return None, NO_COURSE, None
    end = float(shown["months_from_now"].iloc[-1])
    like = "this profile" + (" and today's score" if inputs.get("alsfrs_r") is not None else "")
    year = shown[np.isclose(shown["months_from_now"], 12.0)]
    box = None
    if len(year):
        row = year.iloc[0]
        box = (
            "ALSFRS-R in 1 year, median (10th-90th)",
            f"{row['alsfrs_r_median']:.0f} ({row['alsfrs_r_lower']:.0f}-"
            f"{row['alsfrs_r_upper']:.0f})",
        )
    caption = (
        f"ALSFRS-R total over the next {end:.0f} months among simulated patients with {like} "
        "who are alive then: median (line) and 10th to 90th percentile (shaded); later months "
        "describe only the survivors. Read off the model's simulated course, not a straight "
        "line."
    )
    png = png_bytes(plots.alsfrs_r_course_plot(course) + theme(figure_size=(5.0, 2.8)))
    return png, caption, box
