"""One block of patients: demographics, phenotype and onset site, exact death times by cause,
and the progression rate linked to the disease death time by a Gaussian copula.

Every draw comes from the block's own streams (``random_streams``: the order is listed there),
always drawn for a whole block and then cut to the patients needed, so a patient's draws do
not depend on the cohort size, on effects, or on how blocks are grouped. Death is sampled as
``PopulationModel`` samples it, one patient at a time in vectorised form: the disease time
solves H_site(T) * hr = E with E ~ Exp(1) (hr from the prognostic factors), the other-cause
time inverts the life table's cumulative hazard from the age at onset, and the earlier wins.
"""

from __future__ import annotations

import numpy as np

from alsprog.population.lifetable import SEXES
from alsprog.simulation.progression_settings import ProgressionSettings
from alsprog.simulation.random_streams import (
    block_draws,
    block_generators,
    course_block_draws,
    course_generator,
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
    _, rng, key = block_generators(seed, block)
    draws = block_draws(rng, PATIENTS_PER_BLOCK, size)
    subgroup_of = choose(draws["u_phenotype"], [a.share for a in subgroups])
    age, sex, delay = np.empty(size), np.empty(size, dtype=np.int8), np.empty(size)
    populations: dict = {}
    for j, subgroup in enumerate(subgroups):  # each population from the same stream: common draws
        mine = subgroup_of == j
        if subgroup.population not in populations:
            generator = block_generators(seed, block)[0]
            populations[subgroup.population] = subgroup.population.sample(
                PATIENTS_PER_BLOCK, generator
            ).iloc[:size]
        frame = populations[subgroup.population]
        age[mine] = frame["age_at_onset"].to_numpy()[mine]
        sex[mine] = (frame["sex"].to_numpy() != SEXES[0])[mine]
        delay[mine] = frame["delay_months"].to_numpy()[mine]

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
        untreated = base.inverse(draws["e_disease"], np.arange(size))
    else:  # each patient from their own covariate row; no prognostic hazard ratio
        base, untreated = taken.hazard, taken.untreated
    e = draws["e_disease"]
    disease = treated_disease_times(base, e, untreated, parts, diagnosis, reference)
    other = other_cause_times(subgroups, subgroup_of, age, sex, draws["e_other"])

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
        draws=course_block_draws(course_generator(seed, block), PATIENTS_PER_BLOCK, size),
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
        noise_key=key,
        position=np.arange(size, dtype=np.uint64),
        course=course,
        covariate_row=None if taken is None else taken.row,
    )
