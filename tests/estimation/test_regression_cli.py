"""``alsprog fit``: a regression from a CSV, as a table or JSON; bad input exits 2 in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import alsprog
from alsprog.cli import main

CSV = Path(__file__).parent / "data" / "regression_cohort.csv"


def test_json_matches_the_python_fit(capsys) -> None:
    status = main(
        ["fit", "--data", str(CSV), "--family", "weibull", "--covariates", "age,sex,site", "--json"]
    )
    assert status == 0
    result = json.loads(capsys.readouterr().out)
    model = alsprog.fit("weibull", pd.read_csv(CSV), covariates=["age", "sex", "site"])
    assert result["log_likelihood"] == pytest.approx(model.fit_info.log_likelihood, abs=1e-9)
    names = [row["parameter"] for row in result["parameters"]]
    assert names == list(model.fit_info.summary()["parameter"])
    assert [row["kind"] for row in result["ratios"]] == ["time ratio"] * 4


def test_table_output_names_the_scale(capsys) -> None:
    assert (
        main(
            [
                "fit",
                "--data",
                str(CSV),
                "--family",
                "spline",
                "--scale",
                "odds",
                "--formula",
                "~ age + C(site)",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("spline (odds) on 300 rows, 205 deaths")
    assert "odds ratio age:" in out


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--covariates", "age,bmi"], "column 'bmi' is not in the data"),
        (["--covariates", "age", "--event", "died"], "event='died' is not a column"),
        (["--covariates", "age", "--scale", "odds"], "scale 'odds' does not suit"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, arguments, expected) -> None:
    assert main(["fit", "--data", str(CSV), *arguments]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert err.count("\n") == 1


def test_a_missing_file_exits_2(capsys, tmp_path) -> None:
    assert main(["fit", "--data", str(tmp_path / "cohort.csv"), "--covariates", "age"]) == 2
    assert "does not exist" in capsys.readouterr().err
