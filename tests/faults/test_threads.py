"""The same output byte for byte whatever the BLAS thread count (OPENBLAS_NUM_THREADS,
OMP_NUM_THREADS): the calibration, where the report's differing files came from."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.faults.conftest import environment


def _calibrate(**threads: str) -> bytes:
    env = environment(**threads)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if name not in threads:
            env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "alsprog.cli", "calibrate", "--json"],
        capture_output=True,
        env=env,
        timeout=300,
        check=True,
    )
    return done.stdout


def test_calibration_is_byte_identical_across_thread_counts():
    cores = str(max(2, os.cpu_count() or 2))  # more threads than one, even on one core
    one = _calibrate(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    assert one == _calibrate(OPENBLAS_NUM_THREADS=cores, OMP_NUM_THREADS=cores)
