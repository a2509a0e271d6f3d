"""A block's draws cut to the patients needed equal the whole block's, bit for bit.

A cohort smaller than a block keeps only its patients' draws: the uniforms past them are
skipped with PCG64's ``advance`` and the exponentials and normals past them drawn and dropped
(``first_of``). The references here draw the whole block the plain way (one numpy call per
draw, as the streams' contract in ``random_streams`` lists them) and cut it afterwards.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alsprog.interventions.presets import riluzole
from alsprog.simulation.cohort import simulate_cohort
from alsprog.simulation.patients import PATIENTS_PER_BLOCK, block_random
from alsprog.simulation.random_streams import (
    BLOCK_DRAWS,
    COURSE_DRAWS,
    block_generators,
    course_generator,
    first_of,
)

PLAIN = {"u": "random", "e": "standard_exponential", "z": "standard_normal"}


@pytest.mark.parametrize("kind", ["u", "e", "z"])
@pytest.mark.parametrize("count, columns", [(0, 1), (1, 1), (37, 1), (37, 3), (200, 12)])
def test_first_of_is_the_whole_block_cut_and_leaves_the_stream_where_it_would(kind, count, columns):
    size = 200
    whole = np.random.default_rng(7)
    shape = (size,) if columns == 1 else (size, columns)
    expected = getattr(whole, PLAIN[kind])(shape)[:count]
    cut = np.random.default_rng(7)
    got = first_of(cut, kind, size, count, columns)
    assert got.shape == expected.shape
    assert np.array_equal(got, expected)
    # the next draws of either stream agree, whatever kind comes next
    assert np.array_equal(cut.standard_normal(50), whole.standard_normal(50))
    assert np.array_equal(cut.random(5), whole.random(5))


def test_first_of_skips_normals_longer_than_its_scratch_buffer():
    size, count = 3 * PATIENTS_PER_BLOCK + 5, 10
    whole, cut = np.random.default_rng(3), np.random.default_rng(3)
    assert np.array_equal(first_of(cut, "z", size, count), whole.standard_normal(size)[:count])
    assert np.array_equal(cut.random(4), whole.random(4))


@pytest.mark.parametrize("count", [1, 999, PATIENTS_PER_BLOCK])
def test_a_blocks_draws_are_its_streams_drawn_whole_in_the_documented_order(count):
    seed, block = 4, 1
    demographic, patient, key = block_generators(seed, block)
    whole = {name: getattr(patient, PLAIN[name[0]])(PATIENTS_PER_BLOCK) for name in BLOCK_DRAWS}
    uniforms = demographic.random((3, PATIENTS_PER_BLOCK))  # as Population.sample draws them
    course_rng, course = course_generator(seed, block), {}
    for name, (kind, columns) in COURSE_DRAWS.items():
        shape = (PATIENTS_PER_BLOCK,) if columns == 1 else (PATIENTS_PER_BLOCK, columns)
        course[name] = getattr(course_rng, "random" if kind == "uniform" else "standard_normal")(
            shape
        )
    got = block_random(seed, block, count)
    assert got.key == key
    assert np.array_equal(got.demographic, uniforms[:, :count])
    for name in BLOCK_DRAWS:
        assert np.array_equal(got.patient[name], whole[name][:count]), name
    for name in COURSE_DRAWS:
        assert np.array_equal(got.course[name], course[name][:count]), name


def test_a_blocks_kept_draws_are_read_only_so_cohorts_that_share_them_cannot_change_them():
    got = block_random(2, 0, 50)
    with pytest.raises(ValueError):
        got.course["z_gap"][0, 0] = 0.0
    with pytest.raises(ValueError):
        got.patient["e_disease"][0] = 0.0


def _same(small: pd.DataFrame, large: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(small, large.iloc[: len(small)], check_exact=True)


@pytest.mark.parametrize("n", [1, 999])
def test_a_cohort_below_a_block_is_the_first_patients_of_one_above_it(n):
    """A cohort of 16,385 draws its first block whole (nothing skipped); one of n < 16,384
    keeps n patients' draws: the same patients, every column bit for bit, with an effect too
    (and again after the block's draws were kept for the next cohort)."""
    large = simulate_cohort(PATIENTS_PER_BLOCK + 1, 9, effect=riluzole()).patients
    _same(simulate_cohort(n, 9, effect=riluzole()).patients, large)
    _same(simulate_cohort(n, 9, effect=riluzole()).patients, large)


def test_a_register_cohort_below_a_block_is_the_first_patients_of_one_above_it():
    large = simulate_cohort(PATIENTS_PER_BLOCK + 3, 14, population="register")
    _same(simulate_cohort(300, 14, population="register").patients, large.patients)


def test_a_mixed_cohort_and_its_visits_below_a_block_are_the_first_of_one_above_it():
    large = simulate_cohort(PATIENTS_PER_BLOCK + 3, 13, phenotype="mnd")
    small = simulate_cohort(2_000, 13, phenotype="mnd")
    _same(small.patients, large.patients)
    visits = small.visits
    ids = visits["patient_id"].unique()
    big = large.visits[large.visits["patient_id"].isin(ids)].reset_index(drop=True)
    pd.testing.assert_frame_equal(visits, big, check_exact=True)


def test_untreated_death_times_are_shared_only_by_cohorts_with_the_same_models(monkeypatch):
    """Two redrawn versions of ALS, one after the other and again, each with and without an
    effect: every cohort equals the one made with nothing kept, and the versions differ."""
    from alsprog.disease.draws import uncertainty_draws
    from alsprog.simulation import patients

    versions = uncertainty_draws("als", n=2, seed=1)
    order = [(0, None), (0, riluzole()), (1, None), (1, riluzole()), (0, None)]
    kept = [simulate_cohort(400, 5, phenotype=versions[v], effect=e).patients for v, e in order]
    monkeypatch.setattr(patients, "_MEMO", patients.BlockMemo(0))  # nothing kept
    for (v, e), got in zip(order, kept, strict=True):
        pd.testing.assert_frame_equal(
            got, simulate_cohort(400, 5, phenotype=versions[v], effect=e).patients, check_exact=True
        )
    assert not np.array_equal(kept[0]["death_time"], kept[2]["death_time"])
    assert not np.array_equal(kept[0]["death_time"], kept[1]["death_time"])


def test_other_cause_death_times_are_shared_only_by_cohorts_with_the_same_patients(monkeypatch):
    """Cohorts of one seed whose patients' ages, sexes or life tables differ (a register
    population, a mix, no life table) one after the other and again: every cohort equals the
    one made with nothing kept, and the other-cause deaths differ where the patients do."""
    from alsprog.simulation import patients

    order = [{}, {"population": "register"}, {"phenotype": "mnd"}, {"background": None}, {}]
    kept = [simulate_cohort(400, 5, **options).patients for options in order]
    monkeypatch.setattr(patients, "_MEMO", patients.BlockMemo(0))  # nothing kept
    for options, got in zip(order, kept, strict=True):
        pd.testing.assert_frame_equal(
            got, simulate_cohort(400, 5, **options).patients, check_exact=True
        )
    other = [(p["death_cause"] == "other").to_numpy() for p in kept]
    assert not np.array_equal(other[0], other[1]) and not other[3].any() and other[0].any()


def test_a_cohort_from_diagnosis_is_the_first_entrants_of_a_larger_one_with_their_visits():
    """Entry at diagnosis builds the courses of the patients drawn up to the last entrant
    needed only; a cohort of 17,000 entrants builds its first block's whole. The same
    patients and visits, bit for bit, with an effect and losses to follow-up."""
    options = {"entry": "diagnosis", "effect": riluzole(), "dropout_per_year": 0.2}
    large = simulate_cohort(17_000, 8, **options)
    small = simulate_cohort(1_500, 8, **options)
    assert small.settings["n_drawn"] < PATIENTS_PER_BLOCK
    _same(small.patients, large.patients)
    visits = small.visits
    big = large.visits[large.visits["patient_id"] <= len(small.patients)]
    pd.testing.assert_frame_equal(visits, big.reset_index(drop=True), check_exact=True)


@pytest.mark.parametrize("name", ["default", "register"])
def test_a_cohorts_demographics_are_its_populations_sample_of_the_block(name):
    """The block turns its kept uniforms as ``Population.sample`` turns a whole block's."""
    from alsprog.population.covariates import Population

    population = Population.default() if name == "default" else Population.named(name)
    demographic, _, _ = block_generators(6, 0)
    sample = population.sample(PATIENTS_PER_BLOCK, demographic).iloc[:300]
    p = simulate_cohort(300, 6, population=name).patients
    assert np.array_equal(p["age_at_onset"].to_numpy(), sample["age_at_onset"].to_numpy())
    assert np.array_equal(p["sex"].astype(str).to_numpy(), sample["sex"].astype(str).to_numpy())
    assert np.array_equal(p["diagnosis_delay_months"].to_numpy(), sample["delay_months"].to_numpy())


def test_a_cohort_from_diagnosis_with_few_entrants_a_block_falls_back_to_the_whole_block():
    """Most patients of a fast model die before diagnosis: the first patients made hold too
    few entrants, so the whole block is made; still the first entrants of a cohort of 12,000
    (whose first block is made whole at once)."""
    from alsprog.models.weibull import Weibull

    fast = Weibull(shape=1.0, scale=0.8)
    small = simulate_cohort(1_000, 2, model=fast, entry="diagnosis")
    assert small.settings["n_drawn"] > 1.5 * 1_000 + 64  # more than the first try made
    large = simulate_cohort(12_000, 2, model=fast, entry="diagnosis")
    _same(small.patients, large.patients)
