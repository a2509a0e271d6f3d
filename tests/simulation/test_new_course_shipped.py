"""The shipped course calibration: fresh against its inputs, each calibrated target met at a
fresh seed, stale files never used, and parameter draws that scatter around the fit."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from alsprog.errors import InputError
from alsprog.simulation import course_shipped
from alsprog.simulation.course_moments import simulated_moments, stand_in_draws
from alsprog.simulation.course_parameters import (
    FITTED,
    PMA_FIELDS,
    fitted_value,
    free_bounds,
    to_free,
)
from alsprog.simulation.progression_settings import ProgressionSettings

FRESH_SEED = 777  # not the calibration's seed (2026)

BAND = 2.0  # every target is met within two standard errors


@pytest.fixture(scope="module")
def shipped():
    return course_shipped.shipped_calibration(stale="raise")


def test_the_shipped_file_is_fresh_and_is_the_default(shipped):
    """Fails when an input changed: rebuild with scripts/build_course_calibration.py."""
    assert ProgressionSettings.default() == shipped.settings
    assert set(shipped.fitted) == set(FITTED)
    start = ProgressionSettings.start()
    for field in dataclasses.fields(ProgressionSettings):
        if field.name == "pma":  # PMA's own course: only its fitted figures differ
            fitted = {PMA_FIELDS[name]: fitted_value(shipped.settings, name) for name in PMA_FIELDS}
            assert shipped.settings.pma == dataclasses.replace(start.pma, **fitted)
        elif field.name not in FITTED:
            assert getattr(shipped.settings, field.name) == getattr(start, field.name)


def test_each_calibrated_target_is_met_at_a_fresh_seed(shipped):
    """Every calibrated target within two SEs at the fit and at a fresh seed, and a fresh
    cohort reproduces the fit's own value within Monte Carlo error."""
    moments = simulated_moments(shipped.settings, stand_in_draws(shipped.n, FRESH_SEED))
    table = shipped.table[shipped.table["calibrate"]]
    assert (table["z"].abs() <= BAND).all(), table.loc[table["z"].abs() > BAND, ["target", "z"]]
    for row in table.itertuples():
        z = (moments[row.quantity] - row.published) / row.se
        assert abs(z) <= BAND, (row.target, z)
        assert abs(z - row.z) < 1.0, (row.target, z, row.z)


def test_each_shown_target_is_met_and_reproduced_at_a_fresh_seed(shipped):
    """The targets shown beside the fit and not fitted (the trial's completers, the same
    patients read another way) are met too, and a fresh cohort gives each within Monte Carlo
    error; other registers' figures are comparisons, not targets."""
    moments = simulated_moments(shipped.settings, stand_in_draws(shipped.n, FRESH_SEED))
    targets = shipped.table[shipped.table["kind"] == "target"]
    shown = targets[~targets["calibrate"]]
    assert set(shown["target"]) == {"mci186_19_placebo_change_completers"}
    for row in shown.itertuples():
        z = (moments[row.quantity] - row.published) / row.se
        assert abs(row.z) <= BAND and abs(z) <= BAND, (row.target, row.z, z)
        assert abs(z - row.z) < 1.0, (row.target, z, row.z)


def test_the_file_round_trips(shipped):
    again = course_shipped.from_json(course_shipped.to_json(shipped, "stamp"))
    assert again.settings == shipped.settings
    assert np.array_equal(again.covariance, shipped.covariance)
    assert again.table[["target", "z"]].equals(shipped.table[["target", "z"]])


def test_a_stale_file_is_refused_or_recomputed(monkeypatch):
    course_shipped.shipped_calibration.cache_clear()
    monkeypatch.setattr(course_shipped, "fingerprint", lambda *a, **k: "another stamp")
    try:
        with pytest.raises(InputError) as err:
            course_shipped.shipped_calibration(stale="raise")
        message = str(err.value)
        assert "\n" not in message and "does not match" in message
        assert "scripts/build_course_calibration.py" in message
        calls = []
        monkeypatch.setattr(
            course_shipped.cc, "calibrate_course", lambda **kwargs: calls.append(kwargs) or "fit"
        )
        with pytest.warns(course_shipped.StaleCalibrationWarning, match="recomputing"):
            assert course_shipped.shipped_calibration() == "fit"
        assert calls == [course_shipped.DEFAULTS]
    finally:
        course_shipped.shipped_calibration.cache_clear()


def test_the_fingerprint_sees_a_target_and_a_start_value():
    base = course_shipped.fingerprint()
    targets = course_shipped.default_course_targets()
    targets.loc[0, "published"] += 0.01
    assert course_shipped.fingerprint(targets=targets) != base
    start = dataclasses.replace(ProgressionSettings.start(), item_offset_jitter=0.4)
    assert course_shipped.fingerprint(start=start) != base


def test_draws_scatter_around_the_fit(shipped):
    k = 400
    draws = shipped.draws(k, seed=3)
    assert draws == shipped.draws(k, seed=3) and draws != shipped.draws(k, seed=4)
    assert all(isinstance(d, ProgressionSettings) for d in draws)
    free = np.array([to_free(d, shipped.fitted) for d in draws])
    se = np.sqrt(np.diag(shipped.covariance))
    low, high = free_bounds(shipped.settings, shipped.fitted)
    assert ((free >= low - 1e-9) & (free <= high + 1e-9)).all()  # inside the model's bounds
    # away from the bounds: the sample mean within 4 Monte Carlo SEs of the fit, the sample SD
    # within 20% of the SE (a normal's sample SD has a relative SE of 1 / sqrt(2 k) = 3.5%)
    free_of_bounds = (shipped.free - low > 4 * se) & (high - shipped.free > 4 * se)
    assert free_of_bounds.sum() >= len(se) // 2
    mean, sd = free.mean(axis=0), free.std(axis=0, ddof=1)
    assert (np.abs(mean - shipped.free) < 4 * se / np.sqrt(k))[free_of_bounds].all()
    assert (np.abs(sd / se - 1) < 0.2)[free_of_bounds].all()
    assert shipped.draws(1, seed=0)[0] != shipped.settings
    assert course_shipped.course_draws(5, seed=3) == shipped.draws(5, seed=3)
    errors = shipped.standard_errors()
    assert list(errors["parameter"]) == list(shipped.fitted)
    assert (errors["lower"] <= errors["value"]).all() and (errors["value"] <= errors["upper"]).all()


@pytest.mark.parametrize("k", [0, -1, 1.5, True])
def test_bad_draw_counts_get_one_line(shipped, k):
    with pytest.raises(InputError) as err:
        shipped.draws(k)
    assert "\n" not in str(err.value) and re.search("whole number", str(err.value))
