"""The command line as a user runs it: exit codes, one-line errors, JSON shape."""

import json
import subprocess
import sys

import pytest

from alsprog.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alsprog.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_version_and_help():
    done = run("--version")
    assert done.returncode == 0 and done.stdout.startswith("alsprog ")
    for command in ([], ["calibrate"]):
        helped = run(*command, "--help")
        assert helped.returncode == 0 and "usage: alsprog" in helped.stdout


def test_calibrate_json_has_the_documented_keys(capsys):
    assert main(["calibrate", "--family", "all", "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert {r["family"] for r in results} >= {"weibull", "mixture", "generalized_gamma"}
    for r in results:
        assert {
            "family",
            "landmarks",
            "max_abs_error",
            "median_years",
            "mean_years",
            "s30",
            "aic",
        } <= set(r)
        assert all(set(lm) >= {"t", "target", "fitted"} for lm in r["landmarks"])
    mixture = next(r for r in results if r["family"] == "mixture")
    assert mixture["max_abs_error"] < 0.005 and mixture["s30"] <= 0.01 + 1e-9


def test_calibrate_table_output(capsys):
    assert main(["calibrate"]) == 0
    out = capsys.readouterr().out
    assert "mixture" in out and "S(3) = 0.500" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["calibrate", "--family", "weibul"], "family 'weibul' is unknown"),
        (["calibrate", "--targets", "nowhere.csv"], "does not exist"),
        (["calibrate", "--bogus"], "unrecognized arguments"),
    ],
)
def test_errors_are_one_line_with_exit_status_2(args, message):
    done = run(*args)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and message in done.stderr
    assert "Traceback" not in done.stderr


def test_rising_targets_file_exits_2(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("time,survival\n3,0.5\n5,0.6\n")
    done = run("calibrate", "--targets", str(bad))
    assert done.returncode == 2
    assert "survival must not increase with time" in done.stderr
    assert done.stderr.count("\n") == 1


def test_phenotypes_command_json(capsys):
    assert main(["phenotypes", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    names = [r["name"] for r in rows]
    assert names[0] == "als" and "pls" in names
    assert {"median_years", "s1", "s3", "s5", "s10", "s25", "other_cause_10", "sources"} <= set(
        rows[0]
    )


def test_prognosis_command_json(capsys):
    args = [
        "prognosis",
        "--phenotype",
        "pma",
        "--age-at-onset",
        "60",
        "--years-since-onset",
        "2",
        "--sex",
        "male",
        "--json",
    ]
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert {"median_remaining_years", "quartiles_remaining_years", "p_alive", "band"} <= set(result)
    assert set(result["p_alive"]) == {"1", "2", "5"}
    assert result["inputs"]["sex"] == "male"
    assert {"years_from_now", "survival", "lower", "upper"} <= set(result["band"][0])


@pytest.mark.parametrize(
    "args, message",
    [
        (
            [
                "prognosis",
                "--phenotype",
                "bulbr",
                "--age-at-onset",
                "60",
                "--years-since-onset",
                "1",
            ],
            "phenotype 'bulbr' is unknown",
        ),
        (
            ["prognosis", "--age-at-onset", "60", "--years-since-onset", "1", "--alsfrs-r", "52"],
            "alsfrs_r 52 is outside 0-48",
        ),
        (
            ["prognosis", "--age-at-onset", "60", "--years-since-onset", "-2"],
            "years_since_onset -2",
        ),
        (
            ["prognosis", "--age-at-onset", "60", "--years-since-onset", "1", "--sex", "x"],
            "invalid choice",
        ),
        (["prognosis", "--age-at-onset", "60"], "required"),
        (["phenotypes", "--life-table", "mars_2090"], "mars_2090"),
    ],
)
def test_prognosis_and_phenotype_errors_exit_2(args, message):
    done = run(*args)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
