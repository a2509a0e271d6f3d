"""The one counter-based hash against a plain-Python SplitMix64, and the streams' contract."""

from __future__ import annotations

import numpy as np
from scipy import stats
from scipy.special import ndtri

from alsprog.simulation.progression_settings import DRAWS
from alsprog.simulation.random_streams import (
    BLOCK_DRAWS,
    COURSE_DRAWS,
    COURSE_STREAM,
    COURSE_STREAM_BASE,
    HASHED,
    block_draws,
    block_generators,
    course_block_draws,
    course_generator,
    course_streams,
    hashed,
    hashed_course_draws,
    hashed_normal,
    hashed_uniform,
    trial_streams,
)

MASK = (1 << 64) - 1


def _splitmix64(key: int, index: int, stream: int) -> float:
    """Vigna's SplitMix64 finaliser on key ^ index * golden ^ stream * c, in Python integers."""
    z = (key ^ (index * 0x9E3779B97F4A7C15) ^ (stream * 0xD1B54A32D192ED03)) & MASK
    z = (z + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    z ^= z >> 31
    return ((z >> 11) + 0.5) * 2.0**-53


def test_the_hash_is_splitmix64_bit_for_bit():
    key = 0x1234_5678_9ABC_DEF0
    index = np.arange(300, dtype=np.uint64)[:, None]
    stream = np.arange(12, dtype=np.uint64)
    u = hashed_uniform(np.uint64(key), index, stream)
    expected = [[_splitmix64(key, i, s) for s in range(12)] for i in range(300)]
    assert np.array_equal(u, np.array(expected))
    assert np.array_equal(hashed_normal(np.uint64(key), index, stream), ndtri(u))


def test_hashed_draws_have_their_distributions():
    key, position = np.uint64(99), np.arange(20_000, dtype=np.uint64)
    u = hashed(key, position, "u_arm")
    assert 0 < u.min() and u.max() < 1
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    assert stats.kstest(hashed(key, position, "z_rate"), "norm").pvalue > 1e-3
    assert stats.kstest(hashed(key, position, "e_dropout"), "expon").pvalue > 1e-3
    # each name is its own stream: position in HASHED
    assert np.array_equal(hashed(key, position, "u_accrual"), hashed_uniform(key, position, 2))
    assert HASHED.index("u_accrual") == 2


def test_a_block_draws_its_streams_in_the_documented_order():
    size = 64
    _, rng, _ = block_generators(3, 1)
    draws = block_draws(rng, size, 10)
    _, again, _ = block_generators(3, 1)
    for name in BLOCK_DRAWS:  # one whole block of each, in order
        draw = {"u": again.random, "e": again.standard_exponential, "z": again.standard_normal}
        assert np.array_equal(draws[name], draw[name[0]](size)[:10])


def test_a_trial_stream_depends_on_its_seed_alone():
    seed = np.random.SeedSequence(5, spawn_key=(2,))
    one, two = trial_streams(seed), trial_streams(np.random.SeedSequence(5, spawn_key=(2,)))
    assert np.array_equal(one[0].random(8), two[0].random(8))
    assert (one[1], one[2]) == (two[1], two[2]) and one[1] != one[2]


def test_the_course_stream_draws_every_course_draw_in_order_a_whole_block_each():
    assert COURSE_DRAWS is DRAWS  # the course's own list is the contract's
    size, count = 64, 10
    draws = course_block_draws(course_generator(3, 1), size, count)
    again = np.random.default_rng(np.random.SeedSequence(3, spawn_key=(1, COURSE_STREAM)))
    for name, (kind, columns) in DRAWS.items():
        shape = (size,) if columns == 1 else (size, columns)
        whole = again.random(shape) if kind == "uniform" else again.standard_normal(shape)
        assert np.array_equal(draws[name], whole[:count])
    # a smaller block is the first patients of a bigger one
    more = course_block_draws(course_generator(3, 1), size, 2 * count)
    assert all(np.array_equal(more[name][:count], draws[name]) for name in DRAWS)


def test_a_candidates_course_draws_are_hashed_one_stream_per_column():
    key = np.full(5000, 77, dtype=np.uint64)
    position = np.arange(5000, dtype=np.uint64)
    draws = hashed_course_draws(key, position)
    streams = course_streams()
    used = np.concatenate(list(streams.values()))
    assert used.min() == COURSE_STREAM_BASE >= len(HASHED)  # never a named draw's stream
    assert np.unique(used).size == used.size == sum(c for _, c in DRAWS.values())
    z_gap = hashed_normal(key[:, None], position[:, None], streams["z_gap"][None, :])
    assert np.array_equal(draws["z_gap"], z_gap)
    assert np.array_equal(draws["u_niv"], hashed_uniform(key, position, streams["u_niv"][0]))
    assert stats.kstest(draws["u_item_offset"][:, 4], "uniform").pvalue > 1e-3
    assert stats.kstest(draws["z_item_pace"][:, 7], "norm").pvalue > 1e-3
