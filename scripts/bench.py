"""Speed of alsprog against the obvious alternative, measured in the same run (`make bench`).

Each line: what was timed, our time, the alternative's time and the ratio (alternative / ours,
above 1 means alsprog is faster), and the target from the issues. Timings are the best of a few
repeats (wall clock, this machine). Nothing here is asserted: targets are read, not enforced.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import warnings
from collections.abc import Callable

import numpy as np
from scipy import stats

ROWS: list[tuple[str, float, float | None, str, str]] = []


def best_of(function: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def record(what: str, ours: float, theirs: float | None, alternative: str, target: str) -> None:
    ROWS.append((what, ours, theirs, alternative, target))
    ratio = f"{theirs / ours:8.1f}x" if theirs else "        -"
    other = f"{theirs:9.3f} s" if theirs else "          -"
    print(
        f"{what:<46} {ours:9.3f} s {other} {ratio}  vs {alternative:<28} target: {target}",
        flush=True,
    )


def start_up() -> None:
    def run(*args: str) -> Callable[[], object]:
        return lambda: subprocess.run(args, check=True, capture_output=True)

    python = best_of(run(sys.executable, "-c", "pass"), 5)
    for flag in ("--version", "--help"):
        ours = best_of(run(sys.executable, "-m", "alsprog.cli", flag), 5)
        record(f"alsprog {flag} (whole process)", ours, python, "python -c pass", "< 0.5 s")
    lifelines = best_of(run(sys.executable, "-c", "import lifelines"), 3)
    package = best_of(run(sys.executable, "-c", "import alsprog"), 5)
    record("import alsprog (whole process)", package, lifelines, "import lifelines", "fast")


def calibration() -> None:
    import lifelines

    import alsprog
    from alsprog.models import FAMILIES

    ours = best_of(lambda: [alsprog.calibrate(family=f) for f in FAMILIES], 1)
    lower, upper = np.array([0.0, 3.0, 5.0, 10.0]), np.array([3.0, 5.0, 10.0, np.inf])
    counts = 500 * np.array([0.5, 0.3, 0.1, 0.1])
    fitters = [
        lifelines.WeibullFitter,
        lifelines.LogNormalFitter,
        lifelines.LogLogisticFitter,
        lifelines.ExponentialFitter,
        lifelines.GeneralizedGammaFitter,
    ]

    def theirs() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for fitter in fitters:
                fitter().fit_interval_censoring(lower, upper, weights=counts)

    record(
        f"calibrate all {len(FAMILIES)} families to ALS landmarks",
        ours,
        best_of(theirs, 1),
        f"lifelines, {len(fitters)} families",
        "< 5 s in total",
    )


def evaluation() -> None:
    from alsprog.models import LogNormal, Mixture, Weibull

    t = np.random.default_rng(0).uniform(0, 20, 1_000_000)
    weibull, reference = Weibull(1.4, 4.0), stats.weibull_min(c=1.4, scale=4.0)
    record(
        "Weibull survival at 10^6 times",
        best_of(lambda: weibull.survival(t)),
        best_of(lambda: reference.sf(t)),
        "scipy.stats sf",
        "< 50 ms",
    )
    lognormal, reference = LogNormal(1.1, 0.8), stats.lognorm(s=0.8, scale=np.exp(1.1))
    record(
        "LogNormal survival at 10^6 times",
        best_of(lambda: lognormal.survival(t)),
        best_of(lambda: reference.sf(t)),
        "scipy.stats sf",
        "< 50 ms",
    )
    rng = np.random.default_rng(1)
    record(
        "Weibull sample(10^6)",
        best_of(lambda: weibull.sample(1_000_000, rng)),
        best_of(lambda: stats.weibull_min(c=1.4, scale=4.0).rvs(1_000_000, random_state=rng)),
        "scipy.stats rvs",
        "< 200 ms",
    )
    mixture = Mixture((Weibull(3.4, 3.2), Weibull(0.84, 6.2)), (0.55, 0.45))
    record(
        "2-Weibull mixture sample(10^6)",
        best_of(lambda: mixture.sample(1_000_000, rng)),
        None,
        "",
        "< 1 s",
    )


def background() -> None:
    import alsprog
    from alsprog.population.background_mortality import background_survival
    from alsprog.population.lifetable import life_table

    rng = np.random.default_rng(2)
    ages, t = rng.uniform(40, 80, 1_000_000), rng.uniform(0, 30, 1_000_000)
    table = life_table()
    q = table.q("male")

    def plain_numpy() -> np.ndarray:  # l(x) by cumulative product, log-linear between ages
        log_l = np.concatenate([[0.0], np.cumsum(np.log1p(-q))])
        grid = np.arange(log_l.size)
        return np.exp(np.interp(ages + t, grid, log_l) - np.interp(ages, grid, log_l))

    record(
        "background_survival, 10^6 (age, t) pairs",
        best_of(lambda: background_survival(ages, "male", t)),
        best_of(plain_numpy),
        "plain numpy interpolation",
        "< 100 ms",
    )
    als = alsprog.phenotype("als").model
    record(
        "ALS phenotype with background sample(10^6)",
        best_of(lambda: als.sample(1_000_000, rng)),
        None,
        "",
        "< 1 s",
    )


def fitting(n: int, slow: bool) -> None:
    import lifelines

    import alsprog
    from alsprog.models import GeneralizedGamma

    rng = np.random.default_rng(3)
    truth = GeneralizedGamma(1.0, 0.6, 0.5).sample(n, rng)
    censor = rng.exponential(6.0, n)
    durations, events = np.minimum(truth, censor), (truth <= censor).astype(int)
    pairs = [
        ("exponential", lifelines.ExponentialFitter),
        ("weibull", lifelines.WeibullFitter),
        ("lognormal", lifelines.LogNormalFitter),
        ("loglogistic", lifelines.LogLogisticFitter),
    ]
    if slow:
        pairs.append(("generalized_gamma", lifelines.GeneralizedGammaFitter))
    for family, fitter in pairs:
        ours = best_of(lambda family=family: alsprog.fit(family, durations, events), 1)

        def theirs(fitter=fitter) -> None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fitter().fit(durations, events)

        target = ">= 10x faster" if family == "generalized_gamma" else "not slower"
        record(
            f"fit {family} on {n:,} censored rows",
            ours,
            best_of(theirs, 1),
            f"lifelines {fitter.__name__}",
            target,
        )
    dead = durations[events == 1]
    breakpoints = list(np.percentile(dead, [100 / 3, 200 / 3]))
    knots = list(np.percentile(dead, [0, 50, 100]))
    for family, make, options in (
        (
            "piecewise_exponential",
            lambda: lifelines.PiecewiseExponentialFitter(breakpoints),
            {"breakpoints": breakpoints},
        ),
        ("spline", lambda: lifelines.SplineFitter(knots), {"knots": knots}),
    ):
        ours = best_of(
            lambda family=family, options=options: alsprog.fit(
                family, durations, events, **options
            ),
            1,
        )

        def theirs(make=make) -> None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                make().fit(durations, events)

        record(
            f"fit {family} on {n:,} censored rows",
            ours,
            best_of(theirs, 1),
            f"lifelines, same {'knots' if family == 'spline' else 'breakpoints'}",
            "not slower",
        )
    if not slow:
        ours = best_of(lambda: alsprog.fit("generalized_gamma", durations, events), 1)
        record(
            f"fit generalized_gamma on {n:,} censored rows",
            ours,
            None,
            "(lifelines skipped: --quick)",
            "about 60 s / 10",
        )


def checks(n: int = 200_000) -> None:
    """The one number check (numpy scalars in, bools, text and NaN out) against the bare
    isinstance test it replaced, on Python floats and on numpy scalars."""
    import math

    from alsprog.errors import check_positive

    def bare(value: object) -> None:
        if not (isinstance(value, int | float | np.floating | np.integer) and math.isfinite(value)):
            raise ValueError(value)
        if value <= 0:
            raise ValueError(value)

    for label, values in (
        ("floats", [1.5] * n),
        ("numpy float32", [np.float32(1.5)] * n),
    ):
        ours = best_of(lambda values=values: [check_positive("x", v) for v in values])
        theirs = best_of(lambda values=values: [bare(v) for v in values])
        record(
            f"check_positive, {n:,} {label}", ours, theirs, "bare isinstance check", "ratio > 0.5"
        )


def _simulation_parts(n: int) -> tuple[float, float]:
    """Seconds spent, over the blocks of an n-patient cohort, on the draws with the death
    times, and on the course with the milestones (and the ALSFRS-R at diagnosis)."""
    from alsprog.simulation.blocks import plan
    from alsprog.simulation.course import Course
    from alsprog.simulation.patients import BLOCK, draw_block
    from alsprog.simulation.staging import milestone_times
    from alsprog.simulation.visits import true_scores

    p = plan(n, 1)
    draws = course = 0.0
    for index in range(-(-n // BLOCK)):
        size = min(BLOCK, n - index * BLOCK)
        start = time.perf_counter()
        block = draw_block(p.arms, p.seed, index, size, p.settings, p.correlation, p.parts)
        middle = time.perf_counter()
        built = Course.build(block, p.settings, p.parts)
        true_scores(built, block["latent_diagnosis_time"])
        milestone_times(built, np.minimum(block["disease_time"], block["other_time"]))
        draws, course = draws + middle - start, course + time.perf_counter() - middle
    return draws, course


def simulation(stream_n: int) -> None:
    import resource
    import tempfile
    from pathlib import Path

    import alsprog
    from alsprog.simulation.cohort import simulate_cohort

    als = alsprog.phenotype("als")
    simulate_cohort(1_000, 0)  # warm: calibration and imports
    rng = np.random.default_rng(5)
    ours = best_of(lambda: simulate_cohort(1_000_000, 1), 2)
    floor = best_of(lambda: als.model.sample(1_000_000, rng), 2)
    record(
        "simulate_cohort 10^6 (patients table)",
        ours,
        floor,
        "numpy death times only (floor)",
        "< 2 s",
    )
    draws, course = _simulation_parts(1_000_000)
    parts = (
        ("draws and death times", draws),
        ("course, milestones, ALSFRS-R at diagnosis", course),
        ("the table (follow-up, columns, DataFrame)", max(ours - draws - course, 0.0)),
    )
    for what, seconds in parts:  # the table is the rest of a separate run: noisy, maybe 0
        if seconds > 0:
            record(f"  {what}", seconds, floor, "numpy death times only (floor)", "part")
    people = als.population.sample(200, rng)

    def loop() -> None:  # one patient at a time: their own model, one draw each
        for age, sex, delay in people.itertuples(index=False):
            als.patient(age, sex, delay).sample(1, rng)

    per_patient = best_of(loop, 1) / len(people)
    record(
        "simulate_cohort 10^6 (patients table)",
        ours,
        per_patient * 1_000_000,
        "per-patient Python loop (extrap.)",
        "< 2 s",
    )
    record(
        "simulate_cohort 10^5 with quarterly visits",
        best_of(lambda: simulate_cohort(100_000, 2).visits, 1),
        None,
        "",
        "< 5 s",
    )
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "cohort.parquet"
        code = (
            "from alsprog.simulation.stream import write_cohort; "
            f"write_cohort({str(out)!r}, {stream_n}, 1)"
        )
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        seconds = time.perf_counter() - start
        peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
        record(
            f"stream {stream_n:.0e} patients to Parquet",
            seconds,
            None,
            f"peak memory {peak_gb:.2f} GB",
            "peak < 2 GB",
        )


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
    from alsprog.trials.analysis import analyse_arrays
    from alsprog.trials.batched import BATCH, simulate_arrays, weeks_needed
    from alsprog.trials.enrol import make_context
    from alsprog.trials.power_api import replicate_seed

    root = np.random.SeedSequence(1)
    visits = any(e not in ("logrank", "cox") for e in endpoints)
    simulated = analysed = 0.0
    start = time.perf_counter()
    context = make_context(design)
    simulated += time.perf_counter() - start
    batches = []
    for first in range(0, replicates, BATCH):
        labels = np.arange(first, min(first + BATCH, replicates))
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

    from alsprog.effects import HazardRatio, edaravone, riluzole
    from alsprog.simulation.cohort import simulate_cohort
    from alsprog.trials.design import TrialDesign
    from alsprog.trials.inputs import WEEKS_PER_YEAR
    from alsprog.trials.power_api import power, power_grid
    from alsprog.trials.simulate import simulate_trial

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
        f"simulated log-rank+Cox power, 10^4 x 600{label}",
        (simulated + analysed) * scale,
        (simulated + theirs) * scale,
        "sim + lifelines log-rank",
        "< 10 s",
    )
    record(f"  simulation alone{label}", simulated * scale, None, "", "")
    record(f"  analysis alone (log-rank + Cox){label}", analysed * scale, None, "", "")

    def ours_logrank() -> None:
        from alsprog.trials.analysis import analyse_arrays

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
    weeks48 = TrialDesign(300, effect=edaravone(), followup_years=48 / WEEKS_PER_YEAR)
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


PROGNOSIS_ARGS = (
    "prognosis", "--phenotype", "als", "--age-at-onset", "58", "--years-since-onset", "1.5",
    "--sex", "male",
)  # fmt: skip
NO_SHIPPED_DRAWS = (
    "import sys, alsprog.disease.draw_cache as c; c.cached = lambda *a: None; "
    "from alsprog.cli import main; sys.exit(main(sys.argv[1:]))"
)


def effects() -> None:
    """translate with and without draws, and the prognosis CLI from a cold process."""
    import alsprog
    from alsprog.effects import riluzole
    from alsprog.effects.translate import translate

    def run(*args: str) -> Callable[[], object]:
        return lambda: subprocess.run(args, check=True, capture_output=True)

    cold = best_of(run(sys.executable, "-m", "alsprog.cli", *PROGNOSIS_ARGS), 3)
    recalibrating = best_of(run(sys.executable, "-c", NO_SHIPPED_DRAWS, *PROGNOSIS_ARGS), 1)
    record(
        "alsprog prognosis --phenotype als (cold)", cold, recalibrating,
        "recalibrating (no shipped)", "< 2 s",
    )  # fmt: skip
    als = alsprog.phenotype("als").model
    translate(riluzole(), "als", course=False)  # the phenotype is built once per process

    def by_quad() -> None:  # the same survival measures through SurvivalModel's quad
        treated = als.with_effect(riluzole())
        for model in (treated, als):
            model.median(), model.mean(), model.rmst([2.0, 5.0, 10.0])

    record(
        "translate(riluzole(), 'als'), no draws",
        best_of(lambda: translate(riluzole(), "als", course=False)),
        best_of(by_quad, 1),
        "median/mean/rmst by quad",
        "< 1 s",
    )
    ours = best_of(lambda: translate(riluzole(), "als", draws=200, seed=1, course=False), 1)
    record("translate(riluzole(), 'als', draws=200)", ours, None, "", "< 10 s")


def report_sections() -> None:
    """Where `make report`'s time goes: each section with the default settings, in a fresh
    context (so the first section that needs the calibrated families pays for them), then
    the whole report written to a temporary folder."""
    import tempfile

    from alsprog.report.build import SECTIONS, write_report
    from alsprog.report.context import Context

    context = Context()
    for function in SECTIONS:
        start = time.perf_counter()
        function(context)
        name = function.__name__.removesuffix("_section")
        record(f"report section: {name}", time.perf_counter() - start, None, "", "-")
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        write_report(folder)
        record(
            "make report (whole, after install)", time.perf_counter() - start, None, "", "< 90 s"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="skip lifelines' generalised gamma fit (about a minute)",
    )
    parser.add_argument("--rows", type=int, default=100_000, help="rows for the fit benchmark")
    parser.add_argument("--stream", type=int, default=10_000_000, help="patients to stream")
    parser.add_argument(
        "--only",
        choices=["trials", "simulation"],
        help="run one group of benchmarks (trials: the trial wing; simulation: cohorts)",
    )
    parser.add_argument("--no-grid", action="store_true", help="skip the Dask grid benchmark")
    parser.add_argument(
        "--trial-replicates",
        type=int,
        default=10_000,
        help="simulated trials for the whole-pipeline benchmarks (fewer: timed and scaled)",
    )
    args = parser.parse_args()
    print(f"{'what':<46} {'alsprog':>11} {'other':>11} {'ratio':>9}")
    if args.only == "simulation":
        simulation(args.stream)
        return 0
    if args.only == "trials":
        trials(grid=not args.no_grid)
        simulated_trials(args.trial_replicates, grid=not args.no_grid)
        return 0
    start_up()
    calibration()
    evaluation()
    background()
    checks()
    simulation(args.stream)
    effects()
    report_sections()
    try:
        import alsprog.estimation.fitting  # noqa: F401
    except ImportError:
        print("fit benchmarks skipped: alsprog.estimation.fitting is not available")
    else:
        fitting(args.rows, slow=not args.quick)
    trials(grid=not args.no_grid)
    simulated_trials(args.trial_replicates, grid=not args.no_grid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
