"""Figures of a simulated cohort; each takes the Cohort's frames and returns a ggplot.

=============================  ==============================================================
plot                           what it shows
=============================  ==============================================================
``cohort_survival``            Kaplan-Meier by phenotype (with entry times) and model curves
``alsfrs_trajectories``        ALSFRS-R of a sample of patients and the mean by phenotype
``kings_stage_time``           mean months spent in each King's stage, by phenotype
=============================  ==============================================================

Tidy helpers build the frames: ``cohort_km_steps`` and ``kings_stage_durations``. Time is in
years from symptom onset.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from plotnine import (
    aes,
    geom_col,
    geom_line,
    geom_step,
    ggplot,
    labs,
    position_dodge,
    scale_color_manual,
    scale_y_continuous,
    theme,
)

from alsprog.errors import InputError
from alsprog.models.kaplan_meier import kaplan_meier
from alsprog.plots.style import (
    PALETTE,
    SURVIVAL_LABEL,
    TIME_LABEL,
    house_theme,
    in_order,
    probability_axis,
    require_columns,
    years_axis,
)
from alsprog.plots.survival import model_curves

if TYPE_CHECKING:
    from alsprog.models.base import SurvivalModel

KM_COLUMNS = ("phenotype", "time", "event", "entry_time")
STAGE_COLUMNS = (
    "phenotype",
    "death_time",
    "kings_stage_2_time",
    "kings_stage_3_time",
    "kings_stage_4_time",
)


def cohort_km_steps(patients: pd.DataFrame) -> pd.DataFrame:
    """Kaplan-Meier step points by phenotype, with entry times.

    Returns one row per phenotype and step: phenotype (str), t (years from onset), survival.
    """
    require_columns(patients, KM_COLUMNS, "cohort_km_steps: patients")
    frames = []
    for name, group in patients.groupby(patients["phenotype"].astype(str), sort=False):
        km = kaplan_meier(group["time"], group["event"], entry=group["entry_time"])
        t = np.concatenate([[0.0], km.times])
        frames.append(pd.DataFrame({"phenotype": name, "t": t, "survival": km.survival(t)}))
    return pd.concat(frames, ignore_index=True)


def cohort_survival(
    patients: pd.DataFrame,
    models: Mapping[str, SurvivalModel] | None = None,
    t_max: float = 15.0,
    title: str | None = None,
) -> ggplot:
    """Kaplan-Meier survival by phenotype (steps) with each phenotype's model (dashed).

    patients : ``Cohort.patients`` (columns phenotype, time, event, entry_time).
    models : ``Cohort.models`` (phenotype -> model), or None for the curves alone.
    t_max : years shown.

    Returns a ggplot: x "Years from symptom onset", y "Survival probability".
    """
    steps = cohort_km_steps(patients)
    steps = steps[steps["t"] <= t_max].assign(phenotype=lambda d: in_order(d["phenotype"]))
    names = list(steps["phenotype"].cat.categories)
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(names))]
    plot = ggplot(steps, aes("t", "survival", color="phenotype")) + geom_step(size=0.8)
    if models:
        curves = model_curves({k: models[k] for k in names if k in models}, t_max, 301)
        curves = curves.assign(phenotype=pd.Categorical(curves["model"], categories=names))
        plot += geom_line(data=curves, linetype="dashed", size=0.7)
    plot += scale_color_manual(values=colours, name="Phenotype")
    plot += years_axis(t_max, 5 if t_max > 12 else 1)
    plot += probability_axis()
    plot += labs(
        x=TIME_LABEL,
        y=SURVIVAL_LABEL,
        title=title or "Simulated survival (steps) and the calibrated models (dashed)",
    )
    return plot + house_theme() + theme(figure_size=(8.0, 5.0))


def alsfrs_trajectories(
    visits: pd.DataFrame,
    patients: pd.DataFrame,
    n_patients: int = 30,
    seed: int = 0,
    title: str | None = None,
) -> ggplot:
    """ALSFRS-R over time: thin lines for a random sample of patients, thick lines for the
    mean by phenotype at each visit time (rounded to the month).

    visits : ``Cohort.visits``; patients : ``Cohort.patients`` (for the phenotype).
    Returns a ggplot: x "Years from symptom onset", y "ALSFRS-R (0-48)".
    """
    require_columns(visits, ("patient_id", "time", "alsfrs_r"), "alsfrs_trajectories: visits")
    require_columns(patients, ("patient_id", "phenotype"), "alsfrs_trajectories: patients")
    if not isinstance(n_patients, int) or n_patients < 0:
        raise InputError(f"alsfrs_trajectories: n_patients must be >= 0 (got {n_patients!r})")
    data = visits[["patient_id", "time", "alsfrs_r"]].merge(
        patients[["patient_id", "phenotype"]].astype({"phenotype": str}), on="patient_id"
    )
    data = data.assign(phenotype=in_order(data["phenotype"]))
    ids = data["patient_id"].unique()
    chosen = np.random.default_rng(seed).choice(ids, size=min(n_patients, ids.size), replace=False)
    sample = data[data["patient_id"].isin(chosen)]
    mean = (
        data.assign(t=(data["time"] * 12).round() / 12)
        .groupby(["phenotype", "t"], observed=True)["alsfrs_r"]
        .agg(["mean", "size"])
        .reset_index()
    )
    mean = mean[mean["size"] >= 10]
    names = list(data["phenotype"].cat.categories)
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(names))]
    plot = (
        ggplot(sample, aes("time", "alsfrs_r", color="phenotype", group="patient_id"))
        + geom_line(alpha=0.35, size=0.4)
        + geom_line(aes("t", "mean", color="phenotype"), data=mean, inherit_aes=False, size=1.4)
        + scale_color_manual(values=colours, name="Phenotype")
        + scale_y_continuous(limits=(0, 48), breaks=range(0, 49, 12))
        + labs(
            x=TIME_LABEL,
            y="ALSFRS-R (0-48)",
            title=title or "ALSFRS-R: sampled patients and the mean by phenotype",
        )
    )
    return plot + house_theme() + theme(figure_size=(8.0, 5.0))


def kings_stage_durations(patients: pd.DataFrame) -> pd.DataFrame:
    """Mean months in each King's stage before death, by phenotype.

    A stage's time runs from reaching it to reaching the next stage (or death); a stage
    skipped takes 0 months. Death times are the true ones (censoring ignored).

    Returns one row per phenotype and stage: phenotype (str), stage ('1'..'4'), months.
    """
    require_columns(patients, STAGE_COLUMNS, "kings_stage_durations: patients")
    death = patients["death_time"].to_numpy()
    starts = [np.zeros(death.size)] + [
        np.fmin(patients[f"kings_stage_{k}_time"].to_numpy(), death) for k in (2, 3, 4)
    ]
    bounds = np.column_stack([*starts, death])
    bounds = np.minimum.accumulate(bounds[:, ::-1], axis=1)[:, ::-1]
    months = 12 * np.diff(bounds, axis=1)
    frame = pd.DataFrame(months, columns=["1", "2", "3", "4"])
    frame["phenotype"] = patients["phenotype"].astype(str).to_numpy()
    tidy = frame.melt(id_vars="phenotype", var_name="stage", value_name="months")
    return tidy.groupby(["phenotype", "stage"], sort=False)["months"].mean().reset_index()


def kings_stage_time(patients: pd.DataFrame, title: str | None = None) -> ggplot:
    """Bars of the mean months spent in King's stages 1-4, one colour per phenotype.

    patients : ``Cohort.patients``. Returns a ggplot: x "King's stage", y "Months (mean)".
    """
    data = kings_stage_durations(patients)
    data = data.assign(phenotype=in_order(data["phenotype"]))
    names = list(data["phenotype"].cat.categories)
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(names))]
    plot = (
        ggplot(data, aes("stage", "months", fill="phenotype"))
        + geom_col(position=position_dodge(width=0.8), width=0.75)
        + scale_color_manual(values=colours, name="Phenotype", aesthetics=["fill"])
        + labs(
            x="King's stage",
            y="Months in stage (mean)",
            title=title or "Time spent in each King's stage",
        )
    )
    return plot + house_theme() + theme(figure_size=(7.0, 4.5))
