"""Power from analysed replicates, and Schoenfeld's closed forms against Monte Carlo log-rank power."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from alsprog.errors import InputError
from alsprog.trials import (
    logrank,
    power_from_results,
    schoenfeld_events,
    schoenfeld_power,
    schoenfeld_sample_size,
    smallest_sample_size,
)


def test_power_from_results_counts_rejections():
    results = pd.DataFrame(
        {
            "replicate": [0, 1, 2, 3, 0, 1, 2, 3],
            "endpoint": ["cox"] * 4 + ["slope"] * 4,
            "estimate": [0.5, 2.0, 1.0, np.inf, 0.1, 0.3, np.nan, 0.2],
            "p_value": [0.01, 0.2, 0.049, 1.0, 0.001, np.nan, np.nan, 0.04],
            "n_events": [10, 12, 14, 16, 10, 12, 14, 16],
        }
    )
    power = power_from_results(results, alpha=0.05)
    assert list(power.columns) == [
        "endpoint",
        "power",
        "power_se",
        "mean_events",
        "mean_estimate",
        "replicates",
    ]
    cox, slope = power.iloc[0], power.iloc[1]
    assert (cox["power"], cox["replicates"], cox["mean_events"]) == (0.5, 4, 13.0)
    assert cox["power_se"] == pytest.approx(math.sqrt(0.25 / 4))
    assert cox["mean_estimate"] == pytest.approx(1.0)  # geometric mean of 0.5, 2, 1 (inf left out)
    assert slope["power"] == 0.5  # NaN p-values do not reject
    assert slope["mean_estimate"] == pytest.approx(0.2)


def test_schoenfeld_events_for_familiar_designs():
    # (z_0.975 + z_0.8)^2 / (1/4 log(0.75)^2) = 7.8489 / 0.020690 = 379.4: the 380 deaths
    # quoted for HR 0.75 at 80% power and two-sided 5%; 2:1 allocation needs 9/8 as many.
    assert math.ceil(schoenfeld_events(0.75)) == 380
    assert schoenfeld_events(0.75, allocation=2.0) == pytest.approx(379.35 * 9 / 8, rel=1e-4)
    assert schoenfeld_events(1 / 0.75) == pytest.approx(schoenfeld_events(0.75))
    assert schoenfeld_power(schoenfeld_events(0.6, power=0.9), 0.6) == pytest.approx(0.9)
    size = schoenfeld_sample_size(0.75, event_probability=0.4, allocation=2.0)
    assert size.n_treatment == 2 * size.n_control and size.n_total * 0.4 >= size.events
    assert (size.n_control - 1) * 3 * 0.4 < size.events


def _fixed_events(rng, replicates, n_control, n_treatment, hazard_ratio):
    """Exponential deaths without censoring, so every trial has exactly n_control + n_treatment."""
    treated = np.tile(np.r_[np.zeros(n_control, bool), np.ones(n_treatment, bool)], replicates)
    time = rng.exponential(1.0, treated.size) / np.where(treated, hazard_ratio, 1.0)
    return pd.DataFrame(
        {
            "replicate": np.repeat(np.arange(replicates), n_control + n_treatment),
            "arm": np.where(treated, "treatment", "control"),
            "time_on_study": time,
            "event": 1,
        }
    )


@pytest.mark.parametrize("n_control, n_treatment", [(200, 200), (150, 300)])
def test_logrank_power_at_fixed_events_matches_schoenfeld(n_control, n_treatment):
    rng = np.random.default_rng(n_control)
    trials = _fixed_events(rng, 4000, n_control, n_treatment, 0.8)
    power = power_from_results(logrank(trials)).iloc[0]
    expected = schoenfeld_power(n_control + n_treatment, 0.8, allocation=n_treatment / n_control)
    assert power["mean_events"] == n_control + n_treatment
    assert abs(power["power"] - expected) < 3.5 * power["power_se"]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: schoenfeld_events(1.0), "hazard_ratio 1 has no power to find"),
        (lambda: schoenfeld_events(-0.5), "schoenfeld: hazard_ratio must be above 0"),
        (lambda: schoenfeld_events(0.7, power=1.2), "power must lie strictly between 0 and 1"),
        (lambda: schoenfeld_sample_size(0.7, 0.0), "event_probability 0 means no deaths"),
        (lambda: power_from_results(pd.DataFrame({"x": [1]})), "results needs columns"),
    ],
)
def test_bad_arguments_are_refused(call, message):
    with pytest.raises(InputError, match=re.escape(message)):
        call()


@pytest.mark.parametrize(
    "name", ["schoenfeld_events", "schoenfeld_sample_size", "power_from_results", "run_grid"]
)
def test_public_names_resolve_lazily(name):
    import alsprog
    import alsprog.trials

    assert getattr(alsprog, name) is getattr(alsprog.trials, name)
    assert name in dir(alsprog)


def test_smallest_sample_size_finds_schoenfelds_answer():
    # Power of a trial where everyone dies: Schoenfeld's power at 2n deaths. The smallest n
    # per arm with power >= 0.8 at HR 0.75 is ceil(379.35 / 2) = 190.
    calls = []

    def power_at(n: int) -> float:
        calls.append(n)
        return schoenfeld_power(2 * n, 0.75)

    found = smallest_sample_size(power_at, 0.8, n_min=10, n_max=2000)
    assert found.n_per_arm == math.ceil(schoenfeld_events(0.75) / 2) == 190
    assert found.power >= 0.8 > schoenfeld_power(2 * 189, 0.75)
    assert len(calls) == len(set(calls)) <= 14  # each n once, about log2(1990) + 2 of them
    assert found.evaluated["n_per_arm"].is_monotonic_increasing
    assert smallest_sample_size(power_at, 0.8, n_min=300, n_max=400).n_per_arm == 300
    # Schoenfeld at 40 deaths: Phi(0.2877 sqrt(10) - 1.96) = Phi(-1.050) = 0.147
    with pytest.raises(
        InputError, match=re.escape("power 0.147 at n_max 20 is below the target 0.8")
    ):
        smallest_sample_size(power_at, 0.8, n_min=10, n_max=20)
