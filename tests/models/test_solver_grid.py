"""The cumulative-hazard solver's starting grid, kept per model (``models.hazard_grid``):
a kept grid gives the same times bit for bit as a fresh one, each model keeps its own, and the
times are H's inverse (Gompertz's closed form)."""

from __future__ import annotations

import numpy as np

from alsprog.disease.library import phenotype
from alsprog.models import Gompertz, hazard_grid
from alsprog.models.base import invert_cumulative_hazard


def _fresh(model, target):
    hazard_grid._GRIDS.clear()
    return invert_cumulative_hazard(model, target)


def test_kept_grid_gives_the_fresh_times():
    models = [phenotype("als").disease[name] for name in ("als_limb", "als_bulbar")]
    target = np.random.default_rng(3).exponential(size=500)
    fresh = [_fresh(m, target) for m in models]
    for _ in range(2):  # alternating: each model finds its own grid, not the other's
        for model, expected in zip(models, fresh, strict=True):
            np.testing.assert_array_equal(invert_cumulative_hazard(model, target), expected)
    assert fresh[0].tolist() != fresh[1].tolist()


def test_grids_kept_are_bounded_and_times_invert_h():
    target = np.array([0.05, 0.7, 2.0])
    for k in range(hazard_grid._GRIDS_KEPT + 5):
        shape, rate = 0.1 + 0.01 * k, 0.2
        model = Gompertz(shape, rate)
        t = invert_cumulative_hazard(model, target)
        closed = np.log1p(shape * target / rate) / shape  # H(t) = rate (e^(shape t) - 1) / shape
        np.testing.assert_allclose(t, closed, rtol=1e-10)
    assert len(hazard_grid._GRIDS) == hazard_grid._GRIDS_KEPT
