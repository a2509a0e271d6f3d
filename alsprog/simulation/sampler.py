"""The one sampler: from a patient's draws to the patient (phenotype, site, death times, rate).

Cohorts (``patients.draw_block``), trials (``screening.candidates``, ``trials.simulation``) and
the edaravone selection (through ``draw_block``) turn their draws into patients here, with the
same functions: ``choose`` (a subgroup or a site from a uniform), ``phenotype_cells`` (each
patient's onset site, disease model, prognostic hazard ratio and median progression rate),
``DiseaseHazard`` (each patient's disease cumulative hazard and its inverse: the disease death
time solves hr * H_site(T) = E, E ~ Exp(1)), ``treated_disease_times`` (the same E under an
effect: its time ratio, ``time_ratio``; one constant hazard ratio from the reference,
``constant_ratio_from_reference``; any other hazard ratios over time,
``interventions.piecewise.multiplier``), ``other_cause_times`` (the life table's cumulative
hazard inverted from the age at onset) and ``progression_rate`` (log-normal, its normal score
linked to the disease death time's by a Gaussian copula: ``copula_normal_score``).

Where the draws come from stays with the caller (``random_streams``): a cohort block draws
whole blocks from its streams, a trial draws uniforms per candidate and counter-based draws
for the few it keeps. Demographics too are one transform, ``Population.demographics`` on
``box_muller`` normals: a cohort's from three uniforms a patient of the block's demographic
stream (``Population.sample``), a trial candidate's from its own uniforms
(``screening.candidates``).

The sampler's output is held in two frozen records. ``CourseDraws`` is everything the
progression-clock course (``course_build.build_course``, ``uptake.procedures``) reads, one
array entry per patient, whichever path drew it: a cohort block (``patients.draw_block``, the
block's course stream) or a trial's screened candidates (``trials.simulation.followup.course_of``,
counter-based draws), so both paths give the course the same kind of patients (``course_forms``:
which patients have a bulbar end stage, which the rate cap spares, which follow the PMA
course). ``PatientDraws`` is a cohort
block's patients: demographics, phenotype, death times by cause, the dropout draw, the
visit-noise key, and their ``CourseDraws``.

Units: times in years from onset, delays in months (the name says so), progression rates in
ALSFRS-R points per month; indices into ``settings.SITES`` and the cohort's phenotype mix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy.special import ndtri

from alsprog.interventions.piecewise import multiplier
from alsprog.population.lifetable import SEXES
from alsprog.simulation.settings import SITES


@dataclass(frozen=True, eq=False)
class CourseDraws:
    """What a patient's ALSFRS-R course is built from (arrays over patients).

    onset_site : int8 index into ``SITES``.
    latent_diagnosis_time : years from onset (whether or not death came first).
    disease_time : the disease death time, years from onset (under the effect, if any).
    untreated_disease_time : the same without the effect (the course before its end stage
        reads only this, so a survival effect moves the end stage alone).
    progression_rate : the copula-linked rate, ALSFRS-R points per month (before the
        course's cap: ``course_build.build_course``).
    bulbar_end : True for the bulbar forms (PBP, PPBP), whose end stage is bulbar failure.
    floor_cap : False for PLS (``build_course``'s rate cap does not apply).
    draws : the uniforms and normals of ``progression_settings.DRAWS`` (one row per patient).
    limb_form : True for PMA, whose course is the limb form (``course_build``); required, as
        every field (``course_forms`` gives it with ``bulbar_end`` and ``floor_cap``), so a
        builder that forgets it fails at once instead of giving PMA patients ALS's course.
    """

    onset_site: np.ndarray
    latent_diagnosis_time: np.ndarray
    disease_time: np.ndarray
    untreated_disease_time: np.ndarray
    progression_rate: np.ndarray
    bulbar_end: np.ndarray
    floor_cap: np.ndarray
    draws: dict[str, np.ndarray]
    limb_form: np.ndarray

    @property
    def size(self) -> int:
        return int(self.disease_time.size)


@dataclass(frozen=True, eq=False)
class PatientDraws:
    """The first ``size`` patients of a cohort block (arrays over patients).

    phenotype : index into the cohort's phenotype mix (``Plan.subgroups``).
    age_at_onset : years. sex : int8, 0 male, 1 female (``SEXES``).
    diagnosis_delay_months : months from onset to diagnosis.
    disease_time, untreated_disease_time, other_time : death times by cause, years from
        onset (the disease's under the effect, and without it).
    e_dropout : the Exp(1) draw of loss to follow-up.
    noise_key : the block's 64-bit visit-noise key. position : each patient's place in it.
    course : the ``CourseDraws`` (onset site, diagnosis time, rate, course draws).
    covariate_row : with a regression's covariates frame, each patient's row in it; else None.
    """

    phenotype: np.ndarray
    age_at_onset: np.ndarray
    sex: np.ndarray
    diagnosis_delay_months: np.ndarray
    disease_time: np.ndarray
    untreated_disease_time: np.ndarray
    other_time: np.ndarray
    e_dropout: np.ndarray
    noise_key: int
    position: np.ndarray
    course: CourseDraws
    covariate_row: np.ndarray | None = None

    @property
    def latent_diagnosis_time(self) -> np.ndarray:
        return self.course.latent_diagnosis_time

    @property
    def onset_site(self) -> np.ndarray:
        return self.course.onset_site

    @property
    def progression_rate(self) -> np.ndarray:
        return self.course.progression_rate


@dataclass(frozen=True)
class DiseaseHazard:
    """Each patient's disease cumulative hazard, H_i(t) = hr_i * H_site(t / time_ratio)."""

    cell: np.ndarray  # index into models
    models: tuple
    hazard_ratio: np.ndarray
    time_ratio: float

    def cumulative(self, t: np.ndarray, rows: np.ndarray) -> np.ndarray:
        out = np.empty(t.shape)
        cells = self.cell[rows]
        for c, model in enumerate(self.models):
            mine = cells == c
            if mine.any():
                with np.errstate(all="ignore"):
                    h = model.cumulative_hazard(t[mine] / self.time_ratio)
                out[mine] = self.hazard_ratio[rows[mine]] * h
        return out

    def inverse(self, y: np.ndarray, rows: np.ndarray) -> np.ndarray:
        out = np.empty(y.shape)
        cells = self.cell[rows]
        for c, model in enumerate(self.models):
            mine = cells == c
            if mine.any():
                target = y[mine] / self.hazard_ratio[rows[mine]]
                with np.errstate(all="ignore"):
                    out[mine] = self.time_ratio * model._time_at_cumulative_hazard(target)
        return out


def phenotype_cells(subgroups, subgroup_of, u_site, age, delay) -> tuple:
    """Each patient's onset site and disease model (a cell of ``cells``), hazard ratio from the
    prognostic factors and median progression rate: (cell_of, cells, site, hazard_ratio,
    rate_median)."""
    size = subgroup_of.size
    cells: list = []
    cell_of, site = np.empty(size, dtype=np.intp), np.empty(size, dtype=np.int8)
    hazard_ratio, rate_median = np.ones(size), np.empty(size)
    for j, subgroup in enumerate(subgroups):
        mine = slice(None) if len(subgroups) == 1 else subgroup_of == j  # a slice: no copies
        pick = choose(u_site[mine], [s for _, s, _ in subgroup.sites])
        onsets = np.array([SITES.index(onset) for onset, _, _ in subgroup.sites], dtype=np.int8)
        site_mine = onsets.take(pick)
        cell_mine = pick + len(cells)
        cells.extend(model for _, _, model in subgroup.sites)
        site[mine], cell_of[mine] = site_mine, cell_mine
        if subgroup.effects is not None:
            hazard_ratio[mine] = subgroup.effects.hazard_ratio(age[mine], delay[mine])
        rate_median[mine] = subgroup.rate_median
    return cell_of, tuple(cells), site, hazard_ratio, rate_median


def treated_disease_times(
    base: DiseaseHazard,
    e_disease: np.ndarray,
    untreated: np.ndarray,
    parts: tuple,
    diagnosis: np.ndarray,
    reference: np.ndarray | None = None,
) -> np.ndarray:
    """Disease death times under the effect ``parts`` (``untreated`` when it has none).

    ``base`` is the untreated hazard of the same patients (rows 0..n-1), ``untreated`` its
    inversion of ``e_disease``; ``reference`` as in ``draw_block``.
    """
    if not parts:  # no effect: what the steps below would give, without running them
        return untreated
    ratio = time_ratio(parts)
    hazard = replace(base, time_ratio=ratio if reference is None else 1.0)
    constant = None if reference is None else constant_ratio_from_reference(parts)
    at = diagnosis if reference is None else reference
    pieces = None if constant is not None else multiplier(parts, "hazard_ratio", at)
    if constant is not None:  # what pieces.inverse computes, without its open end
        assert reference is not None  # a constant ratio is one from the reference on
        rows = np.arange(e_disease.size)
        at_reference = hazard.cumulative(reference, rows)
        target = np.where(
            at_reference < e_disease,
            at_reference + (e_disease - at_reference) / constant,
            e_disease,
        )
        disease = hazard.inverse(target, rows)
    elif pieces is not None:
        disease = pieces.inverse(e_disease, hazard.cumulative, hazard.inverse)
    elif hazard.time_ratio != 1.0:
        disease = hazard.time_ratio * untreated
    else:
        disease = untreated
    if reference is not None and ratio != 1.0:
        disease = np.where(disease > reference, reference + ratio * (disease - reference), disease)
    return disease


def time_ratio(parts: tuple) -> float:
    """The product of the time-ratio components (1 when there are none)."""
    return math.prod(p.value for p in parts if p.kind == "time_ratio")


def constant_ratio_from_reference(parts: tuple) -> float | None:
    """The disease hazard ratio when the effect on it is one constant ratio from the
    reference time on (start 0, no end: the usual trial effect), else None."""
    ratios = [p for p in parts if p.kind == "hazard_ratio" and float(p.value) != 1.0]
    if len(ratios) != 1:
        return None
    (part,) = ratios
    start = float(getattr(part, "start_years", 0.0))
    if start != 0.0 or math.isfinite(float(getattr(part, "duration_years", math.inf))):
        return None
    return float(part.value)


def choose(u: np.ndarray, shares: list[float]) -> np.ndarray:
    """Index of the share each uniform falls in (the count of cumulative shares <= u)."""
    cumulative = np.cumsum(shares)
    edges = cumulative / cumulative[-1]
    if len(shares) <= 4:  # a few comparisons beat a binary search
        out = np.zeros(u.shape, dtype=np.intp)
        for edge in edges[:-1]:
            out += u >= edge
        return out  # u < 1 = the last edge, so never past the last share
    return np.minimum(np.searchsorted(edges, u, side="right"), len(shares) - 1)


def other_cause_times(subgroups, subgroup_of, age, sex, e_other) -> np.ndarray:
    """Deaths from ordinary causes (years from onset; inf without a life table)."""
    out = np.full(age.size, np.inf)
    for j, subgroup in enumerate(subgroups):
        if subgroup.table is None:
            continue
        for row in range(len(SEXES)):
            mine = (subgroup_of == j) & (sex == row)
            if not mine.any():
                continue
            start = subgroup.table._cumulative_hazard_between(0.0, age[mine], row)
            at = subgroup.table._age_at_cumulative_hazard(start + e_other[mine], row)
            out[mine] = np.maximum(at - age[mine], 0.0)
    return out


def copula_normal_score(e_disease: np.ndarray) -> np.ndarray:
    """Normal score of the disease death time's rank u = 1 - exp(-E), accurate in both tails."""
    e = np.asarray(e_disease, dtype=float)
    low = e < math.log(2.0)
    if e.ndim == 0:
        with np.errstate(divide="ignore"):
            return ndtri(-np.expm1(-e)) if low else -ndtri(np.exp(-e))
    out = np.empty(e.shape)  # each half by its own formula (not both everywhere)
    with np.errstate(divide="ignore"):
        out[low] = ndtri(-np.expm1(-e[low]))
        high = ~low
        out[high] = -ndtri(np.exp(-e[high]))
    return out


def course_forms(subgroups, subgroup_of: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per patient: (bulbar_end, floor_cap, limb_form) from their subgroup (``Subgroup``)."""
    bulbar = np.array([a.bulbar_end for a in subgroups], dtype=bool)
    capped = np.array([a.floor_cap for a in subgroups], dtype=bool)
    limb = np.array([a.limb_form for a in subgroups], dtype=bool)
    return bulbar.take(subgroup_of), capped.take(subgroup_of), limb.take(subgroup_of)


def progression_rate(e_disease, z_rate, rate_median, correlation, settings) -> np.ndarray:
    """Points per month: log-normal with median ``rate_median`` and the log-SD of ``settings``
    (``ProgressionSettings.rate_log_sd``), its normal score correlated ``correlation`` with the
    normal score of the untreated disease death time (negative: fast decliners die sooner)."""
    z = correlation * copula_normal_score(e_disease) + math.sqrt(1 - correlation**2) * z_rate
    return rate_median * np.exp(settings.rate_log_sd * z)
