"""Death times: the survival marginal, causes of death, demographics, left truncation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from dkw import dkw_gap
from scipy import stats

import alsprog
from alsprog.disease.library import NAMES
from alsprog.estimation.targets import Landmark, Targets
from alsprog.models import Weibull, kaplan_meier
from alsprog.simulation.cohort import simulate_cohort


def test_als_death_times_stay_in_the_dkw_band(als_cohort):
    model = alsprog.phenotype("als").model
    gap, bound = dkw_gap(als_cohort.patients["death_time"], lambda x: 1 - model.survival(x))
    assert gap < bound


@pytest.mark.parametrize("name", [n for n in NAMES if n != "als"])
def test_every_phenotype_stays_in_the_dkw_band(name):
    model = alsprog.phenotype(name).model
    cohort = simulate_cohort(100_000, 20 + NAMES.index(name), phenotype=name)
    gap, bound = dkw_gap(cohort.patients["death_time"], lambda x: 1 - model.survival(x))
    assert gap < bound
    assert (cohort.patients["phenotype"] == name).all()


def test_a_user_targeted_model_drives_the_cohort():
    targets = Targets(
        "my register",
        (
            Landmark(2.0, 0.7, "equal", "a register"),
            Landmark(4.0, 0.35, "equal", "a register"),
            Landmark(8.0, 0.1, "equal", "a register"),
        ),
        400,
        "a user's figures",
    )
    model = alsprog.calibrate(targets)
    cohort = simulate_cohort(100_000, 5, model=model)
    gap, bound = dkw_gap(cohort.patients["death_time"], lambda x: 1 - model.survival(x))
    assert gap < bound
    assert set(cohort.patients["phenotype"]) == {"model"}
    assert (cohort.patients["death_cause"] == "disease").all()


def test_other_cause_deaths_match_the_cores_split(als_cohort):
    model = alsprog.phenotype("als").model
    p = als_cohort.patients
    for horizon in (5.0, 20.0):
        expected = float(model.cause_of_death(horizon)["other"][0])
        seen = ((p["death_cause"] == "other") & (p["death_time"] <= horizon)).mean()
        se = np.sqrt(expected * (1 - expected) / len(p))
        assert abs(seen - expected) < 4 * se + 1e-3  # + quadrature of the population average


def test_no_background_means_no_other_cause_deaths():
    cohort = simulate_cohort(2_000, 3, background=None)
    assert (cohort.patients["death_cause"] == "disease").all()


def test_demographics_follow_the_population(als_cohort):
    population = alsprog.phenotype("als").population
    p = als_cohort.patients
    n = len(p)
    male = (p["sex"] == "male").mean()
    assert abs(male - population.male_share) < 4 * np.sqrt(0.25 / n)
    ages = stats.norm(population.onset_age_mean, population.onset_age_sd)
    assert stats.kstest(p["age_at_onset"], ages.cdf).pvalue > 1e-3
    delay = stats.lognorm(s=population.delay_log_sd, scale=population.delay_median_months)
    assert stats.kstest(p["diagnosis_delay_months"], delay.cdf).pvalue > 1e-3
    assert set(p["onset_site"]) == {"limb", "bulbar"}
    bulbar = (p["onset_site"] == "bulbar").mean()
    assert abs(bulbar - 0.30) < 4 * np.sqrt(0.21 / n)  # Huisman et al. 2011, phenotypes.toml


def test_pls_patients_are_younger_as_calibrated():
    cohort = simulate_cohort(20_000, 4, phenotype="pls")
    mean = cohort.patients["age_at_onset"].mean()
    assert abs(mean - alsprog.phenotype("pls").population.onset_age_mean) < 4 * 10 / np.sqrt(20_000)


def test_a_mixed_cohort_has_its_shares():
    shares = {"als": 0.7, "pma": 0.2, "pls": 0.1}
    cohort = simulate_cohort(20_000, 6, phenotype=shares)
    seen = cohort.patients["phenotype"].value_counts(normalize=True)
    for name, share in shares.items():
        assert abs(seen[name] - share) < 4 * np.sqrt(share * (1 - share) / 20_000)


def test_the_mnd_mix_uses_its_sourced_shares():
    from alsprog.simulation.subgroups import CohortSettings

    shares = CohortSettings.default().mnd_shares
    assert abs(sum(shares.values()) - 1) < 1e-12
    cohort = simulate_cohort(20_000, 8, phenotype="mnd")
    seen = cohort.patients["phenotype"].value_counts(normalize=True)
    for name, share in shares.items():
        if share > 0:
            assert abs(seen[name] - share) < 4 * np.sqrt(share * (1 - share) / 20_000) + 1e-3


def test_entry_at_diagnosis_is_left_truncated_and_entry_times_recover_the_model():
    # A user's model: the diagnostic delay does not change the hazard, so truncation is
    # independent and the Kaplan-Meier with entry times is consistent.
    model = Weibull(shape=1.6, scale=3.4)
    cohort = simulate_cohort(50_000, 9, model=model, entry="diagnosis")
    p = cohort.patients
    assert (p["death_time"] > p["diagnosis_time"]).all()
    assert np.allclose(p["entry_time"], p["diagnosis_time"])
    assert cohort.settings["n_drawn"] > len(p) == 50_000
    t = np.array([1.5, 2.0, 3.0, 5.0])
    truth = model.survival(t)
    naive = kaplan_meier(p["time"], p["event"]).survival(t)
    assert (naive - truth > 0.03).all()  # ignoring entry: biased upward
    start = 0.5  # condition on a time where the risk set is large
    q = p[p["time"] > start]
    with_entry = kaplan_meier(q["time"], q["event"], entry=np.maximum(q["entry_time"], start))
    conditional = truth / model.survival(start)
    band = with_entry.confidence_band(t, level=1 - 0.05 / len(t))  # Bonferroni over the times
    assert ((band["lower"] <= conditional) & (conditional <= band["upper"])).all()
    assert np.abs(with_entry.survival(t) - conditional).max() < 0.01


def test_with_the_phenotypes_delay_effect_truncation_is_dependent(als_cohort):
    # Longer delay, slower disease (Rooney et al. 2013): who survives to diagnosis is not a
    # random sample, so even with entry times the clinic curve sits below the onset curve;
    # but far closer than the naive curve, which sits above it.
    cohort = simulate_cohort(50_000, 10, entry="diagnosis")
    p = cohort.patients
    truth = alsprog.phenotype("als").model.survival(3.0)
    naive = kaplan_meier(p["time"], p["event"]).survival(3.0)
    with_entry = cohort.kaplan_meier().survival(3.0)
    assert naive > truth + 0.04
    assert truth - 0.05 < with_entry < truth
    onset = als_cohort.kaplan_meier().survival(3.0)
    assert abs(onset - truth) < 0.01


def test_follow_up_censors_at_the_end_of_study_and_by_dropout():
    cohort = simulate_cohort(
        20_000, 13, entry="diagnosis", followup_years=2.0, dropout_per_year=0.1
    )
    p = cohort.patients
    assert (p["time"] <= p["entry_time"] + 2.0 + 1e-12).all()
    assert (p["time"] <= p["death_time"]).all()
    died = p["event"] == 1
    assert np.allclose(p.loc[died, "time"], p.loc[died, "death_time"])
    censored = p[~died]
    early = censored["time"] < censored["entry_time"] + 2.0 - 1e-9
    # losses to follow-up come at rate 0.1 per year of follow-up: exposure-based estimate
    exposure = (p["time"] - p["entry_time"]).sum()
    rate = early.sum() / exposure
    assert abs(rate - 0.1) < 4 * np.sqrt(early.sum()) / exposure


def test_same_seed_same_cohort_and_block_structure_does_not_matter():
    a = simulate_cohort(20_000, 99, entry="diagnosis")
    b = simulate_cohort(20_000, 99, entry="diagnosis")
    assert a.patients.equals(b.patients)
    small = simulate_cohort(500, 99)
    large = simulate_cohort(20_000, 99)
    assert small.patients.equals(large.patients.iloc[:500])


def test_blocks_made_in_threads_are_the_blocks_made_one_by_one(monkeypatch):
    import alsprog.simulation.blocks as blocks

    monkeypatch.setattr(blocks, "THREADS", 2)
    threaded = simulate_cohort(40_000, 5, visit_interval_months=6.0, effect=edaravone_like())
    monkeypatch.setattr(blocks, "THREADS", 1)
    serial = simulate_cohort(40_000, 5, visit_interval_months=6.0, effect=edaravone_like())
    pd.testing.assert_frame_equal(threaded.patients, serial.patients, check_exact=True)
    pd.testing.assert_frame_equal(threaded.visits, serial.visits, check_exact=True)


def edaravone_like():
    from alsprog.interventions import HazardRatio, SlopeReduction

    return SlopeReduction(0.3) & HazardRatio(0.8, start_years=0.5)
