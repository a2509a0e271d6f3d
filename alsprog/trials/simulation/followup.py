"""Follow-up of enrolled patients: censoring, deaths, the ALSFRS-R course and the visits.

Each patient is followed from enrolment d to the end of follow-up or dropout, c. Whether they
die by c is again decided by the forward hazards (untreated: hr H_site(c) < E_disease; treated:
the effect's cumulative hazard, from enrolment, at c), so only the patients who die need their
death time inverted, unless every death time is wanted (the public table, or the course that
the visits follow, whose end stage is keyed to the disease death time).

The course (``simulation.patient_course``) runs on each patient's progression clock: a slope
reduction anchored at enrolment slows the clock from enrolment, and a survival effect moves
only the end stage (the course is built with the untreated death time beside the treated).

The draws a candidate needs only once screened are counter-based (``HASHED``, hashed from the
trial's key and the candidate's index), and the visit noise is hashed from the trial's visit
key, the candidate's index, the visit and the item, so the treated and the untreated versions
of a patient share every draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

from alsprog.interventions.piecewise import multiplier
from alsprog.simulation.patient_course import PatientCourse, build
from alsprog.simulation.random_streams import hashed, hashed_course_draws, hashed_uniform
from alsprog.simulation.sampler import (
    CourseDraws,
    constant_ratio_from_reference,
    course_forms,
    other_cause_times,
    progression_rate,
    time_ratio,
    treated_disease_times,
)
from alsprog.simulation.screening import Candidates, alive_of_disease, alive_other_cause
from alsprog.simulation.settings import ITEMS

VISIT_CHUNK = 4096  # visits scored together (arrays that stay in cache)


def course_of(
    context, people: Candidates, disease_time, keys, parts=(), reference=None, untreated=None
) -> PatientCourse:
    """The course of ``people`` (rows 0..n-1) with disease death times ``disease_time``
    (``untreated``: the same without the effect, default ``disease_time``); ``parts`` and
    ``reference`` (enrolment) as ``patient_course.build``."""
    draw_key, position = keys
    plan = context.plan
    z_rate = hashed(draw_key, position, "z_rate")
    rate = progression_rate(
        people.e_disease, z_rate, people.rate_median, plan.correlation, plan.course
    )
    bulbar_end, floor_cap, limb_form = course_forms(plan.subgroups, people.subgroup)
    draws = CourseDraws(
        onset_site=people.onset_site,
        latent_diagnosis_time=people.diagnosis_time,
        disease_time=disease_time,
        untreated_disease_time=disease_time if untreated is None else untreated,
        progression_rate=rate,
        bulbar_end=bulbar_end,
        floor_cap=floor_cap,
        limb_form=limb_form,
        draws=hashed_course_draws(draw_key, position),
    )
    return build(draws, plan.uptake, parts, reference)


def measured(course: PatientCourse, t, k, visit_key, position, noise_sd: float) -> np.ndarray:
    """Integer item scores (0-4) measured at visit k (time t) of the patients of ``course``
    (one row per visit, ``PatientCourse.take``): the latent score plus normal noise
    (``random_streams.hashed_normal``), rounded, in 0-4, read as received.

    The normal quantile is computed only for the items whose noise can move them: an item at
    4 (or 0) stays there unless its noise is below -0.5 / sd (above 0.5 / sd), a comparison
    on the noise's uniform (most items are at 4 or 0: the same scores, faster)."""
    latent = course.course.latent_scores(np.asarray(t, dtype=float)[:, None])[:, 0, :]
    counter = k.astype(np.uint64)[:, None] * np.uint64(len(ITEMS)) + np.arange(
        len(ITEMS), dtype=np.uint64
    )
    u = hashed_uniform(visit_key[:, None], position[:, None], counter)
    low, high = _noise_bounds(noise_sd)
    top, bottom = latent == 4.0, latent == 0.0
    unsure = np.flatnonzero(~((top & (u >= low)) | (bottom & (u <= high))))
    noise = np.zeros(latent.shape)
    noise.ravel()[unsure] = noise_sd * ndtri(u.ravel()[unsure])
    return course.observed(t, noise)


def _noise_bounds(noise_sd: float) -> tuple[float, float]:
    """Uniforms beyond which the noise cannot move an item off 4 (below) or 0 (above),
    with a relative margin far above the rounding of the normal quantile."""
    with np.errstate(divide="ignore"):
        edge = 0.5 / noise_sd if noise_sd > 0 else np.inf
    return float(ndtr(-edge)) * (1 + 1e-9) + 1e-300, float(ndtr(edge)) * (1 - 1e-9)


def baseline_eligible(context, people: Candidates, d, untreated, keys) -> np.ndarray:
    """The ALSFRS-R criteria on the baseline visit (untreated course, measured at d)."""
    criteria = context.design.criteria
    draw_key, visit_key, position = keys
    course = course_of(context, people, untreated, (draw_key, position))
    scores = measured(
        course,
        d,
        np.zeros(d.size, np.int64),
        visit_key,
        position,
        context.plan.settings.visit_noise_sd,
    )
    total = scores.sum(axis=1, dtype=np.int64).astype(float)
    ok = np.ones(d.size, dtype=bool)
    if criteria.min_alsfrs_r is not None:
        ok &= total >= criteria.min_alsfrs_r
    if criteria.min_item_score is not None:
        ok &= (scores >= criteria.min_item_score).all(axis=1)
    if criteria.dfs_range is not None:
        low, high = criteria.dfs_range
        with np.errstate(divide="ignore"):
            dfs = (48.0 - total) / (d * 12.0)
        ok &= (dfs >= low) & (dfs <= high)
    return ok


@dataclass(frozen=True)
class FollowUp:
    """Per enrolled patient: censor (end of follow-up or dropout, years from onset), event
    (died by then), exit_time (death or censor), accrual_time (calendar years), and where
    computed (all, or the deaths) disease_time (with the effect for the treated),
    untreated_time (the disease death time without it; every patient's when exact), death_time,
    other_cause (bool); NaN / False elsewhere."""

    censor: np.ndarray
    event: np.ndarray
    exit_time: np.ndarray
    accrual_time: np.ndarray
    disease_time: np.ndarray
    untreated_time: np.ndarray
    death_time: np.ndarray
    other_cause: np.ndarray
    parts: tuple


def follow_up(context, enrolled, parts: tuple, *, exact: bool) -> FollowUp:
    """Follow every enrolled patient; ``exact``: every death time (else only the deaths')."""
    design = context.design
    e, people, d = enrolled, enrolled.people, enrolled.d
    n = d.size
    with np.errstate(divide="ignore"):
        dropout = d + hashed(e.draw_key, e.position, "e_dropout") / design.dropout_per_year
    censor = np.minimum(d + design.followup_years, dropout)
    treated = e.treated & bool(parts)
    alive = np.empty(n, dtype=bool)
    control = np.flatnonzero(~treated)
    alive[control] = alive_of_disease(people, censor[control], control)
    trt = np.flatnonzero(treated)
    if trt.size:
        alive[trt] = _alive_treated(parts, people.take(trt), d[trt], censor[trt])
    other_alive = alive_other_cause(context.plan.subgroups, people, censor)
    alive &= other_alive
    event = ~alive
    need = np.arange(n) if exact else np.flatnonzero(event)
    sub = people.take(need)
    mine = np.flatnonzero(treated[need])
    if e.untreated is not None:
        disease = e.untreated[need]
    else:  # the treated need the untreated time when the hazard is not changed, or for the
        # course (exact: its course before the end stage reads the untreated time)
        hazard_changed = any(p.kind == "hazard_ratio" and p.value != 1.0 for p in parts)
        skip = hazard_changed and not exact
        rows = np.flatnonzero(~treated[need]) if skip else np.arange(need.size)
        disease = np.full(need.size, np.nan)
        disease[rows] = sub.disease().inverse(sub.e_disease[rows], rows)
    untreated = disease
    if mine.size:
        group = sub.take(mine)
        disease = disease.copy()
        disease[mine] = treated_disease_times(
            group.disease(),
            group.e_disease,
            disease[mine],
            parts,
            group.diagnosis_time,
            d[need][mine],
        )
    # other-cause times where they can come first: everyone's when exact, else only those
    # ordinary causes killed by the censoring time (for the rest it is later: inf here)
    other = np.full(need.size, np.inf)
    rows = np.arange(need.size) if exact else np.flatnonzero(~other_alive[need])
    other[rows] = other_cause_times(
        context.plan.subgroups,
        sub.subgroup[rows],
        sub.age_at_onset[rows],
        sub.sex[rows],
        sub.e_other[rows],
    )
    full = {name: np.full(n, np.nan) for name in ("disease", "untreated", "death")}
    full["disease"][need], full["death"][need] = disease, np.minimum(disease, other)
    full["untreated"][need] = untreated
    other_cause = np.zeros(n, dtype=bool)
    other_cause[need] = disease > other
    exit_time = censor.copy()
    died = event[need]
    exit_time[need[died]] = np.clip(full["death"][need[died]], d[need[died]], censor[need[died]])
    accrual = hashed(e.draw_key, e.position, "u_accrual") * design.accrual_years
    return FollowUp(
        censor,
        event,
        exit_time,
        accrual,
        full["disease"],
        full["untreated"],
        full["death"],
        other_cause,
        parts,
    )


def _alive_treated(parts: tuple, people: Candidates, d, t) -> np.ndarray:
    """Not dead of the disease by t under the effect from enrolment d: the effect's cumulative
    hazard at t (a time ratio stretches the time after d) below E_disease."""
    ratio = time_ratio(parts)
    at = d + (t - d) / ratio if ratio != 1.0 else t
    hazard = people.disease()
    constant = constant_ratio_from_reference(parts)
    rows = np.arange(t.size)
    pieces = None if constant is not None else multiplier(parts, "hazard_ratio", d)
    with np.errstate(invalid="ignore"):
        if constant is not None:  # what pieces.integral computes, without its open end
            at_enrolment = hazard.cumulative(d, rows)
            g = at_enrolment + constant * (hazard.cumulative(at, rows) - at_enrolment)
        elif pieces is None:
            g = hazard.cumulative(at, rows)
        else:
            g = pieces.integral(at, rows, hazard.cumulative)
    return g < people.e_disease


@dataclass(frozen=True)
class VisitArrays:
    """One row per visit: patient (row of the enrolled), k (visit number, 0 = baseline),
    time (years from onset), scores (items, int8, shape (visits, 12))."""

    patient: np.ndarray
    k: np.ndarray
    time: np.ndarray
    scores: np.ndarray


def visit_arrays(context, enrolled, follow: FollowUp, weeks=None) -> VisitArrays:
    """The visits every interval from enrolment, while alive and followed (``block_visits``'
    schedule): visits strictly before a death, up to and including a censoring time.
    ``weeks`` (optional): only the visits in these weeks on study (e.g. (0, 24))."""
    e, d = enrolled, enrolled.d
    step = context.interval_months / 12.0
    span = (follow.exit_time - d) / step
    count = np.where(follow.event, np.ceil(span - 1e-9), np.floor(span + 1e-9) + 1)
    count = np.maximum(count.astype(np.int64), 1)
    which = np.repeat(np.arange(d.size), count)
    k = np.arange(which.size) - np.repeat(np.cumsum(count) - count, count)
    if weeks is not None:
        keep = np.isin(k * context.design.visit_interval_weeks, np.asarray(weeks))
        which, k = which[keep], k[keep]
    t = d[which] + k * step
    scores = np.empty((which.size, len(ITEMS)), dtype=np.int8)
    treated = e.treated & bool(follow.parts)
    sd = context.plan.settings.visit_noise_sd
    first = np.searchsorted(which, np.arange(d.size))  # each patient's visits: a run
    runs = np.diff(np.r_[first, which.size])
    chunk = int(np.clip(VISIT_CHUNK * d.size / max(which.size, 1), 64, 8192))  # patients
    for arm in (False, True):
        mine = np.flatnonzero(treated == arm)
        # patients a few hundred at a time: their course's arrays (and a slope reduction's
        # per-patient breakpoints) stay small, so every piece costs its own size
        for rows in np.array_split(mine, -(-mine.size // chunk)) if mine.size else ():
            keys = (e.draw_key[rows], e.position[rows])
            people = e.people.take(rows)
            disease = follow.disease_time[rows]
            if arm:
                untreated = follow.untreated_time[rows]
                course = course_of(context, people, disease, keys, follow.parts, d[rows], untreated)
            else:
                course = course_of(context, people, disease, keys)
            local = np.repeat(np.arange(rows.size), runs[rows])
            visits = np.repeat(first[rows] - np.cumsum(runs[rows]) + runs[rows], runs[rows])
            visits += np.arange(visits.size)
            patient = rows[local]
            scores[visits] = measured(
                course.take(local),
                t[visits],
                k[visits],
                e.visit_key[patient],
                e.position[patient],
                sd,
            )
    return VisitArrays(which, k, t, scores)
