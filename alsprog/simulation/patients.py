"""One block of patients: demographics, phenotype and onset site, exact death times by cause,
and the progression rate linked to the disease death time by a Gaussian copula.

Every draw comes from the block's own streams (``random_streams``: the order is listed there),
always as if drawn for a whole block and then cut to the patients needed (only the patients
needed are kept, and the uniforms past them skipped: ``random_streams.first_of``), so a
patient's draws do not depend on the cohort size, on effects, or on how blocks are grouped.
Death is sampled as ``PopulationModel`` samples it, one patient at a time in vectorised form:
the disease time solves H_site(T) * hr = E with E ~ Exp(1) (hr from the prognostic factors),
the other-cause time inverts the life table's cumulative hazard from the age at onset, and the
earlier wins.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field
from threading import Lock

import numpy as np

from alsprog.population.covariates import box_muller
from alsprog.simulation.progression_settings import ProgressionSettings
from alsprog.simulation.random_streams import (
    block_draws,
    block_generators,
    course_block_draws,
    course_generator,
    demographic_draws,
)
from alsprog.simulation.sampler import (
    CourseDraws,
    DiseaseHazard,
    PatientDraws,
    choose,
    course_forms,
    other_cause_times,
    phenotype_cells,
    progression_rate,
    treated_disease_times,
)
from alsprog.simulation.subgroups import Subgroup

# patients per random-number block (fixed: the output never depends on how blocks are grouped)
PATIENTS_PER_BLOCK = 16_384
CACHED_BLOCKS = 2  # blocks whose random draws (and what was found from them) are kept


@dataclass(frozen=True, eq=False)
class BlockRandom:
    """The random draws of the first patients of a block, read-only: the patient stream's
    (``BLOCK_DRAWS``), the demographic stream's three uniforms a patient (shape (3, count)),
    the course stream's (``COURSE_DRAWS``) and the visit-noise key."""

    patient: dict[str, np.ndarray]
    demographic: np.ndarray
    course: dict[str, np.ndarray]
    key: int


@dataclass(eq=False)
class _Kept:
    """A block's draws and, by kind, the last results found from them with what they were
    found from (each a key, see ``_same``)."""

    stream: BlockRandom
    results: dict[str, deque[tuple[tuple, np.ndarray]]] = field(default_factory=dict)


def _same(a: object, b: object) -> bool:
    """Whether two keys match: arrays by value, tuples item by item, anything else (frozen
    models, life tables) by identity."""
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and np.array_equal(a, b)
    if isinstance(a, tuple):
        return isinstance(b, tuple) and len(a) == len(b) and all(map(_same, a, b))
    return a is b


class BlockMemo:
    """The random draws of the last ``bound`` blocks drawn, each with what was found from them
    alone (the last ``bound`` results of each kind): cohorts with the same seed (the
    strategies and runs of a PSA, a treated and an untreated cohort) share them. A result goes
    with its block's draws, so no more than ``bound`` blocks are ever held. Safe across
    threads; a bound of 0 keeps nothing."""

    def __init__(self, bound: int) -> None:
        self.bound = bound
        self._kept: OrderedDict[tuple[int, int, int], _Kept] = OrderedDict()
        self._lock = Lock()

    def draws(self, seed: int, block: int, count: int) -> BlockRandom:
        """``block_random(seed, block, count)``, drawn once while kept."""
        key = (seed, block, count)
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key].stream
        stream = _draw_block_random(seed, block, count)  # outside the lock: the slow part
        with self._lock:
            kept = self._kept.setdefault(key, _Kept(stream))  # another thread's if it won
            self._kept.move_to_end(key)
            while len(self._kept) > self.bound:
                self._kept.popitem(last=False)
            return kept.stream

    def _block(self, stream: BlockRandom) -> _Kept | None:
        return next((kept for kept in self._kept.values() if kept.stream is stream), None)

    def find(self, stream: BlockRandom, kind: str, key: tuple) -> np.ndarray | None:
        """The result of kind ``kind`` kept for ``stream`` whose key matches ``key``; None if
        there is none."""
        with self._lock:
            kept = self._block(stream)
            for found, value in kept.results.get(kind, ()) if kept else ():
                if _same(found, key):
                    return value
        return None

    def keep(self, stream: BlockRandom, kind: str, key: tuple, value: np.ndarray) -> None:
        """Keep ``value`` (found from ``stream`` and ``key`` alone; its arrays must not change
        afterwards) while the block's draws are kept."""
        with self._lock:
            kept = self._block(stream)
            if kept is not None:
                kept.results.setdefault(kind, deque(maxlen=self.bound)).append((key, value))

    def held(self) -> dict[tuple[int, int, int], dict[str, int]]:
        """What is kept: by (seed, block, count), the number of results of each kind."""
        with self._lock:
            return {
                key: {kind: len(found) for kind, found in kept.results.items()}
                for key, kept in self._kept.items()
            }

    def clear(self) -> None:
        """Forget everything kept."""
        with self._lock:
            self._kept.clear()


_MEMO = BlockMemo(CACHED_BLOCKS)


def block_random(seed: int, block: int, count: int) -> BlockRandom:
    """The first ``count`` patients' draws of block ``block`` of seed ``seed``, from the
    block's streams in their documented order (``random_streams``), as if a whole block were
    drawn. They depend on nothing else, so cohorts with the same seed (the strategies and
    runs of a PSA, a treated and an untreated cohort) share them: the last few are kept
    (``BlockMemo``). Every array is read-only."""
    return _MEMO.draws(seed, block, count)


def _draw_block_random(seed: int, block: int, count: int) -> BlockRandom:
    demographic, rng, key = block_generators(seed, block)
    patient = block_draws(rng, PATIENTS_PER_BLOCK, count)
    uniforms = demographic_draws(demographic, PATIENTS_PER_BLOCK, count)
    course = course_block_draws(course_generator(seed, block), PATIENTS_PER_BLOCK, count)
    for values in (*patient.values(), uniforms, *course.values()):
        values.flags.writeable = False
    return BlockRandom(patient, uniforms, course, key)


def untreated_times(stream: BlockRandom, hazard: DiseaseHazard) -> np.ndarray:
    """The untreated disease death times (read-only) of a block's first patients: ``hazard``
    (no time ratio) inverted at their Exp(1) draws. The same patients with the same frozen
    disease models and hazard ratios (the strategies of a PSA run, a treated and an untreated
    cohort) have the same times: they are kept with the block's draws (``BlockMemo``), so the
    inversion, a numerical solve, is done once for them."""
    key = (tuple(hazard.models), hazard.cell, hazard.hazard_ratio)
    times = _MEMO.find(stream, "untreated", key)
    if times is not None:
        return times
    e = stream.patient["e_disease"]
    times = hazard.inverse(e, np.arange(e.size))
    times.flags.writeable = False
    _MEMO.keep(stream, "untreated", (key[0], key[1].copy(), key[2].copy()), times)
    return times


def kept_other_cause_times(
    stream: BlockRandom, subgroups: tuple[Subgroup, ...], subgroup_of, age, sex
) -> np.ndarray:
    """``other_cause_times`` (read-only) of a block's first patients. They read only the life
    tables (frozen), the patients' subgroups, ages and sexes and the block's draws, which the
    strategies and runs of a PSA share: they are kept with the block's draws (``BlockMemo``)."""
    tables = tuple(subgroup.table for subgroup in subgroups)
    key = (tables, subgroup_of, age, sex)
    times = _MEMO.find(stream, "other_cause", key)
    if times is not None:
        return times
    times = other_cause_times(subgroups, subgroup_of, age, sex, stream.patient["e_other"])
    times.flags.writeable = False
    _MEMO.keep(stream, "other_cause", (tables, subgroup_of.copy(), age.copy(), sex.copy()), times)
    return times


def draw_block(
    subgroups: tuple[Subgroup, ...],
    seed: int,
    block: int,
    size: int,
    settings: ProgressionSettings,
    correlation: float,
    parts: tuple,
    reference: np.ndarray | None = None,
) -> PatientDraws:
    """The first ``size`` patients of block ``block`` (a frozen ``PatientDraws``).

    ``reference`` (optional, years from onset, one per patient) replaces each patient's
    diagnosis as the time ``from_diagnosis`` effect components count from (a trial's
    enrolment), and makes a time ratio act on the time left after it: T' = r + ratio (T - r)
    for T > r. None (default): diagnosis, and a time ratio on the whole disease time.
    """
    stream = block_random(seed, block, size)
    draws = stream.patient
    subgroup_of = choose(draws["u_phenotype"], [a.share for a in subgroups])
    age, sex, delay = np.empty(size), np.empty(size, dtype=np.int8), np.empty(size)
    populations: dict = {}
    for j, subgroup in enumerate(subgroups):  # each population from the same stream: common draws
        mine = subgroup_of == j
        if subgroup.population not in populations:  # as Population.sample turns its uniforms
            u = stream.demographic
            populations[subgroup.population] = subgroup.population.demographics(
                u[0], *box_muller(u[1], u[2])
            )
        drawn_age, drawn_sex, drawn_delay = populations[subgroup.population]
        age[mine] = drawn_age[mine]
        sex[mine] = drawn_sex[mine]
        delay[mine] = drawn_delay[mine]

    cell_of, cells, site, hazard_ratio, rate_median = phenotype_cells(
        subgroups, subgroup_of, draws["u_site"], age, delay
    )
    regression = subgroups[0].regression  # a fitted regression is a cohort's one subgroup
    taken = None
    if regression is not None:  # each patient's covariate row, and its demographics if given
        drawn = {"age_at_onset": age, "sex": sex, "onset_site": site}
        drawn["diagnosis_delay_months"] = delay
        taken = regression.take(seed, block, PATIENTS_PER_BLOCK, draws["e_disease"], drawn)
        age, sex, site, delay = taken.demographics
    diagnosis = delay / 12.0

    # disease death: untreated, then with the effect's time ratio and hazard-ratio pieces
    if taken is None:
        base = DiseaseHazard(cell_of, cells, hazard_ratio, 1.0)
        untreated = untreated_times(stream, base)
    else:  # each patient from their own covariate row; no prognostic hazard ratio
        base, untreated = taken.hazard, taken.untreated
    e = draws["e_disease"]
    disease = treated_disease_times(base, e, untreated, parts, diagnosis, reference)
    other = kept_other_cause_times(stream, subgroups, subgroup_of, age, sex)

    rate = progression_rate(draws["e_disease"], draws["z_rate"], rate_median, correlation, settings)
    bulbar_end, floor_cap, limb_form = course_forms(subgroups, subgroup_of)
    course = CourseDraws(
        onset_site=site,
        latent_diagnosis_time=diagnosis,
        disease_time=disease,
        untreated_disease_time=untreated,
        progression_rate=rate,
        bulbar_end=bulbar_end,
        floor_cap=floor_cap,
        limb_form=limb_form,
        draws=stream.course,
    )
    return PatientDraws(
        phenotype=subgroup_of,
        age_at_onset=age,
        sex=sex,
        diagnosis_delay_months=delay,
        disease_time=disease,
        untreated_disease_time=untreated,
        other_time=other,
        e_dropout=draws["e_dropout"],
        noise_key=stream.key,
        position=np.arange(size, dtype=np.uint64),
        course=course,
        covariate_row=None if taken is None else taken.row,
    )
