"""A pair of outputs (patients and visits) is both new or both old, whatever interrupts the
run, fills the disk or runs beside it; a symbolic link target is written through."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alsprog.cli import main
from alsprog.simulation import stream
from alsprog.simulation.stream import write_cohort
from tests.faults.conftest import environment, hidden, one_line, run, start


def pair(folder: Path, seed: int, n: int = 60) -> tuple[Path, Path]:
    out, visits = folder / "p.parquet", folder / "v.csv"
    write_cohort(out, n, seed, visits_out=visits)
    return out, visits


def seeds_of(out: Path, visits: Path) -> tuple[bytes, bytes]:
    return out.read_bytes(), visits.read_bytes()


@pytest.fixture
def reference(tmp_path):
    """The bytes of the pair for seeds 1 and 2, written apart."""
    made = {}
    for seed in (1, 2):
        folder = tmp_path / f"seed{seed}"
        folder.mkdir()
        made[seed] = seeds_of(*pair(folder, seed))
    return made


def test_an_interrupt_while_the_visits_are_written_keeps_both_old(tmp_path, reference, monkeypatch):
    out, visits = pair(tmp_path, 1)
    real, calls = stream._Sink._write, []

    def hooked(self, frame):
        calls.append(self.path)
        if self.path == visits:
            raise KeyboardInterrupt
        return real(self, frame)

    monkeypatch.setattr(stream._Sink, "_write", hooked)
    with pytest.raises(KeyboardInterrupt):
        write_cohort(out, 60, 2, visits_out=visits)
    assert calls[0] == out  # the patients had been written first, to their temporary file
    assert seeds_of(out, visits) == reference[1]
    assert hidden(tmp_path) == []


def test_a_full_disk_on_the_visits_keeps_both_old_and_names_the_visits(
    tmp_path, reference, monkeypatch, capsys
):
    import errno

    out, visits = pair(tmp_path, 1)
    real = stream._Sink._write

    def full(self, frame):
        if self.path == visits:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, frame)

    monkeypatch.setattr(stream._Sink, "_write", full)
    args = ["simulate", "--n", "60", "--seed", "2", "--out", str(out), "--visits", str(visits)]
    assert main(args) == 2
    line = one_line(capsys.readouterr().err)
    assert line == (
        f"alsprog: error: {visits}: no space left on device; the disk is full; free some space "
        "and rerun"
    )
    assert seeds_of(out, visits) == reference[1]
    assert hidden(tmp_path) == []


def test_a_failed_second_rename_puts_the_first_back(tmp_path, reference, monkeypatch):
    import errno

    from alsprog import files

    out, visits = pair(tmp_path, 1)
    real, calls = files.os.replace, []

    def replace(source, target):
        calls.append(target)
        if len(calls) == 2 and Path(target) == visits:
            raise OSError(errno.EIO, "Input/output error")
        return real(source, target)

    monkeypatch.setattr(files.os, "replace", replace)
    with pytest.raises(OSError, match="Input/output"):
        write_cohort(out, 60, 2, visits_out=visits)
    assert seeds_of(out, visits) == reference[1]
    assert hidden(tmp_path) == []


KILLED = """
import os, signal, sys
from pathlib import Path
from alsprog import files
from alsprog.simulation.stream import write_cohort
real, calls = files.os.replace, []
def replace(source, target):
    calls.append(target)
    if len(calls) == 2:  # the patients are in place, the visits not yet: killed outright
        os.kill(os.getpid(), signal.SIGKILL)
    return real(source, target)
files.os.replace = replace
write_cohort(Path(sys.argv[1]), 60, 2, visits_out=Path(sys.argv[2]))
"""


def test_a_run_killed_between_the_renames_is_finished_by_the_next(tmp_path, reference):
    out, visits = pair(tmp_path, 1)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED, str(out), str(visits)], env=environment(), timeout=120
    )
    assert killed.returncode == -signal.SIGKILL
    assert out.read_bytes() == reference[2][0] and visits.read_bytes() == reference[1][1]
    assert hidden(tmp_path)  # its journal and temporary files
    from alsprog import files

    with files.locked([out, visits], "simulate"):  # what the next run writing there does first
        files.recover(out)
        files.recover(visits)
    assert seeds_of(out, visits) == reference[2]
    assert hidden(tmp_path) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_while_streaming_leaves_the_old_pair_and_no_temporary(tmp_path, signum):
    out, visits = pair(tmp_path, 1)
    before = seeds_of(out, visits)
    args = ["simulate", "--n", "2000000", "--seed", "2", "--out", str(out), "--visits", str(visits)]
    process = start(*args)
    _wait_for(lambda: any(".tmp" in name for name in hidden(tmp_path)), process)
    os.killpg(process.pid, signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signum
    assert one_line(err) == "alsprog: interrupted"
    assert seeds_of(out, visits) == before
    assert hidden(tmp_path) == []


def _wait_for(condition, process, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < end, "the run did not start writing"
        time.sleep(0.05)


def test_two_runs_on_the_same_pair_never_mix(tmp_path):
    out, visits = pair(tmp_path, 1)
    before = seeds_of(out, visits)
    args = ["--out", str(out), "--visits", str(visits)]
    first = start("simulate", "--n", "2000000", "--seed", "2", *args)
    _wait_for(lambda: (tmp_path / ".p.parquet.lock").exists(), first)
    second = run("simulate", "--n", "60", "--seed", "3", *args)
    os.killpg(first.pid, signal.SIGTERM)
    first.communicate(timeout=60)
    assert second.returncode == 2
    assert "another alsprog run (process" in one_line(second.stderr)
    assert "is writing" in second.stderr and str(out) in second.stderr
    assert seeds_of(out, visits) == before
    assert hidden(tmp_path) == []


def test_a_symbolic_link_target_is_written_through(tmp_path, reference):
    real = tmp_path / "data"
    real.mkdir()
    out, visits = pair(real, 1)
    links = tmp_path / "p.parquet", tmp_path / "v.csv"
    links[0].symlink_to(out)
    links[1].symlink_to(visits)
    write_cohort(links[0], 60, 2, visits_out=links[1])
    assert all(link.is_symlink() for link in links)
    assert seeds_of(out, visits) == reference[2]
    assert hidden(tmp_path) == [] and hidden(real) == []


def test_a_full_small_disk_keeps_the_old_pair(tiny_disk, monkeypatch, capsys):
    out, visits = pair(tiny_disk, 1, n=20)
    before = seeds_of(out, visits)
    args = ["--out", str(out), "--visits", str(visits), "--visit-interval-months", "0.5"]
    refused = run("simulate", "--n", "3000", "--seed", "2", *args)  # refused up front
    assert refused.returncode == 2
    line = one_line(refused.stderr)
    assert "simulate --n 3,000: the files would take about" in line and "free in" in line
    monkeypatch.setattr(stream, "_check_resources", lambda *a: None)  # now let the disk fill
    assert main(["simulate", "--n", "3000", "--seed", "2", *args]) == 2
    line = one_line(capsys.readouterr().err)
    assert "no space left on device; the disk is full" in line and str(tiny_disk) in line, line
    assert seeds_of(out, visits) == before
    assert hidden(tiny_disk) == []


def test_closed_and_full_stdout_are_one_line(tmp_path):
    with open("/dev/full", "w") as device:
        full = run("phenotypes", stdout=device)
    assert full.returncode == 2
    assert "cannot write the result to stdout" in one_line(full.stderr)
    closed = subprocess.run(
        [sys.executable, "-m", "alsprog.cli", "phenotypes"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
        preexec_fn=lambda: os.close(1),
    )
    assert closed.returncode == 2 and "stdout is closed" in one_line(closed.stderr)
    reader = subprocess.Popen(
        [sys.executable, "-m", "alsprog.cli", "phenotypes"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(),
    )
    reader.stdout.close()  # the reader left at once, as `| head -0` does
    assert reader.wait(timeout=120) == 0 and reader.stderr.read() == b""
