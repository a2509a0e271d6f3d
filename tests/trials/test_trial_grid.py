"""run_grid: a 2 x 2 grid on a two-worker LocalCluster equals the serial run exactly; an
unreachable scheduler fails in one line."""

from __future__ import annotations

import re
import socket
import sys

import cloudpickle
import numpy as np
import pandas as pd
import pytest
import trials_testdata
from trials_testdata import survival_trials

from alsprog.errors import InputError
from alsprog.trials import analyse, cell_seeds, power_from_results, run_grid

# The worker processes cannot import the test modules; ship them by value.
cloudpickle.register_pickle_by_value(trials_testdata)
cloudpickle.register_pickle_by_value(sys.modules[__name__])

CELLS = [{"n_per_arm": n, "hazard_ratio": hr} for n in (20, 40) for hr in (1.0, 0.6)]


def power_cell(cell: dict, seed: np.random.SeedSequence) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    trials = survival_trials(rng, 50, cell["n_per_arm"], hazard_ratio=cell["hazard_ratio"])
    return power_from_results(analyse(trials))


def test_a_grid_on_a_local_cluster_equals_the_serial_run():
    finished: list[int] = []  # each cell's index as it finishes, in any order
    distributed = run_grid(power_cell, CELLS, seed=8, progress=finished.append)
    assert sorted(finished) == [0, 1, 2, 3]
    in_order: list[int] = []
    serial = run_grid(power_cell, CELLS, seed=8, scheduler="serial", progress=in_order.append)
    assert in_order == [0, 1, 2, 3]
    pd.testing.assert_frame_equal(distributed, serial)
    # and each cell is what its own seed gives, computed here by hand
    by_hand = [power_cell(c, s) for c, s in zip(CELLS, cell_seeds(8, 4), strict=True)]
    for index, frame in enumerate(by_hand):
        mine = serial[serial["cell"] == index].drop(columns=["cell", "n_per_arm", "hazard_ratio"])
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), frame)
    assert list(serial.columns[:3]) == ["cell", "n_per_arm", "hazard_ratio"]
    assert list(serial["endpoint"]) == ["logrank", "cox"] * 4
    # a cell's result depends on its index, not on its neighbours: drop the first cell
    shorter = run_grid(lambda cell, s: power_cell(cell, s), CELLS[1:], seed=8, scheduler="serial")
    assert not shorter["power"].equals(serial["power"][2:].reset_index(drop=True))
    assert cell_seeds(8, 2)[1].spawn_key == (1,)


def test_an_unreachable_scheduler_fails_in_one_line():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    with pytest.raises(
        InputError, match=re.escape(f"--scheduler '{address}': cannot connect")
    ) as err:
        run_grid(power_cell, CELLS, seed=1, scheduler=address, connect_timeout=1.0)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"seed": -1}, "run_grid: seed must be a non-negative integer (got -1)"),
        ({"seed": 1.5}, "run_grid: seed must be a non-negative integer (got 1.5)"),
        ({"cells": []}, "run_grid: cells is empty"),
        ({"scheduler": 8786}, "--scheduler 8786 is not text"),
    ],
)
def test_bad_grid_arguments(kwargs, message):
    arguments = {"cell_function": power_cell, "cells": CELLS, "seed": 1, **kwargs}
    with pytest.raises(InputError, match=re.escape(message)):
        run_grid(**arguments)
