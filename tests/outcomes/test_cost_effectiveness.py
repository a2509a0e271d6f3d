"""cost_effectiveness: common random numbers, accounting identities, incremental results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alsprog.errors import InputError
from alsprog.interventions.core import HazardRatio
from alsprog.outcomes.accounting import patient_outcomes
from alsprog.outcomes.economic_inputs import economic_inputs
from alsprog.outcomes.economics import Strategy, cost_effectiveness
from alsprog.simulation.cohort import simulate_cohort

ONES = {s: 1.0 for s in "1234"}
ZEROS = {s: 0.0 for s in "1234"}
N = 3_000


@pytest.fixture(scope="module")
def result():
    return cost_effectiveness(
        {"usual care": None, "slower death": Strategy(HazardRatio(0.7), 1000.0)},
        n_patients=N,
        seed=5,
    )


def test_the_comparator_against_itself_differs_by_nothing():
    r = cost_effectiveness({"a": None, "b": None}, n_patients=500, seed=3)
    row = r.incremental.iloc[0]
    assert row["delta_qalys"] == 0.0 and row["delta_costs"] == 0.0
    assert np.isnan(row["icer"])


def test_each_strategy_is_its_own_cohort_accounted(result):
    # the same seed and effect give the same patients as a direct simulation
    cohort = simulate_cohort(N, 5, effect=HazardRatio(0.7))
    direct = patient_outcomes(cohort, economic_inputs(), drug_cost_per_year=1000.0)
    mine = result.patients.query("strategy == 'slower death'").drop(columns="strategy")
    pd.testing.assert_frame_equal(mine.reset_index(drop=True), direct)


def test_drug_costs_and_unit_utilities_are_life_years():
    r = cost_effectiveness(
        {"none": None, "drug": Strategy(HazardRatio(0.8), 1234.0)},
        utilities=ONES,
        costs=ZEROS,
        n_patients=2_000,
        seed=9,
    )
    s = r.summary.set_index("strategy")
    # the drug is paid from diagnosis to death: 1234 x the mean of the discounted integral
    p = simulate_cohort(2_000, 9, effect=HazardRatio(0.8)).patients
    delta = np.log(1.035)
    dx, death = p["diagnosis_time"].fillna(p["death_time"]), p["death_time"]
    on_drug = (np.exp(-delta * dx) - np.exp(-delta * death)) / delta
    assert s.loc["drug", "discounted_costs"] == pytest.approx(1234.0 * on_drug.mean(), rel=1e-9)
    assert s.loc["none", "costs"] == 0.0
    np.testing.assert_allclose(s["qalys"], s["life_years"], rtol=1e-12)
    inc = r.incremental.iloc[0]
    assert inc["delta_life_years"] > 0  # a hazard ratio below 1 lengthens life on every draw
    assert inc["icer"] == pytest.approx(inc["delta_costs"] / inc["delta_qalys"])
    assert inc["status"] == "costs more, gains more"


def test_stage_years_are_time_in_stage_per_strategy(result):
    from alsprog.outcomes.states import time_in_stage

    cohort = simulate_cohort(N, 5, effect=HazardRatio(0.7))
    expected = time_in_stage(cohort, "kings").set_index("stage")["value"]
    got = result.stage_years.query("strategy == 'slower death'").set_index("stage")["value"]
    np.testing.assert_allclose(got.to_numpy(), expected[["1", "2", "3", "4"]].to_numpy())


def test_entry_at_diagnosis_starts_the_clock_at_diagnosis():
    both = {"a": None, "b": None}
    onset = cost_effectiveness(both, n_patients=1_000, seed=2).summary
    diagnosis = cost_effectiveness(both, n_patients=1_000, seed=2, entry="diagnosis").summary
    assert diagnosis["life_years"].iloc[0] < onset["life_years"].iloc[0]


def test_net_benefit_is_wtp_times_qalys_minus_costs(result):
    s = result.summary.set_index("strategy")
    nb = result.net_benefit([0.0, 30_000.0]).set_index(["strategy", "wtp"])
    for name in s.index:
        expected = 30_000.0 * s.loc[name, "discounted_qalys"] - s.loc[name, "discounted_costs"]
        assert nb.loc[(name, 30_000.0), "net_benefit"] == pytest.approx(expected)
        assert nb.loc[(name, 0.0), "net_benefit"] == pytest.approx(-s.loc[name, "discounted_costs"])
    assert (nb.xs("usual care")["incremental_net_benefit"] == 0).all()


def test_same_seed_same_result(result):
    again = cost_effectiveness(
        {"usual care": None, "slower death": Strategy(HazardRatio(0.7), 1000.0)},
        n_patients=N,
        seed=5,
    )
    pd.testing.assert_frame_equal(again.summary, result.summary, check_exact=True)


def test_a_longer_horizon_never_loses_and_discounting_never_gains(result):
    s = result.summary
    assert (s["discounted_qalys"] <= s["qalys"]).all()
    short = cost_effectiveness(
        {"usual care": None, "b": HazardRatio(0.7)}, n_patients=N, seed=5, horizon_years=2.0
    ).summary
    assert (short["life_years"].to_numpy() <= s["life_years"].to_numpy()).all()
    assert short["life_years"].max() <= 2.0


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: cost_effectiveness({"only": None}), "at least two"),
        (lambda: cost_effectiveness(["a", "b"]), "strategies must be a dict"),
        (lambda: Strategy(None, -5.0), "drug_cost_per_year is -5, negative"),
        (lambda: cost_effectiveness({"a": None, "b": None}, draws=-1), "draws must be at least 0"),
        (
            lambda: cost_effectiveness({"a": None, "b": None}, discount_rate=0.5),
            "discount_rate 0.5 is outside",
        ),
        (
            lambda: cost_effectiveness({"a": None, "b": None}, utilities=ONES, inputs=object()),
            "pass either inputs or utilities",
        ),
        (
            lambda: cost_effectiveness({"a": None, "b": None}, utilities={"1": 0.5}),
            "stage 2, 3, 4 is missing",
        ),
    ],
)
def test_bad_input_is_one_line(call, message):
    with pytest.raises(InputError, match=message):
        call()


def test_with_two_strategies_the_frontier_icer_is_the_incremental_one(result):
    front = result.frontier().set_index("strategy")
    inc = result.incremental.iloc[0]
    assert front.loc["slower death", "status"] == "frontier"
    assert front.loc["slower death", "icer"] == pytest.approx(inc["icer"], rel=1e-9)
