"""The trial wing's benchmarks (`make bench --only trials`): batched analysis against lifelines
and statsmodels loops, and whole simulated trials through `power` and `power_grid`."""

from __future__ import annotations

import time

import numpy as np
from bench_common import best_of, record


def _two_arm_trials(
    rng: np.random.Generator, replicates: int, n_per_arm: int, hazard_ratio: float, visits: bool
) -> tuple[object, object]:
    """Stand-in trial data (until the trial simulation lands): Weibull deaths under PH,
    staggered censoring and dropout; linear ALSFRS-R courses, visits every 4 weeks to 48."""
    import pandas as pd

    size = replicates * 2 * n_per_arm
    treated = np.tile(np.repeat([False, True], n_per_arm), replicates)
    death = 2.5 * np.where(treated, hazard_ratio ** (-1 / 1.3), 1.0) * rng.weibull(1.3, size)
    censor = np.minimum(1.0 + 0.5 * rng.uniform(size=size), rng.exponential(10.0, size))
    time = np.minimum(death, censor)
    patients = pd.DataFrame(
        {
            "replicate": np.repeat(np.arange(replicates), 2 * n_per_arm),
            "patient_id": np.tile(np.arange(2 * n_per_arm), replicates),
            "arm": np.where(treated, "treatment", "control"),
            "time_on_study": time,
            "event": (death <= censor).astype(int),
        }
    )
    if not visits:
        return patients, None
    weeks = np.arange(0, 49, 4)
    slope = -1.0 + 0.4 * rng.standard_normal(size)
    start = 38 + 4 * rng.standard_normal(size)
    score = start[:, None] + slope[:, None] * weeks / (365.25 / 7 / 12)
    score = np.clip(np.round(score + 1.5 * rng.standard_normal(score.shape)), 0, 48)
    seen = weeks[None, :] / (365.25 / 7) <= time[:, None]
    seen[:, 0] = True
    row, col = np.nonzero(seen)
    visit_table = pd.DataFrame(
        {
            "replicate": patients["replicate"].to_numpy()[row],
            "patient_id": patients["patient_id"].to_numpy()[row],
            "arm": patients["arm"].to_numpy()[row],
            "weeks_on_study": weeks[col].astype(float),
            "alsfrs_r": score[row, col],
        }
    )
    return patients, visit_table


def _grid_cell(cell: dict, seed: np.random.SeedSequence) -> object:
    from alsprog.trials import analyse, power_from_results

    rng = np.random.default_rng(seed)
    patients, visits = _two_arm_trials(rng, 1000, cell["n_per_arm"], cell["hazard_ratio"], True)
    results = analyse(patients, visits, ["logrank", "ancova_24w"], missing=cell["missing"])
    return power_from_results(results)


def trials(grid: bool) -> None:
    import pandas as pd
    from lifelines import CoxPHFitter
    from lifelines.statistics import logrank_test

    from alsprog.trials import analyse, run_grid

    rng = np.random.default_rng(4)
    replicates, subset = 10_000, 100
    start = time.perf_counter()
    patients, _ = _two_arm_trials(rng, replicates, 300, 0.75, visits=False)
    simulated = time.perf_counter() - start
    ours = best_of(lambda: analyse(patients, endpoints="logrank"), 1)
    ours_cox = best_of(lambda: analyse(patients, endpoints="cox"), 1)
    both = best_of(lambda: analyse(patients, endpoints=["logrank", "cox"]), 1)
    few = [g for _, g in patients[patients["replicate"] < subset].groupby("replicate")]

    def lifelines_logrank() -> None:
        for trial in few:
            arm = trial["arm"] == "treatment"
            t, e = trial["time_on_study"], trial["event"]
            logrank_test(t[arm], t[~arm], e[arm], e[~arm])

    def lifelines_cox() -> None:
        for trial in few:
            frame = pd.DataFrame(
                {
                    "T": trial["time_on_study"],
                    "E": trial["event"],
                    "x": (trial["arm"] == "treatment").astype(float),
                }
            )
            CoxPHFitter().fit(frame, "T", "E")

    per_trial = replicates / subset  # lifelines times scaled to the same 10^4 trials
    theirs = best_of(lifelines_logrank, 1) * per_trial
    theirs_cox = best_of(lifelines_cox, 1) * per_trial
    record(
        "log-rank, 10^4 trials of 2 x 300",
        ours,
        theirs,
        "lifelines loop (100, scaled)",
        ">= 100x faster",
    )
    record(
        "Cox (Efron), 10^4 trials of 2 x 300",
        ours_cox,
        theirs_cox,
        "CoxPHFitter loop (100, scaled)",
        ">= 100x faster",
    )
    record(
        "log-rank + Cox power incl. data, 10^4 x 600",
        both + simulated,
        None,
        f"(stand-in data {simulated:.1f} s)",
        "< 10 s",
    )
    patients, visits = _two_arm_trials(rng, 1000, 300, 0.75, visits=True)
    record(
        f"all 5 endpoints, 10^3 trials, {len(visits):,} visits",
        best_of(lambda: analyse(patients, visits), 1),
        None,
        "",
        "< 60 s",
    )
    if grid:
        cells = [
            {"n_per_arm": n, "hazard_ratio": hr, "missing": m}
            for n in (100, 200, 300)
            for hr in (0.6, 0.75, 0.9)
            for m in ("complete_case", "locf", "worst_rank")
        ]
        record(
            "3x3x3 grid x 10^3 trials (log-rank, ANCOVA)",
            best_of(lambda: run_grid(_grid_cell, cells, seed=1), 1),
            best_of(lambda: run_grid(_grid_cell, cells, seed=1, scheduler="serial"), 1),
            "the same grid serially",
            "< 60 s, 2 workers",
        )


def _simulated_pipeline(design, replicates: int, endpoints) -> tuple[float, float, list]:
    """``power``'s serial pipeline, timed in its two halves: simulation (enrolment, follow-up,
    visits, as arrays) and the batched analysis. Returns (simulation s, analysis s, the
    simulated batches)."""
    from alsprog.trials.analysis.endpoints import analyse_arrays
    from alsprog.trials.power import replicate_seed
    from alsprog.trials.simulation.batched import ANALYSED, simulate_arrays, weeks_needed
    from alsprog.trials.simulation.enrol import make_context

    root = np.random.SeedSequence(1)
    visits = any(e not in ("logrank", "cox") for e in endpoints)
    simulated = analysed = 0.0
    start = time.perf_counter()
    context = make_context(design)
    simulated += time.perf_counter() - start
    batches = []
    for first in range(0, replicates, ANALYSED):
        labels = np.arange(first, min(first + ANALYSED, replicates))
        seeds = [replicate_seed(root, int(r)) for r in labels]
        start = time.perf_counter()
        arrays = simulate_arrays(
            context, seeds, labels, visits=visits, weeks=weeks_needed(tuple(endpoints))
        )
        simulated += time.perf_counter() - start
        start = time.perf_counter()
        analyse_arrays(*arrays, tuple(endpoints), alpha=design.alpha)
        analysed += time.perf_counter() - start
        batches.append(arrays)
    return simulated, analysed, batches


def simulated_trials(replicates: int, grid: bool) -> None:
    """The whole pipeline on simulated trials (enrolment from the simulated population, both
    arms, analysis), simulation and analysis timed apart, at the issue's sizes when
    ``replicates`` is 10^4 (fewer: timed and scaled, the label says so)."""
    from lifelines.statistics import logrank_test

    from alsprog.interventions import HazardRatio, edaravone, riluzole
    from alsprog.simulation.cohort import simulate_cohort
    from alsprog.trials.analysis.inputs import CALENDAR_WEEKS_PER_YEAR
    from alsprog.trials.power import power, power_grid
    from alsprog.trials.simulation.design import TrialDesign
    from alsprog.trials.simulation.simulate import simulate_trial

    design = TrialDesign(300, effect=riluzole())
    few = 10
    for visits in (False, True):
        one = best_of(lambda v=visits: [simulate_trial(design, s, visits=v) for s in range(few)], 1)
        screened = simulate_trial(design, 0).settings["screened"]
        every = best_of(lambda n=screened: simulate_cohort(n, 0).patients, 1)
        record(
            f"simulate_trial 2 x 300 (tables{', visits' if visits else ''})",
            one / few,
            2 * every,  # the old way: every candidate simulated in full, twice (both arms)
            f"cohort of its {screened:,} x 2",
            "(was 88 ms)",
        )

    scale = 10_000 / replicates
    label = "" if scale == 1 else f" ({replicates} run, x{scale:g})"
    simulated, analysed, batches = _simulated_pipeline(design, replicates, ("logrank", "cox"))
    subset = min(replicates, 300)  # lifelines on the same simulated trials, scaled

    def lifelines_loop() -> None:
        done = 0
        for patients, _ in batches:
            for r in range(patients.n_replicates):
                mine = patients.replicate == r
                arm, t, e = patients.treatment[mine], patients.time[mine], patients.event[mine]
                logrank_test(t[arm], t[~arm], e[arm], e[~arm])
                done += 1
                if done == subset:
                    return

    theirs = best_of(lifelines_loop, 1) * replicates / subset
    record(
        f"simulated log-rank+Cox power, 10^4 x 600, serial{label}",
        (simulated + analysed) * scale,
        (simulated + theirs) * scale,
        "sim + lifelines log-rank",
        "(< 10 s: on 2 workers, below)",
    )
    record(f"  simulation alone{label}", simulated * scale, None, "", "")
    record(f"  analysis alone (log-rank + Cox){label}", analysed * scale, None, "", "")

    def ours_logrank() -> None:
        from alsprog.trials.analysis.endpoints import analyse_arrays

        for arrays in batches:
            analyse_arrays(*arrays, ("logrank",), alpha=design.alpha)

    record(
        f"  log-rank analysis alone{label}",
        best_of(ours_logrank, 1) * scale,
        theirs * scale,
        f"lifelines log-rank ({subset}, scaled)",
        ">= 100x faster",
    )
    start = time.perf_counter()
    power(design, replicates, 1, endpoints=["logrank", "cox"], scheduler="local")
    record(
        f"  the same, power(scheduler='local'){label}",
        (time.perf_counter() - start) * scale,
        (simulated + analysed) * scale,
        "serial",
        "< 10 s, 2 workers",
    )

    n5 = max(1, replicates // 10)
    scale5 = 1000 / n5
    label5 = "" if scale5 == 1 else f" ({n5} run, x{scale5:g})"
    weeks48 = TrialDesign(300, effect=edaravone(), followup_years=48 / CALENDAR_WEEKS_PER_YEAR)
    endpoints = ("logrank", "cox", "ancova_24w", "slope", "cafs")
    simulated, analysed, _ = _simulated_pipeline(weeks48, n5, endpoints)
    record(
        f"simulated 5 endpoints, 10^3 x 600, 48 w{label5}",
        (simulated + analysed) * scale5,
        None,
        f"sim {simulated * scale5:.1f} s + analysis {analysed * scale5:.1f} s",
        "< 60 s",
    )
    if grid:
        cells = max(1, replicates // 10)
        vary = {
            "n_per_arm": [100, 200, 300],
            "effect": [HazardRatio(0.6), HazardRatio(0.75), HazardRatio(0.9)],
            "followup_years": [1.0, 1.5, 2.0],
        }
        start = time.perf_counter()
        power_grid(TrialDesign(100), vary, cells, 1, endpoints=["logrank", "ancova_24w"])
        took = time.perf_counter() - start
        scale_grid = 1000 / cells
        label_grid = "" if scale_grid == 1 else f" ({cells} run, x{scale_grid:g})"
        record(
            f"simulated 3x3x3 grid x 10^3, 2 workers{label_grid}",
            took * scale_grid,
            None,
            "log-rank + ANCOVA",
            "< 60 s, 2 workers",
        )
