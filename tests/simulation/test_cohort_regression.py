"""A fitted regression drives ``simulate_cohort``: each patient from their own covariate row.

References: the regression's own marginal survival over the same rows (``model.marginal``) and
its one-profile model (``model.at``), by the Dvoretzky-Kiefer-Wolfowitz band.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from dkw import dkw_gap
from registers import weibull_register

import alsprog
from alsprog.errors import InputError
from alsprog.simulation import blocks

COLUMNS = ["age_at_onset", "sex", "onset_site"]


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    return weibull_register(800, 11)


@pytest.fixture(scope="module")
def regression(register):
    return alsprog.fit("weibull", register, covariates=COLUMNS)


def test_cohort_follows_the_marginal_over_the_frame(regression, register):
    cohort = alsprog.simulate_cohort(4000, 5, model=regression, covariates=register)
    p = cohort.patients
    assert (p["entry_time"] == 0).all() and (p["event"] == 1).all()
    marginal = regression.marginal(register)
    gap, bound = dkw_gap(p["death_time"], lambda t: 1 - marginal.survival(t))
    assert gap < bound
    # the rows matter: the cohort is not the plain model of the average patient
    km = cohort.kaplan_meier()
    assert km.median() == pytest.approx(marginal.median(), rel=0.1)


def test_one_profile_matches_the_model_at_that_profile(regression):
    profile = {"age_at_onset": 70.0, "sex": "female", "onset_site": "bulbar"}
    frame = pd.DataFrame([profile] * 3)
    cohort = alsprog.simulate_cohort(3000, 8, model=regression, covariates=frame)
    model = regression.at(profile)
    gap, bound = dkw_gap(cohort.patients["death_time"], lambda t: 1 - model.survival(t))
    assert gap < bound
    other = regression.at({**profile, "age_at_onset": 50.0})  # the band can tell them apart
    gap_other, _ = dkw_gap(cohort.patients["death_time"], lambda t: 1 - other.survival(t))
    assert gap_other > bound


def test_population_rows_are_the_patients_own(regression):
    cohort = alsprog.simulate_cohort(3000, 2, model=regression, covariates="population")
    p = cohort.patients
    rows = pd.DataFrame({c: p[c].astype(str) if c != "age_at_onset" else p[c] for c in COLUMNS})
    marginal = regression.marginal(rows)
    gap, bound = dkw_gap(p["death_time"], lambda t: 1 - marginal.survival(t))
    assert gap < bound
    # a bulbar patient dies sooner than a limb one of the same draws, on average
    by_site = p.groupby("onset_site", observed=True)["death_time"].median()
    assert by_site["bulbar"] < by_site["limb"]


def test_entry_at_diagnosis_is_left_truncation(regression):
    cohort = alsprog.simulate_cohort(1500, 4, model=regression, covariates="population")
    late = alsprog.simulate_cohort(
        1500, 4, model=regression, covariates="population", entry="diagnosis"
    )
    p = late.patients
    assert (p["entry_time"] == p["diagnosis_time"]).all() and (p["time"] > p["entry_time"]).all()
    assert late.settings["n_drawn"] > 1500
    # survivors to diagnosis outlive the unselected cohort
    assert p["death_time"].median() > cohort.patients["death_time"].median()


def test_same_seed_same_bytes_and_prefix_independent_of_size(regression, register):
    a = alsprog.simulate_cohort(300, 9, model=regression, covariates=register)
    b = alsprog.simulate_cohort(300, 9, model=regression, covariates=register)
    pd.testing.assert_frame_equal(a.patients, b.patients, check_exact=True)
    small = alsprog.simulate_cohort(100, 9, model=regression, covariates=register)
    pd.testing.assert_frame_equal(small.patients, a.patients.iloc[:100], check_exact=True)
    c = alsprog.simulate_cohort(300, 10, model=regression, covariates=register)
    assert not np.array_equal(a.patients["death_time"], c.patients["death_time"])


def test_output_is_independent_of_threads(regression, register, monkeypatch):
    n = 20_000  # two blocks
    monkeypatch.setattr(blocks, "THREADS", 2)
    two = alsprog.simulate_cohort(n, 6, model=regression, covariates=register).patients
    monkeypatch.setattr(blocks, "THREADS", 1)
    one = alsprog.simulate_cohort(n, 6, model=regression, covariates=register).patients
    pd.testing.assert_frame_equal(one, two, check_exact=True)


def _one_line(match: str):
    return pytest.raises(InputError, match=match)


def test_bad_covariates_say_what_and_how(regression, register):
    with _one_line("covariates=") as error:
        alsprog.simulate_cohort(10, 1, model=regression)
    assert "\n" not in str(error.value)
    with _one_line("no column 'onset_site'.*add it"):
        alsprog.simulate_cohort(10, 1, model=regression, covariates=register[COLUMNS[:2]])
    holed = register.copy()
    holed.loc[3, "age_at_onset"] = np.nan
    with _one_line("'age_at_onset' has NaN; fill or drop"):
        alsprog.simulate_cohort(10, 1, model=regression, covariates=holed)
    with _one_line("not a DataFrame"):
        alsprog.simulate_cohort(10, 1, model=regression, covariates=[1, 2])
    with _one_line("given without a fitted regression"):
        alsprog.simulate_cohort(10, 1, model=regression.at(register.iloc[0]), covariates=register)


def test_population_needs_matching_names(register):
    renamed = register.rename(columns={"age_at_onset": "age"})
    model = alsprog.fit("weibull", renamed, covariates=["age", "sex"])
    with _one_line("population has no column age .*pass covariates=<DataFrame>") as error:
        alsprog.simulate_cohort(10, 1, model=model, covariates="population")
    assert "\n" not in str(error.value)
