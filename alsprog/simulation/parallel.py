"""Blocks made by worker processes, handed back in block order.

Each worker rebuilds the request once (``plan``) and makes whole blocks, keeping every
patient who enters; the parent cuts the last block to n and numbers the patients, exactly as
``blocks.blocks`` does in one process, so the output does not depend on the number of
workers. Uses the 'fork' start method where the platform has it (nothing to pickle but the
finished blocks).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from alsprog.simulation.blocks import Plan, make_block, plan
from alsprog.simulation.patients import PATIENTS_PER_BLOCK

_PLAN: Plan | None = None


def _start(n: int, seed: int, options: dict) -> None:
    global _PLAN
    _PLAN = plan(n, seed, **options)


def _work(index: int, size: int, with_visits: bool) -> tuple:
    assert _PLAN is not None, "a worker runs _start first"
    block = make_block(_PLAN, index, size, first_id=1, keep_at_most=size)
    visits = block.visits(_PLAN) if with_visits else None
    return block.patients, visits, block.rows, size


def parallel_blocks(
    request: Plan, options: dict, workers: int, with_visits: bool
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame | None, int]]:
    """(patients, visits or None, patients drawn) per block, in order, from ``workers``."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    n, onset = request.n, request.entry == "onset"
    entered, submitted = 0, 0
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start, initargs=(n, request.seed, options)
    ) as pool:
        queue: deque = deque()
        while entered < n:
            while len(queue) < 2 * workers and not (onset and submitted * PATIENTS_PER_BLOCK >= n):
                size = (
                    min(PATIENTS_PER_BLOCK, n - submitted * PATIENTS_PER_BLOCK)
                    if onset
                    else PATIENTS_PER_BLOCK
                )
                queue.append(pool.submit(_work, submitted, size, with_visits))
                submitted += 1
            patients, visits, rows, size = queue.popleft().result()
            keep = min(len(patients), n - entered)
            # as in blocks.make_block: a block cut at n drew up to its last patient needed
            drawn = size if keep < n - entered or keep == 0 else int(rows[keep - 1]) + 1
            patients = patients.iloc[:keep].copy()
            patients["patient_id"] = np.arange(entered + 1, entered + keep + 1, dtype=np.int64)
            if visits is not None:
                visits = visits[visits["patient_id"] <= keep].copy()
                visits["patient_id"] = visits["patient_id"] + entered
            entered += keep
            yield patients, visits, drawn
        for future in queue:
            future.cancel()
