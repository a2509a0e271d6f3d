"""The report built once per test session, as `make report` builds it, for every report test."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def made(tmp_path_factory) -> tuple[Path, list[str]]:
    """The report written by the script, as `make report` does; its stdout lines."""
    out = tmp_path_factory.mktemp("report")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_report.py"), "--out", str(out), "--n", "3000", "--replicates", "10"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out, done.stdout.splitlines()
