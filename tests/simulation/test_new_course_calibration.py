"""calibrate_course by simulated moments: deterministic for a seed, its table tidy, it moves
the parameters to meet a target it can reach and never to meet a comparison, and bad targets get
one line (small cohorts and budgets: seconds)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alsprog.errors import InputError
from alsprog.simulation.course_calibration import TABLE_COLUMNS, calibrate_course, course_table
from alsprog.simulation.course_moments import simulated_moments, stand_in_draws
from alsprog.simulation.course_targets import (
    QUANTITIES,
    default_course_targets,
    load_course_targets,
)
from alsprog.simulation.progression_settings import ProgressionSettings

SMALL = {"n": 800, "max_evaluations": 2, "rounds": 1, "fit": ("rate_median", "niv_share")}
USER = (
    "[[target]]\n"
    'name = "trach"\nquantity = "tracheostomy_share"\npublished = 0.08\nse = 0.005\n'
    'source = "A register, A Journal 2020"\nmeasured = "share of incident patients"\n'
)


def test_same_seed_same_calibration():
    a = calibrate_course(seed=3, **SMALL)
    b = calibrate_course(seed=3, **SMALL)
    assert a.settings == b.settings
    pd.testing.assert_frame_equal(a.table, b.table)
    assert np.array_equal(a.covariance, b.covariance) and a.evaluations == b.evaluations
    assert tuple(a.table.columns[: len(TABLE_COLUMNS)]) == TABLE_COLUMNS
    assert len(a.table) == len(default_course_targets())
    z = (a.table["simulated"] - a.table["published"]) / a.table["se"]
    assert np.allclose(z, a.table["z"], equal_nan=True)
    assert calibrate_course(seed=4, **SMALL).settings != a.settings


def test_every_quantity_is_simulated():
    moments = simulated_moments(ProgressionSettings.default(), stand_in_draws(800, 1))
    assert set(moments) == set(QUANTITIES)
    assert all(np.isfinite(v) for v in moments.values())


def test_it_meets_a_reachable_target(tmp_path):
    path = tmp_path / "register.toml"
    path.write_text(USER, encoding="utf-8")
    fit = ("tracheostomy_share",)
    start = calibrate_course(path, seed=4, n=1000, max_evaluations=1, fit=fit)
    done = calibrate_course(path, seed=4, n=1000, max_evaluations=20, rounds=1, fit=fit)
    assert abs(start.table["z"].iloc[0]) > 5
    assert abs(done.table["z"].iloc[0]) < 1
    assert done.settings.tracheostomy_share < start.settings.tracheostomy_share
    # one parameter, one target: its Gauss-Newton SE is the target's SE over the slope
    assert done.covariance.shape == (1, 1) and 0 < done.covariance[0, 0] < 1


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


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda t: t.replace("se = 0.005", "se = nan"), "se must be a finite number"),
        (lambda t: t.replace("published = 0.08", "published = nan"), "published must be"),
        (lambda t: t.replace("se = 0.005", "se = 0.0"), "se must be > 0"),
        (lambda t: t.replace('"tracheostomy_share"', '"trach_pct"'), "unknown quantity"),
        (lambda t: t.replace('measured = "share of incident patients"\n', ""), "missing field"),
    ],
)
def test_a_users_bad_file_gets_one_line(tmp_path, edit, words):
    path = tmp_path / "register.toml"
    path.write_text(edit(USER), encoding="utf-8")
    with pytest.raises(InputError, match=words) as err:
        calibrate_course(path, seed=1, n=800, max_evaluations=1)
    assert "\n" not in str(err.value) and "register.toml" in str(err.value)


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda t: t.drop(columns="se"), "missing column 'se'"),
        (lambda t: t.assign(se=np.where(t.index == 1, 0.0, t["se"])), "row 2.*se must be > 0"),
        (lambda t: t.assign(se=np.where(t.index == 2, np.nan, t["se"])), "row 3.*se must be a"),
        (lambda t: t.assign(quantity="speed"), "unknown quantity 'speed'"),
    ],
)
def test_a_bad_table_gets_one_line(edit, words):
    with pytest.raises(InputError, match=words) as err:
        calibrate_course(edit(default_course_targets()), seed=1, n=800, max_evaluations=1)
    assert "\n" not in str(err.value)


def test_a_comparison_is_never_fitted(tmp_path):
    """An absurd comparison (every patient tracheostomised, SE 0.001) leaves the fit as it is
    without it, bit for bit, and comes back in the table beside the simulated value; the same
    figure made a target moves the fit."""
    absurd = USER.replace("[[target]]", "[[comparison]]").replace('"trach"', '"trach_elsewhere"')
    absurd = absurd.replace("0.08", "0.99").replace("0.005", "0.001")
    plain, both = tmp_path / "plain.toml", tmp_path / "both.toml"
    plain.write_text(USER, encoding="utf-8")
    both.write_text(USER + absurd, encoding="utf-8")
    kwargs = {
        "seed": 4,
        "n": 1000,
        "max_evaluations": 4,
        "rounds": 1,
        "fit": ("tracheostomy_share",),
    }
    without = calibrate_course(plain, **kwargs)
    with_it = calibrate_course(both, **kwargs)
    assert with_it.settings == without.settings and with_it.objective == without.objective
    assert np.array_equal(with_it.covariance, without.covariance)
    assert with_it.evaluations == without.evaluations
    table = with_it.table.set_index("target")
    assert list(table["kind"]) == ["target", "comparison"]
    assert not table.loc["trach_elsewhere", "calibrate"]
    assert table.loc["trach_elsewhere", "simulated"] == table.loc["trach", "simulated"]
    assert table.loc["trach_elsewhere", "z"] < -100  # far off, and still not fitted
    pd.testing.assert_frame_equal(with_it.table.iloc[:1], without.table)
    # turned into a target, the same figure is fitted and pulls the share up
    fitted = load_course_targets(both).assign(kind="target", calibrate=True)
    pulled = calibrate_course(fitted, **kwargs)
    assert pulled.settings.tracheostomy_share > without.settings.tracheostomy_share + 0.05
