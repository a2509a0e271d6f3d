"""Numbers of any numpy type (scalars, 0-d arrays, in dicts too) are accepted wherever a number
is; booleans are refused."""

from __future__ import annotations

import numpy as np
import pytest

import alsprog
from alsprog.errors import (
    InputError,
    check_number,
    check_positive,
    check_whole,
    is_real,
    is_whole,
)
from alsprog.simulation.cohort import simulate_cohort

NUMBERS = [3, 3.0, np.int8(3), np.int64(3), np.uint16(3), np.float32(3.0), np.float64(3.0),
           np.array(3), np.array(3.0), np.array(3, dtype=np.int32)]  # fmt: skip
BOOLEANS = [True, np.bool_(True), np.array(True)]


@pytest.mark.parametrize("value", NUMBERS, ids=repr)
def test_every_numpy_number_is_a_number(value):
    assert is_real(value)
    assert check_number("x", value) == 3.0 and check_positive("x", value) == 3.0
    assert check_whole("x", value) == 3


@pytest.mark.parametrize("value", BOOLEANS, ids=repr)
def test_booleans_are_refused(value):
    assert not is_real(value) and not is_whole(value)
    with pytest.raises(InputError, match="a boolean"):
        check_number("x", value)


def test_whole_means_an_integer_type():
    assert is_whole(np.array(7)) and is_whole(np.uint8(7))
    assert not is_whole(7.0) and not is_whole(np.array([7])) and not is_whole("7")


def test_a_cohort_from_numpy_numbers_equals_one_from_python_numbers():
    plain = simulate_cohort(200, 1, followup_years=3.0, phenotype={"als": 0.9, "pma": 0.1})
    numpy = simulate_cohort(
        np.array(200),
        np.int64(1),
        followup_years=np.array(3.0),
        phenotype={"als": np.float64(0.9), "pma": np.float32(0.1)},
    )
    assert numpy.patients.equals(plain.patients)
    with pytest.raises(InputError, match="simulate_cohort n"):
        simulate_cohort(True, 1)


def test_models_and_draws_take_numpy_numbers():
    model = alsprog.models.Weibull(shape=np.array(1.5), scale=np.float32(3.0))
    assert model.median() == pytest.approx(alsprog.models.Weibull(1.5, 3.0).median(), rel=1e-6)
    assert model.sample(5, rng=np.array(3)).shape == (5,)
    with pytest.raises(InputError):
        alsprog.models.Weibull(shape=np.bool_(True), scale=1.0)
