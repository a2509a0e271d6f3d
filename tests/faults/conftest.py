"""Helpers of the fault suite: the command line in a subprocess, as a user meets it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def start(*args: str, cwd: Path | None = None, **popen) -> subprocess.Popen:
    """``alsprog ARGS`` started in a subprocess of its own session (so a signal sent to its
    group reaches its workers too, as a terminal's Ctrl-C does)."""
    popen.setdefault("stdout", subprocess.PIPE)
    popen.setdefault("stderr", subprocess.PIPE)
    env = popen.pop("env", None) or environment()
    return subprocess.Popen(
        [sys.executable, "-m", "alsprog.cli", *args],
        cwd=cwd,
        env=env,
        text=True,
        start_new_session=True,
        **popen,
    )


def run(*args: str, timeout: float = 120, **popen) -> subprocess.CompletedProcess:
    process = start(*args, **popen)
    out, err = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def one_line(stderr: str) -> str:
    """The single line on stderr (fails the test if there are more)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def hidden(folder: Path) -> list[str]:
    """Hidden names in a folder: what a run left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def alsprog_env():
    return environment()


@pytest.fixture
def tiny_disk(tmp_path):
    """A small tmpfs (192 KiB) mounted for the test, where the platform allows (root, or a
    container that permits mounts); skipped cleanly elsewhere."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root on Linux")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=192k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
