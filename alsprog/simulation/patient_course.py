"""Each simulated patient's course on the progression clock, as cohorts and trials use it,
and the clinic visits that measure it.

``build`` turns a ``CourseDraws`` record (either path: a cohort block or a trial's screened
candidates) and an effect into the ``progression.ClockCourse`` and its procedures
(``uptake.procedures``): the clock runs at the copula-linked rate, a slope reduction slows it
from its anchor (``slowing``), a survival effect moves the death time and with it the end stage
only (the course before the end stage reads the untreated death time). Need
(``gastrostomy_need_time``, ``niv_need_time``) comes from the items; the procedures taken
from the uptake shares (``UPTAKE``, by onset site when a user sets them so). A cohort's
``effect=`` and ``uptake=`` are checked here (``effect_components``, ``resolve_uptake``).

``observed`` gives the items a visit records: the latent score plus the visit noise, rounded,
then read as the ALSFRS-R reads what was received (``uptake.received``). ``milestones`` gives
the patients table's milestone and stage columns (``staging.MILESTONE_COLUMNS``).

Clinic visits (``block_visits``): the items measured every ``interval`` from entry, with
normal noise on each item's latent score (``observed``). The noise is a counter-based draw
(``random_streams.hashed_normal``) keyed by (the block's key, the patient's place in the
block, the visit, the item), so a treated and an untreated cohort share every noise draw,
whatever number of visits each patient has. ``domain_scores`` and ``total_score`` sum the
items to the four domains (0-12) and the ALSFRS-R (0-48).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from alsprog.errors import InputError, is_real
from alsprog.interventions.core import Effect, combine
from alsprog.simulation.course_build import END_STAGE_DRAWS, EndStage, build_course, end_stage
from alsprog.simulation.progression import ClockCourse, Slowing
from alsprog.simulation.progression_settings import ProgressionSettings
from alsprog.simulation.random_streams import hashed_normal
from alsprog.simulation.sampler import CourseDraws
from alsprog.simulation.settings import DOMAINS, ITEMS, SITES
from alsprog.simulation.staging import MILESTONE_COLUMNS, kings_stage, mitos_stage, running_max
from alsprog.simulation.uptake import (
    STAGINGS,
    LossTimes,
    Procedures,
    procedures,
    received,
    solve_losses,
    stage_times,
)

UPTAKE = ("niv", "gastrostomy", "tracheostomy")  # the shares a user may set
PER_SITE = ("niv", "gastrostomy")  # ... by onset site (the tracheostomy share is one number)
VISIT_COLUMNS = (
    "patient_id",
    "time",
    "months_since_entry",
    *ITEMS,
    *DOMAINS,
    "alsfrs_r",
    "kings_stage",
    "mitos_stage",
)


def effect_components(effect: object, where: str = "simulate_cohort effect") -> tuple:
    """``simulate_cohort(..., effect=)`` checked: the elementary effects of ``effect`` (None,
    an intervention, or a list of them) for a cohort, which has no enrolment: an
    ``"enrolment"`` anchor is refused. No effect: ``()``."""
    if effect is None:
        return ()
    if not isinstance(effect, Effect | list | tuple):
        raise InputError(
            f"{where}: {type(effect).__name__} is not an effect; pass one from "
            "alsprog.effects (HazardRatio, TimeRatio, SlopeReduction, a preset) or None"
        )
    parts = combine(effect).components
    for part in parts:
        if part.anchor == "enrolment":
            raise InputError(
                f"{where}: {part.kind} is anchored at enrolment, which a cohort does not have; "
                "use anchor 'onset' or 'diagnosis' (or simulate_trial)"
            )
    return parts


@dataclass(frozen=True)
class Uptake:
    """Checked uptake shares: the course settings with the tracheostomy share, and the NIV and
    gastrostomy shares by onset site (arrays in ``SITES`` order, 0-1)."""

    settings: ProgressionSettings
    by_site: dict[str, np.ndarray]


def resolve_uptake(settings: ProgressionSettings, uptake: object) -> Uptake:
    """``simulate_cohort(..., uptake=)`` checked: None, or a dict of 'niv', 'gastrostomy',
    'tracheostomy' to a share in [0, 1] (NIV and gastrostomy also a dict of onset site to
    share; sites left out keep the default). One-line InputError on bad input."""
    where = "simulate_cohort uptake"
    if uptake is None:
        uptake = {}
    if not isinstance(uptake, Mapping):
        raise InputError(
            f"{where}: {type(uptake).__name__} is not a dict; pass e.g. "
            "{'niv': 0.6, 'gastrostomy': {'bulbar': 0.8}}"
        )
    unknown = sorted(set(map(str, uptake)) - set(UPTAKE))
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r}; use {', '.join(UPTAKE)}")
    by_site = {}
    for name in PER_SITE:
        shares = np.full(len(SITES), getattr(settings, f"{name}_share"), dtype=float)
        value = uptake.get(name)
        if isinstance(value, Mapping):
            for site, share in value.items():
                if site not in SITES:
                    raise InputError(
                        f"{where}[{name!r}]: onset site {site!r} is unknown; use {', '.join(SITES)}"
                    )
                shares[SITES.index(site)] = _share(f"{where}[{name!r}][{site!r}]", share)
        elif value is not None:
            shares[:] = _share(f"{where}[{name!r}]", value)
        by_site[f"{name}_share"] = shares
    if "tracheostomy" in uptake:
        share = _share(f"{where}['tracheostomy']", uptake["tracheostomy"])
        settings = replace(settings, tracheostomy_share=share)
    return Uptake(settings, by_site)


def _share(where: str, value: object) -> float:
    if not is_real(value) or not 0.0 <= float(value) <= 1.0 or math.isnan(float(value)):
        raise InputError(f"{where}: {value!r} is not a share; pass a number from 0 to 1")
    return float(value)


@dataclass(frozen=True)
class PatientCourse:
    """The clock course of n patients and their procedures (need and uptake). ``memo``: the
    item loss times ``procedures`` found, read (then dropped) by ``milestones``."""

    course: ClockCourse
    done: Procedures
    memo: LossTimes = field(default_factory=dict, repr=False, compare=False)
    stagings: tuple[str, ...] = STAGINGS  # whose stage times ``milestones`` finds (else NaN)

    @property
    def size(self) -> int:
        return self.course.size

    def take(self, rows: np.ndarray) -> PatientCourse:
        """The patients at ``rows`` (repeats allowed: one row per visit)."""
        return PatientCourse(self.course.take(rows), self.done.take(rows))

    def observed(self, t: np.ndarray, noise: np.ndarray | None = None) -> np.ndarray:
        """Item scores (0-4, int8, shape (n, 12), ITEMS order) recorded at times ``t`` (n,)
        years from onset, one per patient: latent score plus ``noise`` (points, (n, 12);
        None: none), rounded half up, in 0-4, then as received (``uptake.received``)."""
        t = np.asarray(t, dtype=float)[:, None]
        latent = self.course.latent_scores(t)[:, 0, :]
        if noise is not None:
            latent += noise
        latent += 0.5  # in place (a fresh array): rounded half up, in 0-4
        np.floor(latent, out=latent)
        scores = np.clip(latent, 0, 4, out=latent).astype(np.int8)
        return received(scores[:, None, :], self.done, t)[:, 0, :]

    def milestones(self, death_time: np.ndarray) -> dict[str, np.ndarray]:
        """The ``MILESTONE_COLUMNS`` (years from onset), NaN unless before ``death_time`` (the
        all-cause death: another cause may come first); the stage times of a staging not in
        ``stagings`` all NaN."""
        done = self.done
        found = {
            "gastrostomy_need_time": done.gastrostomy_need_time,
            "gastrostomy_time": done.gastrostomy_time,
            "niv_need_time": done.niv_need_time,
            "niv_time": done.niv_time,
            "tracheostomy_time": done.tracheostomy_time,
            **stage_times(self.course, done, memo=self.memo, stagings=self.stagings),
        }
        unknown = np.full(self.size, np.nan)
        self.memo.clear()  # read once: a kept block holds no more than it needs
        with np.errstate(invalid="ignore"):
            return {
                name: np.where(found[name] < death_time, found[name], np.nan)
                if name in found
                else unknown
                for name in MILESTONE_COLUMNS
            }


def build(
    draws: CourseDraws,
    uptake: Uptake,
    parts: tuple = (),
    reference: np.ndarray | None = None,
    stagings: tuple[str, ...] = STAGINGS,
) -> PatientCourse:
    """The course of the patients ``draws`` holds, under the effect ``parts``; its
    ``milestones`` hold the stage times of ``stagings`` (default both).

    ``reference`` (optional, per patient, years from onset): what components not anchored at
    onset count from (a trial's enrolment); default each patient's diagnosis. A survival
    effect moves the end stage (``_end_stage_from``), never the course before it starts.
    """
    start = draws.latent_diagnosis_time if reference is None else reference
    shares = {name: table.take(draws.onset_site) for name, table in uptake.by_site.items()}
    course = build_course(
        uptake.settings,
        rate=draws.progression_rate,
        site=draws.onset_site,
        death=draws.disease_time,
        draws=draws.draws,
        bulbar_end=draws.bulbar_end,
        slowing=slowing(parts, start),
        untreated_death=draws.untreated_disease_time,
        floor_cap=draws.floor_cap,
        niv_share=shares["niv_share"],  # NIV users' end stage is longer
        limb_form=draws.limb_form,  # PMA's limb form
    )
    begins = survival_effect_start(parts, start, reference is not None)
    changed = np.flatnonzero(draws.disease_time != draws.untreated_disease_time)
    if begins is not None and changed.size:
        untreated = end_stage(  # the untreated course's end stage: all that is read of it
            uptake.settings,
            death=draws.untreated_disease_time[changed],
            draws={name: draws.draws[name][changed] for name in END_STAGE_DRAWS},
            niv_share=shares["niv_share"][changed],
        )
        course = _end_stage_from(course, untreated, changed, np.broadcast_to(begins, start.shape))
    gastrostomy = {"gastrostomy_share": shares["gastrostomy_share"]}  # NIV: the course's
    memo = solve_losses(course, stagings)
    done = procedures(course, draws.draws, gastrostomy, memo=memo)
    return PatientCourse(course, done, memo, stagings)


def slowing(parts: tuple, reference: np.ndarray) -> Slowing | None:
    """The slope reduction of ``parts`` as the clock's ``Slowing`` (None when none changes
    anything). ``reference`` (years from onset, per patient) is what a component not anchored
    at onset counts from (the diagnosis in a cohort, the enrolment in a trial). Several
    components over the same interval multiply their paces; over different intervals they
    are refused (the clock takes one slowing)."""
    chosen = [p for p in parts if p.kind == "slope_reduction" and p.fraction != 0.0]
    if not chosen:
        return None
    windows = {(p.anchor == "onset", p.start_years, p.duration_years) for p in chosen}
    if len(windows) > 1:
        raise InputError(
            "effect: slope reductions over different intervals cannot be combined; pass one "
            "SlopeReduction (or several with the same anchor, start_years and duration_years)"
        )
    ((at_onset, start_years, duration),) = windows
    pace = math.prod(1.0 - p.fraction for p in chosen)
    start = start_years + (0.0 if at_onset else np.asarray(reference, dtype=float))
    return Slowing(share=1.0 - pace, start=start, end=start + duration)


def survival_effect_start(parts: tuple, base: np.ndarray, trial: bool) -> np.ndarray | None:
    """Per patient, when the survival effect of ``parts`` starts (years from onset; None: no
    survival effect): the earliest start of its hazard ratios (from onset, or from ``base``,
    the diagnosis or enrolment), and for a time ratio 0 in a cohort (it stretches the whole
    disease time) or ``base`` in a trial (it stretches the time after enrolment)."""
    starts = []
    for p in parts:
        if p.kind == "hazard_ratio" and float(p.value) != 1.0:
            offset = float(getattr(p, "start_years", 0.0))
            starts.append(offset + (0.0 if p.anchor == "onset" else base))
        elif p.kind == "time_ratio" and float(p.value) != 1.0:
            starts.append(base if trial else 0.0)
    if not starts:
        return None
    return np.minimum.reduce([np.broadcast_to(np.asarray(v, float), base.shape) for v in starts])


def _end_stage_from(
    course: ClockCourse, untreated: EndStage, rows: np.ndarray, begins: np.ndarray
) -> ClockCourse:
    """The treated ``course`` of the patients at ``rows`` (those whose death the effect moved)
    made to agree with the ``untreated`` one before the effect begins (``begins``, per patient).

    A patient whose untreated end stage (or tracheostomy) began before the effect keeps it as
    it was: the extra time comes after it, in respiratory failure (or after the tracheostomy;
    an earlier death cuts it short). For the others the treated end stage stands, starting no
    earlier than the effect, and a tracheostomy that would fall before the effect is not taken
    (the untreated patient had none then): their end stage, of the untreated length, ends at
    the death.
    """
    r = begins[rows]
    start, length = course.end_start[rows].copy(), course.end_length[rows].copy()
    trach = course.tracheostomy_time[rows].copy()
    death = course.death[rows]
    kept = untreated.end_start < r
    with np.errstate(invalid="ignore"):
        early = ~kept & (trach < r)  # a tracheostomy the untreated patient never had then
    start[kept], length[kept] = untreated.end_start[kept], untreated.end_length[kept]
    with np.errstate(invalid="ignore"):  # an earlier death (a hazard ratio above 1) may come first
        before_death = untreated.tracheostomy_time[kept] < death[kept]
    trach[kept] = np.where(before_death, untreated.tracheostomy_time[kept], np.nan)
    trach[early] = np.nan  # the end stage of the untreated length, ending at the death
    start[early] = np.maximum(r[early], death[early] - untreated.end_length[early])
    length[early] = death[early] - start[early]
    moved = ~kept & ~early
    with np.errstate(invalid="ignore"):
        end = start[moved] + length[moved]
        start[moved] = np.where(start[moved] < r[moved], r[moved], start[moved])
        length[moved] = end - start[moved]
    end_start, end_length = course.end_start.copy(), course.end_length.copy()
    tracheostomy = course.tracheostomy_time.copy()
    end_start[rows], end_length[rows], tracheostomy[rows] = start, length, trach
    return replace(
        course, end_start=end_start, end_length=end_length, tracheostomy_time=tracheostomy
    )


def domain_scores(scores: np.ndarray) -> np.ndarray:
    """The four domain scores (0-12) of rows of item scores (ITEMS order: three items per
    domain), int8, shape (len, 4)."""
    return scores[:, 0::3] + scores[:, 1::3] + scores[:, 2::3]  # faster than a sum by rows


def total_score(domains: np.ndarray) -> np.ndarray:
    """ALSFRS-R (0-48) of rows of domain scores, int8."""
    return domains[:, 0] + domains[:, 1] + domains[:, 2] + domains[:, 3]


def block_visits(
    course: PatientCourse,
    rows: np.ndarray,
    patient_id: np.ndarray,
    entry: np.ndarray,
    exit_time: np.ndarray,
    died: np.ndarray,
    interval_months: float,
    key: int,
    noise_sd: float,
    settings: ProgressionSettings,
) -> pd.DataFrame:
    """Visits of the patients at ``rows`` of a block (columns: VISIT_COLUMNS).

    A visit at entry + k * interval is made while the patient is alive (before the death) and
    under follow-up (up to and including the censoring time). ``noise_sd``: the visit noise
    (points); ``settings``: the course's, for King's stage 4 rules.
    """
    step = interval_months / 12.0
    span = (exit_time - entry) / step
    count = np.where(died, np.ceil(span - 1e-9), np.floor(span + 1e-9) + 1).astype(np.int64)
    count = np.maximum(count, 1)
    which = np.repeat(np.arange(rows.size), count)
    starts = np.concatenate([[0], np.cumsum(count)[:-1]])
    k = np.arange(which.size) - np.repeat(starts, count)
    t = entry[which] + k * step
    block_rows = rows[which]
    position = block_rows.astype(np.uint64)[:, None]
    counter = k.astype(np.uint64)[:, None] * np.uint64(len(ITEMS)) + np.arange(
        len(ITEMS), dtype=np.uint64
    )
    noise = hashed_normal(np.uint64(key), position, counter)
    noise *= noise_sd
    scores = course.take(block_rows).observed(t, noise)
    columns = {
        "patient_id": patient_id[which],
        "time": t,
        "months_since_entry": k * float(interval_months),
    }
    columns.update({item: scores[:, i] for i, item in enumerate(ITEMS)})
    domains = domain_scores(scores)
    columns.update({domain: domains[:, d] for d, domain in enumerate(DOMAINS)})
    columns["alsfrs_r"] = total_score(domains)
    columns["kings_stage"] = running_max(kings_stage(scores, settings), which).astype(np.int8)
    columns["mitos_stage"] = running_max(mitos_stage(scores), which).astype(np.int8)
    return pd.DataFrame(columns)
