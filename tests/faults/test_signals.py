"""Ctrl-C, SIGTERM and SIGHUP anywhere give one line and 128 + the signal; workers too; a
read-only home brings no library warnings."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.faults.conftest import environment, one_line, start

WHILE_LOADING = """
import os, signal, sys
import alsprog.cli
os.kill(os.getpid(), int(sys.argv[1]))  # lands in the next import: modules still loading
import pandas, scipy.stats
print("not reached")
"""

WHILE_RUNNING = """
import os, signal, sys, threading
from alsprog.cli import main
threading.Timer(0.3, os.kill, (os.getpid(), int(sys.argv[1]))).start()
sys.exit(main(["phenotypes"]))
"""

SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]


@pytest.mark.parametrize("script", [WHILE_LOADING, WHILE_RUNNING], ids=["loading", "running"])
@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_signal_is_one_line_and_its_status(script, signum):
    done = subprocess.run(
        [sys.executable, "-c", script, str(int(signum))],
        capture_output=True,
        text=True,
        env=environment(),
        timeout=120,
    )
    assert done.returncode == 128 + signum
    assert one_line(done.stderr) == "alsprog: interrupted"
    assert "not reached" not in done.stdout


def _group_size(pid: int) -> int:
    found = subprocess.run(["pgrep", "-g", str(pid)], capture_output=True, text=True)
    return len(found.stdout.split())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups via pgrep")
def test_ctrl_c_during_a_local_cluster_is_one_line_without_worker_tracebacks():
    args = ["trial", "--hazard-ratio", "0.8", "--n-per-arm", "40", "--replicates", "50000"]
    process = start(*args, "--scheduler", "local", "--endpoint", "logrank")
    end = time.monotonic() + 90
    while _group_size(process.pid) < 3:  # the command and its worker processes are up
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < end
        time.sleep(0.1)
    time.sleep(1.0)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert one_line(err) == "alsprog: interrupted"
    time.sleep(0.5)
    assert _group_size(process.pid) == 0  # no worker left behind


def test_a_home_that_cannot_be_written_brings_no_matplotlib_warnings(tmp_path):
    env = environment(HOME="/dev/null", XDG_CONFIG_HOME="", XDG_CACHE_HOME="")
    env.pop("MPLCONFIGDIR", None)
    card = tmp_path / "card.html"
    args = ["prognosis", "--age-at-onset", "60", "--years-since-onset", "1", "--html", str(card)]
    done = subprocess.run(
        [sys.executable, "-m", "alsprog.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and card.exists()
