"""The clock's in-place arithmetic (written over fresh arrays to spare the temporaries) gives
the textbook expressions bit for bit, and leaves its inputs alone."""

from __future__ import annotations

import numpy as np
import pytest

from alsprog.simulation.progression import pace, pace_inverse, shape

RNG = np.random.default_rng(11)
U = np.concatenate([RNG.exponential(3.0, 1_997), [0.0, np.inf, np.nan]]).reshape(-1, 5)


@pytest.mark.parametrize("a, scale", [(0.223, 1.652), (0.5, 1.0), (1.7, 0.3)])
def test_pace_and_its_inverse_are_the_formulas_bit_for_bit(a: float, scale: float) -> None:
    before = U.copy()
    with np.errstate(invalid="ignore", over="ignore"):
        forward = scale * (np.power(1.0 + U / scale, a) - 1.0) / a
        back = scale * (np.power(1.0 + a * U / scale, 1.0 / a) - 1.0)
    np.testing.assert_array_equal(pace(U, a, scale), forward)
    np.testing.assert_array_equal(pace_inverse(U, a, scale), back)
    np.testing.assert_array_equal(U, before)  # the inputs untouched
    assert pace(2.0, a, scale) == pace(np.array([2.0]), a, scale)[0]  # one number: the same
    assert pace_inverse(2.0, a, scale) == pace_inverse(np.array([2.0]), a, scale)[0]
    np.testing.assert_allclose(pace_inverse(pace(U[:, :2], a, scale), a, scale), U[:, :2])


def test_shape_is_the_formula() -> None:
    x = RNG.random((300, 12))
    np.testing.assert_array_equal(shape(x, -2.214), np.expm1(2.214 * x) / np.expm1(2.214))


@pytest.mark.parametrize("count", [3, 4])
@pytest.mark.parametrize("odd", [None, np.nan, -0.0, -1.0])
def test_few_times_sorted_as_np_sort_bit_for_bit(count: int, odd: float | None) -> None:
    from alsprog.simulation.uptake import _sorted

    times = RNG.choice([0.0, 0.5, 1.25, 3.0, np.inf], size=(count, 4_000))  # ties and inf
    times[:, :500] = RNG.exponential(2.0, (count, 500))
    if odd is not None:
        times[RNG.integers(count), 7] = odd  # NaN, -0 or a negative: left to np.sort
    found = np.stack(_sorted(list(times)))
    expected = np.sort(times, axis=0)
    assert found.tobytes() == expected.tobytes()


def test_copula_normal_score_is_the_normal_quantile_of_the_rank() -> None:
    from scipy.stats import norm

    from alsprog.simulation.sampler import copula_normal_score

    e = np.concatenate([RNG.exponential(1.0, 1_000), [0.0, np.log(2.0), 40.0, np.nan]])
    score = copula_normal_score(e)
    low = e < np.log(2.0)  # u = 1 - exp(-E): the quantile below the median, the upper tail above
    np.testing.assert_allclose(score[low], norm.ppf(-np.expm1(-e[low])), rtol=1e-12)
    np.testing.assert_allclose(score[~low], norm.isf(np.exp(-e[~low])), rtol=1e-12)
    assert copula_normal_score(np.array(e[0])) == score[0]  # one number: the same
