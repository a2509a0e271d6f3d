"""power, sample_size, power_grid and analyse_trial on simulated trials: type I error within
binomial bounds, log-rank power against Schoenfeld's formula, monotone sample sizes, a Dask
grid equal to the serial run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import alsprog.trials.power as power_module
from alsprog.errors import InputError
from alsprog.interventions import HazardRatio, edaravone
from alsprog.trials import analyse
from alsprog.trials.analysis.results import schoenfeld_power
from alsprog.trials.power import analyse_trial, power, power_grid, sample_size
from alsprog.trials.simulation.design import TrialDesign
from alsprog.trials.simulation.simulate import simulate_trial


def test_every_endpoint_holds_its_level_under_no_effect():
    # about 50 deaths per trial (where the Cox Wald test holds its level), visits every 12 weeks
    design = TrialDesign(80, followup_years=1.5, visit_interval_weeks=12)
    replicates = 240
    table = power(design, replicates, seed=21)
    assert list(table["endpoint"]) == ["logrank", "cox", "ancova_24w", "slope", "cafs"]
    assert table["mean_events"].iloc[0] > 40
    # each endpoint within its 99.9% binomial interval around alpha = 0.05
    low, high = stats.binom.interval(0.999, replicates, 0.05)
    rejections = table["power"] * replicates
    assert ((rejections >= low) & (rejections <= high)).all(), table
    assert (table["replicates"] == replicates).all()


def test_logrank_power_agrees_with_schoenfeld_at_the_events_seen():
    ratio = 0.6
    design = TrialDesign(100, effect=HazardRatio(ratio), followup_years=1.5)
    replicates = 300
    table = power(design, replicates, seed=5, endpoints=["logrank"])
    events = float(table["mean_events"].iloc[0])
    # the effect is on the disease hazard only: deaths from other causes dilute it to an
    # all-cause ratio 1 - (1 - ratio) q, q the disease share of control-arm deaths
    big = simulate_trial(TrialDesign(3000, followup_years=1.5), 99, visits=False).patients
    died = big[(big["arm"] == "control") & (big["event"] == 1)]
    q = float((died["death_cause"] == "disease").mean())
    expected = schoenfeld_power(events, 1 - (1 - ratio) * q)
    observed = float(table["power"].iloc[0])
    se = np.sqrt(expected * (1 - expected) / replicates)
    assert abs(observed - expected) < 3.3 * se, (observed, expected, q)


def test_analyse_trial_is_analyse_on_one_trial_with_the_mixed_slope():
    trial = simulate_trial(TrialDesign(40, effect=edaravone(), alpha=0.1), 3)
    table = analyse_trial(trial)
    assert list(table.columns[:7]) == [
        "endpoint",
        "estimate",
        "lower",
        "upper",
        "statistic",
        "p_value",
        "n_events",
    ]
    reference = analyse(trial.patients, trial.visits, slope_method="mixed", alpha=0.1)
    pd.testing.assert_frame_equal(table, reference.drop(columns="replicate"))
    assert table.loc[0, "n_events"] == trial.patients["event"].sum()


def test_power_is_the_same_for_the_same_seed_and_extends_with_replicates():
    design = TrialDesign(30, effect=HazardRatio(0.5))
    a = power(design, 20, 4, endpoints=["logrank", "cox"])
    b = power(design, 20, 4, endpoints=["logrank", "cox"])
    pd.testing.assert_frame_equal(a, b)
    seq = power(design, 20, np.random.SeedSequence(4), endpoints=["logrank", "cox"])
    pd.testing.assert_frame_equal(a, seq)


def test_sample_size_is_monotone_and_beside_schoenfeld():
    design = TrialDesign(10, effect=HazardRatio(0.4), followup_years=1.5)
    result = sample_size(design, 0.7, "logrank", replicates=20, seed=2, n_min=20, n_max=120)
    evaluated = result.evaluated.sort_values("n_per_arm")
    # common random numbers: larger trials extend smaller ones, so the curve can only dip when
    # a replicate's added patients move its p-value back over alpha: by a replicate or two
    dips = -np.diff(evaluated["power"].to_numpy())
    assert dips.max() <= 2 / 20 + 1e-12, evaluated
    assert evaluated["power"].iloc[-1] > evaluated["power"].iloc[0] + 0.3
    assert result.power >= 0.7
    below = evaluated[evaluated["n_per_arm"] < result.n_per_arm]
    assert (below["power"] < 0.7).all()
    assert result.schoenfeld_n_per_arm is not None and result.schoenfeld_events > 0
    # same seed for every n: the power found is the power() of that design
    at = power(
        TrialDesign(result.n_per_arm, effect=HazardRatio(0.4), followup_years=1.5),
        20,
        2,
        endpoints=["logrank"],
    )
    assert at["power"].iloc[0] == result.power


def test_a_two_by_two_grid_on_a_local_cluster_equals_the_serial_run():
    design = TrialDesign(20, followup_years=1.0)
    vary = {"n_per_arm": [20, 40], "effect": [None, HazardRatio(0.5)]}
    distributed = power_grid(design, vary, 10, seed=3, endpoints=["logrank", "cox"])
    serial = power_grid(design, vary, 10, seed=3, scheduler="serial", endpoints=["logrank", "cox"])
    pd.testing.assert_frame_equal(distributed, serial)
    assert list(serial.columns[:3]) == ["cell", "n_per_arm", "effect"]
    assert list(serial["effect"].unique()) == ["none", "hazard_ratio=0.5"]
    # each cell is power() at its own seed
    cell_seed = np.random.SeedSequence(3, spawn_key=(3,))
    last = power(
        TrialDesign(40, effect=HazardRatio(0.5)), 10, cell_seed, endpoints=["logrank", "cox"]
    )
    mine = serial[serial["cell"] == 3].drop(columns=["cell", "n_per_arm", "effect"])
    pd.testing.assert_frame_equal(mine.reset_index(drop=True), last)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: power(TrialDesign(10), 0), "replicates must be at least 1"),
        (lambda: power(TrialDesign(10), 5, endpoints=["survival"]), "is not an endpoint"),
        (lambda: power_grid(TrialDesign(10), {"size": [1]}, 5, 0), "is not a TrialDesign field"),
        (lambda: power_grid(TrialDesign(10), {"n_per_arm": [1]}, 5, 0, "serial"), "at least 2"),
        (lambda: sample_size(TrialDesign(10), 1.5), "target_power must lie strictly"),
    ],
)
def test_bad_requests_are_refused(call, message):
    with pytest.raises(InputError, match=message):
        call()


def test_power_on_a_local_cluster_equals_the_serial_run(monkeypatch):
    monkeypatch.setattr(power_module, "REPLICATES_PER_TASK", 20)  # six chunks of 10 replicates
    design = TrialDesign(15, effect=HazardRatio(0.6))
    serial = power(design, 60, 9, endpoints=["logrank"])
    done: list[int] = []  # replicates reported as each chunk finishes
    local = power(design, 60, 9, endpoints=["logrank"], scheduler="local", progress=done.append)
    pd.testing.assert_frame_equal(local, serial)
    assert done == [10] * 6


@pytest.mark.parametrize("replicates", [1, 249, 250, 1001, 10_000])
def test_power_chunks_cover_the_replicates_once_in_order(replicates):
    chunks = power_module._chunks(replicates)
    assert [r for chunk in chunks for r in chunk] == list(range(replicates))
    assert max(len(c) for c in chunks) <= power_module.REPLICATES_PER_TASK
    assert all(
        len(c) <= power_module.REPLICATES_PER_TASK // 2 for c in chunks[-min(4, len(chunks)) :]
    )
