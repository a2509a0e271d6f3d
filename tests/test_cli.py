"""The command line as a user runs it: exit codes, one-line errors, JSON shape."""

import csv
import errno
import json
import subprocess
import sys
import tomllib
import warnings

import pytest

from alsprog.cli import calibrate as calibrate_command
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


def test_calibrate_table_output_shows_the_fitted_values(capsys):
    assert main(["calibrate", "--family", "weibull"]) == 0
    out = capsys.readouterr().out
    # The fitted figures, not the echoed targets: a Weibull cannot meet S(3) = 0.5, S(5) = 0.2
    # and S(10) = 0.1 at once, so what it prints must be the calibrated model's own survival.
    from alsprog.estimation.calibration import calibrate

    model = calibrate(family="weibull")
    for t, target in ((3, 0.5), (5, 0.2), (10, 0.1)):
        fitted = float(model.survival(t))
        assert abs(fitted - target) > 5e-4  # so the check below cannot pass on the target
        assert f"S({t}) = {target:.3f}   fitted {fitted:.4f}" in out


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
            "--alsfrs-r 52 is outside 0-48",
        ),
        (
            ["prognosis", "--age-at-onset", "60", "--years-since-onset", "-2"],
            "--years-since-onset -2",
        ),
        (
            ["prognosis", "--age-at-onset", "60", "--years-since-onset", "1", "--sex", "x"],
            "invalid choice",
        ),
        (["prognosis", "--age-at-onset", "60"], "required"),
        (["phenotypes", "--life-table", "mars_2090"], "mars_2090"),
    ],
)
def test_prognosis_and_phenotype_errors_exit_2(args, message, capsys):
    status, _, err = _in_process(args, capsys)  # in-process (fast); the real process is above
    assert status == 2, err
    assert message in err and err.count("\n") == 1
    assert "Traceback" not in err


# --------------------------------------------------------------------------- the edge
def _raising(error):
    def run(args):
        if callable(error) and not isinstance(error, BaseException):
            error()
        raise error

    return run


def _in_process(argv, capsys):
    try:
        status = main(argv)
    except SystemExit as done:
        status = done.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _decode_error():
    b"\xff".decode("utf-8")


def _toml_error():
    tomllib.loads("a = ")


def _csv_error():
    list(csv.reader(['"open'], strict=True))


@pytest.mark.parametrize(
    "error, status, expected",
    [
        (
            PermissionError(errno.EACCES, "Permission denied", "cohort.csv"),
            2,
            "cohort.csv: permission denied; check its permissions",
        ),
        (
            IsADirectoryError(errno.EISDIR, "Is a directory", "out"),
            2,
            "out: is a directory; pass a file, not a folder",
        ),
        (
            FileNotFoundError(errno.ENOENT, "No such file or directory", "gone.csv"),
            2,
            "gone.csv: no such file or directory; check the path",
        ),
        (
            OSError(errno.ENOSPC, "No space left on device"),
            2,
            "no space left on device; the disk is full",
        ),
        (
            _decode_error,
            2,
            "mine.csv is not UTF-8 text (byte 0xff at position 0); save it as UTF-8",
        ),
        (_toml_error, 2, "mine.csv is not valid TOML"),
        (_csv_error, 2, "mine.csv is not valid CSV"),
        (
            RuntimeError("boom\nsecond line"),
            1,
            "alsprog: internal error, please report: RuntimeError: boom second line (rerun with --debug for the traceback)",
        ),
        (KeyError("x"), 1, "internal error, please report: KeyError"),
    ],
    ids=[
        "permission",
        "folder",
        "missing",
        "disk-full",
        "decode",
        "toml",
        "csv",
        "internal",
        "key",
    ],
)
def test_any_error_at_the_edge_is_one_line(monkeypatch, capsys, tmp_path, error, status, expected):
    monkeypatch.setattr(calibrate_command, "run", _raising(error))
    target = tmp_path / "mine.csv"
    target.write_text("time,survival\n3,0.5\n")
    done, out, err = _in_process(["calibrate", "--targets", str(target)], capsys)
    assert done == status and out == ""
    assert err.count("\n") == 1 and expected in err, err
    assert "Traceback" not in err


def test_debug_shows_the_traceback_before_or_after_the_command(monkeypatch):
    monkeypatch.setattr(calibrate_command, "run", _raising(RuntimeError("boom")))
    for argv in (["--debug", "calibrate"], ["calibrate", "--debug"]):
        with pytest.raises(RuntimeError, match="boom"):
            main(argv)


def test_interrupt_is_one_line_with_status_130(monkeypatch, capsys):
    monkeypatch.setattr(calibrate_command, "run", _raising(KeyboardInterrupt()))
    assert _in_process(["calibrate"], capsys)[::2] == (130, "alsprog: interrupted\n")


def test_warnings_are_one_line_and_do_not_fail_the_command(monkeypatch, capsys):
    def run(args):
        warnings.warn("fit: something to know\nacross lines", UserWarning, stacklevel=1)
        return []

    monkeypatch.setattr(calibrate_command, "run", run)
    status, _, err = _in_process(["calibrate"], capsys)
    assert status == 0
    assert err == "alsprog: warning: fit: something to know across lines\n"
