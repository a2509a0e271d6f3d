"""The frozen records of patient draws: what a course is built from, and a cohort block's patients.

``CourseDraws`` is everything the progression-clock course (``course_build.build_course``,
``uptake.procedures``) reads, one array entry per patient, whichever path drew it: a cohort
block (``patients.draw_block``, the block's course stream) or a trial's screened candidates
(``trials.simulation.followup.course_of``, counter-based draws), so both paths give the course
the same kind of patients. ``PatientDraws`` is a cohort block's patients: demographics,
phenotype, death times by cause, the dropout draw, the visit-noise key, and their
``CourseDraws``.

Units: times in years from onset, delays in months (the name says so), progression rates in
ALSFRS-R points per month; indices into ``settings.SITES`` and the cohort's phenotype mix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
    limb_form : True for PMA, whose course is the limb form (``course_build``); None: none.
    draws : the uniforms and normals of ``progression_settings.DRAWS`` (one row per patient).
    """

    onset_site: np.ndarray
    latent_diagnosis_time: np.ndarray
    disease_time: np.ndarray
    untreated_disease_time: np.ndarray
    progression_rate: np.ndarray
    bulbar_end: np.ndarray
    floor_cap: np.ndarray
    draws: dict[str, np.ndarray]
    limb_form: np.ndarray | None = None

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
