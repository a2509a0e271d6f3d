"""Bad input, everywhere, gets one line: a table of cases for the command line and the API.

Each CLI case is ``(id, argv, expected)``: run in-process through ``alsprog.cli.main``, it must
exit with status 2 and print exactly one line on stderr, containing ``expected``, without a
traceback. Each API case is ``(id, call, expected)``: the call must raise ``InputError`` with a
one-line message containing ``expected`` (the argument's name, and where useful the problem).
Arguments may name bad files as ``{name}``: ``FILES`` holds their bytes, written once to a
temporary folder. A new command or function joins by adding rows (and files) to these tables.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import alsprog
from alsprog import plots
from alsprog.cli import COMMANDS, main
from alsprog.disease.library import phenotype, phenotypes, uncertainty_draws
from alsprog.disease.prognosis import prognosis
from alsprog.errors import InputError
from alsprog.estimation.calibration import calibrate, compare_families
from alsprog.estimation.fitting import fit
from alsprog.estimation.targets import Landmark, Targets, load_targets
from alsprog.models import (
    Conditional,
    Exponential,
    GeneralizedGamma,
    Gompertz,
    LogLogistic,
    LogNormal,
    Mixture,
    PiecewiseExponential,
    ProportionalHazards,
    Spline,
    TimeScaled,
    Weibull,
    kaplan_meier,
    with_background_population,
)
from alsprog.population.background_mortality import background_hazard, background_survival
from alsprog.population.covariates import Population
from alsprog.population.lifetable import life_table
from alsprog.report import write_report

SHIPPED = (Path(alsprog.__file__).parent / "data" / "life_table_us_ssa_2007.csv").read_text()
TABLE_LINES = SHIPPED.splitlines()
TO_60 = "\n".join(
    line for line in TABLE_LINES if line.split(",")[0] in {"age", *map(str, range(61))}
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
MANY = "time,survival\n" + "".join(f"{t / 10},{1 - t / 400}\n" for t in range(1, 302))
SPLINE_30 = "time,survival\n" + "".join(f"{t / 2},{1 - t / 40}\n" for t in range(1, 31))


def _toml(landmark: str = "t = 3\nsurvival = 0.5", head: str = "") -> bytes:
    return f"{head}\n[[landmark]]\n{landmark}\n".encode()


def _table(change) -> bytes:
    """The shipped life table with each data line passed through ``change`` (None drops it)."""
    lines = [TABLE_LINES[0]] + [c for c in map(change, TABLE_LINES[1:]) if c is not None]
    return ("\n".join(lines) + "\n").encode()


FILES: dict[str, bytes] = {
    # targets, CSV
    "latin1.csv": "time,survival,source\n3,0.5,Müller 2019\n".encode("latin-1"),
    "cp1252.csv": "time,survival,source\n3,0.5,\u201ccohort\u201d\n".encode("cp1252"),
    "utf16.csv": "time,survival\n3,0.5\n".encode("utf-16"),
    "binary.csv": PNG,
    "semicolon.csv": b"time;survival\n3;0.5\n5;0.2\n",
    "decimal_comma.csv": b"time;survival\n3;0,5\n5;0,2\n",
    "quoted_comma.csv": b'time,survival\n3,"0,5"\n',
    "tabs.csv": b"time\tsurvival\n3\t0.5\n",
    "extra_field.csv": b"time,survival\n3,0.5,oops\n",
    "short_row.csv": b"time,survival\n3\n",
    "no_survival.csv": b"time,surv\n3,0.5\n",
    "unknown_column.csv": b"time,survival,weight\n3,0.5,1\n",
    "twice.csv": b"time,survival,survival\n3,0.5,0.5\n",
    "empty.csv": b"",
    "header_only.csv": b"time,survival\n",
    "rising.csv": b"time,survival\n3,0.5\n5,0.6\n",
    "above_one.csv": b"time,survival\n3,1.5\n",
    "zero.csv": b"time,survival\n3,0\n",
    "negative_time.csv": b"time,survival\n-1,0.5\n",
    "nan.csv": b"time,survival\n3,nan\n",
    "text.csv": b"time,survival\n3,half\n",
    "percent.csv": b"time,survival\n3,50%\n",
    "kind.csv": b"time,survival,kind\n3,0.5,about\n",
    "bad_quote.csv": b'time,survival,source\n3,0.5,"open\n',
    "many.csv": MANY.encode(),
    "spline30.csv": SPLINE_30.encode(),
    "targets.xlsx": b"PK\x03\x04",
    # targets, TOML
    "syntax.toml": b"[[landmark]\nt = 3\n",
    "t_true.toml": _toml("t = true\nsurvival = 0.5"),
    "n_true.toml": _toml(head="effective_sample_size = true"),
    "n_negative.toml": _toml(head="effective_sample_size = -5"),
    "n_nan.toml": _toml(head="effective_sample_size = nan"),
    "n_text.toml": _toml(head='effective_sample_size = "500"'),
    "landmark_list.toml": b"landmark = [1, 2]\n",
    "landmark_table.toml": b"[landmark]\nt = 3\nsurvival = 0.5\n",
    "t_text.toml": _toml('t = "3"\nsurvival = 0.5'),
    "survival_list.toml": _toml("t = 3\nsurvival = [0.5]"),
    "no_survival.toml": _toml("t = 3"),
    "typo.toml": _toml("t = 3\nsurvival = 0.5\nsorce = 'x'"),
    "top_typo.toml": _toml(head="effective_samplesize = 100"),
    "no_landmarks.toml": b'name = "x"\n',
    "name_number.toml": _toml(head="name = 3"),
    "kind_number.toml": _toml("t = 3\nsurvival = 0.5\nkind = 1"),
    "source_number.toml": _toml("t = 3\nsurvival = 0.5\nsource = 2019"),
    "latin1.toml": _toml("t = 3\nsurvival = 0.5\nsource = 'Müller'").decode().encode("latin-1"),
    "t_inf.toml": _toml("t = inf\nsurvival = 0.5"),
    "date.toml": _toml("t = 2019-05-01\nsurvival = 0.5"),
    # life tables
    "lt_latin1.csv": SHIPPED.replace("age,sex,qx", "age,sex,qx,note")
    .replace("\n", ",é\n")
    .replace("age,sex,qx,note,é", "age,sex,qx,note")
    .encode("latin-1"),
    "lt_semicolon.csv": SHIPPED.replace(",", ";").encode(),
    "lt_decimal_comma.csv": SHIPPED.replace(",", ";").replace(".", ",").encode(),
    "lt_extra_field.csv": _table(lambda line: line + ",0" if line.startswith("7,") else line),
    "lt_huge_age.csv": b"age,sex,qx\n0,male,0.01\n1000000000,male,0.5\n0,female,0.01\n",
    "lt_to_60.csv": (TO_60 + "\n").encode(),
    "lt_no_qx.csv": b"age,sex,q\n0,male,0.5\n",
    "lt_qx_above_one.csv": _table(lambda line: "5,male,1.5" if line.startswith("5,male") else line),
    "lt_sex_m.csv": _table(lambda line: line.replace(",male,", ",M,")),
    "lt_gap.csv": _table(lambda line: None if line.startswith("40,") else line),
    "lt_binary.csv": PNG,
    "lt_empty.csv": b"",
    "lt_text_qx.csv": _table(lambda line: "9,female,low" if line.startswith("9,female") else line),
}
FOLDERS = ("folder.csv", "lt_folder.csv", "folder.toml")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bad_input")
    for name, data in FILES.items():
        (root / name).write_bytes(data)
    for name in FOLDERS:
        (root / name).mkdir()
    return root


def _filled(values: list[str], root: Path) -> list[str]:
    """``values`` with each ``{name}`` replaced by the path of that file in ``root``."""
    # a name that is not one of the prepared files stands for a path that does not exist yet
    return [re.sub(r"\{([^{}]+)\}", lambda m: str(root / m.group(1)), value) for value in values]


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
    ("alsfrs-high", [*PROG, "--alsfrs-r", "52"], "alsfrs_r 52 is outside 0-48"),
    ("alsfrs-nan", [*PROG, "--alsfrs-r", "nan"], "alsfrs_r must be a finite number"),
    ("since-negative", [*PROG[:3], "--years-since-onset", "-2"], "years_since_onset -2"),
    ("sex-choice", [*PROG, "--sex", "x"], "invalid choice"),
    ("required", ["prognosis", "--age-at-onset", "60"], "required"),
    ("age-text", ["prognosis", "--age-at-onset", "sixty", "--years-since-onset", "1"], "sixty"),
    ("age-nan", ["prognosis", "--age-at-onset", "nan", "--years-since-onset", "1"], "age_at_onset"),
    ("age-inf", ["prognosis", "--age-at-onset", "inf", "--years-since-onset", "1"], "age_at_onset"),
    ("age-high", ["prognosis", "--age-at-onset", "150", "--years-since-onset", "1"], "0-110"),
    ("fvc-high", [*PROG, "--fvc", "300"], "fvc_percent 300"),
    ("delay-late", [*PROG, "--delay-months", "100"], "diagnosis_delay_months 100"),
    ("treatment", [*PROG, "--treatment", "magic"], "treatment 'magic' is unknown"),
    (
        "alsfrs-at-onset",
        ["prognosis", "--age-at-onset", "60", "--years-since-onset", "0", "--alsfrs-r", "40"],
        "alsfrs_r needs years_since_onset > 0",
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
    ("simulate-followup", [*SIM, "--followup-years", "-1"], "followup_years: -1.0 is negative"),
    (
        "simulate-folder",
        ["simulate", "--n", "10", "--seed", "1", "--out", "{nowhere/x.csv}"],
        "cannot write to folder",
    ),
    ("simulate-entry", [*SIM, "--entry", "clinic"], "invalid choice: 'clinic'"),
    ("simulate-targets", [*SIM, "--targets", "{rising.csv}"], "rise"),
    # effect
    ("effect-hr-0", ["effect", "--hazard-ratio", "0"], "hazard_ratio must be a finite number"),
    ("effect-hr-negative", ["effect", "--hazard-ratio", "-1"], "above 0 (got -1)"),
    ("effect-tr-nan", ["effect", "--time-ratio", "nan"], "time_ratio is NaN"),
    ("effect-fraction", ["effect", "--slope-reduction", "1.2"], "fraction must lie in [0, 1)"),
    ("effect-preset", ["effect", "--intervention", "magic"], "intervention 'magic' is unknown"),
    ("effect-baseline", ["effect", "--hazard-ratio", "0.8", "--baseline", "alss"], "'alss'"),
    ("effect-draws", ["effect", "--hazard-ratio", "0.8", "--draws", "-1"], "draws must be"),
    ("effect-none", ["effect"], "one of the arguments"),
    ("effect-start", ["effect", "--hazard-ratio", "0.8", "--start-years", "-1"], "start_years"),
    # report
    ("report-seed", ["report", "--out", "{r}", "--seed", "-1"], "seed must be a whole number"),
    ("report-n", ["report", "--out", "{r}", "--n", "5"], "n must be a whole number >= 100"),
    ("report-replicates", ["report", "--out", "{r}", "--replicates", "0"], "replicates must"),
    ("report-targets", ["report", "--out", "{r}", "--targets", "{nowhere.csv}"], "does not exist"),
    ("report-out-file", ["report", "--out", "{rising.csv}"], "is a file"),
    # trial
    ("trial-n-1", [*TRIAL, "--n-per-arm", "1"], "n_per_arm must be at least 2"),
    ("trial-no-n", ["trial", "--hazard-ratio", "0.8"], "--n-per-arm is missing"),
    ("trial-replicates-0", [*TRIAL, "--n-per-arm", "20", "--replicates", "0"], "at least 1"),
    ("trial-alpha", [*TRIAL, "--n-per-arm", "20", "--alpha", "1.5"], "alpha must lie"),
    ("trial-endpoint", [*TRIAL, "--n-per-arm", "20", "--endpoint", "os"], "'os' is not an"),
    ("trial-preset", ["trial", "--intervention", "magic", "--n-per-arm", "20"], "'magic'"),
    ("trial-hr-0", ["trial", "--hazard-ratio", "0", "--n-per-arm", "20"], "hazard_ratio must"),
    ("trial-none", ["trial", "--n-per-arm", "20"], "one of the arguments"),
    (
        "trial-nobody-eligible",
        [*TRIAL, "--n-per-arm", "20", "--replicates", "1", "--dfs-range", "30", "40"],
        "only 0.000% of",
    ),
    (
        "trial-scheduler",
        [*TRIAL, "--n-per-arm", "20", "--replicates", "1", "--scheduler", "tcp://127.0.0.1:9"],
        "cannot reach 'tcp://127.0.0.1:9'",
    ),
    (
        "trial-sample-size-endpoints",
        [*TRIAL, "--sample-size", "--endpoint", "logrank", "--endpoint", "cox"],
        "give one --endpoint",
    ),
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
    status, _, err = run_cli(_filled(argv, files), capsys)
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


# --------------------------------------------------------------------------- Python API
W = Weibull(1.4, 4.0)
T = [1.0, 2.0, 3.0, 4.0]
D = [1, 1, 0, 1]
ONE = (Landmark(3.0, 0.5),)
API_CASES = [
    # model constructors: the same number check everywhere
    (
        "weibull-bool",
        lambda: Weibull(shape=True, scale=1.0),
        "Weibull shape must be a number (got True",
    ),
    ("weibull-text", lambda: Weibull("1.4", 4.0), "Weibull shape must be a number (got '1.4'"),
    ("weibull-none", lambda: Weibull(1.4, None), "Weibull scale (years) must be a number"),
    ("weibull-nan", lambda: Weibull(math.nan, 4.0), "Weibull shape must be a finite number"),
    ("weibull-negative", lambda: Weibull(1.4, -4.0), "Weibull scale (years) must be above 0"),
    ("weibull-array", lambda: Weibull(np.array([1.0, 2.0]), 4.0), "Weibull shape"),
    ("weibull-np-bool", lambda: Weibull(np.bool_(True), 4.0), "Weibull shape"),
    ("exponential-bool", lambda: Exponential(True), "Exponential rate (per year)"),
    ("exponential-inf", lambda: Exponential(math.inf), "Exponential rate (per year)"),
    ("gompertz-text", lambda: Gompertz("x", 0.2), "Gompertz shape (per year)"),
    ("lognormal-bool", lambda: LogNormal(True, 0.8), "LogNormal mu (log years)"),
    ("loglogistic-inf", lambda: LogLogistic(2.0, math.inf), "LogLogistic scale (years)"),
    ("gengamma-sigma", lambda: GeneralizedGamma(1.0, 0.0, 1.0), "GeneralizedGamma sigma"),
    ("gengamma-q-nan", lambda: GeneralizedGamma(1.0, 0.5, math.nan), "GeneralizedGamma q"),
    ("pwexp-rate-bool", lambda: PiecewiseExponential((1.0,), (0.1, True)), "rate 1 (per year)"),
    ("pwexp-text", lambda: PiecewiseExponential("ab", (0.1,)), "breakpoints must be a list"),
    ("pwexp-break", lambda: PiecewiseExponential((True,), (0.1, 0.2)), "breakpoint 0 (years)"),
    ("spline-knot-text", lambda: Spline((1.0, "b"), (0.0, 1.0)), "Spline knot (years)"),
    ("spline-gamma-bool", lambda: Spline((1.0, 4.0), (False, 1.0)), "Spline gamma"),
    (
        "spline-many-knots",
        lambda: Spline(tuple(range(1, 40)), (0.0,) * 39),
        "above the limit of 25",
    ),
    ("mixture-names", lambda: Mixture(("a", "b"), (0.5, 0.5)), "Mixture component 0 is a str"),
    ("mixture-weight-bool", lambda: Mixture((W, W), (True, False)), "Mixture weight 0"),
    ("mixture-not-sequence", lambda: Mixture(W, (1.0,)), "Mixture components must be a list"),
    ("mixture-sum", lambda: Mixture((W, W), (0.5, 0.6)), "weights sum to 1.1"),
    ("conditional-base", lambda: Conditional("W", 1.0), "Conditional: base is a str"),
    ("conditional-negative", lambda: Conditional(W, -1.0), "Conditional survived"),
    ("ph-ratio-bool", lambda: ProportionalHazards(W, True), "hazard_ratio"),
    ("timescaled-zero", lambda: TimeScaled(W, 0.0), "time_ratio must be above 0"),
    # model methods
    ("survival-text", lambda: W.survival("3"), "t must be numbers"),
    ("survival-bool", lambda: W.survival(True), "t must be numbers"),
    ("survival-list-text", lambda: W.survival([1.0, "2"]), "t must be numbers"),
    ("survival-nan", lambda: W.survival(math.nan), "t: NaN"),
    ("survival-negative", lambda: W.survival(-1.0), "t: time -1"),
    ("hazard-none", lambda: W.hazard(None), "t must be numbers"),
    ("quantile-high", lambda: W.quantile(1.5), "p: 1.5"),
    ("quantile-text", lambda: W.quantile("half"), "p must be numbers"),
    ("rmst-negative", lambda: W.rmst(-1.0), "horizon: time -1"),
    ("conditional-text", lambda: W.conditional("x"), "survived must be numbers"),
    ("sample-negative", lambda: W.sample(-1, 1), "sample: n must be"),
    ("sample-bool", lambda: W.sample(True, 1), "sample: n must be"),
    ("sample-rng", lambda: W.sample(10, "x"), "rng must be a numpy Generator"),
    ("hr-zero", lambda: W.with_hazard_ratio(0.0), "hazard_ratio must be above 0"),
    ("tr-nan", lambda: W.with_time_ratio(math.nan), "time_ratio must be a finite number"),
    ("background-age", lambda: W.with_background("60", "male"), "age_at_onset (years)"),
    ("background-sex", lambda: W.with_background(60, "M"), "sex: 'M' is unknown"),
    ("background-table", lambda: W.with_background(60, "male", "mars"), "life table 'mars'"),
    # fit and kaplan_meier
    ("fit-family", lambda: fit("weibul", T, D), "family 'weibul' is unknown"),
    ("fit-empty", lambda: fit("weibull", [], []), "durations is empty"),
    ("fit-lengths", lambda: fit("weibull", T, [1]), "different lengths"),
    ("fit-negative", lambda: fit("weibull", [1.0, -2.0], [1, 1]), "duration -2"),
    ("fit-nan", lambda: fit("weibull", [1.0, math.nan], [1, 1]), "durations has nan"),
    ("fit-text", lambda: fit("weibull", ["a", "b"], [1, 1]), "durations must be numbers"),
    ("fit-event-2", lambda: fit("weibull", T, [2, 1, 1, 1]), "event_observed has 2"),
    ("fit-entry-late", lambda: fit("weibull", T, D, entry=[3, 0, 0, 0]), "entry 3 at position 0"),
    ("fit-weights", lambda: fit("weibull", T, D, weights=[1, -1, 1, 1]), "weight -1"),
    ("fit-no-deaths", lambda: fit("weibull", T, [0, 0, 0, 0]), "no deaths"),
    (
        "fit-knots-family",
        lambda: fit("weibull", T, D, knots=(1.0, 2.0)),
        "knots apply to the spline",
    ),
    ("fit-knots-text", lambda: fit("spline", T, D, knots=("a", "b")), "fit: knots must be numbers"),
    (
        "fit-knots-limit",
        lambda: fit("spline", np.arange(1.0, 60), np.ones(59), knots=np.arange(1.0, 31)),
        "above the limit of 25",
    ),
    ("fit-components", lambda: fit("mixture", T, D, components=("a", "b")), "mixture components"),
    ("km-lengths", lambda: kaplan_meier(T, [1]), "different lengths"),
    ("km-alpha", lambda: kaplan_meier(T, D, alpha=1.5), "kaplan_meier alpha"),
    ("km-alpha-bool", lambda: kaplan_meier(T, D, alpha=True), "kaplan_meier alpha"),
    # targets and calibrate
    ("targets-t-bool", lambda: Targets("x", (Landmark(True, 0.5),)), "time is not a finite number"),
    ("targets-t-text", lambda: Targets("x", (Landmark("3", 0.5),)), "time is not a finite number"),
    ("targets-s-bool", lambda: Targets("x", (Landmark(3.0, True),)), "survival is not a number"),
    ("targets-n-bool", lambda: Targets("x", ONE, True), "effective_sample_size must be a number"),
    ("targets-n-nan", lambda: Targets("x", ONE, math.nan), "effective_sample_size must be"),
    ("targets-name", lambda: Targets(3, ONE), "name must be text"),
    ("targets-landmarks", lambda: Targets("x", "abc"), "landmarks must be a sequence"),
    ("targets-item", lambda: Targets("x", ((3.0, 0.5),)), "is not a Landmark"),
    ("targets-kind", lambda: Targets("x", (Landmark(3.0, 0.5, kind=1),)), "kind 1 is unknown"),
    (
        "targets-many",
        lambda: Targets("x", tuple(Landmark(t / 10, 0.5) for t in range(1, 300))),
        "above the limit of 200",
    ),
    ("load-targets-type", lambda: load_targets(42), "load_targets: path must be a file path"),
    ("load-targets-missing", lambda: load_targets("nowhere.csv"), "does not exist"),
    ("calibrate-type", lambda: calibrate(42), "calibrate: targets must be Targets"),
    ("calibrate-path", lambda: calibrate("nowhere.csv"), "targets file 'nowhere.csv' does not"),
    ("calibrate-family", lambda: calibrate(family="weibul"), "family 'weibul' is unknown"),
    ("calibrate-knots", lambda: calibrate(family="spline", knots=["a"]), "calibrate: knots 0"),
    ("calibrate-breaks", lambda: calibrate(family="piecewise_exponential", breakpoints=3), "list"),
    (
        "calibrate-components",
        lambda: calibrate(family="mixture", components=("a", "b")),
        "mixture components",
    ),
    ("compare-families", lambda: compare_families(families=("weibul",)), "family 'weibul'"),
    # life tables and background mortality
    ("life-table-type", lambda: life_table(2007), "life table: int is not a table name"),
    ("life-table-name", lambda: life_table("mars"), "life table 'mars' is unknown"),
    ("background-age-text", lambda: background_survival("sixty", "male", 1.0), "age"),
    ("background-t-text", lambda: background_survival(50, "male", "one"), "t must be numbers"),
    ("background-sex-number", lambda: background_survival(50, 1, 1.0), "sex must be 'male'"),
    (
        "background-population-ages",
        lambda: with_background_population(W, ["sixty"], ["male"]),
        "with_background_population: ages must be numbers",
    ),
    (
        "background-population-weights",
        lambda: with_background_population(W, [60], ["male"], weights=[True]),
        "with_background_population: weights must be numbers",
    ),
    ("background-hazard-age", lambda: background_hazard(True, "male"), "age must be numbers"),
    ("population-share", lambda: Population(True, 55, 10, 12, 0.5), "male_share"),
    ("population-sd", lambda: Population(0.6, 55, np.nan, 12, 0.5), "onset_age_sd"),
    ("population-mean", lambda: Population(0.6, "55", 10, 12, 0.5), "onset_age_mean"),
    # phenotypes and prognosis
    ("phenotype-name", lambda: phenotype("bulbr"), "phenotype 'bulbr' is unknown"),
    ("phenotype-type", lambda: phenotype(3), "phenotype 3 is unknown"),
    ("phenotype-table", lambda: phenotype("als", "mars"), "life table 'mars'"),
    ("phenotypes-table", lambda: phenotypes(42), "life table: int"),
    ("draws-limit", lambda: uncertainty_draws("als", n=10**6), "uncertainty_draws: n 1000000"),
    ("draws-bool", lambda: uncertainty_draws("als", n=True), "uncertainty_draws: n must be"),
    (
        "patient-age",
        lambda: phenotype("als", None).patient("sixty"),
        "patient: age_at_onset must be a number",
    ),
    ("patient-ftd", lambda: phenotype("als", None).patient(60, ftd=1), "patient: ftd"),
    # plots and the report
    ("model-curves-model", lambda: plots.model_curves({"w": "x"}), "models['w'] is a str"),
    ("model-curves-list", lambda: plots.model_curves([W]), "model_curves: no models"),
    ("model-curves-tmax", lambda: plots.model_curves({"w": W}, t_max=True), "t_max (years)"),
    ("model-curves-n", lambda: plots.model_curves({"w": W}, n=10**9), "n (grid points)"),
    ("survival-curves-frame", lambda: plots.survival_curves(42), "expected a DataFrame"),
    ("prognosis-curves-columns", lambda: plots.prognosis_curves(pd.DataFrame()), "missing column"),
    ("background-curves-model", lambda: plots.background_curves("x"), "model is a str"),
    ("landmark-errors-frame", lambda: plots.landmark_errors("x"), "expected a DataFrame"),
]
PROGNOSIS = {"age_at_onset": 60, "years_since_onset": 1, "background": None}
for _id, _change, _expected in [
    ("band-draws-limit", {"band_draws": 10**6}, "band_draws 1000000 is above the limit"),
    ("band-draws-bool", {"band_draws": True}, "band_draws must be a number"),
    ("band-draws-fraction", {"band_draws": 2.5}, "band_draws must be a whole number"),
    ("band-draws-one", {"band_draws": 1}, "band_draws must be at least 2"),
    ("age-bool", {"age_at_onset": True}, "age_at_onset must be a number"),
    ("age-text", {"age_at_onset": "60"}, "age_at_onset must be a number"),
    ("age-nan", {"age_at_onset": np.nan}, "age_at_onset must be a finite number"),
    ("since-none", {"years_since_onset": None}, "years_since_onset must be a number"),
    ("ftd-int", {"ftd": 1}, "ftd must be True or False"),
    ("treatment-list", {"treatment": ["riluzole"]}, "treatment ['riluzole'] is unknown"),
    ("sex-upper", {"sex": "Male"}, "sex 'Male' is unknown"),
    ("horizon-zero", {"horizon_years": 0}, "horizon_years 0 is outside"),
    ("alsfrs-inf", {"alsfrs_r": np.inf}, "alsfrs_r must be a finite number"),
    ("fvc-text", {"fvc_percent": "80"}, "fvc_percent must be a number"),
]:
    API_CASES.append(
        (f"prognosis-{_id}", lambda c=_change: prognosis("als", **{**PROGNOSIS, **c}), _expected)
    )


@pytest.mark.parametrize(
    "call, expected", [c[1:] for c in API_CASES], ids=[c[0] for c in API_CASES]
)
def test_api_bad_input_raises_input_error_naming_the_argument(call, expected):
    with pytest.raises(InputError) as raised:
        call()
    message = str(raised.value)
    assert expected in message
    assert "\n" not in message


FILE_API_CASES = [
    ("load-latin1", load_targets, "latin1.csv", "is not UTF-8 text"),
    ("load-semicolon", load_targets, "semicolon.csv", "separated by ';'"),
    ("load-extra-field", load_targets, "extra_field.csv", "3 fields, the header has 2"),
    ("load-t-true", load_targets, "t_true.toml", "t True is not a number"),
    ("load-landmark-list", load_targets, "landmark_list.toml", "is not a table"),
    ("load-folder", load_targets, "folder.csv", "is a folder"),
    ("calibrate-latin1", calibrate, "cp1252.csv", "is not UTF-8 text"),
    ("life-table-latin1", life_table, "lt_latin1.csv", "is not UTF-8 text"),
    ("life-table-semicolon", life_table, "lt_semicolon.csv", "separated by ';'"),
    ("life-table-decimal", life_table, "lt_decimal_comma.csv", "separated by ';'"),
    ("life-table-extra", life_table, "lt_extra_field.csv", "line 9 has 4 fields"),
    ("life-table-huge", life_table, "lt_huge_age.csv", "age 1e+09 in row 2 is above the limit"),
    ("life-table-folder", life_table, "lt_folder.csv", "is a folder"),
    ("life-table-binary", life_table, "lt_binary.csv", "binary file"),
    ("phenotype-lt-60", lambda path: phenotype("als", path), "lt_to_60.csv", "ends at age 60"),
    ("life-table-device", lambda _: life_table("/dev/zero"), "zero", "is not a regular file"),
    ("report-foreign", None, "report", "not part of a report"),
    (
        "report-on-a-file",
        lambda path: write_report(path, []),
        "rising.csv",
        "is a file, not a folder",
    ),
]


@pytest.mark.parametrize(
    "call, name, expected", [c[1:] for c in FILE_API_CASES], ids=[c[0] for c in FILE_API_CASES]
)
def test_api_bad_files_raise_input_error_naming_the_file(call, name, expected, files, tmp_path):
    if call is None:  # the report would replace a folder that holds someone's sub-folder
        (tmp_path / "data").mkdir()
        call, path = (lambda out: write_report(out, [])), tmp_path
    else:
        path = files / name
    with pytest.raises(InputError) as raised:
        call(path)
    message = str(raised.value)
    assert expected in message and "\n" not in message
    if call is not None and name != "report":
        assert Path(name).stem in message


# --------------------------------------------------------------------------- now accepted
@pytest.mark.parametrize(
    "value",
    [np.int64(2), np.float32(2.0), np.float64(2.0), np.array(2.0), np.uint8(2), 2, 2.0],
    ids=lambda v: type(v).__name__,
)
def test_any_real_number_is_accepted_and_stored_as_a_float(value):
    model = Weibull(shape=value, scale=value)
    assert type(model.shape) is float and model.shape == 2.0
    assert model == Weibull(2.0, 2.0)
    assert Targets("x", (Landmark(value, 0.5),)).landmarks[0].t == 2.0
    assert Mixture((model,), (np.float32(1.0),)).weights == (1.0,)


def test_a_byte_order_mark_is_accepted_in_targets_and_life_tables(tmp_path):
    bom = b"\xef\xbb\xbf"
    # as Excel saves 'CSV UTF-8': a byte-order mark and Windows line ends
    (tmp_path / "bom.csv").write_bytes(bom + b"time,survival\r\n3,0.5\r\n5,0.2\r\n")
    (tmp_path / "bom.toml").write_bytes(bom + _toml())
    (tmp_path / "lt.csv").write_bytes(bom + SHIPPED.replace("\n", "\r\n").encode())
    assert [lm.survival for lm in load_targets(tmp_path / "bom.csv").landmarks] == [0.5, 0.2]
    assert load_targets(tmp_path / "bom.toml").landmarks[0].t == 3.0
    assert np.array_equal(life_table(tmp_path / "lt.csv").qx, life_table().qx)


def test_the_corpus_covers_every_command_and_at_least_100_cases():
    from alsprog.cli import COMMANDS

    commands = {c.__name__.rsplit(".", 1)[-1] for c in COMMANDS}
    generic = {case[0] for case in CLI_CASES if case[0].endswith(("-unknown-flag", "-stray"))}
    covered = {argv[0] for name, argv, _ in CLI_CASES if argv and name not in generic}
    assert commands <= covered, (
        f"commands without bad-input cases of their own: {sorted(commands - covered)}; add rows "
        "for their arguments and files to CLI_CASES in tests/test_bad_input.py"
    )
    assert len(CLI_CASES) + len(API_CASES) + len(FILE_API_CASES) >= 100
