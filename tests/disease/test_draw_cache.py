"""The shipped calibrations: fresh, and identical to what alsprog computes without them."""

import numpy as np
import pytest

from alsprog import data
from alsprog.disease import draw_cache, library
from alsprog.estimation.calibration import LandmarkProblem
from alsprog.estimation.redraws import recalibrated, redrawn_targets
from alsprog.population.lifetable import DEFAULT_TABLE, life_table

TABLE = life_table(DEFAULT_TABLE)
CALIBRATED = [
    n for n in library.NAMES if n not in library.DERIVED and library._spec(n).structure != "scaled"
]
STALE = "is stale or missing: run `PYTHONPATH=. python scripts/build_draw_sets.py`"


# The landmark likelihood depends on the survival at the landmark times only, so where a
# model has more parameters than its figures pin (the ALS mixture: four parameters, three
# equalities and a bound that may not bind) the optimum is a ridge, and the point an optimiser
# stops at moves with the last bits of its arithmetic (the BLAS thread count, the processor's
# kernels). The shipped files fix one point of the ridge for every machine; these tests check that
# it is as good a calibration to today's figures as one computed now, not that it is the same vector.
TOLERANCE = 1e-6  # per-patient log-likelihood and bound gaps


def _as_good(build, targets, shipped, computed) -> None:
    problem = LandmarkProblem(build, targets)
    assert problem.objective(np.asarray(shipped)) <= problem.objective(computed) + TOLERANCE, STALE
    if targets.bounds:
        assert np.all(problem.constraint(np.asarray(shipped)) >= -TOLERANCE), STALE


@pytest.mark.parametrize("name", CALIBRATED)
def test_each_shipped_file_is_fresh_and_as_good_as_the_computed_point(name):
    shipped = draw_cache.cached(name, TABLE)
    assert shipped is not None, f"{draw_cache.file_name(name, TABLE)} {STALE}"
    point = library._calibrate(name, library._spec(name), TABLE)  # computed, not the cache
    info = point.model.fit_info
    _as_good(info.build, point.targets, shipped["point"], info.unconstrained)
    assert len(shipped["draws"]) == draw_cache.POOL_SIZE


def test_pool_members_are_as_good_as_the_recalibrations_they_stand_for():
    shipped = draw_cache.cached("als", TABLE)
    point = library.phenotype("als")
    info = point.model.fit_info
    for index in (0, 17, draw_cache.POOL_SIZE - 1):
        targets = redrawn_targets(point.targets, draw_cache.POOL_SEED, index)
        computed = recalibrated(info.build, targets, info.unconstrained)
        _as_good(info.build, targets, shipped["draws"][index], computed)


def test_a_request_takes_distinct_pool_members_chosen_by_the_seed():
    a, b = draw_cache.pool_indices(60, 1), draw_cache.pool_indices(60, 2)
    assert len(set(a)) == 60 and set(a) != set(b)
    assert np.array_equal(a, draw_cache.pool_indices(60, 1))
    assert set(draw_cache.pool_indices(draw_cache.POOL_SIZE + 5, 3)) == set(
        range(draw_cache.POOL_SIZE + 5)
    )


def test_a_changed_input_makes_the_file_stale(monkeypatch):
    before = draw_cache.fingerprint("als", TABLE)
    figures = data.thaw(data.table("phenotypes.toml"))
    figures["phenotype"]["als"]["effective_sample_size"] = 499
    monkeypatch.setattr(data, "table", lambda name: data.freeze(figures))
    assert draw_cache.fingerprint("als", TABLE) != before
