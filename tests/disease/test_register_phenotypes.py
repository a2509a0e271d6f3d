"""Phenotypes over the register population: recalibrated so that all-cause survival still meets
the figures, checked on the model's own curve and on a simulated cohort (DKW band)."""

import numpy as np
import pytest

import alsprog
from alsprog.disease.draws import uncertainty_draws
from alsprog.disease.library import phenotype
from alsprog.population.covariates import Population

ALS = {3.0: 0.50, 5.0: 0.20, 10.0: 0.10}  # MSD Manual (2019), survival from onset


@pytest.mark.parametrize("name", ["als", "pbp", "pma", "pls", "als_flail"])
def test_register_phenotypes_meet_their_own_figures(name):
    default, register = phenotype(name), phenotype(name, population="register")
    tolerance = 0.025 if name == "als_flail" else 0.005  # flail: one parameter, two figures
    for figure in register.targets.landmarks:
        s = float(register.model.survival(figure.t))
        if figure.kind == "upper":
            assert s <= figure.survival + 1e-6, (name, figure.t)
        else:
            assert abs(s - figure.survival) < tolerance, (name, figure.t)
    # recalibrated, not the default's disease hazard over other patients (PLS keeps its own
    # onset age, so only the share of men moves it)
    assert register.population != default.population
    reference = next(iter(register.disease.values())).survival(3.0)
    moved = abs(reference - next(iter(default.disease.values())).survival(3.0))
    assert moved > (1e-5 if name == "pls" else 1e-3)


def test_pls_keeps_its_own_onset_age_under_the_register():
    assert phenotype("pls", population="register").population.onset_age_mean == 53.0
    assert phenotype("als", population="register").effects.reference_age == 64.0


def test_a_register_cohort_meets_the_landmarks_within_the_dkw_band():
    n = 20000
    patients = alsprog.simulate_cohort(n, 3, population="register").patients
    deaths = np.sort(patients["death_time"].to_numpy())
    band = np.sqrt(np.log(2 / 1e-3) / (2 * n))  # DKW, probability 1 - 1e-3
    for t, s in ALS.items():
        empirical = 1.0 - np.searchsorted(deaths, t, side="right") / n
        assert abs(empirical - s) < band + 0.005, t  # + the calibration's tolerance
    model = phenotype("als", population="register").model
    empirical = 1.0 - np.arange(1, n + 1) / n
    assert np.abs(empirical - model.survival(deaths)).max() < band + 1.0 / n


def test_register_draws_meet_redrawn_figures_and_are_cached():
    draws = uncertainty_draws("als", n=8, seed=4, population="register")
    assert len(draws) >= 6
    assert all(d.population == Population.named("register") for d in draws)
    medians = [d.model.median() for d in draws]
    assert 2.0 < min(medians) and max(medians) < 4.5 and np.std(medians) > 0
    assert uncertainty_draws("als", n=8, seed=4, population="register") is draws


def test_prognosis_under_the_register_population():
    args = {"age_at_onset": 64.0, "years_since_onset": 1.0, "band_draws": 10}
    default = alsprog.prognosis("als", **args)
    register = alsprog.prognosis("als", population="register", **args)
    assert "population" not in default.inputs
    assert register.inputs["population"] == "register"
    assert register.inputs["reference_profile"]["age_at_onset"] == 64.0
    patient = phenotype("als", population="register").patient(64.0).conditional(1.0)
    assert register.median_remaining_years == pytest.approx(patient.median(), rel=1e-9)
    # the reference patient of the register is the population's typical patient: from onset,
    # the register's median survival (3 years) sits near the reference patient's own
    assert abs(phenotype("als", population="register").patient(64.0).median() - 3.0) < 0.5
    curve = register.curve
    assert (curve["lower"] <= curve["survival"] + 1e-9).all()
    assert (curve["survival"] <= curve["upper"] + 1e-9).all()
