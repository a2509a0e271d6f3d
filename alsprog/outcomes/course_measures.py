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
- ``selected_trial_difference``: the 24-week difference in a population found and selected as
  the edaravone pivotal trial found and selected it (the check of the edaravone preset).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from alsprog.interventions.core import at_enrolment

WEEKS_PER_52_WEEK_YEAR = (
    52.0  # the selection's weeks as years (12 weeks = 3 months), not 365.25 / 7
)
VISIT_WEEKS = 12.0  # visits every 12 weeks from entry: weeks 24 and 48 are visits 2 and 4
ALSFRS_WEEKS = (24.0, 48.0)
KINGS_STAGES = (2, 3, 4)
SELECTION_MAX_BLOCKS = 64  # candidate blocks tried before giving up


def _simulate(n: int, seed: int, phenotype: str, effect: Any, **options: Any) -> Any:
    from alsprog.simulation.cohort import simulate_cohort

    return simulate_cohort(n, seed, phenotype=phenotype, effect=effect, **options)


def _visit_months(weeks: float) -> float:
    return 12.0 * weeks / WEEKS_PER_52_WEEK_YEAR


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
        rows.append(
            _row("alsfrs_r_difference", weeks / WEEKS_PER_52_WEEK_YEAR, value, "points", se)
        )
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
    ``[edaravone] selection``).

    Patients are found as a trial finds them: each simulated ALS patient is screened at a
    time d uniform on the first 2 years from onset (so the pool is the prevalent one, each
    patient counted in proportion to the time spent in it), after a 12-week observation period
    (d - 12 weeks to d) begun after diagnosis. They enter when at screening (d - 12 weeks, the
    start of the observation period, where the trial checked its criteria) they are aged 20-75,
    every measured item is >= 2, the respiratory domain is full (12 of 12, standing in for FVC
    >= 80%: the simulation has no FVC; assumption) and their ALS is definite or probable by the
    revised El Escorial criteria (signs in at least two of the bulbar, fine motor and gross
    motor domains: ``course_moments.regions_with_signs``), the measured ALSFRS-R fell by 1 to 4
    points over the observation period and they are alive at d + 24 weeks (the rules:
    ``alsprog.simulation.trial_selection``). Treatment starts at d (the effect's start counts
    from d).
    Visits at d - 12, d, d + 12 and d + 24 weeks share their noise between the arms.

    Returns (mean difference in points over the patients alive at week 24, weighted to the
    trial's ages, and its Monte Carlo standard error); also see ``selected_trial_population``.
    """
    chosen = selected_trial_population(effect, n, seed)
    pairs = chosen["treated_change"].to_numpy() - chosen["control_change"].to_numpy()
    return weighted_mean(pairs, chosen["age_weight"].to_numpy())


def weighted_mean(values: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """The weighted mean of ``values`` and its standard error (sqrt(sum w^2 (x - mean)^2) /
    sum w, the sandwich form for fixed weights), over the finite values; nan for fewer than two
    (as ``_paired``)."""
    finite = np.isfinite(values)
    values, weights = values[finite], weights[finite]
    if values.size < 2:
        return math.nan, math.nan
    mean = float(np.average(values, weights=weights))
    se = math.sqrt(float(np.sum(weights**2 * (values - mean) ** 2))) / float(np.sum(weights))
    return mean, se


def selected_trial_population(effect: Any, n: int, seed: int) -> pd.DataFrame:
    """The first ``n`` patients of the MCI186-19-style selection (``selected_trial_difference``)
    with their measured ALSFRS-R totals: one row per patient, columns disease_duration_years
    (at d), before_observation and baseline (at d - 12 weeks and at d), control_change and
    treated_change (week 24 minus baseline, points), treated_baseline (the treated arm's
    ALSFRS-R at d: the same as baseline, since treatment starts there), regions_with_signs (El
    Escorial regions with signs at screening: 2 probable, 3 definite), age_at_screening
    (years) and age_weight (``trial_selection.trial_age_weights``: weighted means have the
    trial's ages)."""
    from dataclasses import replace

    from alsprog.simulation.blocks import make_block, plan
    from alsprog.simulation.course_moments import regions_with_signs
    from alsprog.simulation.patient_course import block_visits
    from alsprog.simulation.patients import PATIENTS_PER_BLOCK
    from alsprog.simulation.random_streams import selection_generator
    from alsprog.simulation.settings import ITEMS
    from alsprog.simulation.study_designs import designs
    from alsprog.simulation.trial_selection import (
        trial_age_weights,
        trial_candidates,
        trial_eligible,
    )

    # MCI186-19's design (data/course_measures.toml [mci186_19]): visits every observation
    # period (12 weeks), so one falls at d and the endpoint (24 weeks) is the last of them
    trial = designs().mci186_19
    observation = trial.observation_weeks / WEEKS_PER_52_WEEK_YEAR
    periods = round(trial.endpoint_weeks / trial.observation_weeks)
    count = periods + 2  # d - 12 weeks, d, then one visit per period up to the endpoint
    interval_months = _visit_months(trial.observation_weeks)
    control_plan = plan(
        PATIENTS_PER_BLOCK, seed, entry="onset", visit_interval_months=interval_months
    )
    treated_plan = replace(control_plan, parts=at_enrolment(effect))  # from d on

    def visits(block, rows, start):  # d - 12, d, d + 12, d + 24 weeks
        return block_visits(
            block.course,
            rows,
            rows,
            start[rows],
            start[rows] + (periods + 1) * observation,
            np.zeros(rows.size, dtype=bool),
            interval_months,
            block.key,
            control_plan.settings.visit_noise_sd,
            control_plan.course,
        )

    frames, found, index = [], 0, 0
    while found < n:
        if index >= SELECTION_MAX_BLOCKS:
            raise RuntimeError("selected_trial_population: too few patients met the criteria")
        rng = selection_generator(seed, index)
        screen = trial.disease_duration_max_years * rng.random(PATIENTS_PER_BLOCK)
        start = screen - observation
        control = make_block(control_plan, index, PATIENTS_PER_BLOCK, 1, PATIENTS_PER_BLOCK)
        p = control.patients
        ages = p["age_at_onset"].to_numpy(float) + start
        rows = np.flatnonzero(
            trial_candidates(
                ages,
                p["diagnosis_time"].to_numpy(),
                start,
                screen + periods * observation,
                p["death_time"].to_numpy(),
            )
        )
        seen = visits(control, rows, start)
        at_screen = seen.iloc[0::count]  # the trial's criteria hold at screening (d - 12 weeks)
        totals = seen["alsfrs_r"].to_numpy(float).reshape(rows.size, count)
        regions = regions_with_signs(control.course.course.take(rows), start[rows])
        ok = trial_eligible(at_screen[list(ITEMS)].to_numpy(), totals, regions)
        rows, totals, regions, age = rows[ok], totals[ok], regions[ok], ages[rows][ok]
        treated_block = make_block(
            treated_plan, index, PATIENTS_PER_BLOCK, 1, PATIENTS_PER_BLOCK, reference=screen
        )
        treated = visits(treated_block, rows, start)["alsfrs_r"].to_numpy(float)
        treated = treated.reshape(rows.size, count)
        frames.append(
            pd.DataFrame(
                {
                    "disease_duration_years": screen[rows],
                    "before_observation": totals[:, 0],
                    "baseline": totals[:, 1],
                    "control_change": totals[:, -1] - totals[:, 1],
                    "treated_change": treated[:, -1] - treated[:, 1],
                    "treated_baseline": treated[:, 1],
                    "regions_with_signs": regions,
                    "age_at_screening": age,
                }
            )
        )
        found += rows.size
        index += 1
    chosen = pd.concat(frames, ignore_index=True).iloc[:n].copy()
    chosen["age_weight"] = trial_age_weights(chosen["age_at_screening"].to_numpy())
    return chosen
