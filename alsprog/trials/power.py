"""Simulated trials analysed: ``analyse_trial``, ``power``, ``sample_size``, ``power_grid``.

Replicate r of ``power(design, R, seed)`` is ``simulate_trial(design, SeedSequence(seed,
spawn_key=(r,)))``: it depends only on the seed and r, so R replicates are the first R of any
larger run, and two designs with the same seed share their patients (common random numbers:
the same control arms whatever the effect, and larger trials extend smaller ones).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from itertools import pairwise, product
from typing import cast

import numpy as np
import pandas as pd

from alsprog.errors import InputError, check_probability, check_whole, is_whole
from alsprog.trials.analysis.endpoints import (
    SURVIVAL_ENDPOINTS,
    analyse,
    analyse_arrays,
    check_endpoints,
)
from alsprog.trials.analysis.results import (
    power_from_results,
    schoenfeld_events,
    schoenfeld_sample_size,
    smallest_sample_size,
)
from alsprog.trials.grid import run_grid
from alsprog.trials.scheduler import scheduler_choice
from alsprog.trials.simulation.batched import ANALYSED, simulate_arrays, weeks_needed
from alsprog.trials.simulation.design import TrialDesign
from alsprog.trials.simulation.enrol import make_context
from alsprog.trials.simulation.simulate import Trial

TRIAL_COLUMNS = ("endpoint", "estimate", "lower", "upper", "statistic", "p_value", "n_events")
MAX_REPLICATES = 1_000_000


def analyse_trial(trial: Trial, endpoints: Sequence[str] | str | None = None) -> pd.DataFrame:
    """Every endpoint of one simulated trial (the slope by MixedLM, the reference method).

    Returns
    -------
    DataFrame, one row per endpoint: endpoint, estimate, lower, upper (1 - alpha interval at
    the design's alpha), statistic, p_value (two-sided), n_events (deaths), n_analysed.
    """
    if not isinstance(trial, Trial):
        raise InputError(
            f"analyse_trial: {type(trial).__name__} is not a Trial; pass simulate_trial(...)"
        )
    has_visits = len(trial.visits) > 0
    result = analyse(
        trial.patients,
        trial.visits if has_visits else None,
        check_endpoints(endpoints, has_visits),
        slope_method="mixed",
        alpha=trial.design.alpha,
    )
    return result.drop(columns="replicate")


def _seed_sequence(seed: object) -> np.random.SeedSequence:
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if not is_whole(seed) or seed < 0:
        raise InputError(f"power seed: {seed!r} is not a whole number >= 0")
    return np.random.SeedSequence(int(seed))


def replicate_seed(seed: np.random.SeedSequence, replicate: int) -> np.random.SeedSequence:
    """Replicate r's seed: SeedSequence(seed's entropy, spawn_key=seed's key + (r,))."""
    return np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, replicate))


def power(
    design: TrialDesign,
    replicates: int = 1000,
    seed: int | np.random.SeedSequence = 0,
    *,
    endpoints: Sequence[str] | str | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Monte Carlo power of each endpoint from ``replicates`` simulated trials of ``design``.

    Parameters
    ----------
    design : a ``TrialDesign``. replicates : trials to simulate (>= 1).
    seed : a whole number >= 0 or a numpy SeedSequence; replicate r is seeded by
        SeedSequence(seed, spawn_key=(r,)).
    endpoints : any of logrank, cox, ancova_24w, slope (two-stage), cafs; default all five.
    scheduler : None or 'serial' (default: this process), 'local' (a two-worker Dask
        LocalCluster) or 'tcp://host:port', as everywhere in alsprog: replicates go in chunks
        of REPLICATES_PER_TASK, the same whatever the workers, so the result is too.
    progress : optional callback, called with a number of replicates as each batch (serial)
        or chunk (on workers) is done.

    Returns
    -------
    DataFrame, one row per endpoint: endpoint, power (the share of replicates with p < alpha),
    power_se (Monte Carlo), mean_events (deaths per trial), mean_estimate, replicates.
    """
    if not isinstance(design, TrialDesign):
        raise InputError(f"power design: {type(design).__name__} is not a TrialDesign")
    replicates = check_whole("power replicates", replicates, low=1, high=MAX_REPLICATES)
    chosen = check_endpoints(endpoints, True)
    root = _seed_sequence(seed)
    if scheduler is None or scheduler_choice(scheduler) == "serial":  # run_grid reads the rest
        results = _analysed(design, chosen, root, range(replicates), progress)
    else:
        chunks = _chunks(replicates)
        cells = [{"first": c.start, "stop": c.stop} for c in chunks]
        make_context(design)  # cached here first: forked local workers start with it
        done = None if progress is None else (lambda index: progress(len(chunks[index])))
        parts = run_grid(
            partial(_chunk_cell, design, chosen, root), cells, 0, scheduler, progress=done
        )
        results = cast(pd.DataFrame, parts).drop(columns=["cell", "first", "stop"])
    return power_from_results(results, design.alpha)


REPLICATES_PER_TASK = 250  # replicates per Dask task


def _chunks(replicates: int) -> list[range]:
    """Consecutive ranges of REPLICATES_PER_TASK replicates, the last 4 * REPLICATES_PER_TASK
    in halves, so that the workers finish nearly together (a replicate's result never depends
    on its chunk)."""
    tail = max(replicates - 4 * REPLICATES_PER_TASK, 0) // REPLICATES_PER_TASK * REPLICATES_PER_TASK
    edges = [
        *range(0, tail, REPLICATES_PER_TASK),
        *range(tail, replicates, REPLICATES_PER_TASK // 2),
        replicates,
    ]
    return [range(a, b) for a, b in pairwise(edges) if b > a]


def _chunk_cell(design, chosen, root, cell, _seed) -> pd.DataFrame:
    return _analysed(design, chosen, root, range(cell["first"], cell["stop"]), None)


def _analysed(design, chosen, root, which: range, progress) -> pd.DataFrame:
    """Replicates ``which`` simulated in batches as arrays and analysed batch by batch (the
    same as analysing ``simulate_trial``'s tables of the same seeds)."""
    visits = any(e not in SURVIVAL_ENDPOINTS for e in chosen)
    context = make_context(design)
    frames = []
    replicates = list(which)
    for start in range(0, len(replicates), ANALYSED):
        labels = np.asarray(replicates[start : start + ANALYSED], dtype=np.int64)
        seeds = [replicate_seed(root, int(r)) for r in labels]
        patients, visit_arrays = simulate_arrays(
            context, seeds, labels, visits=visits, weeks=weeks_needed(chosen)
        )
        frames.append(analyse_arrays(patients, visit_arrays, chosen, alpha=design.alpha))
        if progress is not None:
            progress(labels.size)
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class SampleSize:
    """The smallest n per arm whose simulated power reaches the target, with Schoenfeld's.

    n_per_arm, power : the simulated answer and its power. endpoint, target_power.
    evaluated : DataFrame n_per_arm, power (every n the bisection simulated).
    schoenfeld_n_per_arm : Schoenfeld's closed form for the log-rank test, from the hazard
        ratio and the event probability seen in the simulated trials at ``n_per_arm``
        (None unless the endpoint is a survival one and the effect a single hazard ratio).
    schoenfeld_events : the deaths Schoenfeld's formula needs (None likewise).
    """

    endpoint: str
    target_power: float
    n_per_arm: int
    power: float
    evaluated: pd.DataFrame
    schoenfeld_n_per_arm: int | None
    schoenfeld_events: float | None


def sample_size(
    design: TrialDesign,
    target_power: float = 0.8,
    endpoint: str = "logrank",
    *,
    replicates: int = 200,
    seed: int = 0,
    n_min: int = 10,
    n_max: int = 2000,
) -> SampleSize:
    """The smallest n per arm with simulated power >= ``target_power`` (bisection on n).

    Every n uses the same seed, so larger trials extend smaller ones (common random numbers)
    and the power curve is monotone up to the rare patient whose arm swap changes a test.
    """
    check_probability("sample_size target_power", target_power, open_interval=True)
    (chosen,) = check_endpoints(endpoint, True)
    tried: dict[int, pd.DataFrame] = {}  # n -> power's frame (Schoenfeld reads its events)

    def power_at(n: int) -> float:
        tried[n] = power(replace(design, n_per_arm=n), replicates, seed, endpoints=[chosen])
        return float(tried[n]["power"].iloc[0])

    search = smallest_sample_size(power_at, target_power, n_min=n_min, n_max=n_max)
    s_n, s_events = _schoenfeld(design, chosen, search.n_per_arm, tried, target_power)
    return SampleSize(
        chosen, target_power, search.n_per_arm, search.power, search.evaluated, s_n, s_events
    )


def _schoenfeld(design, endpoint, n, tried: dict, target_power):
    parts: tuple = getattr(design.effect, "components", ())
    if endpoint not in SURVIVAL_ENDPOINTS or len(parts) != 1 or parts[0].kind != "hazard_ratio":
        return None, None
    ratio = float(parts[0].value)
    if ratio == 1:
        return None, None
    at_n = tried[n]
    total = n + replace(design, n_per_arm=n).n_treatment
    probability = float(at_n["mean_events"].iloc[0]) / total
    if not probability > 0:
        return None, None
    size = schoenfeld_sample_size(ratio, probability, design.alpha, target_power, design.allocation)
    events = schoenfeld_events(ratio, design.alpha, target_power, design.allocation)
    return size.n_control, events


def _power_cell(design, replicates, endpoints, cell, seed) -> pd.DataFrame:
    return power(replace(design, **cell), replicates, seed, endpoints=endpoints)


def power_grid(
    design: TrialDesign,
    vary: dict[str, Sequence],
    replicates: int,
    seed: int,
    scheduler: str | None = "local",
    *,
    endpoints: Sequence[str] | str | None = None,
) -> pd.DataFrame:
    """Power over a grid of designs, one Dask task per cell.

    Parameters
    ----------
    design : the base design. vary : {TrialDesign field: values}, e.g. {"n_per_arm":
        [100, 200], "effect": [HazardRatio(0.8), riluzole()]}; cells are their product.
    replicates, seed : per cell; cell i is seeded by SeedSequence(seed, spawn_key=(i,)).
    scheduler : as in ``power`` and ``run_grid``: None or 'serial' (this process), 'local'
        (default: a two-worker Dask LocalCluster) or 'tcp://host:port'.

    Returns
    -------
    DataFrame, one row per cell and endpoint: cell, the varied fields, then ``power``'s
    columns. A cell's rows depend only on its design and seed, never on the workers.
    """
    if not isinstance(design, TrialDesign):
        raise InputError(f"power_grid design: {type(design).__name__} is not a TrialDesign")
    if not isinstance(vary, dict) or not vary:
        raise InputError("power_grid vary: pass a dict {design field: [values]}")
    fields = set(TrialDesign.__dataclass_fields__)
    for name, values in vary.items():
        if name not in fields:
            raise InputError(
                f"power_grid vary: {name!r} is not a TrialDesign field; use one of "
                f"{', '.join(sorted(fields))}"
            )
        if isinstance(values, str) or not isinstance(values, Sequence) or not values:
            raise InputError(f"power_grid vary[{name!r}]: pass a non-empty list of values")
    replicates = check_whole("power_grid replicates", replicates, low=1, high=MAX_REPLICATES)
    chosen = check_endpoints(endpoints, True)
    cells = [dict(zip(vary, v, strict=True)) for v in product(*vary.values())]
    for cell in cells:
        replace(design, **cell)  # check every cell up front (one-line InputError)
    table = cast(
        pd.DataFrame,
        run_grid(partial(_power_cell, design, replicates, chosen), cells, seed, scheduler),
    )
    if "effect" in vary:
        table["effect"] = table["effect"].map(_label)
    return table


def _label(effect: object) -> str:
    parts = getattr(effect, "components", ())
    if effect is None or not parts:
        return "none"
    names = []
    for p in parts:
        value = p.fraction if p.kind == "slope_reduction" else p.value
        names.append(f"{p.kind}={value:.3g}")
    return " & ".join(names)
