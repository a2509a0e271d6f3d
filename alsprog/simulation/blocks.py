"""A cohort as a sequence of fixed blocks: each block's patients table and what its visits
need. Shared by ``simulate_cohort`` (in memory) and ``stream`` (to files)."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from functools import cache, cached_property
from typing import Any

import numpy as np
import pandas as pd

from alsprog.errors import InputError, is_real, is_whole
from alsprog.estimation.regression_model import RegressionModel
from alsprog.models.base import SurvivalModel
from alsprog.population.lifetable import DEFAULT_TABLE, SEXES
from alsprog.simulation.patient_course import (
    PatientCourse,
    Uptake,
    block_visits,
    build,
    domain_scores,
    effect_components,
    resolve_uptake,
    total_score,
)
from alsprog.simulation.patients import PATIENTS_PER_BLOCK, draw_block
from alsprog.simulation.progression_settings import ProgressionSettings
from alsprog.simulation.sampler import CourseDraws
from alsprog.simulation.settings import SITES, default_visit_interval_months
from alsprog.simulation.staging import MILESTONE_COLUMNS
from alsprog.simulation.subgroups import CohortSettings, Subgroup, resolve_subgroups
from alsprog.simulation.uptake import STAGINGS

PATIENT_COLUMNS = (
    "patient_id",
    "sex",
    "age_at_onset",
    "phenotype",
    "onset_site",
    "diagnosis_delay_months",
    "diagnosis_time",
    "progression_rate",
    "alsfrs_r_at_diagnosis",
    "death_time",
    "death_cause",
    "entry_time",
    "time",
    "event",
    *MILESTONE_COLUMNS,
)
VISIT_INPUTS = ("patient_id", "entry_time", "time", "event")  # the columns Block.visits reads
ENTRIES = ("onset", "diagnosis")
CAUSES = ("disease", "other")
EMPTY_BLOCKS = 4  # with entry at diagnosis, give up after this many blocks without an entrant
FIRST_TRY, FIRST_EXTRA = 1.5, 64  # entry at diagnosis: patients made first per entrant needed
THREADS = min(2, os.cpu_count() or 1)  # blocks made at once in memory (see ``blocks``)


@dataclass(frozen=True)
class Plan:
    """A checked cohort request: everything a block needs."""

    n: int
    seed: int
    subgroups: tuple[Subgroup, ...]
    entry: str
    followup_years: float
    dropout_per_year: float
    visit_interval_months: float
    correlation: float
    parts: tuple
    settings: CohortSettings
    course: ProgressionSettings
    uptake: Uptake
    stagings: tuple[str, ...] = STAGINGS  # whose stage times are found (the others NaN)
    scores_at_diagnosis: bool = True  # False: alsfrs_r_at_diagnosis NaN, not computed


@dataclass(frozen=True)
class Block:
    """One block's patients and its visit inputs.

    columns : the patients table as arrays, PATIENT_COLUMNS; the categorical columns
        (``categories``) as codes. ``patients`` is the DataFrame, made on first use. The
        arrays may be the block's draws themselves: read them, do not write to them.
    """

    index: int
    columns: dict[str, np.ndarray]
    categories: dict[str, tuple[str, ...]]
    course: PatientCourse
    rows: np.ndarray  # positions in the block of the patients kept
    key: int
    drawn: int

    @cached_property
    def patients(self) -> pd.DataFrame:
        """The block's patients table (PATIENT_COLUMNS)."""
        return patients_frame(self.columns, self.categories)

    def visits(self, plan: Plan) -> pd.DataFrame:
        c = self.columns
        return block_visits(
            self.course,
            self.rows,
            c["patient_id"],
            c["entry_time"],
            c["time"],
            c["event"] == 1,
            plan.visit_interval_months,
            self.key,
            plan.settings.visit_noise_sd,
            plan.course,
        )


def patients_frame(columns: dict[str, np.ndarray], categories: dict) -> pd.DataFrame:
    """The patients table (PATIENT_COLUMNS) on the arrays ``columns`` (not copied), the
    ``categories`` columns made categorical from their codes."""
    frame = {
        name: pd.Categorical.from_codes(
            columns[name], dtype=_dtype(categories[name]), validate=False
        )
        if name in categories
        else columns[name]
        for name in (*PATIENT_COLUMNS, *(c for c in columns if c not in PATIENT_COLUMNS))
    }
    return pd.DataFrame(frame, copy=False)


@cache
def _dtype(categories: tuple[str, ...]) -> pd.CategoricalDtype:
    """The categorical dtype of a coded column (made once: the codes are the package's own,
    always in range, so they are not checked again)."""
    return pd.CategoricalDtype(list(categories))


def collect(p: Plan) -> tuple[pd.DataFrame, tuple[Block, ...]]:
    """The cohort's patients table and its blocks, made one block at a time.

    Each block's columns are copied into the table's arrays as soon as it is made, and the
    block kept holds views of them (copies of what its visits read, which a change to the
    table must not move): the table is written once, and no block's own copy outlives it (a
    DataFrame per block and ``pd.concat`` cost several times as much).
    """
    table: dict[str, np.ndarray] = {}
    kept, start = [], 0
    for block in blocks(p, THREADS):
        stop = start + block.rows.size
        for name, values in block.columns.items():
            if name not in table:
                table[name] = np.empty(p.n, dtype=values.dtype)
            table[name][start:stop] = values
        columns = {name: table[name][start:stop] for name in table}
        columns.update({name: block.columns[name] for name in VISIT_INPUTS})
        kept.append(replace(block, columns=columns))
        start = stop
    return patients_frame(table, kept[0].categories), tuple(kept)


def plan(
    n: int,
    seed: int,
    *,
    phenotype: object = "als",
    model: SurvivalModel | RegressionModel | None = None,
    entry: str = "onset",
    followup_years: float | None = None,
    dropout_per_year: float = 0.0,
    visit_interval_months: float | None = None,
    copula_correlation: float | None = None,
    background=DEFAULT_TABLE,
    effect: object = None,
    covariates: object = None,
    course: object = None,
    uptake: object = None,
) -> Plan:
    """Check a cohort request (one-line InputError naming the argument) and resolve it."""
    if not is_whole(n) or n < 1:
        raise InputError(f"simulate_cohort n: {n!r} is not a whole number >= 1; pass n >= 1")
    if not is_whole(seed) or seed < 0:
        raise InputError(f"simulate_cohort seed: {seed!r} is not a whole number >= 0")
    if entry not in ENTRIES:
        raise InputError(f"simulate_cohort entry {entry!r} is unknown; use 'onset' or 'diagnosis'")
    followup = math.inf if followup_years is None else _number("followup_years", followup_years)
    if not followup >= 0:
        raise InputError(
            f"simulate_cohort followup_years: {followup_years!r} is negative; pass years >= 0 "
            "or None for no administrative end"
        )
    dropout = _number("dropout_per_year", dropout_per_year)
    if not (math.isfinite(dropout) and dropout >= 0):
        raise InputError(
            f"simulate_cohort dropout_per_year: {dropout_per_year!r} must be a finite rate >= 0 "
            "(losses to follow-up per person-year)"
        )
    interval = (
        default_visit_interval_months()
        if visit_interval_months is None
        else _number("visit_interval_months", visit_interval_months)
    )
    if not (math.isfinite(interval) and interval > 0):
        raise InputError(
            f"simulate_cohort visit_interval_months: {visit_interval_months!r} must be above 0; "
            "pass e.g. 3 for quarterly visits"
        )
    settings = CohortSettings.default()
    if course is None:
        course = ProgressionSettings.default()
    if not isinstance(course, ProgressionSettings):
        raise InputError(
            f"simulate_cohort course: {type(course).__name__} is not course settings; pass "
            "alsprog.calibrate_course(...).settings or None for the shipped ones"
        )
    taken = resolve_uptake(course, uptake)
    rho = course.copula_correlation if copula_correlation is None else copula_correlation
    rho = _number("copula_correlation", rho)
    if not -1 < rho < 1:
        raise InputError(
            f"simulate_cohort copula_correlation: {copula_correlation!r} is outside (-1, 1); "
            "pass a correlation strictly between -1 and 1"
        )
    parts = effect_components(effect)
    subgroups = resolve_subgroups(phenotype, model, background, settings, covariates, course)
    return Plan(
        int(n),
        int(seed),
        subgroups,
        entry,
        followup,
        dropout,
        interval,
        rho,
        parts,
        settings,
        course,
        taken,
    )


def _first(draws: CourseDraws, count: int) -> CourseDraws:
    """The first ``count`` patients of ``draws``."""
    cut: dict[str, Any] = {
        f.name: {name: v[:count] for name, v in value.items()}
        if isinstance(value := getattr(draws, f.name), dict)
        else value[:count]
        for f in fields(draws)
    }
    return CourseDraws(**cut)


def _number(name: str, value: object) -> float:
    if not is_real(value):
        raise InputError(f"simulate_cohort {name}: {value!r} is not a number")
    if math.isnan(value):
        raise InputError(f"simulate_cohort {name}: NaN; pass a number")
    return float(value)


def blocks(p: Plan, threads: int = 1) -> Iterator[Block]:
    """The cohort's blocks in order; the last is cut so that exactly n patients enter.

    ``threads`` > 1 makes blocks of a cohort entering at onset that many at a time (numpy
    releases the GIL in its loops, so two threads take about 0.7 of the time on two cores).
    Every block comes from its own streams, so the blocks are the same whatever the threads.
    With entry at diagnosis a block's size depends on the blocks before it: made one by one.
    """
    if threads > 1 and p.entry == "onset" and p.n > PATIENTS_PER_BLOCK:  # one block: no thread
        starts = range(0, p.n, PATIENTS_PER_BLOCK)
        with ThreadPoolExecutor(threads) as pool:
            yield from pool.map(
                lambda start: make_block(
                    p,
                    start // PATIENTS_PER_BLOCK,
                    min(PATIENTS_PER_BLOCK, p.n - start),
                    start + 1,
                    p.n - start,
                ),
                starts,
            )
        return
    entered, index = 0, 0
    while entered < p.n:
        size = min(PATIENTS_PER_BLOCK, p.n - entered) if p.entry == "onset" else PATIENTS_PER_BLOCK
        block = make_block(p, index, size, first_id=entered + 1, keep_at_most=p.n - entered)
        entered += block.rows.size
        index += 1
        if entered == 0 and index >= EMPTY_BLOCKS:
            raise InputError(
                f"simulate_cohort: nobody of {index * PATIENTS_PER_BLOCK:,} patients drawn was "
                "alive at diagnosis; use entry='onset'"
            )
        yield block


def make_block(
    p: Plan, index: int, size: int, first_id: int, keep_at_most: int, reference=None
) -> Block:
    """Block ``index`` cut to its first ``size`` patients. ``reference`` (optional, one time
    per patient, years from onset) is what ``from_diagnosis`` effects count from instead of
    each diagnosis (see ``draw_block``); trials pass each candidate's enrolment.

    With entry at diagnosis and fewer entrants needed than the block holds, the first
    ``FIRST_TRY`` times as many patients are made first (a patient's draws and course do not
    depend on how many are made), and the whole block only if they hold too few entrants.
    """
    if p.entry == "diagnosis" and keep_at_most < size:
        first = min(size, math.ceil(FIRST_TRY * keep_at_most) + FIRST_EXTRA)
        if first < size:
            cut = None if reference is None else reference[:first]
            block = _made(p, index, first, first_id, keep_at_most, cut)
            if block.rows.size == keep_at_most:
                return block
    return _made(p, index, size, first_id, keep_at_most, reference)


def _made(
    p: Plan, index: int, size: int, first_id: int, keep_at_most: int, reference=None
) -> Block:
    draws = draw_block(
        p.subgroups, p.seed, index, size, p.course, p.correlation, p.parts, reference
    )
    disease, other = draws.disease_time, draws.other_time
    death = np.minimum(disease, other)
    latent_dx = draws.latent_diagnosis_time
    diagnosed = latent_dx < death
    rows = np.arange(size)
    if p.entry == "diagnosis":
        rows = rows[diagnosed][:keep_at_most]
    # with entry at diagnosis, the draws after the last patient needed were not needed: their
    # courses are not built (each patient's course is their own, so the others' are the same)
    drawn = size if rows.size < keep_at_most or not rows.size else int(rows[-1]) + 1
    built = draws.course if drawn == size else _first(draws.course, drawn)
    cut = None if reference is None else reference[:drawn]
    course = build(built, p.uptake, p.parts, cut, stagings=p.stagings)
    keep = rows if p.entry == "diagnosis" else slice(None)  # everyone: no copies
    entry = latent_dx[keep] if p.entry == "diagnosis" else np.zeros(rows.size)
    end = entry + p.followup_years
    with np.errstate(divide="ignore"):
        dropout = entry + draws.e_dropout[keep] / p.dropout_per_year
    censor = np.minimum(end, dropout)
    died = death[keep] <= censor
    alsfrs_dx = np.full(rows.size, np.nan)
    if p.scores_at_diagnosis:
        dx_scores = course.observed(np.where(diagnosed, latent_dx, 0.0)[:drawn])  # everyone's
        alsfrs_dx = np.where(diagnosed[:drawn], total_score(domain_scores(dx_scores)), np.nan)[keep]
    milestones = course.milestones(death[:drawn])
    columns = {
        "patient_id": np.arange(first_id, first_id + rows.size, dtype=np.int64),
        "sex": draws.sex[keep],
        "age_at_onset": draws.age_at_onset[keep],
        "phenotype": draws.phenotype[keep],
        "onset_site": draws.onset_site[keep],
        "diagnosis_delay_months": draws.diagnosis_delay_months[keep],
        "diagnosis_time": np.where(diagnosed, latent_dx, np.nan)[keep],
        "progression_rate": course.course.rate[keep],
        "alsfrs_r_at_diagnosis": alsfrs_dx,
        "death_time": death[keep],
        "death_cause": (disease > other)[keep].astype(np.int8),
        "entry_time": entry,
        "time": np.where(died, death[keep], censor),
        "event": died.astype(np.int64),
    }
    columns.update({name: milestones[name][keep] for name in MILESTONE_COLUMNS})
    if draws.covariate_row is not None:  # a regression's covariates frame: the row taken
        columns["covariate_row"] = draws.covariate_row[keep].astype(np.int64)
    categories = {
        "sex": SEXES,
        "phenotype": tuple(a.name for a in p.subgroups),
        "onset_site": SITES,
        "death_cause": CAUSES,
    }
    key = int(draws.noise_key)
    return Block(index, columns, categories, course, rows, key, drawn)
