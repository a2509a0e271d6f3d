"""The memo of a block's random draws and the death times found from them (``patients``):
bounded to its last blocks, a result gone with its block, and what it returns what a fresh
draw or solve gives."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pandas as pd
import pytest

from alsprog.interventions.presets import riluzole
from alsprog.simulation import patients
from alsprog.simulation.cohort import simulate_cohort
from alsprog.simulation.patients import CACHED_BLOCKS, PATIENTS_PER_BLOCK, BlockMemo


class _Checked(BlockMemo):
    """A memo that checks its bound after every call that adds to it."""

    def __init__(self, bound: int) -> None:
        super().__init__(bound)
        self.most_blocks = 0
        self.most_results = 0
        self.streams: list[weakref.ref] = []

    def _check(self) -> None:
        held = self.held()
        self.most_blocks = max(self.most_blocks, len(held))
        counts = [n for kinds in held.values() for n in kinds.values()]
        self.most_results = max(self.most_results, *counts, 0)
        assert len(held) <= self.bound, held
        assert all(n <= self.bound for n in counts), held

    def draws(self, seed, block, count):
        stream = super().draws(seed, block, count)
        self.streams.append(weakref.ref(stream))
        self._check()
        return stream

    def keep(self, stream, kind, key, value):
        super().keep(stream, kind, key, value)
        self._check()


@pytest.fixture
def memo(monkeypatch):
    checked = _Checked(CACHED_BLOCKS)
    monkeypatch.setattr(patients, "_MEMO", checked)
    return checked


def test_the_memo_never_holds_more_than_its_bound_and_lets_the_rest_go(memo):
    """Cohorts of three blocks, of other seeds, mixes, effects and redrawn models one after
    the other: never more than two blocks' draws, nor two results of a kind a block; a block's
    draws once dropped are held nowhere else (nothing else keeps them alive)."""
    from alsprog.disease.draws import uncertainty_draws

    versions = uncertainty_draws("als", n=3, seed=1)
    simulate_cohort(2 * PATIENTS_PER_BLOCK + 10, 4, effect=riluzole())
    for seed in (1, 2, 3):
        simulate_cohort(300, seed, phenotype="mnd")
        for version in versions:
            simulate_cohort(300, seed, phenotype=version)
    assert memo.most_blocks == CACHED_BLOCKS and memo.most_results == CACHED_BLOCKS
    gc.collect()
    alive = {id(ref()) for ref in memo.streams if ref() is not None}
    assert len(alive) <= CACHED_BLOCKS


def test_the_memo_draws_a_block_once_while_kept_and_drops_the_oldest():
    memo = BlockMemo(2)
    first = memo.draws(5, 0, 40)
    assert memo.draws(5, 0, 40) is first
    assert memo.draws(5, 1, 40) is not first
    assert memo.draws(5, 0, 40) is first  # the latest used is kept ...
    memo.draws(6, 0, 40)
    assert memo.draws(5, 0, 40) is first
    assert set(memo.held()) == {(5, 0, 40), (6, 0, 40)}  # ... the oldest, (5, 1), is gone
    again = BlockMemo(0).draws(5, 0, 40)  # drawn afresh: the same numbers
    assert again is not first
    for name, values in first.patient.items():
        np.testing.assert_array_equal(again.patient[name], values, err_msg=name)


def test_a_result_is_found_by_its_key_and_goes_with_its_block():
    memo = BlockMemo(2)
    stream = memo.draws(5, 0, 40)
    model, other_model = object(), object()
    key = ((model,), np.arange(3))
    memo.keep(stream, "times", key, np.ones(40))
    assert memo.find(stream, "times", ((model,), np.arange(3))) is not None  # equal arrays
    assert memo.find(stream, "times", ((other_model,), np.arange(3))) is None  # another object
    assert memo.find(stream, "times", ((model,), np.arange(1, 4))) is None
    assert memo.find(stream, "other", key) is None
    memo.keep(stream, "times", ((other_model,), np.arange(3)), np.zeros(40))
    memo.keep(stream, "times", ((model,), np.arange(4)), np.zeros(40))
    assert memo.find(stream, "times", key) is None  # the oldest of three results is gone
    assert memo.held() == {(5, 0, 40): {"times": 2}}
    memo.draws(5, 1, 40)
    memo.draws(5, 2, 40)
    assert memo.find(stream, "times", ((other_model,), np.arange(3))) is None
    memo.keep(stream, "times", key, np.ones(40))  # a dropped block's result is not kept
    assert all(not kinds for kinds in memo.held().values())


def test_cohorts_with_the_memo_equal_those_without(monkeypatch):
    options = [{}, {"effect": riluzole()}, {"phenotype": "mnd"}, {}]
    kept = [simulate_cohort(500, 7, **o).patients for o in options]
    monkeypatch.setattr(patients, "_MEMO", BlockMemo(0))
    for o, got in zip(options, kept, strict=True):
        pd.testing.assert_frame_equal(got, simulate_cohort(500, 7, **o).patients, check_exact=True)
