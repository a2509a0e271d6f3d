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
from bench_common import best_of, record
from bench_course import course
from bench_outcomes import outcomes
from bench_regression import regression
from bench_simulation import simulation
from bench_trials import simulated_trials, trials
from scipy import stats


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
    from alsprog.interventions import riluzole
    from alsprog.outcomes.translate import translate

    def run(*args: str) -> Callable[[], object]:
        return lambda: subprocess.run(args, check=True, capture_output=True)

    cold = best_of(run(sys.executable, "-m", "alsprog.cli", *PROGNOSIS_ARGS), 3)
    recalibrating = best_of(run(sys.executable, "-c", NO_SHIPPED_DRAWS, *PROGNOSIS_ARGS), 1)
    record(
        "alsprog prognosis --phenotype als (cold)", cold, recalibrating,
        "recalibrating (no shipped)", "< 2 s",
    )  # fmt: skip
    from alsprog.outcomes.projection import alsfrs_r_course

    profile = dict(years_since_onset=1.5, age_at_onset=58.0, sex="male", alsfrs_r=38.0)
    ours = best_of(lambda: alsfrs_r_course("als", **profile), 3)
    record("alsfrs_r_course, a profile and today's score", ours, None, "", "< 1 s")
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
        choices=["trials", "simulation", "outcomes"],
        help="run one group of benchmarks (trials: the trial wing; simulation: cohorts; "
        "outcomes: time in stage and the PSA)",
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
    if args.only == "outcomes":
        outcomes()
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
    outcomes()
    report_sections()
    course(from_scratch=not args.quick)
    try:
        import alsprog.estimation.fitting  # noqa: F401
    except ImportError:
        print("fit benchmarks skipped: alsprog.estimation.fitting is not available")
    else:
        fitting(args.rows, slow=not args.quick)
        regression(args.rows)
    trials(grid=not args.no_grid)
    simulated_trials(args.trial_replicates, grid=not args.no_grid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
