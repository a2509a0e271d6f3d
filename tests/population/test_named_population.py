"""Named populations: the register alternative's figures, its cohorts, and bad names refused."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import alsprog
from alsprog import data
from alsprog.errors import InputError
from alsprog.population.covariates import Population

N = 4000


def test_register_takes_its_figures_from_the_data_file():
    figures = data.table("phenotypes.toml")["named_population"]["register"]
    register = Population.named("register")
    assert register.onset_age_mean == figures["onset_age_mean_years"]
    assert register.male_share == figures["male_share"]
    assert 63.0 <= register.onset_age_mean <= 65.0  # registers' median onset (facts: 63-65)
    for key in ("onset_age_source", "onset_age_sd_source", "male_share_source"):
        assert figures[key], key


def test_default_names_are_the_default_population():
    assert Population.named("default") == Population.default()
    assert Population.named("msd_manual") == Population.default()
    assert set(Population.names()) >= {"default", "msd_manual", "register"}


@pytest.mark.parametrize("bad", ["registry", "", 64, None])
def test_an_unknown_name_is_refused_in_one_line_naming_the_choices(bad):
    with pytest.raises(InputError) as caught:
        Population.named(bad)
    message = str(caught.value)
    assert "\n" not in message and "register" in message and "default" in message


@pytest.mark.parametrize(
    "call",
    [
        lambda: alsprog.phenotype("als", population="registry"),
        lambda: alsprog.simulate_cohort(10, 1, population="registry"),
        lambda: alsprog.prognosis("als", age_at_onset=60, years_since_onset=1, population=3.0),
    ],
)
def test_the_public_calls_refuse_a_bad_population(call):
    with pytest.raises(InputError, match="register"):
        call()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"phenotype": "mnd"},
        {"phenotype": {"als": 0.9, "pma": 0.1}},
        {"phenotype": alsprog.phenotype("pma")},
        {"model": alsprog.phenotype("als").model},
    ],
)
def test_a_register_cohort_takes_one_phenotype_name(kwargs):
    with pytest.raises(InputError, match="population="):
        alsprog.simulate_cohort(10, 1, population="register", **kwargs)


def test_a_register_cohort_has_the_registers_median_onset_age():
    patients = alsprog.simulate_cohort(N, 11, population="register").patients
    register = Population.named("register")
    # the sample median of N normal draws: SE = sqrt(pi / 2) * sd / sqrt(N); 4 SE
    se = np.sqrt(np.pi / 2) * register.onset_age_sd / np.sqrt(N)
    assert abs(patients["age_at_onset"].median() - 64.0) < 4 * se
    dist = stats.norm(register.onset_age_mean, register.onset_age_sd)
    assert stats.kstest(patients["age_at_onset"], dist.cdf).pvalue > 1e-3
    men = (patients["sex"] == "male").mean()
    assert abs(men - register.male_share) < 4 * np.sqrt(0.25 / N)
    default = alsprog.simulate_cohort(N, 11).patients["age_at_onset"].median()
    assert default < 57.0  # the default's 55: the register population is not the default


def test_same_seed_same_bytes_under_the_register_population():
    first = alsprog.simulate_cohort(1500, 5, population="register").patients
    second = alsprog.simulate_cohort(1500, 5, population=Population.named("register")).patients
    pd.testing.assert_frame_equal(first, second, check_exact=True)
    assert pd.util.hash_pandas_object(first).equals(pd.util.hash_pandas_object(second))
    other = alsprog.simulate_cohort(1500, 6, population="register").patients
    assert not first["death_time"].equals(other["death_time"])


@pytest.mark.parametrize("name", [None, "default", "msd_manual", Population.default()])
def test_the_default_population_leaves_the_cohort_bit_for_bit(name):
    plain = alsprog.simulate_cohort(1500, 9, phenotype="pls").patients
    given = alsprog.simulate_cohort(1500, 9, phenotype="pls", population=name).patients
    assert pd.util.hash_pandas_object(plain).equals(pd.util.hash_pandas_object(given))


def _decade_shares(population: Population) -> np.ndarray:
    edges = np.arange(10.0, 111.0, 10.0)
    return np.diff(stats.norm(population.onset_age_mean, population.onset_age_sd).cdf(edges))


def test_the_default_keeps_the_50s_modal_and_the_register_moves_it_to_the_60s():
    # decades 10s, 20s, ...: index 4 is the 50s (the MSD Manual), index 5 the 60s
    assert int(np.argmax(_decade_shares(Population.default()))) == 4
    assert int(np.argmax(_decade_shares(Population.named("register")))) == 5
