"""``calibrate_course(survival=...)``: a user's survival (any model, or a fitted regression over
the register's rows) in place of the ALS phenotype's in the calibration cohort."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from dkw import dkw_gap

from alsprog import fit
from alsprog.errors import InputError
from alsprog.models import Weibull
from alsprog.simulation.course_calibration import calibrate_course
from alsprog.simulation.course_moments import stand_in_draws

SMALL = {"n": 800, "max_evaluations": 2, "rounds": 1, "fit": ("rate_median",)}


def register(n: int = 400, seed: int = 2) -> pd.DataFrame:
    """Weibull AFT survival from onset with age: log T = 1.3 - 0.03 (age - 60) + 0.5 W."""
    rng = np.random.default_rng(seed)
    age = rng.normal(62.0, 9.0, n)
    w = np.log(rng.exponential(size=n))  # a standard minimum extreme-value draw
    time = np.exp(1.3 - 0.03 * (age - 60.0) + 0.5 * w)
    return pd.DataFrame({"time": time, "event": np.ones(n), "age": age})


def test_the_cohorts_deaths_follow_the_model_given():
    model = Weibull(shape=1.4, scale=8.0)  # median about 6.2 years, twice ALS's
    death = stand_in_draws(4000, 5, survival=model)["als"]["death"]
    cdf = lambda t: 1.0 - model.survival(t)  # noqa: E731
    gap, band = dkw_gap(death, cdf)  # the empirical curve against the model's
    assert gap < band
    # and not the ALS phenotype's (median 3 years): its cohort dies much sooner
    als = stand_in_draws(4000, 5)["als"]["death"]
    assert dkw_gap(als, cdf)[0] > 3 * band


def test_a_regression_stands_for_its_marginal_over_the_rows():
    data = register()
    regression = fit("weibull", data, covariates=["age"], scale="aft")
    by_rows = calibrate_course(survival=regression, covariates=data, seed=3, **SMALL)
    marginal = calibrate_course(survival=regression.marginal(data), seed=3, **SMALL)
    pd.testing.assert_frame_equal(by_rows.table, marginal.table)
    plain = calibrate_course(seed=3, **SMALL)
    assert not by_rows.table["simulated"].equals(plain.table["simulated"])


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"survival": "weibull"}, "must be an alsprog model"),
        ({"covariates": pd.DataFrame({"age": [60.0]})}, "goes with a fitted regression"),
        ({"survival": fit("weibull", register(), covariates=["age"])}, "needs covariates="),
    ],
)
def test_bad_survival_sources_get_one_line(kwargs, words):
    with pytest.raises(InputError, match=words) as caught:
        calibrate_course(seed=3, **SMALL, **kwargs)
    assert "\n" not in str(caught.value)
