"""``alsprog effect``: the translation table on the command line."""

import json
import subprocess
import sys

import pytest

from alsprog.cli import main
from alsprog.interventions import riluzole
from alsprog.outcomes.translate import COLUMNS, translate
from alsprog.report.labels import MEASURES


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alsprog.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_json_is_the_translation_tables_rows(capsys):
    assert main(["effect", "--intervention", "riluzole", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    table = translate(riluzole(), "als")
    assert [list(r) for r in rows] == [COLUMNS] * len(table)
    assert [r["measure"] for r in rows] == table["measure"].tolist()
    assert rows[2]["value"] == pytest.approx(table["value"].iloc[2])
    assert rows[0]["horizon_years"] is None and rows[0]["lower"] is None


def test_same_seed_same_output(capsys):
    args = ["effect", "--hazard-ratio", "0.8", "--baseline", "pls", "--draws", "8", "--seed", "4"]
    assert main([*args, "--json"]) == 0
    first = capsys.readouterr().out
    assert main([*args, "--json"]) == 0
    assert capsys.readouterr().out == first
    assert json.loads(first)[0]["lower"] is not None


def test_the_text_table_names_every_measure(capsys):
    assert main(["effect", "--time-ratio", "1.2"]) == 0
    out = capsys.readouterr().out
    for measure in ("hazard_ratio", "time_ratio", "median_gain_months", "rmst_gain_months"):
        assert MEASURES[measure] in out  # in words, not code names
    assert "24 weeks" in out and "0.462" not in out  # horizons as a reader says them


@pytest.mark.parametrize(
    "args, message",
    [
        (["--hazard-ratio", "0"], "--hazard-ratio must be a finite number above 0"),
        (["--hazard-ratio", "-0.5"], "--hazard-ratio must be a finite number above 0"),
        (["--hazard-ratio", "nan"], "--hazard-ratio is NaN"),
        (["--time-ratio", "0"], "--time-ratio must be a finite number above 0"),
        (["--slope-reduction", "1"], "fraction must lie in [0, 1)"),
        (["--slope-reduction", "-0.2"], "fraction must lie in [0, 1)"),
        (["--hazard-ratio", "0.8", "--start-years", "-1"], "--start-years must be finite and >= 0"),
        (["--hazard-ratio", "0.8", "--duration-years", "-1"], "--duration-years must be above 0"),
        (["--time-ratio", "1.1", "--draws", "-1"], "draws must be a whole number >= 0"),
        (["--intervention", "aspirin"], "intervention 'aspirin' is unknown"),
        (["--time-ratio", "1.1", "--baseline", "alz"], "phenotype 'alz' is unknown"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message, capsys):
    assert main(["effect", *args]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_a_bad_value_from_a_real_process_exits_2_with_one_line():
    done = run("effect", "--hazard-ratio", "0")
    assert done.returncode == 2 and done.stdout == ""
    assert (
        done.stderr.count("\n") == 1
        and "--hazard-ratio must be a finite number above 0" in done.stderr
    )
