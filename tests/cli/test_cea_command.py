"""``alsprog cea``: the cost-effectiveness table on the command line."""

import json
import subprocess
import sys

import pytest

from alsprog.cli import main
from alsprog.interventions import riluzole
from alsprog.outcomes.economics import Strategy, cost_effectiveness


def test_json_has_the_api_tables(capsys):
    args = ["cea", "--intervention", "riluzole", "--drug-cost-per-year", "10000"]
    more = ["--draws", "50", "--survival-draws", "5", "--course-draws", "5", "--seed", "1"]
    assert main([*args, "--n-patients", "800", *more, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"summary", "incremental", "base_case", "assumptions", "ceac", "evpi"}
    api = cost_effectiveness(
        {"usual care": None, "riluzole": Strategy(riluzole(), 10_000.0)},
        n_patients=800,
        seed=1,
        draws=50,
        survival_draws=5,
        course_draws=5,
    )
    assert out["incremental"][0]["icer"] == pytest.approx(api.incremental["icer"].item())
    assert len(out["ceac"]) == 2 * 2 and "utility 2" in out["assumptions"]
    assert [r["evpi"] for r in out["evpi"]] == pytest.approx(list(api.evpi([2e4, 3e4])["evpi"]))
    assert out["base_case"][1]["icer"] == pytest.approx(api.base_case()["icer"].iloc[1])


def test_text_output_names_the_icer(capsys):
    assert main(["cea", "--hazard-ratio", "0.8", "--n-patients", "300"]) == 0
    assert "ICER" in capsys.readouterr().out


def test_bad_input_exits_2_with_one_line():
    run = subprocess.run(
        [sys.executable, "-m", "alsprog.cli", "cea", "--intervention", "riluzole",
         "--discount-rate", "0.5", "--n-patients", "100"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "discount_rate 0.5 is outside" in run.stderr
    assert run.stdout == ""


def test_a_bad_scheduler_is_one_line(capsys):
    args = ["cea", "--hazard-ratio", "0.8", "--n-patients", "100", "--draws", "3"]
    assert main([*args, "--scheduler", "nowhere"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--scheduler 'nowhere'" in err


def test_more_course_draws_than_draws_is_one_line(capsys):
    args = ["cea", "--hazard-ratio", "0.8", "--n-patients", "100", "--draws", "3"]
    assert main([*args, "--course-draws", "9"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "course_draws 9 is more than draws 3" in err
