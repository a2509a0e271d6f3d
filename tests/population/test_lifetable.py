"""Life tables: the shipped CSV against its source, survival against l(x + t) / l(x), bad input."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alsprog.errors import InputError
from alsprog.population.background_mortality import (
    background_hazard,
    background_quantile,
    background_survival,
)
from alsprog.population.lifetable import SEXES, LifeTable, life_table, list_life_tables

TABLE = life_table()
TABLE_CSV = Path(__file__).resolve().parents[2] / "alsprog" / "data" / "life_table_us_ssa_2007.csv"


def survivors(sex: str) -> list[float]:
    """l(x) for x = 0..120 from q(x), walked one year at a time (independent of the package)."""
    q = pd.read_csv(TABLE_CSV).query("sex == @sex").sort_values("age")["qx"].tolist()
    alive = [1.0]
    for qx in q:
        alive.append(alive[-1] * (1.0 - qx))
    return alive


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pymort's importlib.resources calls
def test_shipped_csv_equals_pymort_2007_columns():
    pymort = pytest.importorskip("pymort")
    shipped = pd.read_csv(TABLE_CSV)
    for sex, table_id in (("male", 1501), ("female", 1502)):
        values = pymort.MortXML.from_id(table_id).Tables[0].Values["vals"]
        source = values.xs(2007, level="Duration").sort_index()
        ours = shipped.query("sex == @sex").sort_values("age")
        assert ours["age"].tolist() == list(range(120)) == source.index.tolist()
        assert np.array_equal(ours["qx"].to_numpy(), source.to_numpy())
        assert np.array_equal(TABLE.q(sex), source.to_numpy())


def test_default_table_is_listed_with_its_source():
    listed = list_life_tables()
    assert listed["name"].tolist() == ["us_ssa_2007"]
    assert "Social Security Administration" in TABLE.source
    assert TABLE.max_age == 119
    assert life_table("us_ssa_2007") is TABLE  # cached
    # q(119) = 0.913855 for both sexes: the table does not close, hence the documented tail
    np.testing.assert_array_equal(TABLE.qx[:, -1], [0.913855, 0.913855])


@pytest.mark.parametrize("sex", SEXES)
def test_survival_is_the_ratio_of_survivors_at_whole_ages(sex):
    alive = survivors(sex)
    x, y = np.meshgrid(np.arange(0, 120, 7), np.arange(0, 121, 5), indexing="ij")
    keep = y >= x
    x, y = x[keep], y[keep]
    expected = np.array([alive[b] / alive[a] for a, b in zip(x, y, strict=True)])
    np.testing.assert_allclose(background_survival(x, sex, y - x), expected, rtol=1e-12)


@pytest.mark.parametrize("sex", SEXES)
def test_hazard_is_constant_within_each_year_of_age(sex):
    q = TABLE.q(sex)
    age, fraction = np.append(np.arange(119) + 0.25, 119.0), 0.6  # x + 0.25 to x + 0.85
    np.testing.assert_allclose(
        background_survival(age, sex, fraction), (1 - q) ** fraction, rtol=1e-12
    )
    np.testing.assert_allclose(background_hazard(age, sex), -np.log(1 - q), rtol=1e-12)
    assert background_survival(0.0, sex, 0.5) == pytest.approx((1 - q[0]) ** 0.5, rel=1e-12)


def test_the_last_ages_hazard_continues_past_119():
    q119 = 0.913855
    assert background_survival(119, "male", 4.5) == pytest.approx((1 - q119) ** 4.5, rel=1e-12)
    assert background_hazard(150.0, "female") == pytest.approx(-math.log(1 - q119), rel=1e-15)
    assert background_survival(60, "female", math.inf) == 0.0


def test_broadcasting_and_scalars():
    assert isinstance(background_survival(55, "male", 10), float)
    out = background_survival(
        np.array([[40.0], [70.0]]), np.array(["male", "female", "male"]), np.array([1.0, 2.0, 3.0])
    )
    assert out.shape == (2, 3)
    assert out[1, 1] == background_survival(70, "female", 2.0)
    assert background_survival(55, "male", 0.0) == 1.0


@settings(max_examples=200, deadline=None)
@given(age=st.floats(0, 119), sex=st.sampled_from(SEXES), t1=st.floats(0, 80), dt=st.floats(0, 5))
def test_survival_is_continuous_and_non_increasing(age, sex, t1, dt):
    s1, s2 = background_survival(age, sex, t1), background_survival(age, sex, t1 + dt)
    assert 0 <= s2 <= s1 <= 1
    # continuity across whole ages: the hazard is at most 2.46 per year, so a step of 1e-9
    # years moves survival by at most 2.46e-9 (relative)
    nearby = background_survival(age, sex, t1 + 1e-9)
    assert s1 - nearby <= 2.5e-9 * s1 + 1e-300


@settings(max_examples=100, deadline=None)
@given(age=st.floats(0, 119), sex=st.sampled_from(SEXES), p=st.floats(0, 0.999999))
def test_quantile_inverts_survival(age, sex, p):
    t = background_quantile(age, sex, p)
    assert background_survival(age, sex, t) == pytest.approx(1 - p, rel=1e-9, abs=1e-12)


def test_user_csv_works_like_the_shipped_table(tmp_path):
    path = tmp_path / "my_table.csv"
    TABLE.frame()[["age", "sex", "qx"]].to_csv(path, index=False)
    mine = life_table(path)
    assert mine.name == "my_table" and mine.source == f"user file {path.resolve()}"
    np.testing.assert_array_equal(mine.qx, TABLE.qx)
    assert background_survival(55, "male", 10, table=str(path)) == background_survival(
        55, "male", 10
    )
    assert life_table(path) is mine  # cached until the file changes


def small_table(qx_male, qx_female=None, name="tiny"):
    qx = np.array([qx_male, qx_female if qx_female is not None else qx_male], dtype=float)
    return LifeTable(name=name, source="test", ages=np.arange(qx.shape[1]), qx=qx)


def test_a_q_of_one_kills_everyone_by_that_age():
    table = small_table([0.1, 0.2, 1.0, 0.5])
    s = background_survival(0.5, "male", np.array([1.0, 1.5, 1.5 + 1e-9, 3.0]), table=table)
    np.testing.assert_allclose(s, [0.9**0.5 * 0.8**0.5, 0.9**0.5 * 0.8, 0.0, 0.0], rtol=1e-12)
    assert background_survival(2.0, "male", 0.0, table=table) == 1.0
    assert background_quantile(0.0, "female", 0.999, table=table) == 2.0
    with pytest.raises(
        InputError,
        match=r"age: nobody in life table tiny survives to age 2.5 "
        r"\(male\); choose an earlier age",
    ):
        background_survival(2.5, "male", 1.0, table=table)


def write(tmp_path, frame, name="bad.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def good_frame(max_age=3):
    ages = list(range(max_age + 1))
    return pd.DataFrame(
        {
            "age": ages * 2,
            "sex": ["male"] * len(ages) + ["female"] * len(ages),
            "qx": [0.01, 0.02, 0.3, 0.9] * 2,
        }
    )


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda f: f.drop(columns="qx"),
            r"life table bad: missing column\(s\) qx \(found age, sex\); the CSV needs columns age, sex",
        ),
        (
            lambda f: f.assign(qx=[0.01, 1.2, 0.3, 0.9] * 2),
            r"life table bad: qx 1.2 at age 1 \(male\) is not a probability; every qx must lie between",
        ),
        (
            lambda f: f.assign(qx=[0.01, None, 0.3, 0.9] * 2),
            r"life table bad: qx nan in row 2 \(age 1\) is missing or not a number; fill in every qx",
        ),
        (
            lambda f: f.drop(index=5),
            r"life table bad: no qx for female at age 1; give every age from 0 to 3 for both sexes",
        ),
        (
            lambda f: f.drop(index=[0, 1]),
            r"life table bad: no qx for male at age 0 \(and 1 more\); give every age from 0 to 3",
        ),
        (
            lambda f: f[f["sex"] == "male"],
            r"life table bad: no rows for female; give qx for both male and female",
        ),
        (
            lambda f: f.assign(sex=["M"] * 4 + ["female"] * 4),
            r"life table bad: sex 'M' is unknown; spell sexes 'male' or 'female'",
        ),
        (
            lambda f: f.assign(age=[0, 1.5, 2, 3] * 2),
            r"life table bad: age 1.5 in row 2 is not a whole number >= 0; give one row per whole age",
        ),
        (
            lambda f: pd.concat([f, f.iloc[[0]]]),
            r"life table bad: age 0 \(male\) appears twice; keep one row per age",
        ),
        (
            lambda f: f.assign(qx=[0.01, 0.02, 0.3, 0.0] * 2),
            r"life table bad: qx is 0 at the last age 3 \(male\) and never 1, so nobody would ever die",
        ),
    ],
)
def test_bad_csv_files_are_refused(tmp_path, change, message):
    with pytest.raises(InputError, match=message):
        life_table(write(tmp_path, change(good_frame())))


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: life_table("us_2007"),
            r"life table 'us_2007' is unknown; choose one of us_ssa_2007, or pass the path of a CSV",
        ),
        (
            lambda: life_table("nowhere/table.csv"),
            r"life table: file nowhere/table.csv not found; pass an existing CSV with columns",
        ),
        (
            lambda: life_table(2007),
            r"life table: int is not a table name or a path; pass one of us_ssa_2007",
        ),
        (
            lambda: background_survival(130, "male", 1.0),
            r"age: 130 is outside the life table's ages; pass ages between 0 and 119 years",
        ),
        (
            lambda: background_survival([50, -1], "male", 1.0),
            r"age: -1 at position 1 is outside the life table's ages; pass ages between 0 and 119",
        ),
        (
            lambda: background_survival(float("nan"), "male", 1.0),
            r"age: NaN; drop or fill missing ages first",
        ),
        (lambda: background_survival(50, "M", 1.0), r"sex: 'M' is unknown; use 'male' or 'female'"),
        (
            lambda: background_survival(50, ["male", "Female"], 1.0),
            r"sex: 'Female' at position 1 is unknown; use 'male' or 'female'",
        ),
        (lambda: background_survival(50, 1, 1.0), r"sex must be 'male' or 'female' \(got 1\)"),
        (lambda: background_survival(50, "male", -2.0), r"t: time -2 at position 0 is negative"),
        (
            lambda: background_survival(50, "male", float("nan")),
            r"t: NaN at position 0; drop or fill missing times first",
        ),
        (
            lambda: background_survival([50, 60], "male", [1.0, 2.0, 3.0]),
            r"background mortality: inputs of shapes \(2,\), \(\), \(3,\) do not broadcast together",
        ),
        (
            lambda: background_quantile(50, "male", 1.5),
            r"p: .*1.5.* at position 0 is not a probability; pass values between 0 and 1",
        ),
    ],
)
def test_bad_input_is_refused_with_one_line(call, message):
    with pytest.raises(InputError, match=message):
        call()
