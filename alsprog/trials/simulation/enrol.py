"""Enrolment of many trials at once: candidates screened first, the few survivors kept.

Each trial has its own sources of randomness (``TrialSources``, from its seed alone, by
``simulation.random_streams``): a generator drawn in blocks of CANDIDATES_PER_DRAW candidates,
block after block (``candidate_uniforms``: an array of CANDIDATE_UNIFORMS rows, one per
draw, ``simulation.screening``), and two keys for
the counter-based draws of candidate j (its course, arm, accrual, dropout) and its visit
noise. A candidate is screened at d = u * horizon years from onset and enrolled if diagnosed,
alive (forward hazards, no inversion) and eligible at d, the ALSFRS-R criteria on the
baseline visit measured at d. Enrolled candidates, in order, are randomised (treatment when
their u_arm < allocation / (1 + allocation)) and each arm takes its first n; later ones of a
full arm are passed over. Every quantity is elementwise in the candidate's own draws, so a
trial is the same whatever the batch it is simulated in, whatever the number of candidates
drawn per round (prefix-stable), and a larger trial extends a smaller one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from alsprog import data
from alsprog.errors import InputError
from alsprog.interventions.core import at_enrolment
from alsprog.simulation.blocks import Plan, plan
from alsprog.simulation.random_streams import (
    CANDIDATE_UNIFORMS,
    CANDIDATES_PER_DRAW,
    hashed,
    pilot_seed,
    trial_streams,
)
from alsprog.simulation.screening import (
    Candidates,
    Prefilter,
    alive_of_disease,
    alive_other_cause,
    candidates,
)
from alsprog.trials.analysis.inputs import CALENDAR_WEEKS_PER_MONTH
from alsprog.trials.simulation.design import TrialDesign
from alsprog.trials.simulation.followup import baseline_eligible

PILOT = 16_384  # candidates screened once per design to size the first round
SHARE_CHECK = 32_768  # candidates screened before the eligible share is judged
MAX_CANDIDATES = 256 * 16_384  # per trial; beyond, eligibility is taken to be unmeetable
MAX_ROUND = 1 << 18  # candidates per trial and round
PREFILTERED_TOGETHER = 16_384  # candidates prefiltered together (their arrays stay in cache)
SCREENED = 32_768  # prefiltered candidates screened together, about


@dataclass(frozen=True)
class TrialSources:
    """One trial's randomness: the candidates' generator and two 64-bit keys."""

    generator: np.random.Generator
    draw_key: np.uint64
    visit_key: np.uint64


def trial_sources(seed: int | np.random.SeedSequence) -> TrialSources:
    """A trial's sources from its seed (an int >= 0 or a SeedSequence, used as given)."""
    return TrialSources(*trial_streams(seed))


def candidate_uniforms(sources: TrialSources, count: int) -> np.ndarray:
    """The uniforms of a trial's next ``count`` candidates, shape (CANDIDATE_UNIFORMS, count),
    drawn in whole blocks of CANDIDATES_PER_DRAW (the rest of the last block is dropped)."""
    blocks = -(-count // CANDIDATES_PER_DRAW)
    draws = [
        sources.generator.random((CANDIDATE_UNIFORMS, CANDIDATES_PER_DRAW)) for _ in range(blocks)
    ]
    return np.concatenate(draws, axis=1)[:, :count]


@dataclass(frozen=True)
class Context:
    """A design resolved once for any number of trials."""

    design: TrialDesign
    plan: Plan
    horizon: float
    interval_months: float
    share: float
    quota: tuple[int, int]  # control, treatment
    prefilter: Prefilter | None
    needs_course: bool  # ALSFRS-R eligibility criteria
    rate: float  # pilot: eligible per candidate screened
    parts: tuple = ()  # the design's effect as components, anchored at enrolment


def make_context(design: TrialDesign) -> Context:
    """The design resolved for simulation (cached for hashable designs: a context is
    immutable and costs about 10 ms to build)."""
    try:
        return _cached_context(design)
    except TypeError:  # an unhashable part (a phenotype given as a dict of shares)
        return _context(design)


@lru_cache(maxsize=16)
def _cached_context(design: TrialDesign) -> Context:
    return _context(design)


def _context(design: TrialDesign) -> Context:
    criteria = design.criteria
    interval = design.visit_interval_weeks / CALENDAR_WEEKS_PER_MONTH
    base = plan(1, 0, phenotype=design.phenotype, entry="onset", visit_interval_months=interval)
    needs_course = any(
        v is not None for v in (criteria.min_alsfrs_r, criteria.min_item_score, criteria.dfs_range)
    )
    share = design.allocation / (1.0 + design.allocation)
    horizon = criteria.pool_horizon_years
    context = Context(
        design,
        base,
        horizon,
        interval,
        share,
        (design.n_control, design.n_treatment),
        Prefilter.build(base.subgroups, horizon),
        needs_course,
        1.0,
        at_enrolment(design.effect),
    )
    pilot = trial_sources(pilot_seed())
    parts = _drawn_and_screened(context, [pilot], [0], [0], [PILOT])
    rate = max(float(sum(found.eligible.sum() for found in parts)), 1.0) / PILOT
    return replace(context, rate=rate)


@dataclass(frozen=True)
class Screened:
    """The candidates of a round alive and diagnosed at screening (arrays over them)."""

    trial: np.ndarray  # index of the trial in the batch
    position: np.ndarray  # the candidate's index j in its trial's stream
    d: np.ndarray  # screening time, years from onset
    people: Candidates
    eligible: np.ndarray  # bool
    treated: np.ndarray  # bool: the randomisation draw says treatment
    untreated: np.ndarray | None  # disease death times (computed for ALSFRS-R criteria)


def _screen_kept(context: Context, u, d, trial, position, sources) -> Screened:
    """Screen candidates the prefilter kept (uniforms ``u``, screening times ``d``)."""
    people = candidates(context.plan.subgroups, u)
    rows = np.flatnonzero(people.diagnosis_time <= d)
    rows = rows[alive_of_disease(people, d[rows], rows)]
    people, d = people.take(rows), d[rows]
    kept = np.flatnonzero(alive_other_cause(context.plan.subgroups, people, d))
    people, d = people.take(kept), d[kept]
    rows = rows[kept]
    trial, position = trial[rows], position[rows].astype(np.uint64)
    draw_key = np.array([s.draw_key for s in sources], dtype=np.uint64)[trial]
    untreated = None
    eligible = np.ones(rows.size, dtype=bool)
    if context.needs_course and rows.size:
        untreated = people.disease().inverse(people.e_disease, np.arange(rows.size))
        visit_key = np.array([s.visit_key for s in sources], dtype=np.uint64)[trial]
        eligible = baseline_eligible(context, people, d, untreated, (draw_key, visit_key, position))
    treated = hashed(draw_key, position, "u_arm") < context.share
    return Screened(trial, position, d, people, eligible, treated, untreated)


@dataclass(frozen=True)
class Enrolled:
    """The patients enrolled in a batch of trials, trial by trial in enrolment order.

    trial, position, d, treated, people, untreated : as ``Screened``, for them.
    patient_id : 1, 2, ... within each trial. counts : per trial, (screened, alive and
    diagnosed, eligible) up to the last candidate needed. draw_key, visit_key : per patient.
    rate : eligible per candidate screened in this batch (sizes the next batch's rounds).
    """

    trial: np.ndarray
    position: np.ndarray
    d: np.ndarray
    treated: np.ndarray
    people: Candidates
    untreated: np.ndarray | None
    patient_id: np.ndarray
    counts: np.ndarray  # (trials, 3)
    draw_key: np.ndarray
    visit_key: np.ndarray


def enrol(context: Context, seeds: list) -> Enrolled:
    """Enrol every trial of ``seeds`` (ints or SeedSequences), batched."""
    sources = [trial_sources(s) for s in seeds]
    count = len(sources)
    n_c, n_t = context.quota
    found = np.zeros((count, 2), dtype=np.int64)  # eligible controls, treated so far
    drawn = np.zeros(count, dtype=np.int64)
    alive_n, eligible_n = np.zeros(count, np.int64), np.zeros(count, np.int64)
    parts: list[Screened] = []
    pending = np.arange(count)
    rate = context.rate
    while pending.size:
        room_c = np.maximum(n_c - found[pending, 0], 0)
        room_t = np.maximum(n_t - found[pending, 1], 0)
        need = np.maximum(room_c / (1 - context.share), room_t / context.share)
        wanted = (need + np.sqrt(need) + 8) / rate
        blocks = np.ceil(np.minimum(wanted, MAX_ROUND) / CANDIDATES_PER_DRAW).astype(np.int64)
        sizes = blocks * CANDIDATES_PER_DRAW
        for screened in _drawn_and_screened(context, sources, pending, drawn[pending], sizes):
            parts.append(screened)
            ok, trial = screened.eligible, screened.trial
            alive_n += np.bincount(trial, minlength=count)
            eligible_n += np.bincount(trial[ok], minlength=count)
            found[:, 1] += np.bincount(trial[ok & screened.treated], minlength=count)
            found[:, 0] += np.bincount(trial[ok & ~screened.treated], minlength=count)
        drawn[pending] += sizes
        full = (found[pending, 0] >= n_c) & (found[pending, 1] >= n_t)
        _check_share(drawn[pending], alive_n[pending], eligible_n[pending])
        pending = pending[~full]
    return _select(context, parts, sources, count)


def _drawn_and_screened(context, sources, trials, starts, sizes):
    """Draw ``sizes[i]`` more candidates (whole blocks) of each trial, from candidate
    ``starts[i]``, prefilter them PREFILTERED_TOGETHER at a time (arrays that stay in cache)
    and screen the kept about SCREENED at a time (the screening's fixed cost per call is large).

    The blocks are drawn straight into one buffer, shape (PREFILTERED_TOGETHER //
    CANDIDATES_PER_DRAW, CANDIDATE_UNIFORMS, CANDIDATES_PER_DRAW), a trial's consecutive blocks
    in one call: the generator fills it in order, so block b is what the b-th call of shape
    (CANDIDATE_UNIFORMS, CANDIDATES_PER_DRAW) would have drawn.
    """
    buffer = np.empty(
        (PREFILTERED_TOGETHER // CANDIDATES_PER_DRAW, CANDIDATE_UNIFORMS, CANDIDATES_PER_DRAW)
    )
    owner, origin, kept = [], [], []  # per block in the buffer: trial, first position

    def prefilter() -> int:
        kept.append(_prefiltered(context, buffer[: len(owner)], owner, origin))
        owner.clear()
        origin.clear()
        return kept[-1][1].size

    waiting = 0
    for t, start, size in zip(trials, starts, sizes, strict=True):
        first, stop = int(start), int(start + size)
        while first < stop:
            count = min((stop - first) // CANDIDATES_PER_DRAW, buffer.shape[0] - len(owner))
            sources[t].generator.random(out=buffer[len(owner) : len(owner) + count])
            owner.extend([t] * count)
            origin.extend(range(first, first + count * CANDIDATES_PER_DRAW, CANDIDATES_PER_DRAW))
            first += count * CANDIDATES_PER_DRAW
            if len(owner) == buffer.shape[0]:
                waiting += prefilter()
                if waiting >= SCREENED:
                    yield _screen_joined(context, kept, sources)
                    kept, waiting = [], 0
    if owner:
        prefilter()
    if kept:
        yield _screen_joined(context, kept, sources)


def _prefiltered(context: Context, blocks: np.ndarray, owner: list, origin: list) -> tuple:
    """The candidates of ``blocks`` (drawn blocks, shape (count, CANDIDATE_UNIFORMS,
    CANDIDATES_PER_DRAW), of trials ``owner`` from positions ``origin``) that the prefilter
    keeps, as (u, d, trial, position) over them; u has one row per draw."""
    count = blocks.shape[0]
    rows = blocks.transpose(1, 0, 2)  # rows[r]: draw r of every candidate (a view)
    if context.prefilter is None:
        u = np.empty(
            (CANDIDATE_UNIFORMS, count * CANDIDATES_PER_DRAW)
        )  # a copy: the buffer is reused
        u.reshape(rows.shape)[...] = rows
        trial = np.repeat(owner, CANDIDATES_PER_DRAW)
        position = (np.asarray(origin)[:, None] + np.arange(CANDIDATES_PER_DRAW)).ravel()
        return u, u[0] * context.horizon, trial, position
    kept = context.prefilter.maybe_alive(rows)  # flat: block * CANDIDATES_PER_DRAW + j
    block, j = np.divmod(kept, CANDIDATES_PER_DRAW)
    at = (block * (CANDIDATE_UNIFORMS * CANDIDATES_PER_DRAW) + j)[None, :]
    u = blocks.reshape(-1).take(at + (np.arange(CANDIDATE_UNIFORMS) * CANDIDATES_PER_DRAW)[:, None])
    trial = np.asarray(owner).take(block)
    return u, u[0] * context.horizon, trial, np.asarray(origin).take(block) + j


def _screen_joined(context, kept: list, sources) -> Screened:
    if len(kept) == 1:
        u, d, trial, position = kept[0]
        return _screen_kept(context, u, d, trial, position, sources)
    u = np.concatenate([k[0] for k in kept], axis=1)
    d, trial, position = (np.concatenate([k[i] for k in kept]) for i in (1, 2, 3))
    return _screen_kept(context, u, d, trial, position, sources)


def _check_share(drawn: np.ndarray, alive: np.ndarray, eligible: np.ndarray) -> None:
    minimum = data.trials().enrolment.min_eligible_share
    share = np.where(alive > 0, eligible / np.maximum(alive, 1), 0.0)
    rare = (drawn >= SHARE_CHECK) & (share < minimum)
    if rare.any():
        at = int(np.flatnonzero(rare)[0])
        raise InputError(
            f"eligibility: only {share[at]:.3%} of {int(alive[at]):,} candidates alive and "
            "diagnosed at screening met the criteria (nobody, in effect); relax the "
            "eligibility criteria"
        )
    if (drawn >= MAX_CANDIDATES).any():
        at = int(np.flatnonzero(drawn >= MAX_CANDIDATES)[0])
        raise InputError(
            f"trial: {MAX_CANDIDATES:,} candidates screened for one trial (the limit) gave "
            f"{int(eligible[at]):,} eligible patients ({share[at]:.1%} of those alive and "
            "diagnosed), too few for the two arms; lower --n-per-arm (n_per_arm) or "
            "--allocation, or relax the eligibility criteria"
        )


def _select(context: Context, parts: list[Screened], sources, count: int) -> Enrolled:
    trial = np.concatenate([p.trial for p in parts])
    position = np.concatenate([p.position for p in parts])
    order = np.argsort(trial, kind="stable")  # each trial's candidates came in order
    trial, position = trial[order], position[order]
    eligible = np.concatenate([p.eligible for p in parts])[order]
    treated = np.concatenate([p.treated for p in parts])[order]
    # each arm's running count within its trial, over the eligible
    starts = np.searchsorted(trial, np.arange(count))
    rank = np.empty((2, trial.size), dtype=np.int64)
    for arm, mine in enumerate((eligible & ~treated, eligible & treated)):
        total = np.cumsum(mine)
        before = np.concatenate([[0], total])[starts]
        rank[arm] = total - np.repeat(before, np.diff(np.r_[starts, trial.size]))
    n_c, n_t = context.quota
    take = eligible & np.where(treated, rank[1] <= n_t, rank[0] <= n_c)
    # the last candidate needed: where the later of the two arms fills up
    filled = eligible & np.where(treated, rank[1] == n_t, rank[0] == n_c)
    last = np.zeros(count, dtype=np.uint64)
    np.maximum.at(last, trial[filled], position[filled])
    within = position <= last[trial]
    counts = np.zeros((count, 3), dtype=np.int64)
    counts[:, 0] = last.astype(np.int64) + 1
    counts[:, 1] = np.bincount(trial[within], minlength=count)
    counts[:, 2] = np.bincount(trial[within & eligible], minlength=count)
    rows = order[take]
    people = _concat_people([p.people for p in parts]).take(rows)
    untreated = None
    if context.needs_course:
        untreated = np.concatenate([p.untreated for p in parts if p.untreated is not None])[rows]
    trial_rows = trial[take]
    first = np.searchsorted(trial_rows, np.arange(count))
    sizes = np.diff(np.r_[first, trial_rows.size])
    patient_id = np.arange(trial_rows.size) - np.repeat(first, sizes) + 1
    draw_keys = np.array([s.draw_key for s in sources], dtype=np.uint64)
    visit_keys = np.array([s.visit_key for s in sources], dtype=np.uint64)
    return Enrolled(
        trial_rows,
        position[take],
        np.concatenate([p.d for p in parts])[rows],
        treated[take],
        people,
        untreated,
        patient_id.astype(np.int64),
        counts,
        draw_keys[trial_rows],
        visit_keys[trial_rows],
    )


def _concat_people(groups: list[Candidates]) -> Candidates:
    if len(groups) == 1:
        return groups[0]
    names = [n for n in Candidates.__dataclass_fields__ if n != "cells"]
    fields = {n: np.concatenate([getattr(g, n) for g in groups]) for n in names}
    return Candidates(cells=groups[0].cells, **fields)
