"""Continuous-time discounting and per-patient accounting against closed forms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate

from alsprog.errors import InputError
from alsprog.outcomes.accounting import patient_outcomes
from alsprog.outcomes.discounting import continuous_rate, discount_factor, discounted_years
from alsprog.outcomes.economic_inputs import economic_inputs


@pytest.mark.parametrize("rate", [0.0, 0.015, 0.035, 0.2])
def test_discounted_years_is_the_integral(rate):
    delta = continuous_rate(rate)
    for a, b in [(0.0, 1.0), (2.5, 7.25), (3.0, 3.0 + 1e-9), (0.0, 40.0)]:
        expected, _ = integrate.quad(lambda t: (1 + rate) ** -t, a, b)
        assert discounted_years(np.array(a), np.array(b), delta) == pytest.approx(
            expected, rel=1e-10, abs=1e-18
        )
    # a payment at whole year k weighs 1 / (1 + r)^k, as in annual discounting
    assert discount_factor(np.array(4.0), delta) == pytest.approx((1 + rate) ** -4, rel=1e-12)


@pytest.mark.parametrize("rate", [-0.01, 0.21, 3.5])
def test_a_rate_outside_the_range_is_refused(rate):
    with pytest.raises(InputError, match=r"discount_rate .* is outside \[0, 0.2\]"):
        continuous_rate(rate)


def _markov_patients(n: int, death_rate: float, stage_rate: float, seed: int) -> pd.DataFrame:
    """Stage 1 -> stage 2 at a constant hazard, death at a constant hazard from either stage
    (a two-state Markov model with closed forms); stages 3 and 4 never reached."""
    rng = np.random.default_rng(seed)
    death = rng.exponential(1 / death_rate, n)
    stage2 = rng.exponential(1 / stage_rate, n)
    reached = stage2 < death
    return pd.DataFrame(
        {
            "patient_id": np.arange(1, n + 1),
            "entry_time": 0.0,
            "death_time": death,
            "kings_stage_2_time": np.where(reached, stage2, np.nan),
            "kings_stage_3_time": np.nan,
            "kings_stage_4_time": np.nan,
            "gastrostomy_time": np.where(reached, stage2, np.nan),
            "niv_time": np.nan,
            "tracheostomy_time": np.nan,
        }
    )


def _within(sample: pd.Series, expected: float) -> None:
    se = sample.std() / np.sqrt(len(sample))
    assert abs(sample.mean() - expected) < 4 * se, (sample.mean(), expected, se)


LAM, MU, RATE = 0.3, 0.5, 0.035


@pytest.fixture(scope="module")
def markov():
    return _markov_patients(400_000, LAM, MU, 7)


def test_constant_hazard_and_constant_utility(markov):
    # E[int_0^T e^{-dt} dt] = 1 / (lam + d); the same with a utility of 0.7 everywhere
    delta = np.log1p(RATE)
    inputs = economic_inputs(utilities={s: 0.7 for s in "1234"}, costs={s: 1000.0 for s in "1234"})
    out = patient_outcomes(markov, inputs, discount_rate=RATE)
    _within(out["discounted_life_years"], 1 / (LAM + delta))
    _within(out["discounted_qalys"], 0.7 / (LAM + delta))
    _within(out["life_years"], 1 / LAM)
    _within(out["discounted_costs"], 1000.0 / (LAM + delta))  # one-off costs 0


def test_restricted_horizon(markov):
    delta, h = np.log1p(RATE), 2.0
    inputs = economic_inputs(utilities={s: 1.0 for s in "1234"}, costs={s: 0.0 for s in "1234"})
    out = patient_outcomes(markov, inputs, discount_rate=RATE, horizon_years=h)
    _within(out["discounted_life_years"], (1 - np.exp(-(LAM + delta) * h)) / (LAM + delta))
    _within(out["life_years"], (1 - np.exp(-LAM * h)) / LAM)
    assert out["life_years"].max() <= h


def test_two_stage_markov_closed_forms(markov):
    delta = np.log1p(RATE)
    u1, u2, c1, c2, gastrostomy, drug = 0.8, 0.4, 1000.0, 5000.0, 3000.0, 200.0
    inputs = economic_inputs(
        utilities={"1": u1, "2": u2, "3": 0.1, "4": 0.0},
        costs={"1": c1, "2": c2, "3": 9e9, "4": 9e9, "gastrostomy": gastrostomy},
    )
    out = patient_outcomes(markov, inputs, discount_rate=RATE, drug_cost_per_year=drug)
    in_1 = 1 / (LAM + MU + delta)  # discounted years in stage 1
    in_2 = MU / (LAM + MU + delta) / (LAM + delta)  # discounted years in stage 2
    _within(out["discounted_qalys"], u1 * in_1 + u2 * in_2)
    one_off = MU / (LAM + MU + delta)  # E[e^{-d T2}; T2 < death]
    expected_costs = c1 * in_1 + c2 * in_2 + gastrostomy * one_off + drug / (LAM + delta)
    _within(out["discounted_costs"], expected_costs)
    _within(out["qalys"], u1 / (LAM + MU) + u2 * MU / (LAM + MU) / LAM)


def test_no_discounting_gives_the_undiscounted_columns(markov):
    inputs = economic_inputs()
    out = patient_outcomes(markov.head(1000), inputs, discount_rate=0.0, drug_cost_per_year=5.0)
    for name in ("life_years", "qalys", "costs"):
        np.testing.assert_allclose(out[f"discounted_{name}"], out[name], rtol=1e-12)
