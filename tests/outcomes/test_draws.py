"""parameter_draws and survival_draws: one mechanism, honest coverage."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import alsprog
from alsprog.disease.draws import uncertainty_draws
from alsprog.errors import InputError
from alsprog.estimation.targets import Landmark, Targets
from alsprog.models import Weibull
from alsprog.outcomes.draws import parameter_draws, rmst_draws, survival_draws


def test_the_90_percent_interval_of_the_median_covers_the_truth_about_90_percent_of_the_time():
    truth = Weibull(shape=1.5, scale=3.0)
    true_median = truth.median()
    repetitions, covered = 200, 0
    for r in range(repetitions):
        rng = np.random.default_rng(np.random.SeedSequence(99, spawn_key=(r,)))
        times = truth.sample(150, rng)
        censor = rng.uniform(1.0, 8.0, times.size)
        fitted = alsprog.fit("weibull", np.minimum(times, censor), times <= censor)
        medians = [m.median() for m in parameter_draws(fitted, 200, seed=r)]
        low, high = np.quantile(medians, [0.05, 0.95])
        covered += low <= true_median <= high
    # 99.9% binomial bounds for 200 trials at p = 0.9: a false alarm has probability 0.001
    low_count, high_count = stats.binom.ppf([0.0005, 0.9995], repetitions, 0.9)
    assert low_count <= covered <= high_count


def test_draws_of_a_calibrated_model_widen_when_the_effective_sample_size_shrinks():
    def spread(n):
        targets = Targets("als", (Landmark(3.0, 0.5), Landmark(5.0, 0.2), Landmark(10.0, 0.1)), n)
        model = alsprog.calibrate(targets, "lognormal")
        draws = parameter_draws(model, 100, seed=5)
        return np.std([d.survival(5.0) for d in draws])

    large, small = spread(2000.0), spread(100.0)
    # the spread of S(5) scales about as 1 / sqrt(n): sqrt(2000 / 100) = 4.5
    assert small > 2.5 * large


def test_a_phenotypes_draws_are_the_prognosis_bands_draws():
    drawn = parameter_draws("pls", 5, seed=8)
    band = uncertainty_draws("pls", n=5, seed=8)
    t = np.array([5.0, 20.0])
    for a, b in zip(drawn, band, strict=True):
        np.testing.assert_array_equal(a.survival(t), b.model.survival(t))


def test_survival_draws_is_a_long_table_one_row_per_draw_and_time():
    fitted = alsprog.fit("weibull", Weibull(1.4, 3.5).sample(300, 1), np.ones(300, bool))
    table = survival_draws(fitted, [1.0, 2.0, 3.0], n=4, seed=2)
    assert list(table.columns) == ["draw", "time", "survival", "hazard", "cumulative_hazard"]
    assert table["draw"].tolist() == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]
    np.testing.assert_allclose(table["survival"], np.exp(-table["cumulative_hazard"]))
    pd.testing.assert_frame_equal(table, survival_draws(fitted, [1.0, 2.0, 3.0], n=4, seed=2))
    rmst = rmst_draws(fitted, [2.0, 5.0], n=3, seed=2)
    assert list(rmst.columns) == ["draw", "horizon_years", "rmst_years"]
    models = parameter_draws(fitted, 3, seed=2)
    np.testing.assert_allclose(
        rmst["rmst_years"], np.concatenate([m.rmst([2.0, 5.0]) for m in models]), rtol=1e-7
    )


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: parameter_draws("als", -1), "n must be a whole number >= 0"),
        (lambda: parameter_draws(Weibull(1.0, 2.0), 3), "carries no fit"),
        (lambda: parameter_draws(3.0, 3), "has no uncertainty to draw from"),
        (lambda: parameter_draws("als", 3, seed=-1), "seed must be a whole number >= 0"),
    ],
)
def test_bad_draw_requests_are_refused(call, message):
    with pytest.raises(InputError, match=message):
        call()
