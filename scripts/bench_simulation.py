"""The cohort-simulation benchmarks (`make bench --only simulation`): 10^6 patients against the
numpy floor and a per-patient loop, visits, and a 10^7-patient stream with its peak memory."""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np
from bench_common import best_of, record


def _simulation_parts(n: int) -> tuple[float, float]:
    """Seconds spent, over the blocks of an n-patient cohort, on the draws with the death
    times, and on the course with the milestones (and the ALSFRS-R at diagnosis)."""
    from alsprog.simulation.blocks import plan
    from alsprog.simulation.patient_course import build
    from alsprog.simulation.patients import PATIENTS_PER_BLOCK, draw_block

    p = plan(n, 1)
    draws = course = 0.0
    for index in range(-(-n // PATIENTS_PER_BLOCK)):
        size = min(PATIENTS_PER_BLOCK, n - index * PATIENTS_PER_BLOCK)
        start = time.perf_counter()
        block = draw_block(p.subgroups, p.seed, index, size, p.course, p.correlation, p.parts)
        middle = time.perf_counter()
        built = build(block.course, p.uptake, p.parts)
        built.observed(block.latent_diagnosis_time)
        built.milestones(np.minimum(block.disease_time, block.other_time))
        draws, course = draws + middle - start, course + time.perf_counter() - middle
    return draws, course


def simulation(stream_n: int) -> None:
    import resource
    import tempfile
    from pathlib import Path

    import alsprog
    from alsprog.simulation.cohort import simulate_cohort

    als = alsprog.phenotype("als")
    simulate_cohort(1_000, 0)  # warm: calibration and imports
    rng = np.random.default_rng(5)
    ours = best_of(lambda: simulate_cohort(1_000_000, 1), 2)
    floor = best_of(lambda: als.model.sample(1_000_000, rng), 2)
    record(
        "simulate_cohort 10^6 (patients table)",
        ours,
        floor,
        "numpy death times only (floor)",
        "< 2 s",
    )
    draws, course = _simulation_parts(1_000_000)
    parts = (
        ("draws and death times", draws),
        ("course, milestones, ALSFRS-R at diagnosis", course),
        ("the table (follow-up, columns, DataFrame)", max(ours - draws - course, 0.0)),
    )
    for what, seconds in parts:  # the table is the rest of a separate run: noisy, maybe 0
        if seconds > 0:
            record(f"  {what}", seconds, floor, "numpy death times only (floor)", "part")
    people = als.population.sample(200, rng)

    def loop() -> None:  # one patient at a time: their own model, one draw each
        for age, sex, delay in people.itertuples(index=False):
            als.patient(age, sex, delay).sample(1, rng)

    per_patient = best_of(loop, 1) / len(people)
    record(
        "simulate_cohort 10^6 (patients table)",
        ours,
        per_patient * 1_000_000,
        "per-patient Python loop (extrap.)",
        "< 2 s",
    )
    record(
        "simulate_cohort 10^5 with quarterly visits",
        best_of(lambda: simulate_cohort(100_000, 2).visits, 1),
        None,
        "",
        "< 5 s",
    )
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "cohort.parquet"
        code = (
            "from alsprog.simulation.stream import write_cohort; "
            f"write_cohort({str(out)!r}, {stream_n}, 1)"
        )
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        seconds = time.perf_counter() - start
        peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
        record(
            f"stream {stream_n:.0e} patients to Parquet",
            seconds,
            None,
            f"peak memory {peak_gb:.2f} GB",
            "peak < 2 GB",
        )
