"""Requests too big for the machine are refused up front in one line naming the flag, the
estimate and the limit; CAFS on large arms needs no n x n matrix; misleading messages fixed."""

from __future__ import annotations

import numpy as np
import pytest

from alsprog import resources
from alsprog.cli import main
from alsprog.errors import InputError
from alsprog.simulation.stream import write_cohort
from alsprog.trials.analysis.cafs import pair_scores
from alsprog.trials.analysis.cafs_ranks import count_below, pair_scores_ranked
from alsprog.trials.simulation.design import TrialDesign
from tests.faults.conftest import one_line


def refusal(capsys, args: list[str]) -> str:
    assert main(args) == 2
    return one_line(capsys.readouterr().err)


def test_visits_too_dense_for_memory_are_refused_before_work(tmp_path, capsys):
    out, visits = tmp_path / "p.csv", tmp_path / "v.csv"
    args = ["simulate", "--n", "20000", "--seed", "1", "--out", str(out), "--visits", str(visits)]
    line = refusal(capsys, [*args, "--visit-interval-months", "0.0001"])
    assert "simulate --visit-interval-months 0.0001 (with --visits): needs about" in line
    assert "TB of memory, above the limit of" in line and "choose a longer interval" in line
    assert list(tmp_path.iterdir()) == []


def test_a_cohort_too_big_for_the_disk_is_refused_before_work(tmp_path, capsys):
    line = refusal(
        capsys,
        ["simulate", "--n", str(10**15), "--seed", "1", "--out", str(tmp_path / "p.parquet")],
    )
    assert line.startswith(
        "alsprog: error: simulate --n 1,000,000,000,000,000: the files would take"
    )
    assert f"free in {tmp_path}" in line or "free in" in line
    with pytest.raises(InputError, match="the files would take"):  # the API as well: 1e21
        write_cohort(tmp_path / "p.parquet", 10**21, 1)
    assert list(tmp_path.iterdir()) == []


def test_a_report_too_big_for_memory_is_refused_before_work(tmp_path, capsys):
    line = refusal(capsys, ["report", "--n", "1000000000", "--out", str(tmp_path / "r")])
    assert "report --n 1,000,000,000: needs about" in line and "above the limit of" in line
    assert list(tmp_path.iterdir()) == []


def test_the_memory_limit_is_half_the_machine(monkeypatch):
    monkeypatch.setattr(
        resources.os, "sysconf", lambda name: 4096 if name == "SC_PAGE_SIZE" else 1000
    )
    monkeypatch.setattr(resources.Path, "read_text", lambda self: "max")
    assert resources.memory_limit() == 4096 * 1000 // 2
    with pytest.raises(
        InputError, match=r"x --y: needs about 4 MB of memory, above the limit of 2 MB"
    ):
        resources.check_memory("x --y", 4_096_000, "ask for less")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--n-per-arm", "240000"], "enrol 480,000 patients per trial, above the limit of 200,000"),
        (
            ["--n-per-arm", "10", "--allocation", "1e9"],
            "lower --n-per-arm or --allocation",
        ),
    ],
)
def test_trials_beyond_the_limit_say_so_not_eligibility(capsys, args, expected):
    line = refusal(capsys, ["trial", "--hazard-ratio", "0.8", *args, "--replicates", "1"])
    assert expected in line and "eligib" not in line


def test_an_absurd_hazard_ratio_names_its_flag(capsys):
    line = refusal(capsys, ["effect", "--hazard-ratio", "1e300"])
    assert line == (
        "alsprog: error: --hazard-ratio 1e+300 is outside 0.01-100; pass a ratio a treatment "
        "could have, e.g. 0.8"
    )


def test_count_below_matches_a_direct_count():
    rng = np.random.default_rng(3)
    for _ in range(50):
        q, s = rng.integers(0, 40), rng.integers(0, 40)
        qx, qy, sx, sy = (rng.integers(-3, 4, size) for size in (q, q, s, s))
        direct = ((sx[None, :] < qx[:, None]) & (sy[None, :] < qy[:, None])).sum(axis=1)
        assert np.array_equal(count_below(qx, qy, sx, sy), direct)


def test_cafs_by_sorting_equals_the_pair_matrices_on_small_arms():
    rng = np.random.default_rng(5)
    for _ in range(150):
        n, weeks = int(rng.integers(1, 50)), int(rng.integers(1, 6))
        time = np.round(rng.exponential(1.0, n), int(rng.integers(0, 3)))  # ties too
        event = rng.random(n) < 0.6
        ranks = rng.integers(0, int(rng.integers(1, 6)), (n, weeks)).astype(np.int16)
        last = rng.integers(-1, weeks, n)
        assert np.array_equal(
            pair_scores(time, event, ranks, last), pair_scores_ranked(time, event, ranks, last)
        )
        assert np.array_equal(
            pair_scores(time, event, None, None), pair_scores_ranked(time, event, None, None)
        )


def test_cafs_on_large_arms_runs_without_pair_matrices(monkeypatch):
    import importlib

    cafs = importlib.import_module("alsprog.trials.analysis.cafs")

    def no_matrix(*args):
        raise AssertionError("an n x n matrix was formed")

    monkeypatch.setattr(cafs, "pair_scores", no_matrix)
    monkeypatch.setattr(cafs, "MATRIX_UP_TO", 100)
    design = TrialDesign(150, followup_years=0.5)
    from alsprog.trials.power import power

    table = power(design, 2, 1, endpoints=("cafs",))
    assert table["power"].between(0, 1).all()
