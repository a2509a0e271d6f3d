"""Constant-rate stage models: rates recovered from a Markov cohort, occupancy in closed form."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alsprog.outcomes.markov import markov_occupancy, markov_rates
from alsprog.outcomes.states import stage_occupancy

LAM, MU = 0.3, 0.5


@pytest.fixture(scope="module")
def markov_cohort():
    # stage 1 -> 2 at rate MU, death at rate LAM from either: a true Markov model
    rng = np.random.default_rng(11)
    n = 200_000
    death, stage2 = rng.exponential(1 / LAM, n), rng.exponential(1 / MU, n)
    reached = stage2 < death
    return pd.DataFrame(
        {
            "patient_id": np.arange(n),
            "entry_time": 0.0,
            "death_time": death,
            "kings_stage_2_time": np.where(reached, stage2, np.nan),
            "kings_stage_3_time": np.nan,
            "kings_stage_4_time": np.nan,
        }
    )


def test_rates_of_a_markov_cohort_are_recovered(markov_cohort):
    r = markov_rates(markov_cohort, "kings").set_index(["from_stage", "to_stage"])["rate"]
    assert r[("1", "2")] == pytest.approx(MU, rel=0.02)
    assert r[("1", "death")] == pytest.approx(LAM, rel=0.02)
    assert r[("2", "death")] == pytest.approx(LAM, rel=0.02)
    assert r[("1", "3")] == 0.0


def test_markov_occupancy_has_the_closed_form(markov_cohort):
    rates = markov_rates(markov_cohort, "kings")
    t = np.array([0.0, 1.0, 2.5, 6.0])
    occ = markov_occupancy(rates, {"1": 1.0}, t).set_index(["stage", "t"])["value"]
    r = rates.set_index(["from_stage", "to_stage"])["rate"]
    mu, lam, lam2 = r[("1", "2")], r[("1", "death")], r[("2", "death")]
    in_1 = np.exp(-(mu + lam) * t)
    in_2 = mu / (mu + lam - lam2) * (np.exp(-lam2 * t) - np.exp(-(mu + lam) * t))
    np.testing.assert_allclose(occ.xs("1", level="stage"), in_1, rtol=1e-10)
    np.testing.assert_allclose(occ.xs("2", level="stage"), in_2, rtol=1e-9, atol=1e-14)
    # and, the cohort being Markov, its own occupancy agrees within sampling error
    empirical = stage_occupancy(markov_cohort, "kings", t).set_index(["stage", "t"])["value"]
    np.testing.assert_allclose(
        occ.xs("2", level="stage"), empirical.xs("2", level="stage"), atol=0.005
    )


def test_skipped_stages_count_as_direct_transitions():
    p = pd.DataFrame(
        {
            "patient_id": [1, 2],
            "entry_time": 0.0,
            "death_time": [5.0, 4.0],
            "kings_stage_2_time": [1.0, 2.0],
            "kings_stage_3_time": [1.0, 3.0],
            "kings_stage_4_time": [1.0, np.nan],
        }
    )
    r = markov_rates(p, "kings").set_index(["from_stage", "to_stage"])
    # patient 1 jumps from stage 1 straight to 4 (2, 3 and 4 reached at once): 2 never visited
    assert r.loc[("2", "3"), "transitions"] == 1 and r.loc[("2", "4"), "transitions"] == 0
    assert r.loc[("1", "4"), "transitions"] == 1 and r.loc[("1", "2"), "transitions"] == 1
    assert r.loc[("3", "death"), "transitions"] == 1 and r.loc[("4", "death"), "transitions"] == 1
    assert r.loc[("1", "2"), "person_years"] == pytest.approx(1.0 + 2.0)  # years in stage 1
