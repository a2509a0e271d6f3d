"""Screened-first, batched trial simulation against slow references: the full computation for
every candidate, the trial alone against the trial in a batch, the arrays ``power`` analyses
against analysing ``simulate_trial``'s tables."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from alsprog.interventions import HazardRatio, SlopeReduction, TimeRatio, edaravone, riluzole
from alsprog.interventions.core import at_enrolment
from alsprog.interventions.piecewise import multiplier
from alsprog.simulation.random_streams import hashed, hashed_normal
from alsprog.simulation.sampler import (
    constant_ratio_from_reference,
    other_cause_times,
    treated_disease_times,
)
from alsprog.simulation.screening import candidates
from alsprog.simulation.settings import ITEMS
from alsprog.trials.analysis.endpoints import ENDPOINTS, analyse, analyse_arrays
from alsprog.trials.power import replicate_seed
from alsprog.trials.simulation import batched
from alsprog.trials.simulation.batched import simulate_arrays, weeks_needed
from alsprog.trials.simulation.design import Eligibility, TrialDesign
from alsprog.trials.simulation.enrol import candidate_uniforms, enrol, make_context, trial_sources
from alsprog.trials.simulation.followup import _alive_treated, course_of, follow_up, visit_arrays
from alsprog.trials.simulation.simulate import simulate_trial


def _reference_enrolment(design: TrialDesign, seed: int, count: int) -> pd.DataFrame:
    """The slow way: every one of ``count`` candidates gets exact death times, its course
    and its baseline visit (noise by ``hashed_normal``); then alive, diagnosed and
    eligible at d, randomised, each arm its first n."""
    context = make_context(design)
    sources = trial_sources(seed)
    u = candidate_uniforms(sources, count)
    people = candidates(context.plan.subgroups, u)
    d = u[0] * context.horizon
    rows = np.arange(count)
    disease = people.disease().inverse(people.e_disease, rows)
    other = other_cause_times(
        context.plan.subgroups, people.subgroup, people.age_at_onset, people.sex, people.e_other
    )
    position = rows.astype(np.uint64)
    keys = (np.full(count, sources.draw_key), position)
    course = course_of(context, people, disease, keys)
    noise = hashed_normal(
        sources.visit_key, position[:, None], np.arange(len(ITEMS), dtype=np.uint64)
    )
    sd = context.plan.settings.visit_noise_sd
    scores = course.observed(d, sd * noise)  # the noise on every item, received as taken
    total = scores.sum(axis=1, dtype=np.int64)
    ok = (people.diagnosis_time <= d) & (np.minimum(disease, other) > d)
    alive = ok.copy()
    rules = design.criteria
    if rules.min_alsfrs_r is not None:
        ok &= total >= rules.min_alsfrs_r
    if rules.min_item_score is not None:
        ok &= (scores >= rules.min_item_score).all(axis=1)
    if rules.dfs_range is not None:
        dfs = (48.0 - total) / (d * 12.0)
        ok &= (dfs >= rules.dfs_range[0]) & (dfs <= rules.dfs_range[1])
    treated = hashed(keys[0], position, "u_arm") < context.share
    taken = {False: [], True: []}
    quota = {False: design.n_control, True: design.n_treatment}
    for j in np.flatnonzero(ok):
        arm = bool(treated[j])
        if len(taken[arm]) < quota[arm]:
            taken[arm].append(j)
    chosen = np.sort(np.concatenate([taken[False], taken[True]]).astype(int))
    return pd.DataFrame(
        {
            "enrolment_time": d[chosen],
            "age_at_onset": people.age_at_onset[chosen],
            "untreated_death": np.minimum(disease, other)[chosen],
            "treatment": treated[chosen],
            "baseline": total[chosen],
            "alive": np.cumsum(alive)[chosen[-1]],
            "eligible": np.cumsum(ok)[chosen[-1]],
            "screened": chosen[-1] + 1,
        }
    )


@pytest.mark.parametrize(
    "design",
    [
        TrialDesign(60),
        TrialDesign(
            40,
            eligibility=Eligibility(
                max_disease_duration_years=3.0, min_alsfrs_r=36, min_item_score=2
            ),
        ),
        TrialDesign(30, eligibility=Eligibility(dfs_range=(0.3, 1.0)), allocation=2.0),
        TrialDesign(40, phenotype="mnd"),  # several phenotypes: no prefilter
    ],
)
def test_screened_first_enrolment_is_the_full_computation(design):
    trial = simulate_trial(design, 17)
    p, v = trial.patients, trial.visits
    count = trial.settings["screened"]
    reference = _reference_enrolment(design, 17, count + 500)
    assert np.array_equal(p["enrolment_time"], reference["enrolment_time"])
    assert np.array_equal(p["age_at_onset"], reference["age_at_onset"])
    assert np.array_equal(p["death_time"], reference["untreated_death"])  # no effect
    assert np.array_equal(p["arm"] == "treatment", reference["treatment"])
    base = v[v["weeks_on_study"] == 0]
    assert np.array_equal(base["alsfrs_r"], reference["baseline"])
    assert trial.settings["screened"] == reference["screened"].iloc[0]
    assert trial.settings["alive_and_diagnosed"] == reference["alive"].iloc[0]
    assert trial.settings["eligible"] == reference["eligible"].iloc[0]


def test_every_visit_score_is_the_latent_score_plus_hashed_noise():
    design = TrialDesign(50, effect=edaravone(), visit_interval_weeks=4)
    context = make_context(design)
    enrolled = enrol(context, [5])
    parts = at_enrolment(design.effect)
    follow = follow_up(context, enrolled, parts, exact=True)
    visits = visit_arrays(context, enrolled, follow)
    control = ~enrolled.treated[visits.patient]
    course = course_of(
        context, enrolled.people, follow.disease_time, (enrolled.draw_key, enrolled.position)
    )
    patient = visits.patient[control]
    mine = course.take(patient)
    latent = mine.course.latent_scores(visits.time[control][:, None])[:, 0, :]
    counter = visits.k[control].astype(np.uint64)[:, None] * np.uint64(12) + np.arange(
        12, dtype=np.uint64
    )
    noise = hashed_normal(
        enrolled.visit_key[patient][:, None], enrolled.position[patient][:, None], counter
    )
    sd = context.plan.settings.visit_noise_sd
    expected = mine.observed(visits.time[control], sd * noise)  # every item's noise
    assert np.array_equal(visits.scores[control], expected)
    assert ((latent == 4) | (latent == 0)).mean() > 0.3  # the shortcut is exercised


@pytest.mark.parametrize("effect", [None, riluzole(), TimeRatio(1.4) & SlopeReduction(0.3)])
def test_a_trial_is_the_same_alone_in_a_batch_and_in_any_number_of_rounds(effect):
    design = TrialDesign(40, effect=effect)
    context = make_context(design)
    seeds = [replicate_seed(np.random.SeedSequence(9), r) for r in range(5)]
    labels = np.arange(5)
    together, together_v = simulate_arrays(context, seeds, labels, visits=True)
    starved = replace(context, rate=context.rate / 40)  # many rounds of few candidates
    rounds, rounds_v = simulate_arrays(starved, seeds, labels, visits=True)
    for r, seed in enumerate(seeds):
        alone, alone_v = simulate_arrays(context, [seed], labels[r : r + 1], visits=True)
        mine = together.replicate == r
        assert np.array_equal(together.time[mine], alone.time)
        assert np.array_equal(together.event[mine], alone.event)
        assert np.array_equal(together.treatment[mine], alone.treatment)
        rows = np.flatnonzero(mine)
        in_batch = np.isin(together_v.patient, rows)
        assert np.array_equal(together_v.score[in_batch], alone_v.score)
        assert np.array_equal(together_v.weeks[in_batch], alone_v.weeks)
    for name in ("time", "event", "treatment", "patient_id"):
        assert np.array_equal(getattr(together, name), getattr(rounds, name))
    assert np.array_equal(together_v.score, rounds_v.score)


def _tables(design, root, replicates, visits):
    patients, visit_frames = [], []
    for r in range(replicates):
        trial = simulate_trial(design, replicate_seed(root, r), visits=visits)
        patients.append(trial.patients.assign(replicate=r))
        visit_frames.append(trial.visits.assign(replicate=r))
    table = pd.concat(patients, ignore_index=True)
    return table, pd.concat(visit_frames, ignore_index=True) if visits else None


@pytest.mark.parametrize(
    "design, endpoints",
    [
        (TrialDesign(60, effect=riluzole()), ("logrank", "cox")),
        (TrialDesign(30, effect=edaravone(), visit_interval_weeks=12), ENDPOINTS),
        (TrialDesign(30, effect=HazardRatio(0.7) & SlopeReduction(0.4)), ("logrank", "ancova_24w")),
        # a short pool and a long follow-up (past the prefilter's grid), a harmful hazard ratio
        (
            TrialDesign(
                40,
                effect=HazardRatio(1.4),
                followup_years=2.0,
                eligibility=Eligibility(max_disease_duration_years=1.5),
            ),
            ("logrank", "cox"),
        ),
        (TrialDesign(30, effect=TimeRatio(1.3), phenotype="mnd"), ("logrank",)),  # no prefilter
    ],
)
def test_the_arrays_power_analyses_are_simulate_trials_tables(design, endpoints):
    root = np.random.SeedSequence(3)
    visits = endpoints != ("logrank", "cox")
    labels = np.arange(6)
    seeds = [replicate_seed(root, r) for r in labels]
    patients, visit_arrays = simulate_arrays(
        make_context(design), seeds, labels, visits=visits, weeks=weeks_needed(endpoints)
    )
    fast = analyse_arrays(patients, visit_arrays, endpoints, alpha=design.alpha)
    table, visit_table = _tables(design, root, 6, visits)
    slow = analyse(table, visit_table, endpoints, alpha=design.alpha)
    pd.testing.assert_frame_equal(fast, slow)
    # the forward-hazard follow-up gives the exact death times' outcome
    assert np.array_equal(patients.event, table["event"].to_numpy() == 1)
    assert np.array_equal(patients.time, table["time_on_study"].to_numpy())


@pytest.mark.parametrize(
    "effect", [riluzole(), HazardRatio(0.3), HazardRatio(1.6), HazardRatio(3.0)]
)
def test_a_constant_ratio_from_enrolment_is_the_piecewise_computation_bit_for_bit(effect):
    design = TrialDesign(200, effect=effect)
    context = make_context(design)
    enrolled = enrol(context, [4, 5])
    people, d = enrolled.people, enrolled.d
    parts = at_enrolment(design.effect)
    hazard = people.disease()
    rows = np.arange(d.size)
    untreated = hazard.inverse(people.e_disease, rows)
    pieces = multiplier(parts, "hazard_ratio", d)
    fast = treated_disease_times(hazard, people.e_disease, untreated, parts, d * 0, d)
    assert np.array_equal(fast, pieces.inverse(people.e_disease, hazard.cumulative, hazard.inverse))
    ratio = constant_ratio_from_reference(parts)
    assert ((fast > untreated) if ratio < 1 else (fast < untreated)).all()  # from enrolment
    for t in (d + 0.7, d + 40.0):  # within the screening horizon, and far beyond it
        expected = pieces.integral(t, rows, hazard.cumulative) < people.e_disease
        assert np.array_equal(_alive_treated(parts, people, d, t), expected)
        assert 0.05 < expected.mean() < 0.95 or t[0] > d[0] + 1


def test_batches_joined_are_the_batch_simulated_whole(monkeypatch):
    design = TrialDesign(20, effect=edaravone(), visit_interval_weeks=12)
    context = make_context(design)
    labels = np.arange(7)
    seeds = [replicate_seed(np.random.SeedSequence(4), r) for r in labels]
    whole = simulate_arrays(context, seeds, labels, visits=True)
    monkeypatch.setattr(batched, "BATCH", 3)  # three batches, joined
    joined = simulate_arrays(context, seeds, labels, visits=True)
    for one, other in zip(whole, joined, strict=True):
        for name in one.__dataclass_fields__:
            assert np.array_equal(getattr(one, name), getattr(other, name), equal_nan=True), name
