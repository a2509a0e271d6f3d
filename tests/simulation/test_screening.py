"""Screening by forward hazards: the same answer as the inverted death times, and candidates'
draws with the distributions ``Population.sample`` and the cohort blocks give."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from alsprog.simulation.blocks import plan
from alsprog.simulation.random_streams import CANDIDATE_UNIFORMS
from alsprog.simulation.sampler import other_cause_times
from alsprog.simulation.screening import (
    Prefilter,
    alive_of_disease,
    alive_other_cause,
    candidates,
)


def _draw(phenotype, n, seed):
    arms = plan(1, 0, phenotype=phenotype).subgroups
    u = np.random.default_rng(seed).random((CANDIDATE_UNIFORMS, n))
    return arms, u, candidates(arms, u)


@pytest.mark.parametrize("phenotype, horizon", [("als", 30.0), ("mnd", 30.0), ("als", 2.0)])
def test_the_forward_alive_check_agrees_with_the_inverted_death_times(phenotype, horizon):
    arms, u, people = _draw(phenotype, 200_000, 1)
    d = u[0] * horizon
    rows = np.arange(d.size)
    disease = people.disease().inverse(people.e_disease, rows)
    other = other_cause_times(
        arms, people.subgroup, people.age_at_onset, people.sex, people.e_other
    )
    exact_disease, exact_other = disease > d, other > d
    forward_disease = alive_of_disease(people, d, rows)
    later = d + horizon  # beyond the prefilter's grid
    assert np.array_equal(alive_of_disease(people, later, rows), disease > later)
    forward_other = alive_other_cause(arms, people, d)
    assert np.array_equal(forward_disease, exact_disease)
    assert np.array_equal(forward_other, exact_other)
    assert 0.02 < forward_disease.mean() < 0.98  # both outcomes are well represented
    # the prefilter sets aside only candidates the disease has killed or not yet diagnosed
    prefilter = Prefilter.build(arms, horizon)
    if phenotype == "als":
        kept = np.zeros(d.size, dtype=bool)
        kept[prefilter.maybe_alive(u)] = True
        diagnosed = people.diagnosis_time <= d
        assert not (exact_disease & diagnosed & ~kept).any()
        assert (kept & ~diagnosed).mean() < 0.5 * (~diagnosed).mean()  # most undiagnosed go
        if horizon > 10:
            assert kept.mean() < 1.1 * (exact_disease & diagnosed).mean()  # nearly all the dead
    else:
        assert prefilter is None  # several phenotypes: no prefilter


def test_candidates_have_the_population_demographics():
    arms, _, people = _draw("als", 100_000, 2)
    pop = arms[0].population
    z_age = (people.age_at_onset - pop.onset_age_mean) / pop.onset_age_sd
    inside = (people.age_at_onset > 15) & (people.age_at_onset < 100)
    z_delay = np.log(people.diagnosis_delay_months / pop.delay_median_months) / pop.delay_log_sd
    # Box-Muller: two independent standard normals (the age is clipped to 15-100 years)
    assert stats.kstest(z_delay, "norm").pvalue > 1e-3
    assert (
        stats.kstest(z_age[inside & (np.abs(z_age) < 2)], stats.truncnorm(-2, 2).cdf).pvalue > 1e-3
    )
    assert abs(np.corrcoef(z_age, z_delay)[0, 1]) < 4 / np.sqrt(z_age.size)
    male = people.sex == 0
    assert abs(male.mean() - pop.male_share) < 4 * np.sqrt(0.25 / male.size)
    # the exponential draws
    for e in (people.e_disease, people.e_other):
        assert stats.kstest(e, "expon").pvalue > 1e-3


def test_mnd_candidates_split_by_phenotype_share():
    arms, _, people = _draw("mnd", 100_000, 3)
    for j, arm in enumerate(arms):
        share = (people.subgroup == j).mean()
        assert abs(share - arm.share) < 4 * np.sqrt(
            arm.share * (1 - arm.share) / people.subgroup.size
        )
