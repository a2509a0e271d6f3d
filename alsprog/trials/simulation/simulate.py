"""``simulate_trial``: a two-arm trial enrolled from a simulated prevalent population.

How patients are enrolled (the length-biased prevalent pool). Candidates are simulated from
symptom onset, each from the trial's own streams (``enrol``). Each candidate gets a
screening time d, uniform on [0, D] years from onset (D: the maximum disease duration, else
the pool horizon of ``data/trials.toml``), and is enrolled at d if diagnosed by d, alive at d
and eligible at d (the ALSFRS-R criteria on the baseline visit measured at d). Under a steady
incidence, the patients a trial finds in clinic at a random calendar time are distributed
exactly so: a patient's chance of being in the pool is proportional to the time spent
diagnosed, alive and eligible. So the trial population is left-truncated (nobody dies before
enrolment) and length-biased toward slower courses, as real trial populations are. A uniform
screening window after diagnosis would instead over-represent fast progressors.

Screened first. Most candidates are dead or undiagnosed at d; whether one is alive is decided
by the forward cumulative hazards (``simulation.screening``), and only the survivors get
their death times, course and baseline visit, only the enrolled their follow-up
(``followup``). The result is the same as simulating every candidate in full (tested).

Randomisation. Each enrolled candidate, in order, is assigned treatment with probability
allocation / (1 + allocation); each arm takes its first n candidates and later ones of a full
arm are passed over. So arm sizes are exact, and a larger trial extends a smaller one with
the same seed (common random numbers across n).

Common random numbers across effects. Screening, eligibility and arms are decided on the
untreated draws; the treatment arm is the same candidates with the effect starting at each
patient's enrolment (``reference``: the same draws, the effect from d). The control arm does
not depend on the effect at all. The ALSFRS-R course runs on each patient's progression clock:
a survival effect (hazard or time ratio) moves only the end stage keyed to the death time (a
patient already in it at enrolment keeps it as it was, and lives on after it), and a slope
reduction slows the clock from enrolment, so everything before enrolment is as screening saw
it.

``power`` does not build these tables: ``batched.simulate_arrays`` gives the analysis the
same trials as arrays, many at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from alsprog.errors import InputError, is_whole
from alsprog.interventions.core import at_enrolment
from alsprog.population.lifetable import SEXES
from alsprog.simulation.blocks import CAUSES
from alsprog.simulation.patient_course import VISIT_COLUMNS
from alsprog.simulation.settings import DOMAINS, ITEMS, SITES
from alsprog.simulation.staging import (
    MILESTONE_COLUMNS,
    kings_stage,
    mitos_stage,
    running_max,
)
from alsprog.trials.analysis.inputs import ARMS
from alsprog.trials.simulation.design import TrialDesign
from alsprog.trials.simulation.enrol import enrol, make_context
from alsprog.trials.simulation.followup import course_of, follow_up, visit_arrays


@dataclass(frozen=True, eq=False)
class Trial:
    """A simulated trial (frozen).

    patients : one row per enrolled patient in enrolment order: the cohort's columns
        (``simulate_cohort``; entry_time = enrolment, time and event from follow-up), then
        arm ('control'/'treatment'), enrolment_time (years from onset), accrual_time
        (calendar years from the trial's start), time_on_study (years from enrolment to
        death or censoring), event (1 died during follow-up, 0 censored by the end of
        follow-up or dropout).
    visits : one row per visit: the cohort's visit columns, then arm and weeks_on_study
        (integer; 0 is the baseline at enrolment), every ``visit_interval_weeks`` while
        alive and followed.
    design : the design. settings : seed, candidates screened (up to the last one needed),
        alive and diagnosed at screening, eligible, eligible_share, effect (component kinds).
    """

    patients: pd.DataFrame
    visits: pd.DataFrame
    design: TrialDesign
    settings: dict


def seed_integer(seed: object) -> int:
    """A non-negative integer seed from an int or a numpy SeedSequence."""
    if isinstance(seed, np.random.SeedSequence):
        return int(seed.generate_state(1, np.uint64)[0] >> np.uint64(1))
    if not is_whole(seed) or seed < 0:
        raise InputError(f"simulate_trial seed: {seed!r} is not a whole number >= 0")
    return int(seed)


def simulate_trial(
    design: TrialDesign, seed: int | np.random.SeedSequence, *, visits: bool = True
) -> Trial:
    """Simulate one trial of ``design``: enrolment, randomisation, follow-up and visits.

    Parameters
    ----------
    design : a ``TrialDesign``.
    seed : a whole number >= 0 (or a numpy SeedSequence); the same seed gives the same trial,
        and the same control arm whatever the effect.
    visits : False skips the visits table (empty; for survival endpoints only, faster).

    Returns
    -------
    Trial, with ``patients`` and ``visits`` (see ``Trial``; enrolment is explained in the
    module docstring and in ``alsprog.trials.simulation.enrol``).
    """
    if not isinstance(design, TrialDesign):
        raise InputError(
            f"simulate_trial design: {type(design).__name__} is not a TrialDesign; pass "
            "alsprog.TrialDesign(n_per_arm, effect=...)"
        )
    label = seed_integer(seed)
    context = make_context(design)
    enrolled = enrol(context, [seed])
    parts = at_enrolment(design.effect)
    follow = follow_up(context, enrolled, parts, exact=True)
    patients = _patients_frame(context, enrolled, follow)
    if visits:
        visit_table = _visits_frame(context, enrolled, visit_arrays(context, enrolled, follow))
    else:
        columns = [*VISIT_COLUMNS, "weeks_on_study", "arm"]
        visit_table = pd.DataFrame({c: pd.Series(dtype=float) for c in columns})
    screened, alive, eligible = (int(v) for v in enrolled.counts[0])
    settings = {
        "seed": label,
        "screened": screened,
        "alive_and_diagnosed": alive,
        "eligible": eligible,
        "eligible_share": eligible / alive,
        "effect": [c.kind for c in parts],
    }
    return Trial(patients, visit_table, design, settings)


def _courses(context, enrolled, follow):
    """Each arm's course: (rows, course) for control and treated rows."""
    treated = enrolled.treated & bool(follow.parts)
    out = []
    for arm in (False, True):
        rows = np.flatnonzero(treated == arm)
        if not rows.size:
            continue
        keys = (enrolled.draw_key[rows], enrolled.position[rows])
        people = enrolled.people.take(rows)
        disease = follow.disease_time[rows]
        if arm:
            reference, untreated = enrolled.d[rows], follow.untreated_time[rows]
            course = course_of(context, people, disease, keys, follow.parts, reference, untreated)
        else:
            course = course_of(context, people, disease, keys)
        out.append((rows, course))
    return out


def _patients_frame(context, enrolled, follow) -> pd.DataFrame:
    e, people, n = enrolled, enrolled.people, enrolled.d.size
    dx = people.diagnosis_time
    alsfrs_dx, rates = np.empty(n), np.empty(n)
    milestones = {name: np.empty(n) for name in MILESTONE_COLUMNS}
    for rows, course in _courses(context, e, follow):
        alsfrs_dx[rows] = course.observed(dx[rows]).sum(axis=1)
        rates[rows] = course.course.rate
        times = course.milestones(follow.death_time[rows])
        for name in MILESTONE_COLUMNS:
            milestones[name][rows] = times[name]
    subgroups = context.plan.subgroups
    columns = {
        "patient_id": e.patient_id,
        "sex": pd.Categorical.from_codes(people.sex, SEXES),
        "age_at_onset": people.age_at_onset,
        "phenotype": pd.Categorical.from_codes(people.subgroup, [a.name for a in subgroups]),
        "onset_site": pd.Categorical.from_codes(people.onset_site, SITES),
        "diagnosis_delay_months": people.diagnosis_delay_months,
        "diagnosis_time": dx,
        "progression_rate": rates,
        "alsfrs_r_at_diagnosis": alsfrs_dx,
        "death_time": follow.death_time,
        "death_cause": pd.Categorical.from_codes(follow.other_cause.astype(np.int8), CAUSES),
        "entry_time": e.d,
        "time": follow.exit_time,
        "event": follow.event.astype(np.int64),
        **milestones,
        "arm": pd.Categorical.from_codes(e.treated.astype(np.int8), ARMS),
        "enrolment_time": e.d,
        "accrual_time": follow.accrual_time,
        "time_on_study": follow.exit_time - e.d,
    }
    return pd.DataFrame(columns)


def _visits_frame(context, enrolled, visits) -> pd.DataFrame:
    which, scores = visits.patient, visits.scores
    settings = context.plan.course
    columns = {
        "patient_id": enrolled.patient_id[which],
        "time": visits.time,
        "months_since_entry": visits.k * float(context.interval_months),
    }
    columns.update({item: scores[:, i] for i, item in enumerate(ITEMS)})
    domains = scores.reshape(-1, 4, 3).sum(axis=2, dtype=np.int8)
    columns.update({domain: domains[:, d] for d, domain in enumerate(DOMAINS)})
    columns["alsfrs_r"] = domains.sum(axis=1, dtype=np.int8)
    columns["kings_stage"] = running_max(kings_stage(scores, settings), which).astype(np.int8)
    columns["mitos_stage"] = running_max(mitos_stage(scores), which).astype(np.int8)
    columns["weeks_on_study"] = visits.k * context.design.visit_interval_weeks
    columns["arm"] = pd.Categorical.from_codes(enrolled.treated[which].astype(np.int8), ARMS)
    return pd.DataFrame(columns)
