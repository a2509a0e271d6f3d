"""calibrate_course by simulated moments: deterministic for a seed, its table tidy, and it moves
the parameters to meet a target it can reach (small cohorts and budgets: seconds)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alsprog.errors import InputError
from alsprog.simulation.course_calibration import TABLE_COLUMNS, calibrate_course, course_table
from alsprog.simulation.course_moments import simulated_moments, stand_in_draws
from alsprog.simulation.course_targets import QUANTITIES, default_course_targets
from alsprog.simulation.progression_settings import ProgressionSettings


def test_same_seed_same_calibration():
    a = calibrate_course(seed=3, n=800, max_evaluations=6)
    b = calibrate_course(seed=3, n=800, max_evaluations=6)
    assert a.settings == b.settings
    pd.testing.assert_frame_equal(a.table, b.table)
    assert tuple(a.table.columns[: len(TABLE_COLUMNS)]) == TABLE_COLUMNS
    assert len(a.table) == len(default_course_targets())
    z = (a.table["simulated"] - a.table["published"]) / a.table["se"]
    assert np.allclose(z, a.table["z"], equal_nan=True)


def test_every_quantity_is_simulated():
    moments = simulated_moments(ProgressionSettings.default(), stand_in_draws(800, 1))
    assert set(moments) == set(QUANTITIES)
    assert all(np.isfinite(v) for v in moments.values())


def test_it_meets_a_reachable_target(tmp_path):
    path = tmp_path / "register.toml"
    path.write_text(
        "[[target]]\n"
        'name = "trach"\nquantity = "tracheostomy_share"\npublished = 0.08\nse = 0.005\n'
        'source = "A register, A Journal 2020"\nmeasured = "share of incident patients"\n',
        encoding="utf-8",
    )
    start = calibrate_course(path, seed=4, n=1000, max_evaluations=1)
    fit = calibrate_course(path, seed=4, n=1000, max_evaluations=40, fit=("tracheostomy_share",))
    assert abs(start.table["z"].iloc[0]) > 5
    assert abs(fit.table["z"].iloc[0]) < 1
    assert fit.settings.tracheostomy_share < ProgressionSettings.default().tracheostomy_share


def test_the_table_lines_up_targets_and_moments():
    targets = default_course_targets()
    moments = {q: 1.0 for q in QUANTITIES}
    table = course_table(targets, moments)
    assert (table["simulated"] == 1.0).all()
    assert list(table["target"]) == list(targets["name"])


@pytest.mark.parametrize(
    "kwargs",
    [{"n": 10}, {"n": 1.5}, {"max_evaluations": 0}, {"rounds": 0}, {"fit": ("colour",)}],
)
def test_bad_arguments_get_one_line(kwargs):
    with pytest.raises(InputError) as err:
        calibrate_course(seed=1, **kwargs)
    assert "\n" not in str(err.value)
