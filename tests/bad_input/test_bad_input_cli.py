"""Bad input on the command line gets one line: each case ``(id, argv, expected)``, run
in-process through ``alsprog.cli.main``, must exit with status 2 and print exactly one line on
stderr, containing ``expected``, without a traceback. Arguments may name bad files as
``{name}`` (``bad_input_files``). A new command joins by adding rows (and files) here."""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_input_files import filled

from alsprog.cli import COMMANDS, main

# --------------------------------------------------------------------------- command line
PROG = ["prognosis", "--age-at-onset", "60", "--years-since-onset", "1"]
SIM = ["simulate", "--n", "10", "--seed", "1", "--out", "{sim.csv}"]
TRIAL = ["trial", "--hazard-ratio", "0.8", "--seed", "1"]
CLI_CASES = [
    # calibrate: names, flags
    ("family-typo", ["calibrate", "--family", "weibul"], "family 'weibul' is unknown"),
    ("family-empty", ["calibrate", "--family", ""], "family '' is unknown"),
    ("unknown-flag", ["calibrate", "--bogus"], "unrecognized arguments"),
    ("targets-no-value", ["calibrate", "--targets"], "expected one argument"),
    ("no-command", [], "choose a command"),
    ("command-typo", ["calibrat"], "invalid choice"),
    # calibrate: files that cannot be read as text
    ("targets-missing", ["calibrate", "--targets", "{nowhere.csv}"], "does not exist"),
    ("targets-folder", ["calibrate", "--targets", "{folder.csv}"], "is a folder, not a file"),
    ("targets-latin1", ["calibrate", "--targets", "{latin1.csv}"], "is not UTF-8 text"),
    ("targets-cp1252", ["calibrate", "--targets", "{cp1252.csv}"], "save it as UTF-8"),
    ("targets-utf16", ["calibrate", "--targets", "{utf16.csv}"], "is UTF-16 text"),
    ("targets-binary", ["calibrate", "--targets", "{binary.csv}"], "binary file, not text"),
    ("targets-toml-latin1", ["calibrate", "--targets", "{latin1.toml}"], "is not UTF-8 text"),
    ("targets-toml-folder", ["calibrate", "--targets", "{folder.toml}"], "is a folder"),
    ("targets-format", ["calibrate", "--targets", "{targets.xlsx}"], "unknown format '.xlsx'"),
    # calibrate: CSV layout
    ("csv-semicolon", ["calibrate", "--targets", "{semicolon.csv}"], "separated by ';'"),
    ("csv-decimal-comma", ["calibrate", "--targets", "{decimal_comma.csv}"], "separated by ';'"),
    ("csv-quoted-comma", ["calibrate", "--targets", "{quoted_comma.csv}"], "decimal point"),
    ("csv-tabs", ["calibrate", "--targets", "{tabs.csv}"], "separated by tabs"),
    (
        "csv-extra-field",
        ["calibrate", "--targets", "{extra_field.csv}"],
        "3 fields, the header has 2",
    ),
    ("csv-short-row", ["calibrate", "--targets", "{short_row.csv}"], "1 field, the header has 2"),
    (
        "csv-no-survival",
        ["calibrate", "--targets", "{no_survival.csv}"],
        "missing column(s) survival",
    ),
    (
        "csv-unknown-col",
        ["calibrate", "--targets", "{unknown_column.csv}"],
        "unknown column(s) weight",
    ),
    ("csv-twice", ["calibrate", "--targets", "{twice.csv}"], "appears twice"),
    ("csv-empty", ["calibrate", "--targets", "{empty.csv}"], "empty"),
    ("csv-header-only", ["calibrate", "--targets", "{header_only.csv}"], "no rows"),
    ("csv-bad-quote", ["calibrate", "--targets", "{bad_quote.csv}"], "bad_quote.csv"),
    # calibrate: CSV values
    ("csv-rising", ["calibrate", "--targets", "{rising.csv}"], "must not increase with time"),
    ("csv-above-one", ["calibrate", "--targets", "{above_one.csv}"], "outside (0, 1)"),
    ("csv-zero", ["calibrate", "--targets", "{zero.csv}"], "outside (0, 1)"),
    ("csv-negative-time", ["calibrate", "--targets", "{negative_time.csv}"], "above 0 years"),
    ("csv-nan", ["calibrate", "--targets", "{nan.csv}"], "survival is NaN"),
    ("csv-text", ["calibrate", "--targets", "{text.csv}"], "survival 'half' is not a number"),
    ("csv-percent", ["calibrate", "--targets", "{percent.csv}"], "survival '50%' is not a number"),
    ("csv-kind", ["calibrate", "--targets", "{kind.csv}"], "kind 'about' is unknown"),
    ("csv-too-many", ["calibrate", "--targets", "{many.csv}"], "above the limit of 200"),
    (
        "spline-knots",
        ["calibrate", "--targets", "{spline30.csv}", "--family", "spline"],
        "above the limit of 25",
    ),
    # calibrate: TOML types and structure
    ("toml-syntax", ["calibrate", "--targets", "{syntax.toml}"], "not valid TOML"),
    ("toml-t-true", ["calibrate", "--targets", "{t_true.toml}"], "t True is not a number (bool)"),
    ("toml-n-true", ["calibrate", "--targets", "{n_true.toml}"], "effective_sample_size True"),
    ("toml-n-negative", ["calibrate", "--targets", "{n_negative.toml}"], "must be above 0"),
    ("toml-n-nan", ["calibrate", "--targets", "{n_nan.toml}"], "effective_sample_size"),
    ("toml-n-text", ["calibrate", "--targets", "{n_text.toml}"], "effective_sample_size '500'"),
    ("toml-landmark-list", ["calibrate", "--targets", "{landmark_list.toml}"], "1 is not a table"),
    ("toml-landmark-table", ["calibrate", "--targets", "{landmark_table.toml}"], "[[landmark]]"),
    ("toml-t-text", ["calibrate", "--targets", "{t_text.toml}"], "t '3' is not a number"),
    ("toml-survival-list", ["calibrate", "--targets", "{survival_list.toml}"], "survival [0.5]"),
    ("toml-no-survival", ["calibrate", "--targets", "{no_survival.toml}"], "missing survival"),
    ("toml-typo", ["calibrate", "--targets", "{typo.toml}"], "unknown key(s) 'sorce'"),
    ("toml-top-typo", ["calibrate", "--targets", "{top_typo.toml}"], "'effective_samplesize'"),
    ("toml-no-landmarks", ["calibrate", "--targets", "{no_landmarks.toml}"], "no [[landmark]]"),
    ("toml-name-number", ["calibrate", "--targets", "{name_number.toml}"], "name must be text"),
    ("toml-kind-number", ["calibrate", "--targets", "{kind_number.toml}"], "kind must be text"),
    ("toml-source-number", ["calibrate", "--targets", "{source_number.toml}"], "source must be"),
    ("toml-t-inf", ["calibrate", "--targets", "{t_inf.toml}"], "not a finite number"),
    ("toml-date", ["calibrate", "--targets", "{date.toml}"], "is not a number (date)"),
    # phenotypes: life tables
    ("lt-unknown", ["phenotypes", "--life-table", "mars_2090"], "mars_2090"),
    ("lt-missing", ["phenotypes", "--life-table", "{nowhere.csv}"], "not found"),
    ("lt-folder", ["phenotypes", "--life-table", "{lt_folder.csv}"], "is a folder, not a file"),
    ("lt-latin1", ["phenotypes", "--life-table", "{lt_latin1.csv}"], "is not UTF-8 text"),
    ("lt-binary", ["phenotypes", "--life-table", "{lt_binary.csv}"], "binary file"),
    ("lt-semicolon", ["phenotypes", "--life-table", "{lt_semicolon.csv}"], "separated by ';'"),
    ("lt-decimal-comma", ["phenotypes", "--life-table", "{lt_decimal_comma.csv}"], "';'"),
    ("lt-extra-field", ["phenotypes", "--life-table", "{lt_extra_field.csv}"], "4 fields"),
    ("lt-huge-age", ["phenotypes", "--life-table", "{lt_huge_age.csv}"], "limit of 150"),
    ("lt-ends-at-60", ["phenotypes", "--life-table", "{lt_to_60.csv}"], "ends at age 60"),
    ("lt-no-qx", ["phenotypes", "--life-table", "{lt_no_qx.csv}"], "missing column(s) qx"),
    ("lt-qx-above-one", ["phenotypes", "--life-table", "{lt_qx_above_one.csv}"], "qx 1.5"),
    ("lt-sex", ["phenotypes", "--life-table", "{lt_sex_m.csv}"], "sex 'M' is unknown"),
    ("lt-gap", ["phenotypes", "--life-table", "{lt_gap.csv}"], "no qx for male at age 40"),
    ("lt-empty", ["phenotypes", "--life-table", "{lt_empty.csv}"], "empty"),
    ("lt-text-qx", ["phenotypes", "--life-table", "{lt_text_qx.csv}"], "qx 'low'"),
    # prognosis
    ("phenotype-typo", [*PROG, "--phenotype", "bulbr"], "phenotype 'bulbr' is unknown"),
    ("alsfrs-high", [*PROG, "--alsfrs-r", "52"], "--alsfrs-r 52 is outside 0-48"),
    ("alsfrs-nan", [*PROG, "--alsfrs-r", "nan"], "--alsfrs-r must be a finite number"),
    ("since-negative", [*PROG[:3], "--years-since-onset", "-2"], "--years-since-onset -2"),
    ("sex-choice", [*PROG, "--sex", "x"], "invalid choice"),
    ("required", ["prognosis", "--age-at-onset", "60"], "required"),
    ("age-text", ["prognosis", "--age-at-onset", "sixty", "--years-since-onset", "1"], "sixty"),
    (
        "age-nan",
        ["prognosis", "--age-at-onset", "nan", "--years-since-onset", "1"],
        "--age-at-onset",
    ),
    (
        "age-inf",
        ["prognosis", "--age-at-onset", "inf", "--years-since-onset", "1"],
        "--age-at-onset",
    ),
    ("age-high", ["prognosis", "--age-at-onset", "150", "--years-since-onset", "1"], "0-110"),
    ("fvc-high", [*PROG, "--fvc", "300"], "--fvc 300"),
    ("delay-late", [*PROG, "--delay-months", "100"], "--delay-months 100"),
    ("treatment", [*PROG, "--treatment", "magic"], "treatment 'magic' is unknown"),
    (
        "alsfrs-at-onset",
        ["prognosis", "--age-at-onset", "60", "--years-since-onset", "0", "--alsfrs-r", "40"],
        "--alsfrs-r needs --years-since-onset > 0",
    ),
    (
        "past-table",
        ["prognosis", "--age-at-onset", "100", "--years-since-onset", "30"],
        "past the oldest age",
    ),
    ("prognosis-lt-60", [*PROG, "--life-table", "{lt_to_60.csv}"], "ends at age 60"),
    ("prognosis-lt-latin1", [*PROG, "--life-table", "{lt_latin1.csv}"], "not UTF-8"),
    ("prognosis-html-ext", [*PROG, "--html", "{card.txt}"], "should end in .html"),
    ("prognosis-html-folder", [*PROG, "--html", "{nowhere/card.html}"], "does not exist"),
    # simulate
    ("simulate-n-0", [*SIM, "--n", "0"], "n: 0 is not a whole number >= 1"),
    ("simulate-ext", ["simulate", "--n", "10", "--seed", "1", "--out", "{x.xlsx}"], "'.xlsx'"),
    ("simulate-phenotype", [*SIM, "--phenotype", "alss"], "phenotype 'alss' is unknown"),
    ("simulate-followup", [*SIM, "--followup-years", "-1"], "--followup-years: -1.0 is negative"),
    (
        "simulate-folder",
        ["simulate", "--n", "10", "--seed", "1", "--out", "{nowhere/x.csv}"],
        "cannot write to folder",
    ),
    ("simulate-entry", [*SIM, "--entry", "clinic"], "invalid choice: 'clinic'"),
    ("simulate-targets", [*SIM, "--targets", "{rising.csv}"], "rise"),
    # effect
    ("effect-hr-0", ["effect", "--hazard-ratio", "0"], "--hazard-ratio must be a finite number"),
    ("effect-hr-negative", ["effect", "--hazard-ratio", "-1"], "above 0 (got -1)"),
    ("effect-tr-nan", ["effect", "--time-ratio", "nan"], "--time-ratio is NaN"),
    ("effect-fraction", ["effect", "--slope-reduction", "1.2"], "fraction must lie in [0, 1)"),
    ("effect-preset", ["effect", "--intervention", "magic"], "intervention 'magic' is unknown"),
    ("effect-baseline", ["effect", "--hazard-ratio", "0.8", "--baseline", "alss"], "'alss'"),
    ("effect-draws", ["effect", "--hazard-ratio", "0.8", "--draws", "-1"], "draws must be"),
    ("effect-none", ["effect"], "one of the arguments"),
    ("effect-start", ["effect", "--hazard-ratio", "0.8", "--start-years", "-1"], "--start-years"),
    # report
    ("report-seed", ["report", "--out", "{r}", "--seed", "-1"], "seed must be a whole number"),
    ("report-n", ["report", "--out", "{r}", "--n", "5"], "n must be a whole number >= 100"),
    ("report-replicates", ["report", "--out", "{r}", "--replicates", "0"], "replicates must"),
    ("report-targets", ["report", "--out", "{r}", "--targets", "{nowhere.csv}"], "does not exist"),
    ("report-out-file", ["report", "--out", "{rising.csv}"], "is a file"),
    # trial
    ("trial-n-1", [*TRIAL, "--n-per-arm", "1"], "--n-per-arm must be at least 2"),
    ("trial-no-n", ["trial", "--hazard-ratio", "0.8"], "--n-per-arm is missing"),
    ("trial-replicates-0", [*TRIAL, "--n-per-arm", "20", "--replicates", "0"], "at least 1"),
    ("trial-alpha", [*TRIAL, "--n-per-arm", "20", "--alpha", "1.5"], "alpha must lie"),
    ("trial-endpoint", [*TRIAL, "--n-per-arm", "20", "--endpoint", "os"], "'os' is not an"),
    ("trial-preset", ["trial", "--intervention", "magic", "--n-per-arm", "20"], "'magic'"),
    ("trial-hr-0", ["trial", "--hazard-ratio", "0", "--n-per-arm", "20"], "--hazard-ratio must"),
    ("trial-none", ["trial", "--n-per-arm", "20"], "one of the arguments"),
    (
        "trial-nobody-eligible",
        [*TRIAL, "--n-per-arm", "20", "--replicates", "1", "--dfs-range", "30", "40"],
        "only 0.000% of",
    ),
    (
        "trial-scheduler",
        [*TRIAL, "--n-per-arm", "20", "--replicates", "1", "--scheduler", "tcp://127.0.0.1:9"],
        "--scheduler 'tcp://127.0.0.1:9': cannot connect",
    ),
    (
        "trial-sample-size-endpoints",
        [*TRIAL, "--sample-size", "--endpoint", "logrank", "--endpoint", "cox"],
        "give one --endpoint",
    ),
]
# fit: a user's own cohort (reused target files stand in for cohorts)
CLI_CASES += [
    ("fit-no-data", ["fit", "--family", "weibull"], "the following arguments are required: --data"),
    ("fit-missing", ["fit", "--data", "{nowhere.csv}"], "does not exist"),
    ("fit-folder", ["fit", "--data", "{folder.csv}"], "is a folder, not a file"),
    ("fit-latin1", ["fit", "--data", "{latin1.csv}"], "is not UTF-8 text"),
    ("fit-utf16", ["fit", "--data", "{utf16.csv}"], "is UTF-16 text"),
    ("fit-binary", ["fit", "--data", "{binary.csv}"], "binary file, not text"),
    ("fit-semicolon", ["fit", "--data", "{semicolon.csv}"], "separated by ';'"),
    ("fit-empty", ["fit", "--data", "{empty.csv}"], "is not a readable CSV"),
    ("fit-bad-quote", ["fit", "--data", "{bad_quote.csv}"], "is not a readable CSV"),
    ("fit-header-only", ["fit", "--data", "{header_only.csv}"], "data has no rows"),
    ("fit-no-event", ["fit", "--data", "{text.csv}"], "event='event' is not a column"),
    (
        "fit-event-text",
        ["fit", "--data", "{text.csv}", "--event", "survival"],
        "column 'survival' (event) has 'half'",
    ),
    ("fit-scale", ["fit", "--data", "{text.csv}", "--scale", "log"], "invalid choice"),
    ("fit-family", ["fit", "--data", "{rising.csv}", "--family", "weibul"], "'weibul'"),
]
# every command, including those added later: an unknown flag and a stray argument are refused
# (by argparse, or first by a missing required argument: either way one line and status 2)
for _command in COMMANDS:
    _name = _command.__name__.rsplit(".", 1)[-1]
    CLI_CASES += [
        (f"{_name}-unknown-flag", [_name, "--no-such-flag"], "error: "),
        (f"{_name}-stray", [_name, "stray"], "error: "),
    ]


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """``alsprog argv`` in this process: exit status, stdout and stderr."""
    try:
        status = main(argv)
    except SystemExit as done:  # argparse's own errors
        status = done.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(
    "argv, expected", [c[1:] for c in CLI_CASES], ids=[c[0] for c in CLI_CASES]
)
def test_cli_bad_input_is_one_line_and_exit_2(argv, expected, files, capsys):
    status, _, err = run_cli(filled(argv, files), capsys)
    assert status == 2, err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert expected in err, err
    assert "Traceback" not in err and "internal error" not in err


def test_an_absurdly_large_file_is_refused_before_it_is_read(files, capsys, monkeypatch):
    from alsprog import errors

    monkeypatch.setattr(errors, "MAX_FILE_BYTES", 10)  # rather than write 50 MB
    status, _, err = run_cli(["calibrate", "--targets", str(files / "rising.csv")], capsys)
    assert status == 2 and err.count("\n") == 1
    assert "rising.csv" in err and "limit" in err


def test_cli_names_an_unreadable_file(files, capsys, monkeypatch):
    # running as root, chmod 000 would not stop the read, so the file system is made to refuse
    locked = files / "rising.csv"
    real = Path.read_bytes

    def refuse(self):
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    status, _, err = run_cli(["calibrate", "--targets", str(locked)], capsys)
    assert status == 2 and err.count("\n") == 1
    assert "rising.csv" in err and "permission denied" in err and "check its permissions" in err


def test_the_corpus_covers_every_command_with_at_least_100_cases():
    from alsprog.cli import COMMANDS

    commands = {c.__name__.rsplit(".", 1)[-1] for c in COMMANDS}
    generic = {case[0] for case in CLI_CASES if case[0].endswith(("-unknown-flag", "-stray"))}
    covered = {argv[0] for name, argv, _ in CLI_CASES if argv and name not in generic}
    assert commands <= covered, (
        f"commands without bad-input cases of their own: {sorted(commands - covered)}; add rows "
        "for their arguments and files to CLI_CASES in tests/bad_input/test_bad_input_cli.py"
    )
    assert len(CLI_CASES) >= 100
