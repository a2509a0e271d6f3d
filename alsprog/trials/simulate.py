"""``simulate_trial``: a two-arm trial enrolled from a simulated prevalent population.

How patients are enrolled (the length-biased prevalent pool). Candidates are simulated from
symptom onset in the cohort simulation's fixed blocks. Each candidate gets a screening time
d, uniform on [0, D] years from onset (D: the maximum disease duration, else the pool horizon
of ``data/trials.toml``), and is enrolled at d if diagnosed by d, alive at d and eligible at
d (the ALSFRS-R criteria on the baseline visit measured at d). Under a steady incidence, the
patients a trial finds in clinic at a random calendar time are distributed exactly so: a
patient's chance of being in the pool is proportional to the time spent diagnosed, alive
and eligible. So the trial population is left-truncated (nobody dies before enrolment) and
length-biased toward slower courses, as real trial populations are. A uniform screening
window after diagnosis would instead over-represent fast progressors.

Randomisation. Each enrolled candidate, in block order, is assigned treatment with
probability allocation / (1 + allocation); each arm takes its first n candidates and later
ones of a full arm are passed over. So arm sizes are exact, and a larger trial extends a
smaller one with the same seed (common random numbers across n).

Common random numbers across effects. Screening, eligibility and arms are decided on the
untreated draws; the treatment arm is the same candidates simulated again with the effect
starting at each patient's enrolment (``make_block(reference=...)``). The control arm does
not depend on the effect at all. Caveat of the course model: the ALSFRS-R course is keyed to
the disease death time, so a survival effect (hazard or time ratio) that moves the death time
also nudges the course before enrolment; the treatment arm's baseline can then differ
slightly from what screening saw. Slope reductions leave everything before enrolment as is.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from alsprog.errors import InputError
from alsprog.simulation.blocks import PATIENT_COLUMNS, make_block, plan
from alsprog.simulation.patients import BLOCK
from alsprog.simulation.piecewise import effect_components
from alsprog.simulation.settings import ITEMS
from alsprog.simulation.visits import VISIT_COLUMNS, block_visits
from alsprog.trials.design import TrialDesign, trial_data
from alsprog.trials.inputs import ARMS, WEEKS_PER_MONTH

TRIAL_STREAM = 3  # spawn_key (block, 3): the trial's own draws; 0-2 are the cohort's
FIRST_SIZE = 2048  # candidates tried first in a block (prefix-stable: any size gives the same)
MAX_BLOCKS = 256


@dataclass(frozen=True)
class FromEnrolment:
    """An elementary effect re-anchored to start ``start_years`` after enrolment."""

    kind: str
    value: float = 1.0
    fraction: float = 0.0
    start_years: float = 0.0
    duration_years: float = float("inf")
    from_diagnosis: bool = True


def enrolment_parts(effect: object) -> tuple:
    """The effect's components with every start counted from enrolment (``reference``)."""
    out = []
    for part in effect_components(effect):
        out.append(
            FromEnrolment(
                part.kind,
                value=float(getattr(part, "value", 1.0)),
                fraction=float(getattr(part, "fraction", 0.0)),
                start_years=float(getattr(part, "start_years", 0.0)),
                duration_years=float(getattr(part, "duration_years", float("inf"))),
            )
        )
    return tuple(out)


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
    design : the design. settings : seed, candidates screened, alive and diagnosed at
        screening, eligible, blocks used.
    """

    patients: pd.DataFrame
    visits: pd.DataFrame
    design: TrialDesign
    settings: dict


def seed_integer(seed: object) -> int:
    """A non-negative integer seed from an int or a numpy SeedSequence."""
    if isinstance(seed, np.random.SeedSequence):
        return int(seed.generate_state(1, np.uint64)[0] >> np.uint64(1))
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"simulate_trial seed: {seed!r} is not a whole number >= 0")
    return int(seed)


def _trial_draws(seed: int, block: int, size: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, TRIAL_STREAM)))
    names = ("u_screen", "u_arm", "u_accrual")
    draws = {name: rng.random(BLOCK)[:size] for name in names}
    draws["e_dropout"] = rng.standard_exponential(BLOCK)[:size]
    return draws


def _screen(design: TrialDesign, block, draws: dict, interval_months: float, p) -> tuple:
    """Candidates of a block enrolled at their screening time, and the screening counts."""
    criteria = design.criteria
    frame = block.patients
    d = draws["u_screen"] * criteria.pool_horizon_years
    death = frame["death_time"].to_numpy()
    dx = frame["diagnosis_time"].to_numpy()
    with np.errstate(invalid="ignore"):
        candidates = np.flatnonzero((dx <= d) & (death > d))
    ok = np.ones(candidates.size, dtype=bool)
    if candidates.size:
        first = block_visits(
            block.course,
            candidates,
            candidates,
            d[candidates],
            d[candidates],
            np.zeros(candidates.size, dtype=bool),
            interval_months,
            block.key,
            p.settings,
        )
        total = first["alsfrs_r"].to_numpy(dtype=float)
        if criteria.min_alsfrs_r is not None:
            ok &= total >= criteria.min_alsfrs_r
        if criteria.min_item_score is not None:
            items = first[list(ITEMS)].to_numpy()
            ok &= (items >= criteria.min_item_score).all(axis=1)
        if criteria.dfs_range is not None:
            low, high = criteria.dfs_range
            with np.errstate(divide="ignore"):
                dfs = (48.0 - total) / (d[candidates] * 12.0)
            ok &= (dfs >= low) & (dfs <= high)
    return candidates[ok], d, candidates.size


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
    module docstring).
    """
    if not isinstance(design, TrialDesign):
        raise InputError(
            f"simulate_trial design: {type(design).__name__} is not a TrialDesign; pass "
            "alsprog.TrialDesign(n_per_arm, effect=...)"
        )
    seed = seed_integer(seed)
    interval_months = design.visit_interval_weeks / WEEKS_PER_MONTH
    base = plan(
        BLOCK,
        seed,
        phenotype=design.phenotype,
        entry="onset",
        visit_interval_months=interval_months,
    )
    treated_plan = replace(base, parts=enrolment_parts(design.effect))
    share = design.allocation / (1.0 + design.allocation)
    quota = {False: design.n_control, True: design.n_treatment}
    taken = {False: [], True: []}  # (block, rows) of each arm
    screened = alive = eligible = 0
    screened_blocks: dict = {}
    block_index = 0
    while len(taken[False]) < quota[False] or len(taken[True]) < quota[True]:
        need = sum(quota[k] - len(taken[k]) for k in quota)
        size = min(BLOCK, max(FIRST_SIZE, 12 * need))
        while True:
            block = make_block(base, block_index, size, first_id=1, keep_at_most=size)
            draws = _trial_draws(seed, block_index, size)
            enrolled, d, _ = _screen(design, block, draws, interval_months, base)
            arms = draws["u_arm"][enrolled] < share
            room = {k: quota[k] - len(taken[k]) for k in quota}
            found = {False: int((~arms).sum()), True: int(arms.sum())}
            enough = all(found[k] >= room[k] for k in quota)
            if enough or size == BLOCK:
                break
            short = max(room[k] / max(found[k], 1) for k in quota)
            size = min(BLOCK, int(size * min(short * 1.25, 8.0)) + 1)
        screened_blocks[block_index] = block
        # the candidates needed: each arm its first 'room' (positions beyond are not used)
        cut = size
        if enough:
            last = max(
                np.flatnonzero(arms == k)[room[k] - 1] if room[k] else -1 for k in (False, True)
            )
            cut = int(enrolled[last]) + 1
        screened += cut
        alive += _count_below(block, d, cut)
        use = enrolled < cut
        eligible += int(use.sum())
        for position, treated in zip(enrolled[use], arms[use], strict=True):
            if len(taken[bool(treated)]) < quota[bool(treated)]:
                taken[bool(treated)].append((block_index, int(position)))
        _check_share(eligible, alive, block_index)
        block_index += 1
    counts = {"screened": screened, "alive_and_diagnosed": alive, "eligible": eligible}
    return _assemble(
        design, seed, (screened_blocks, treated_plan), taken, interval_months, counts, visits
    )


def _count_below(block, d: np.ndarray, cut: int) -> int:
    frame = block.patients
    dx = frame["diagnosis_time"].to_numpy()[:cut]
    death = frame["death_time"].to_numpy()[:cut]
    with np.errstate(invalid="ignore"):
        return int(np.sum((dx <= d[:cut]) & (death > d[:cut])))


def _check_share(eligible: int, alive: int, block_index: int) -> None:
    minimum = float(trial_data()["enrolment"]["min_eligible_share"])
    share = eligible / alive if alive else 0.0
    if (block_index >= 1 and share < minimum) or block_index >= MAX_BLOCKS:
        raise InputError(
            f"eligibility: only {share:.3%} of {alive:,} candidates alive and diagnosed at "
            "screening met the criteria (nobody, in effect); relax the eligibility criteria"
        )


def _assemble(design, seed, plans, taken, interval_months, counts, with_visits):
    screened_blocks, treated_plan = plans
    order = sorted(
        [(b, r, False) for b, r in taken[False]] + [(b, r, True) for b, r in taken[True]]
    )
    by_block: dict[int, list] = {}
    for b, r, treated in order:
        by_block.setdefault(b, []).append((r, treated))
    patient_frames, visit_frames = [], []
    next_id = 1
    for b, members in by_block.items():
        control = screened_blocks[b]
        size = len(control.patients)
        draws = _trial_draws(seed, b, size)
        d = draws["u_screen"] * design.criteria.pool_horizon_years
        for treated in (False, True):
            rows = np.array([r for r, t in members if t == treated], dtype=np.intp)
            if not rows.size:
                continue
            if treated and treated_plan.parts:
                block = make_block(treated_plan, b, size, 1, size, reference=d)
            else:
                block = control
            ids = np.array(
                [next_id + i for i, (r, t) in enumerate(members) if t == treated], dtype=np.int64
            )
            frame, visits = _arm_rows(
                design, block, rows, ids, d, draws, interval_months, treated_plan, with_visits
            )
            frame.insert(len(frame.columns), "arm", ARMS[int(treated)])
            visits["arm"] = ARMS[int(treated)]
            patient_frames.append(frame)
            visit_frames.append(visits)
        next_id += len(members)
    patients = pd.concat(patient_frames, ignore_index=True).sort_values("patient_id")
    visits = pd.concat(visit_frames, ignore_index=True).sort_values(
        ["patient_id", "weeks_on_study"], kind="stable"
    )
    columns = [*PATIENT_COLUMNS, "arm", "enrolment_time", "accrual_time", "time_on_study"]
    patients = patients[columns].reset_index(drop=True)
    patients["arm"] = pd.Categorical(patients["arm"], categories=ARMS)
    visits["arm"] = pd.Categorical(visits["arm"], categories=ARMS)
    settings = {
        "seed": seed,
        **counts,
        "eligible_share": counts["eligible"] / counts["alive_and_diagnosed"],
        "blocks": len(by_block),
        "effect": [c.kind for c in treated_plan.parts],
    }
    return Trial(patients, visits.reset_index(drop=True), design, settings)


def _arm_rows(design, block, rows, ids, d, draws, interval_months, p, with_visits):
    frame = block.patients.iloc[rows].reset_index(drop=True)
    enrol = d[rows]
    death = frame["death_time"].to_numpy()
    end = enrol + design.followup_years
    with np.errstate(divide="ignore"):
        dropout = enrol + draws["e_dropout"][rows] / design.dropout_per_year
    censor = np.minimum(end, dropout)
    died = death <= censor
    exit_time = np.where(died, death, censor)
    frame["patient_id"] = ids
    frame["entry_time"] = enrol
    frame["time"] = exit_time
    frame["event"] = died.astype(np.int64)
    frame["enrolment_time"] = enrol
    frame["accrual_time"] = draws["u_accrual"][rows] * design.accrual_years
    frame["time_on_study"] = exit_time - enrol
    if not with_visits:
        columns = [*VISIT_COLUMNS, "weeks_on_study"]
        return frame, pd.DataFrame({c: pd.Series(dtype=float) for c in columns})
    visits = block_visits(
        block.course, rows, ids, enrol, exit_time, died, interval_months, block.key, p.settings
    )
    weeks = visits["months_since_entry"].to_numpy() / interval_months
    visits["weeks_on_study"] = (np.rint(weeks) * design.visit_interval_weeks).astype(np.int64)
    return frame, visits[[*VISIT_COLUMNS, "weeks_on_study"]]
