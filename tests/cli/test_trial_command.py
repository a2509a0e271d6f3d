"""``alsprog trial``: power per endpoint (JSON keys), the same output for the same seed, and
the sample size beside Schoenfeld's."""

from __future__ import annotations

import json

from alsprog.cli import main
from alsprog.effects import riluzole
from alsprog.trials.power_api import power
from alsprog.trials.simulation.design import TrialDesign

ARGS = ["trial", "--intervention", "riluzole", "--n-per-arm", "30", "--replicates", "8"]


def _run(argv, capsys):
    status = main(argv)
    out = capsys.readouterr().out
    assert status == 0
    return out


def test_power_as_json_is_power_and_repeats(capsys):
    argv = [*ARGS, "--seed", "3", "--endpoint", "logrank", "--endpoint", "cox", "--json"]
    first = _run(argv, capsys)
    assert _run(argv, capsys) == first
    rows = json.loads(first)
    assert [r["endpoint"] for r in rows] == ["logrank", "cox"]
    for key in ("power", "power_se", "mean_events", "mean_estimate"):
        assert all(key in r for r in rows)
    expected = power(TrialDesign(30, effect=riluzole()), 8, 3, endpoints=["logrank", "cox"])
    assert [r["power"] for r in rows] == list(expected["power"])
    assert [r["mean_events"] for r in rows] == list(expected["mean_events"])


def test_the_table_has_a_row_per_endpoint(capsys):
    text = _run([*ARGS, "--seed", "1", "--endpoint", "logrank"], capsys)
    lines = text.strip().splitlines()
    assert lines[0].split()[:2] == ["endpoint", "power"] and lines[1].startswith("logrank")


def test_sample_size_is_printed_with_schoenfeld(capsys):
    argv = [
        "trial",
        "--hazard-ratio",
        "0.4",
        "--replicates",
        "10",
        "--seed",
        "2",
        "--sample-size",
        "--target-power",
        "0.6",
        "--endpoint",
        "logrank",
        "--n-max",
        "150",
    ]
    text = _run(argv, capsys)
    assert "n per arm" in text and "Schoenfeld" in text
