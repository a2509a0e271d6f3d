"""``alsprog trial``: power per endpoint (JSON keys), the same output for the same seed, and
the sample size beside Schoenfeld's."""

from __future__ import annotations

import json

from alsprog.cli import main
from alsprog.interventions import riluzole
from alsprog.trials.power import power
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
    answer = json.loads(first)
    rows = answer["rows"]
    assert [r["endpoint"] for r in rows] == ["logrank", "cox"]
    for key in ("power", "power_se", "mean_events", "mean_estimate", "estimate_unit"):
        assert all(key in r for r in rows)
    assert [r["estimate_unit"] for r in rows] == ["hazard ratio (Peto)", "hazard ratio"]
    design = answer["design"]  # the design echoed, under the flags' names
    assert design["intervention"] == "riluzole" and design["n-per-arm"] == 30
    assert design["seed"] == 3 and design["baseline"] == "als"
    expected = power(TrialDesign(30, effect=riluzole()), 8, 3, endpoints=["logrank", "cox"])
    assert [r["power"] for r in rows] == list(expected["power"])
    assert [r["mean_events"] for r in rows] == list(expected["mean_events"])


def test_the_table_has_a_row_per_endpoint(capsys):
    text = _run([*ARGS, "--seed", "1", "--endpoint", "logrank"], capsys)
    lines = text.strip().splitlines()
    assert lines[0].startswith("design: --intervention riluzole")
    assert lines[1].split()[:2] == ["endpoint", "power"] and lines[2].startswith("log-rank")
    assert lines[1].endswith("estimate unit") and lines[2].endswith("hazard ratio (Peto)")


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
        "300",  # true power near 0.98 there: 10 replicates find the target (at 150, about 0.8)
    ]
    text = _run(argv, capsys)
    assert "patients per arm" in text and "Schoenfeld" in text and "design: " in text


def test_one_seed_default_everywhere():
    import inspect

    from alsprog.cli import flags
    from alsprog.outcomes.translate import translate
    from alsprog.report.defaults import DEFAULT_SEED

    assert flags.DEFAULT_SEED == DEFAULT_SEED == 0
    assert inspect.signature(power).parameters["seed"].default == 0
    assert inspect.signature(translate).parameters["seed"].default == 0
    from alsprog.cli import build_parser

    parser = build_parser()
    for command in ("trial", "effect", "simulate", "report"):
        seed = _flag(parser, command, "--seed")
        assert seed.default == 0 and not seed.required, command


def test_effect_and_trial_share_their_effect_flags_and_every_flag_says_its_default():
    from alsprog.cli import build_parser

    parser = build_parser()
    effect_flags = {a for a in _flags(parser, "effect") if a.startswith("--")}
    trial_flags = {a for a in _flags(parser, "trial") if a.startswith("--")}
    shared = {"--intervention", "--hazard-ratio", "--time-ratio", "--slope-reduction",
              "--start-years", "--duration-years", "--baseline", "--seed"}  # fmt: skip
    assert shared <= effect_flags and shared <= trial_flags
    assert (
        _flag(parser, "effect", "--time-ratio").help == _flag(parser, "trial", "--time-ratio").help
    )
    for command in ("trial", "effect", "simulate", "prognosis"):
        for action in _subparser(parser, command)._actions:
            if action.option_strings and action.dest != "help" and action.nargs != 0:
                assert action.help, (command, action.option_strings)
                assert ("default" in action.help or "required" in action.help
                        or action.required or action.dest in MUTUALLY_EXCLUSIVE
                        or action.dest in ("out", "n")), (command, action.option_strings)  # fmt: skip


def test_errors_name_the_flag_the_user_typed(capsys):
    assert main(["prognosis", "--age-at-onset", "50", "--years-since-onset", "1",
                 "--delay-months", "30"]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "--delay-months 30" in err and "diagnosis_delay_months" not in err


MUTUALLY_EXCLUSIVE = {"intervention", "hazard_ratio", "time_ratio", "slope_reduction"}


def _subparser(parser, command):
    import argparse

    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[command]


def _flags(parser, command):
    return [s for a in _subparser(parser, command)._actions for s in a.option_strings]


def _flag(parser, command, flag):
    return next(a for a in _subparser(parser, command)._actions if flag in a.option_strings)
