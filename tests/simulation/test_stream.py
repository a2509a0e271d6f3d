"""Files: Parquet/CSV streamed block by block, byte-identical for a seed; the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from alsprog.cli import main
from alsprog.errors import InputError
from alsprog.simulation.cohort import simulate_cohort
from alsprog.simulation.stream import write_cohort

N = 40_000  # three blocks with entry at diagnosis


def test_parquet_is_byte_identical_across_runs_buffering_and_workers(tmp_path):
    paths, summaries = [], []
    for i, (buffered, workers) in enumerate(((1, 1), (3, 1), (1, 1), (1, 2))):
        path = tmp_path / f"cohort{i}.parquet"
        visits = tmp_path / f"visits{i}.csv"
        summaries.append(
            write_cohort(
                path, N, 7, entry="diagnosis", blocks_per_write=buffered, workers=workers,
                visits_out=visits if i != 1 else None,
            )
        )  # fmt: skip
        paths.append(path.read_bytes())
    assert paths[0] == paths[1] == paths[2] == paths[3]
    assert (tmp_path / "visits0.csv").read_bytes() == (tmp_path / "visits3.csv").read_bytes()
    assert summaries[0]["n_drawn"] == summaries[3]["n_drawn"] == summaries[1]["n_drawn"]
    cohort = simulate_cohort(N, 7, entry="diagnosis")
    read = pd.read_parquet(tmp_path / "cohort0.parquet")
    assert len(read) == N
    for column in cohort.patients.columns:
        left, right = read[column], cohort.patients[column]
        if isinstance(right.dtype, pd.CategoricalDtype):
            assert (left.astype(str) == right.astype(str)).all()
        else:
            assert np.array_equal(left.to_numpy(), right.to_numpy(), equal_nan=True)


def test_csv_patients_and_visits_match_the_cohort(tmp_path):
    out, visits = tmp_path / "p.csv", tmp_path / "v.parquet"
    summary = write_cohort(out, 300, 8, visits_out=visits)
    cohort = simulate_cohort(300, 8)
    patients = pd.read_csv(out, float_precision="round_trip")
    assert np.array_equal(patients["death_time"], cohort.patients["death_time"])
    assert (patients["death_cause"] == cohort.patients["death_cause"].astype(str)).all()
    v = pd.read_parquet(visits)
    assert v.equals(cohort.visits)
    assert summary["visits"] == len(v) and summary["n"] == 300


def test_a_bad_request_leaves_no_file_behind(tmp_path):
    with pytest.raises(InputError, match=r"extension '\.txt'"):
        write_cohort(tmp_path / "p.txt", 10, 1)
    with pytest.raises(InputError, match="is unknown; choose one of"):
        write_cohort(tmp_path / "p.parquet", 10, 1, phenotype="nope")
    assert list(tmp_path.iterdir()) == []


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alsprog.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_cli_simulate_writes_the_file_and_prints_json(tmp_path, capsys):
    out = tmp_path / "cohort.parquet"
    code = main(
        ["simulate", "--n", "500", "--seed", "3", "--phenotype", "als=0.8,pma=0.2",
         "--entry", "diagnosis", "--followup-years", "2", "--out", str(out), "--json"]
    )  # fmt: skip
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["n"] == 500 and summary["n_drawn"] > 500
    read = pd.read_parquet(out)
    assert len(read) == 500 and set(read["phenotype"]) == {"als", "pma"}
    assert (read["time"] <= read["entry_time"] + 2 + 1e-12).all()


def test_cli_takes_a_targets_file(tmp_path, capsys):
    targets = tmp_path / "register.csv"
    targets.write_text("time,survival\n2,0.7\n4,0.35\n8,0.1\n")
    out = tmp_path / "cohort.csv"
    assert main(["simulate", "--n", "200", "--seed", "4", "--targets", str(targets),
                 "--out", str(out)]) == 0  # fmt: skip
    assert "200 patients written" in capsys.readouterr().out
    assert set(pd.read_csv(out)["phenotype"]) == {"model"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["--n", "0"], "n: 0 is not a whole number >= 1"),
        (["--n", "10", "--phenotype", "als=0.5,pma=0.4"], "shares sum to 0.9"),
        (["--n", "10", "--followup-years", "-1"], "--followup-years: -1.0 is negative"),
        (["--n", "10", "--dropout-per-year", "-0.5"], "--dropout-per-year: -0.5"),
        (["--n", "10", "--visit-interval-months", "0"], "--visit-interval-months: 0.0"),
        (["--n", "10", "--targets", "missing.csv"], "does not exist"),
    ],
)
def test_cli_errors_are_one_line_exit_2_and_leave_no_file(tmp_path, capsys, args, message):
    out = tmp_path / "cohort.parquet"
    assert main(["simulate", "--seed", "1", "--out", str(out), *args]) == 2
    stderr = capsys.readouterr().err
    assert message in stderr and stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_cli_refuses_an_unwritable_path_and_an_unknown_extension(tmp_path, capsys):
    for out, message in (
        (tmp_path / "nowhere" / "c.parquet", "cannot write to folder"),
        (tmp_path / "c.xlsx", "extension '.xlsx'"),
    ):
        assert main(["simulate", "--n", "10", "--seed", "1", "--out", str(out)]) == 2
        assert message in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("time,survival\n2,0.4\n4,0.6\n")  # survival rises: fails validation
    done = run("simulate", "--n", "10", "--seed", "1", "--targets", str(bad), "--out",
               str(tmp_path / "c.csv"))  # fmt: skip
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]
