"""fit() refuses what the data cannot identify, and marks a flat likelihood, before anything is
reported as an estimate."""

import warnings

import numpy as np
import pytest

from alsprog.errors import FitError, UnidentifiedFitWarning
from alsprog.estimation.fitting import fit
from alsprog.models import Weibull


def test_fit_error_when_the_death_times_cannot_identify_the_family():
    # all deaths at one time: the log-normal's sigma heads to 0 and the likelihood to infinity,
    # so the fit is refused before the optimiser runs (it used to fail to converge)
    with pytest.raises(FitError, match="1 distinct death time cannot identify the 2 parameters"):
        fit("lognormal", [1.0, 1.0, 1.0, 1.0], [1, 1, 1, 1])


def test_one_death_cannot_identify_a_weibull_and_the_fit_is_refused():
    # scipy: with one death at 2 years the Weibull log-likelihood grows without bound in the
    # shape (log density at the scale is log(k / 2) - 1), so there is no maximum to report
    from scipy import stats

    shapes = np.array([1.0, 1e2, 1e4, 1e7])
    assert np.all(np.diff(stats.weibull_min(c=shapes, scale=2.0).logpdf(2.0)) > 0)
    with pytest.raises(FitError, match="1 distinct death time cannot identify the 2 parameters"):
        fit("weibull", [2.0], [1])
    with pytest.raises(FitError, match="2 distinct death times cannot identify the 3"):
        fit("generalized_gamma", [1.0, 2.0, 2.0, 5.0], [1, 1, 1, 0])
    fit("exponential", [2.0], [1])  # one parameter, one death: identified (rate 1/2 per year)


def test_a_flat_likelihood_is_marked_unidentified_with_a_warning():
    # two deaths 1e-7 years apart: the Weibull shape heads to infinity before the optimiser stops
    with pytest.warns(UnidentifiedFitWarning, match="do not identify the weibull parameters"):
        model = fit("weibull", [1.0, 1.0000001], [1, 1])
    assert not model.fit_info.identified and not model.fit_info.converged


def test_a_well_posed_fit_is_identified_without_a_warning():
    rng = np.random.default_rng(11)
    times = Weibull(1.4, 3.5).sample(300, rng)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnidentifiedFitWarning)
        model = fit("weibull", np.minimum(times, 6.0), times <= 6.0)
    assert model.fit_info.identified and model.fit_info.converged
    assert np.all(np.isfinite(model.fit_info.standard_errors))
