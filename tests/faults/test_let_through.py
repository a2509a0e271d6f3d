"""Bad input the issue found let through is refused in one line naming the argument."""

from __future__ import annotations

import pytest

import alsprog
from alsprog.errors import InputError


def test_a_duration_longer_than_a_life_is_refused_by_fit():
    with pytest.raises(InputError, match=r"fit: duration 1e\+300 at position 0 is above 150 years"):
        alsprog.fit("weibull", [1e300, 2.0, 3.0], [1, 1, 0])


def test_decreasing_spline_knots_name_knots_not_a_fit_failure():
    with pytest.raises(InputError, match=r"calibrate: knots \[3.0, 1.0, 5.0\] must be strictly"):
        alsprog.calibrate(alsprog.default_targets(), family="spline", knots=[3, 1, 5])


@pytest.mark.parametrize("years", [101, 105])
def test_an_age_today_above_110_is_refused_by_prognosis(years):
    with pytest.raises(InputError, match=rf"onset at 10 plus {years} years is an age of"):
        alsprog.prognosis("als", age_at_onset=10, years_since_onset=years)
