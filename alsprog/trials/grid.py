"""``run_grid``: a function evaluated over a grid of cells on Dask, reproducibly.

Each cell i gets its own seed, ``np.random.SeedSequence(seed, spawn_key=(i,))``, so a cell's
result depends only on the cell, its index and ``seed``: never on the number of workers, on
which worker ran it or on the order in which cells finished.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from alsprog.errors import InputError, is_whole
from alsprog.trials.scheduler import connect, scheduler_choice

LOCAL_WORKERS = 2
CONNECT_TIMEOUT_SECONDS = 5.0
# Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also fixes glibc's mmap
# threshold at 128 KiB: every numpy temporary above it is mapped and unmapped again, and the
# simulated trials cost 1.6 times the CPU (measured). The local cluster leaves it unset.
# Nor do its workers sample their own stacks every 10 ms for the dashboard (none here). On
# Linux the workers are forked from this process (0.3 s to start two, against 3 s spawned,
# measured), so they also start with alsprog already imported.
LOCAL_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
    **({"distributed.worker.multiprocessing-method": "fork"} if sys.platform == "linux" else {}),
}


def cell_seeds(seed: int, count: int) -> list[np.random.SeedSequence]:
    """The seed of each of ``count`` cells: SeedSequence(seed, spawn_key=(cell_index,))."""
    return [np.random.SeedSequence(seed, spawn_key=(index,)) for index in range(count)]


def _evaluate(client: Any, function: Callable, cells: list, seeds: list, progress) -> list:
    futures = client.map(function, cells, seeds, pure=False)
    if progress is None:
        return client.gather(futures)
    from distributed import as_completed

    where = {future.key: index for index, future in enumerate(futures)}
    results: list = [None] * len(futures)
    for future in as_completed(futures, loop=client.loop):  # not a default client
        index = where[future.key]
        results[index] = future.result()  # a failed cell raises here, as gather would
        progress(index)
    return results


def _assemble(cells: list, results: list) -> pd.DataFrame | list:
    if not results or not all(isinstance(r, pd.DataFrame) for r in results):
        return results
    frames = []
    for index, (cell, frame) in enumerate(zip(cells, results, strict=True)):
        frame = frame.copy()
        labels = dict(cell) if isinstance(cell, dict) else {}
        for position, (name, value) in enumerate([("cell", index), *labels.items()]):
            frame.insert(position, name, value)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def run_grid(
    cell_function: Callable[[Any, np.random.SeedSequence], Any],
    cells: Sequence[Any],
    seed: int,
    scheduler: str | None = "local",
    *,
    connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame | list:
    """Evaluate ``cell_function(cell, seed_sequence)`` for every cell, on Dask.

    Parameters
    ----------
    cell_function : a picklable function of (cell, numpy SeedSequence); make its generator
        with ``np.random.default_rng(seed_sequence)``. It runs in worker processes, so it must
        be importable there (a module-level function of an installed package, or a closure
        cloudpickle can carry).
    cells : the grid, e.g. a list of dicts of design parameters.
    seed : the grid's seed; cell i is seeded by ``SeedSequence(seed, spawn_key=(i,))``.
    scheduler : one meaning across alsprog: None or "serial" runs the cells
        in this process, in order (no Dask); "local" (default) starts a
        ``distributed.LocalCluster`` of two single-threaded worker processes and closes it
        afterwards; an address such as "tcp://host:8786" uses that running cluster.
    connect_timeout : seconds to wait for an existing scheduler before failing.
    progress : optional, called with a cell's index as each cell finishes (in any order).

    Returns
    -------
    When every cell returns a DataFrame: one DataFrame, the cells' frames stacked in cell
    order with the columns ``cell`` (its index) and, for dict cells, the cell's items put
    first. Otherwise the list of results in cell order.

    Raises
    ------
    InputError : a scheduler that is not a Dask address, does not answer as one, or has no
        workers (one line, within about 20 seconds; ``alsprog.trials.scheduler``).
    """
    cells = list(cells)
    if not is_whole(seed) or seed < 0:
        raise InputError(f"run_grid: seed must be a non-negative integer (got {seed!r})")
    if not callable(cell_function):
        raise InputError(f"run_grid: cell_function {cell_function!r} is not callable")
    if not cells:
        raise InputError("run_grid: cells is empty; pass at least one cell")
    seeds = cell_seeds(int(seed), len(cells))
    scheduler = scheduler_choice(scheduler)
    if scheduler is None or scheduler == "serial":
        results = []
        for index, (cell, cell_seed) in enumerate(zip(cells, seeds, strict=True)):
            results.append(cell_function(cell, cell_seed))
            if progress is not None:
                progress(index)
    elif scheduler == "local":
        import dask
        from distributed import Client, LocalCluster

        with (
            dask.config.set(LOCAL_CONFIG),
            LocalCluster(
                n_workers=LOCAL_WORKERS,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster, set_as_default=False) as client,
        ):
            results = _evaluate(client, cell_function, cells, seeds, progress)
    else:
        with connect(scheduler, connect_timeout) as client:
            results = _evaluate(client, cell_function, cells, seeds, progress)
    return _assemble(cells, results)
