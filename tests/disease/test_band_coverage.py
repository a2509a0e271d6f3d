"""The prognosis band's level, checked by simulation: a 90% band covers the truth 90% of the time.

The band in ``alsprog.prognosis`` is built in three steps: the landmark figures are redrawn
within their uncertainty (``Targets.redrawn``: cell shares ~ Dirichlet(n * share + 1/2)), the
model is recalibrated to each redrawn set, and ``band_limits`` takes the central ``BAND_LEVEL``
of the recalibrated curves. Here the truth is known: a Weibull. Each repetition observes n
patients' landmark cells (a multinomial draw from the truth), builds the band for a patient
alive 1.5 years after onset exactly that way, and asks whether it covers the true residual
survival. Over R repetitions the number covered is Binomial(R, level); the test accepts it inside
the central 99.9% of Binomial(R, 0.9). R = 400 is chosen so that a band of 80% labelled 90%
fails (its count lies about five standard deviations below), which the last test shows. The band
uses prognosis's default number of draws (60): with so few, the quantiles' plotting positions
matter (numpy's default linear interpolation gave 84-85% coverage here, a fail; ``band_limits``
uses the Weibull positions p(B + 1), under which the expected posterior content is the level).

Speed: two landmarks and a two-parameter Weibull make the calibration saturated, so it has a
closed form (checked against ``calibrate``), and the Dirichlet redraws are drawn in one array
(checked against ``Targets.redrawn``).
"""

import inspect

import numpy as np
import pytest
from scipy import stats

from alsprog.disease.prognosis import BAND_LEVEL, band_limits, prognosis
from alsprog.estimation.calibration import calibrate
from alsprog.estimation.targets import Landmark, Targets
from alsprog.models import Weibull

TRUTH = Weibull(shape=1.4, scale=4.0)
TIMES = np.array([2.0, 5.0])  # landmark years
N_PATIENTS = 400  # the figures' effective sample size
SINCE_ONSET, AHEAD = 1.5, np.array([1.0, 3.0])  # the patient: alive 1.5 y after onset
REPETITIONS = 400
DRAWS = inspect.signature(prognosis).parameters["band_draws"].default  # as prognosis builds it
ALPHA = 1e-3  # the chance that a correct 90% band fails this test


def weibull_through(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shape and scale (years) of the Weibulls through S(TIMES[0]) = s[..., 0], S(TIMES[1]) = s[..., 1]."""
    log_h = np.log(-np.log(s))  # log H(t) = k log t - k log scale
    shape = (log_h[..., 1] - log_h[..., 0]) / np.log(TIMES[1] / TIMES[0])
    scale = TIMES[0] * np.exp(-log_h[..., 0] / shape)
    return shape, scale


def residual_survival(shape, scale, ahead) -> np.ndarray:
    """S(SINCE_ONSET + ahead) / S(SINCE_ONSET) under Weibull(shape, scale); ahead last axis."""
    shape, scale = np.asarray(shape)[..., None], np.asarray(scale)[..., None]
    h = lambda t: (t / scale) ** shape  # noqa: E731
    return np.exp(-(h(SINCE_ONSET + ahead) - h(SINCE_ONSET)))


def observed_targets(rng: np.random.Generator) -> Targets:
    cells = -np.diff(np.concatenate([[1.0], TRUTH.survival(TIMES), [0.0]]))
    counts = rng.multinomial(N_PATIENTS, cells)
    survival = 1 - np.cumsum(counts)[:-1] / N_PATIENTS
    landmarks = tuple(Landmark(float(t), float(s)) for t, s in zip(TIMES, survival, strict=True))
    return Targets("observed", landmarks, N_PATIENTS)


def redrawn_survival(targets: Targets, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` redrawn landmark sets at once, as ``Targets.redrawn`` draws them one by one."""
    _, shares = targets.cells()
    cells = rng.dirichlet(targets.effective_sample_size * shares + 0.5, size=n)
    return np.clip(1 - np.cumsum(cells, axis=1)[:, :-1], 1e-9, 1 - 1e-9)


def covered(level: float, seed: int = 2026) -> np.ndarray:
    """For each repetition and horizon, whether the ``level`` band covers the truth."""
    rng = np.random.default_rng(seed)
    truth = residual_survival(TRUTH.shape, TRUTH.scale, AHEAD)
    hits = np.zeros((REPETITIONS, AHEAD.size), dtype=bool)
    for r in range(REPETITIONS):
        curves = residual_survival(
            *weibull_through(redrawn_survival(observed_targets(rng), DRAWS, rng)), AHEAD
        )
        lower, upper = band_limits(curves, level)
        hits[r] = (lower <= truth) & (truth <= upper)
    return hits


def binomial_bounds(level: float) -> tuple[float, float]:
    return stats.binom.ppf(ALPHA / 2, REPETITIONS, level), stats.binom.isf(
        ALPHA / 2, REPETITIONS, level
    )


def test_the_closed_form_is_the_calibration_and_the_array_draw_is_redrawn():
    rng = np.random.default_rng(5)
    targets = observed_targets(rng)
    model = calibrate(targets, "weibull")
    shape, scale = weibull_through(np.array([lm.survival for lm in targets.equal]))
    assert model.shape == pytest.approx(shape, rel=1e-5)
    assert model.scale == pytest.approx(scale, rel=1e-5)
    one = targets.redrawn(np.random.default_rng(9))
    same = redrawn_survival(targets, 1, np.random.default_rng(9))[0]
    np.testing.assert_allclose([lm.survival for lm in one.equal], same, rtol=1e-12)


def test_the_90_percent_band_covers_the_truth_90_percent_of_the_time():
    assert BAND_LEVEL == 0.90  # the level prognosis reports in Prognosis.band_level
    low, high = binomial_bounds(BAND_LEVEL)
    counts = covered(BAND_LEVEL).sum(axis=0)
    assert np.all((low <= counts) & (counts <= high)), (counts, low, high)


def test_an_80_percent_band_labelled_90_would_fail():
    low, _ = binomial_bounds(0.90)
    assert np.all(covered(0.80).sum(axis=0) < low)
