"""The simulated runs of a probabilistic sensitivity analysis, serially or on Dask.

A run is one redrawn version of the phenotype (its survival parameters recalibrated to redrawn
figures: ``alsprog.disease.draws.uncertainty_draws``, the draws behind the prognosis band), one
draw of the course's own parameters (``ProgressionSettings`` from the course calibration's
covariance: ``alsprog.simulation.course_shipped.course_draws``) and one drawn value of each
uncertain effect (``effect.drawn``), simulated for every strategy with
the cost-effectiveness seed: the strategies of a run share their patients (common random
numbers), and so do the runs, so the spread between runs is parameter uncertainty, not Monte
Carlo noise. What a run gives per strategy is the patients' mean stays, milestones and time
alive (``accounting.Components``), which the PSA's drawn utilities and costs then multiply; PSA
draw d uses run d mod the number of runs.

On Dask (``scheduler='local'`` or an address, as ``alsprog.trials.power``) the runs go in fixed
chunks of ``RUNS_PER_TASK``, and a run's result depends only on the run, never on the worker
that computed it or on the chunks: the result is the same, bit for bit, whatever the workers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from alsprog.disease.draw_cache import POOL_SIZE
from alsprog.disease.draws import uncertainty_draws
from alsprog.errors import InputError, check_whole
from alsprog.outcomes.accounting import Components, components
from alsprog.outcomes.economic_inputs import EconomicInputs
from alsprog.simulation.cohort import simulated_patients
from alsprog.simulation.course_shipped import course_draws
from alsprog.trials.grid import run_grid
from alsprog.trials.scheduler import scheduler_choice

RUNS_PER_TASK = 10  # runs per Dask task: fixed, so the chunks never depend on the workers


@dataclass(frozen=True)
class Setup:
    """What every run shares: patients per strategy, seed, entry, inputs and accounting."""

    n_patients: int
    seed: int
    entry: str
    inputs: EconomicInputs
    discount_rate: float
    horizon_years: float | None


@dataclass(frozen=True)
class Run:
    """One run: the phenotype (a name or a redrawn ``Phenotype``), the effect of each
    strategy, whether each strategy is simulated (False: the base case's means hold), and the
    course's settings (a drawn ``ProgressionSettings``; None: the shipped course)."""

    phenotype: Any
    effects: tuple[Any, ...]
    simulated: tuple[bool, ...]
    course: Any = None


def strategy_means(setup: Setup, phenotype: Any, effect: Any, course: Any = None) -> Components:
    """The mean components of one strategy's simulated patients (``course``: a
    ``ProgressionSettings``, None for the shipped course)."""
    patients = simulated_patients(  # the cohort's table, with what the accounting reads
        setup.n_patients,
        setup.seed,
        stagings=(setup.inputs.staging,),
        phenotype=phenotype,
        entry=setup.entry,
        effect=effect,
        course=course,
    )
    return components(
        patients,
        setup.inputs,
        discount_rate=setup.discount_rate,
        horizon_years=setup.horizon_years,
    ).means()


def _chunk(setup: Setup, runs: Sequence[Run], _seed: object = None) -> list[list[Any]]:
    return [
        [
            strategy_means(setup, run.phenotype, effect, run.course) if simulated else None
            for effect, simulated in zip(run.effects, run.simulated, strict=True)
        ]
        for run in runs
    ]


def survival_versions(phenotype: Any, count: int | None, draws: int, seed: int) -> tuple:
    """The redrawn phenotypes of the PSA: ``count`` (None: min(draws, POOL_SIZE), the shipped
    pool; 0: none) versions of a phenotype named by text; none for a mix (a dict or 'mnd')
    unless ``count`` asks for some, which is refused."""
    single = isinstance(phenotype, str) and phenotype != "mnd"
    if count is None:
        return uncertainty_draws(phenotype, n=min(draws, POOL_SIZE), seed=seed) if single else ()
    k = check_whole("survival_draws", count, low=0)
    if k > draws:
        raise InputError(
            f"survival_draws {k} is more than draws {draws}; each PSA draw uses one version, "
            "so pass at most draws"
        )
    if k and not single:
        raise InputError(
            f"survival_draws: phenotype {phenotype!r} is a mix, and only a single phenotype "
            "has redrawn versions; pass one phenotype name or survival_draws=0"
        )
    return uncertainty_draws(phenotype, n=k, seed=seed) if k else ()


def course_versions(count: int | bool | None, draws: int, seed: int, versions: int = 0) -> tuple:
    """The course settings of the PSA: ``count`` draws from the shipped course calibration's
    parameter uncertainty (None or True: one per survival version when there are ``versions``,
    so no run is added, else min(draws, POOL_SIZE); 0 or False: none, every run on the shipped
    course)."""
    if count is None or count is True:
        k = versions or min(draws, POOL_SIZE)
    else:
        k = 0 if count is False else check_whole("course_draws", count, low=0)
    if k > draws:
        raise InputError(
            f"course_draws {k} is more than draws {draws}; each PSA draw uses one course "
            "draw, so pass at most draws"
        )
    return course_draws(k, seed) if k else ()


def effect_values(effect: object, k: int, seed: int, index: int) -> list[object]:
    """k values of an uncertain effect (``effect.drawn``), or [] when it is fixed or None."""
    draw = getattr(effect, "drawn", None)
    if draw is None:
        return []
    rng = np.random.default_rng([seed, 27, index])
    values = [draw(rng) for _ in range(k)]
    return [] if all(v == effect for v in values) else values


def plan_runs(
    effects: Sequence[Any],
    phenotype: Any,
    versions: tuple,
    effect_draws: int,
    seed: int,
    courses: tuple = (),
) -> tuple[list[Run], dict[int, tuple[object, ...]]]:
    """The runs, and the effect values of each strategy (by index) with an uncertain effect.

    With redrawn phenotypes or course draws, max(their numbers) runs, run r on version r mod
    their number and course draw r mod theirs, each with its own value of every uncertain
    effect; without either, ``effect_draws`` runs that vary the uncertain effects only (the
    other strategies keep the base case), or none when nothing is uncertain.
    """
    count = max(len(versions), len(courses)) or effect_draws
    drawn = {i: effect_values(e, count, seed, i) for i, e in enumerate(effects)}
    values = {i: tuple(v) for i, v in drawn.items() if v}
    every = bool(versions) or bool(courses)
    if not every and not values:
        return [], {}
    runs = [
        Run(
            versions[r % len(versions)] if versions else phenotype,
            tuple(drawn[i][r] if drawn[i] else e for i, e in enumerate(effects)),
            tuple(every or bool(drawn[i]) for i in range(len(effects))),
            courses[r % len(courses)] if courses else None,
        )
        for r in range(count)
    ]
    return runs, values


def simulate_runs(
    setup: Setup,
    runs: Sequence[Run],
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[list[Any]]:
    """Per run, per strategy, the mean ``Components`` (None where not simulated).

    scheduler : None or 'serial' (this process), 'local' (a two-worker Dask LocalCluster) or
        'tcp://host:port' (``alsprog.trials.grid.run_grid``).
    progress : optional, called with a number of runs as each run (serial) or chunk (on
        workers) is done.
    """
    runs = list(runs)
    choice = scheduler_choice(scheduler)
    if choice is None or choice == "serial":
        out = []
        for run in runs:
            out.extend(_chunk(setup, [run]))
            if progress is not None:
                progress(1)
        return out
    chunks = [runs[i : i + RUNS_PER_TASK] for i in range(0, len(runs), RUNS_PER_TASK)]
    done = None if progress is None else (lambda index: progress(len(chunks[index])))
    parts = run_grid(partial(_chunk, setup), chunks, 0, choice, progress=done)
    return [row for part in parts for row in part]
