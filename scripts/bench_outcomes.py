"""The outcomes benchmarks: stage occupancy and time in stage for 10^6 simulated patients
(target < 2 s together), against a per-time mask computation, a base-case
cost-effectiveness run, and a PSA whose draws cover the utilities and costs (the survival and
course draws the issue's < 6 s target includes are not there yet).
Run alone with `python scripts/bench_outcomes.py`."""

from __future__ import annotations

import numpy as np
from bench_common import best_of, record


def _occupancy_by_masks(patients, times: np.ndarray) -> np.ndarray:
    """The obvious vectorised way: each patient's stage at each time (n x times), then counts."""
    death = patients["death_time"].to_numpy() - patients["entry_time"].to_numpy()
    stage = np.ones((len(patients), len(times)))
    for k in (2, 3, 4):
        reached = patients[f"kings_stage_{k}_time"].to_numpy()[:, None] <= times[None, :]
        stage = np.where(reached, k, stage)
    stage = np.where(death[:, None] <= times[None, :], 5, stage)
    return np.stack([(stage == k).mean(axis=0) for k in range(1, 6)])


def outcomes() -> None:
    from alsprog.effects.presets import riluzole
    from alsprog.outcomes.economics import Strategy, cost_effectiveness
    from alsprog.outcomes.states import stage_occupancy, time_in_stage
    from alsprog.simulation.cohort import simulate_cohort

    cohort = simulate_cohort(1_000_000, 1)
    times = np.arange(0.0, 10.001, 0.25)

    def ours() -> None:
        stage_occupancy(cohort, "kings", times)
        time_in_stage(cohort, "kings")

    ours_s = best_of(ours, 3)
    masks_s = best_of(lambda: _occupancy_by_masks(cohort.patients, times), 3)
    record(
        "occupancy (41 times) + time in stage, 10^6",
        ours_s,
        masks_s,
        "per-time masks (occupancy only)",
        "< 2 s",
    )
    strategies = {"usual care": None, "riluzole": Strategy(riluzole(), 5000.0)}
    base = best_of(lambda: cost_effectiveness(strategies, n_patients=100_000, seed=1), 2)
    record("cost_effectiveness base case, 2 x 10^5", base, None, "-", "fast")
    psa = best_of(lambda: cost_effectiveness(strategies, n_patients=1_000, seed=1, draws=1_000), 3)
    record(
        "PSA 1,000 draws (inputs only) x 10^3, 2 strat.",
        psa,
        None,
        "-",
        "< 6 s (course draws: to do)",
    )


if __name__ == "__main__":
    outcomes()
