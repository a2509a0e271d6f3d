"""The outcomes benchmarks: stage occupancy and time in stage for 10^6 simulated patients
(target < 2 s together), against a per-time mask computation, a base-case
cost-effectiveness run, and the PSA of 1,000 draws x 1,000 patients x 2 strategies with the
full course (survival, the course's own parameters, the effect's interval, utilities and costs
drawn), serial and on two Dask workers, against a per-draw loop; and the same PSA with the
course fixed (course_draws=0), interleaved, for what the course draws cost.
`make bench` runs it; alone: `python scripts/bench_outcomes.py`."""

from __future__ import annotations

import time
from collections.abc import Callable

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
    from alsprog.interventions.presets import riluzole
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
    psa_rows(strategies)


def psa_rows(strategies: dict) -> None:
    """The PSA with the full course: 1,000 draws, 1,000 patients, 2 strategies, survival drawn
    (300 redrawn phenotype versions, the shipped pool) and the course drawn (300 draws from the
    course calibration's covariance, paired with the versions: 300 runs, each simulated for both
    strategies with its own riluzole hazard ratio), utilities and costs drawn; serial and on two
    local Dask workers, against a per-draw loop of the same code (50 draws, scaled to 1,000);
    and, interleaved with the serial runs, the same PSA with the shipped course in every run."""
    from alsprog.disease.draws import uncertainty_draws
    from alsprog.outcomes.economics import cost_effectiveness
    from alsprog.simulation.cohort import simulate_cohort
    from alsprog.simulation.course_shipped import course_draws

    start = time.perf_counter()
    versions = uncertainty_draws("als", n=300, seed=1)  # cold: read the shipped pool (cached)
    courses = course_draws(300, 1)
    record(
        "PSA: 300 ALS versions + 300 course draws (cold)",
        time.perf_counter() - start,
        None,
        "-",
        "-",
    )
    for entry in ("onset", "diagnosis"):  # what a PSA run costs a strategy: one call
        call = best_of(
            lambda entry=entry: [
                simulate_cohort(1_000, 1, phenotype=versions[r], course=courses[r], entry=entry)
                for r in range(100)
            ],
            2,
        )
        record(f"PSA: simulate_cohort(1,000) from {entry}, a call", call / 100, None, "-", "-")

    def psa(scheduler: str | None, course: int | None = None) -> Callable[[], object]:
        return lambda: cost_effectiveness(
            strategies,
            n_patients=1_000,
            seed=1,
            draws=1_000,
            scheduler=scheduler,
            course_draws=course,
        )

    loop = 20 * best_of(lambda: _per_draw_loop(strategies, 50), 1)
    serial, fixed, cpu, cpu_fixed = [], [], [], []
    for _ in range(2):  # A/B interleaved: course drawn, course fixed
        for times, cpus, course in ((serial, cpu, None), (fixed, cpu_fixed, 0)):
            wall, used = time.perf_counter(), time.process_time()
            psa(None, course)()
            times.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - used)  # on a shared machine CPU says more
    local = best_of(psa("local"), 2)  # the wall time says more about the neighbours than us
    label = "PSA 1,000 x 10^3 x 2, full course"
    target = "< 6 s on 2 cores"
    record(f"{label}, serial", min(serial), loop, "per-draw loop (50 x 20)", target)
    record(f"{label}, serial, CPU s", min(cpu), None, "-", "(2 idle cores: ~half)")
    record(f"{label}, 2 Dask workers", local, loop, "per-draw loop (50 x 20)", target)
    record(
        "PSA as above, course fixed (course_draws=0), serial",
        min(fixed),
        min(serial),
        "course drawn (ratio: its cost)",
        "-",
    )
    record("PSA as above, course fixed, serial, CPU s", min(cpu_fixed), min(cpu), "drawn", "-")


def _per_draw_loop(strategies: dict, draws: int) -> None:
    """The same PSA done naively: every draw takes its own redrawn phenotype, course draw and
    effect value, simulates both strategies anew and accounts each patient."""
    from alsprog.disease.draws import uncertainty_draws
    from alsprog.outcomes.accounting import patient_outcomes
    from alsprog.outcomes.economic_inputs import economic_inputs
    from alsprog.simulation.cohort import simulate_cohort
    from alsprog.simulation.course_shipped import course_draws

    inputs = economic_inputs()
    versions = uncertainty_draws("als", n=300, seed=1)
    courses = course_draws(300, 1)
    rng = np.random.default_rng(1)
    for d in range(draws):
        for strategy in strategies.values():
            effect = getattr(strategy, "effect", strategy)
            effect = effect.drawn(rng) if effect is not None else None
            cohort = simulate_cohort(
                1_000, 1, phenotype=versions[d % 300], effect=effect, course=courses[d % 300]
            )
            patient_outcomes(
                cohort, inputs, drug_cost_per_year=getattr(strategy, "drug_cost_per_year", 0.0)
            ).mean(numeric_only=True)


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--psa"]:  # the PSA rows alone
        from alsprog.interventions.presets import riluzole
        from alsprog.outcomes.economics import Strategy

        psa_rows({"usual care": None, "riluzole": Strategy(riluzole(), 5000.0)})
    else:
        outcomes()
