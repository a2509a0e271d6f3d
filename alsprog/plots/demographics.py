"""Who is in a simulated cohort: age at symptom onset by sex, as a ggplot."""

from __future__ import annotations

import numpy as np
import pandas as pd
from plotnine import aes, geom_col, ggplot, labs, position_dodge, scale_fill_manual, theme

from alsprog.plots.style import PALETTE, house_theme, require_columns

SEX_LABELS = {"male": "men", "female": "women"}


def onset_age_counts(patients: pd.DataFrame, width_years: float = 5.0) -> pd.DataFrame:
    """Patients by sex and age-at-onset band.

    patients : columns sex ('male'/'female'), age_at_onset (years), as in ``Cohort.patients``.
    width_years : width of each age band (years).

    Returns one row per sex and band: sex ('men'/'women'), age_band_start (years),
    age_band_mid (years), patients (count), share (of the whole cohort, 0-1).
    """
    require_columns(patients, ("sex", "age_at_onset"), "onset_age_counts: patients")
    start = np.floor(patients["age_at_onset"].to_numpy() / width_years) * width_years
    frame = pd.DataFrame({"sex": patients["sex"].map(SEX_LABELS), "age_band_start": start})
    counts = (
        frame.groupby(["sex", "age_band_start"], observed=True)
        .size()
        .rename("patients")
        .reset_index()
    )
    counts["age_band_mid"] = counts["age_band_start"] + width_years / 2
    counts["share"] = counts["patients"] / len(patients)
    return counts[["sex", "age_band_start", "age_band_mid", "patients", "share"]]


def onset_age_by_sex(patients: pd.DataFrame, title: str | None = None) -> ggplot:
    """Bars of the share of patients by five-year band of age at onset, men and women side by
    side. Returns a ggplot: x "Age at symptom onset (years)", y "Share of patients"."""
    counts = onset_age_counts(patients)
    return (
        ggplot(counts, aes("age_band_mid", "share", fill="sex"))
        + geom_col(position=position_dodge(width=4.5), width=4.5)
        + scale_fill_manual(values=[PALETTE[4], PALETTE[1]], name="")
        + labs(x="Age at symptom onset (years)", y="Share of patients", title=title)
        + house_theme()
        + theme(figure_size=(7.5, 3.6))
    )
