"""The effect measures that need a disease course: ALSFRS-R differences and King's staging.

They come from cohort simulation (``alsprog.simulation.cohort.simulate_cohort``, imported lazily
so this folder does not need it to load). Treated and untreated cohorts are simulated with the
same seed, so they share every draw (common random numbers) and each measure is a mean of
paired differences, reported with its Monte Carlo standard error (SD of the pairs / sqrt(n)).

- ``alsfrs_r_difference`` at 24 and 48 weeks: patients enter at diagnosis, with visits every 12
  weeks from entry (weeks 24 and 48 are visits 2 and 4); mean treated-minus-untreated ALSFRS-R
  over the patients seen at that visit in both arms.
- ``months_gained_before_kings_stage_k`` (k = 2, 3, 4): patients from onset; mean extra months
  before reaching King's stage k or dying, whichever comes first (everyone has one of the two,
  so no patient drops out of the mean).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from alsprog.effects.core import Combined

WEEKS_PER_YEAR = 52.0
VISIT_WEEKS = 12.0  # visits every 12 weeks from entry: weeks 24 and 48 are visits 2 and 4
ALSFRS_WEEKS = (24.0, 48.0)
KINGS_STAGES = (2, 3, 4)


def _simulate(n: int, seed: int, phenotype: str, effect: Any, **options: Any) -> Any:
    from alsprog.simulation.cohort import simulate_cohort

    return simulate_cohort(n, seed, phenotype=phenotype, effect=effect, **options)


def _visit_months(weeks: float) -> float:
    return 12.0 * weeks / WEEKS_PER_YEAR


def _paired(values: np.ndarray) -> tuple[float, float]:
    values = values[np.isfinite(values)]
    if values.size < 2:
        return math.nan, math.nan
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(values.size))


def _visit_scores(visits: pd.DataFrame, weeks: float) -> pd.Series:
    """ALSFRS-R by patient at the visit ``weeks`` after entry."""
    at = np.isclose(visits["months_since_entry"].to_numpy(float), _visit_months(weeks), atol=1e-6)
    return visits.loc[at].set_index("patient_id")["alsfrs_r"].astype(float)


def alsfrs_r_rows(effect: Any, phenotype: str, seed: int, n: int) -> list[dict]:
    """The ALSFRS-R differences at 24 and 48 weeks after diagnosis (rows of the table)."""
    options = {"entry": "diagnosis", "visit_interval_months": _visit_months(VISIT_WEEKS)}
    control = _simulate(n, seed, phenotype, None, **options).visits
    treated = _simulate(n, seed, phenotype, effect, **options).visits
    rows = []
    for weeks in ALSFRS_WEEKS:
        a, b = _visit_scores(treated, weeks), _visit_scores(control, weeks)
        both = a.index.intersection(b.index)
        value, se = _paired((a[both] - b[both]).to_numpy())
        rows.append(_row("alsfrs_r_difference", weeks / WEEKS_PER_YEAR, value, "points", se))
    return rows


def staging_rows(effect: Any, phenotype: str, seed: int, n: int) -> list[dict]:
    """Months gained before King's stages 2, 3 and 4 (or death), from onset."""
    control = _simulate(n, seed, phenotype, None).patients
    treated = _simulate(n, seed, phenotype, effect).patients
    rows = []
    for stage in KINGS_STAGES:
        column = f"kings_stage_{stage}_time"

        def reached(p: pd.DataFrame, column: str = column) -> np.ndarray:
            return np.fmin(p[column].to_numpy(float), p["death_time"].to_numpy(float))

        value, se = _paired(12.0 * (reached(treated) - reached(control)))
        rows.append(
            _row(f"months_gained_before_kings_stage_{stage}", math.nan, value, "months", se)
        )
    return rows


def course_rows(effect: Any, phenotype: str, seed: int, n: int) -> list[dict]:
    """Every simulated measure, as rows with the translation table's columns."""
    return alsfrs_r_rows(effect, phenotype, seed, n) + staging_rows(effect, phenotype, seed, n)


def _row(measure: str, horizon: float, value: float, unit: str, se: float) -> dict:
    return {
        "measure": measure,
        "horizon_years": horizon,
        "value": value,
        "lower": math.nan,
        "upper": math.nan,
        "unit": unit,
        "monte_carlo_se": se,
    }


def selected_trial_difference(effect: Any, n: int, seed: int) -> tuple[float, float]:
    """Treated-minus-untreated ALSFRS-R change over 24 weeks of treatment in a population
    selected as the edaravone pivotal trial (MCI186-19) selected it (``data/effects.toml``,
    ``[edaravone] selection``): a 12-week observation period from diagnosis with an ALSFRS-R
    decline of 1 to 4 points, then at randomisation (12 weeks after diagnosis) within 2 years
    of onset, every item >= 2 and, standing in for FVC >= 80% (the simulation has no FVC;
    assumption), a full respiratory domain. Treatment starts at randomisation: the effect's
    slope reductions are moved to start 12 weeks after diagnosis. Returns (difference in
    points, its Monte Carlo standard error)."""
    from dataclasses import replace

    from alsprog.simulation.settings import ITEMS

    observation = VISIT_WEEKS / WEEKS_PER_YEAR
    moved = Combined(
        tuple(
            replace(c, start_years=observation, from_diagnosis=True)
            if c.kind == "slope_reduction"
            else c
            for c in effect.components
        )
    )
    options = {"entry": "diagnosis", "visit_interval_months": _visit_months(VISIT_WEEKS)}
    control_cohort = _simulate(n, seed, "als", None, **options)
    treated = _simulate(n, seed, "als", moved, **options).visits
    control, patients = control_cohort.visits, control_cohort.patients
    duration = patients.set_index("patient_id")["diagnosis_delay_months"] + _visit_months(12.0)
    at_entry = _visit_scores(control, 0.0)
    at_start = control[
        np.isclose(control["months_since_entry"].to_numpy(float), _visit_months(VISIT_WEEKS))
    ].set_index("patient_id")
    decline = (at_entry - at_start["alsfrs_r"]).dropna()
    eligible = at_start.index[
        (at_start[list(ITEMS)] >= 2).all(axis=1).to_numpy()
        & (at_start["respiratory"] == 12).to_numpy()
    ]
    chosen = (
        pd.Index(eligible)
        .intersection(decline.index[(decline >= 1) & (decline <= 4)])
        .intersection(duration.index[duration <= 24.0])
    )
    changes = [
        _visit_scores(v, VISIT_WEEKS + 24.0) - _visit_scores(v, VISIT_WEEKS)
        for v in (treated, control)
    ]
    both = chosen.intersection(changes[0].dropna().index).intersection(changes[1].dropna().index)
    return _paired((changes[0][both] - changes[1][both]).to_numpy())
