"""Fits and calibrations pickle with the standard library and come back identical."""

import pickle

import numpy as np
import pytest

from alsprog.estimation.calibration import calibrate
from alsprog.estimation.fitting import fit
from alsprog.models import FAMILIES

TIMES = np.array([0.0, 0.5, 1.0, 3.0, 7.5, 20.0])


def _same(model, again):
    assert again == model  # parameters (fit_info is not compared by the model)
    assert again.fit_info == model.fit_info  # every diagnostic, frames and arrays by value
    assert np.array_equal(again.survival(TIMES), model.survival(TIMES))
    info = again.fit_info
    rebuilt = info.build(info.unconstrained)  # the build travelled with it
    assert np.array_equal(rebuilt.survival(TIMES), model.survival(TIMES))


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    t = rng.weibull(1.4, 400) * 3.0
    return t, rng.random(400) < 0.8


@pytest.mark.parametrize("family", FAMILIES)
def test_a_fit_round_trips(family, data):
    model = fit(family, *data)
    again = pickle.loads(pickle.dumps(model))
    _same(model, again)
    if model.fit_info.covariance is not None:
        ours = model.fit_info.draw_models(3, np.random.default_rng(1))
        theirs = again.fit_info.draw_models(3, np.random.default_rng(1))
        assert [m.parameters for m in ours] == [m.parameters for m in theirs]


@pytest.mark.parametrize("family", ["weibull", "spline", "mixture", "piecewise_exponential"])
def test_a_calibration_round_trips(family):
    model = calibrate(family=family)
    again = pickle.loads(pickle.dumps(model))
    _same(model, again)
    assert again.fit_info.max_abs_error == model.fit_info.max_abs_error


def test_a_calibration_is_frozen_all_the_way_down():
    model = calibrate(family="weibull")
    table = model.fit_info.landmarks
    table.loc[:, "fitted"] = 0.0  # the caller's copy
    table["extra"] = 1.0
    assert "extra" not in model.fit_info.landmarks.columns
    assert model.fit_info.max_abs_error < 0.2
    with pytest.raises(ValueError, match="read-only"):
        model.fit_info.unconstrained[0] = 0.0
    with pytest.raises(ValueError, match="read-only"):
        model.fit_info.covariance[0, 0] = 0.0
