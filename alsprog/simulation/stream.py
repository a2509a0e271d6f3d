"""Large cohorts written to Parquet or CSV block by block, so memory stays bounded.

Each fixed block (``patients.PATIENTS_PER_BLOCK`` patients drawn, with its own random streams) is
simulated on its own and written as its own Parquet row group (or appended to the CSV), so
the file is a function of the request alone: the same seed gives the same bytes, however many
blocks are buffered between writes. Files are written under a temporary name in the target
folder and moved into place together at the end (``alsprog.files.written_together``: the
patients and visits files are both new or both old, whatever interrupts the run or fills the
disk; a second run writing the same files meanwhile is refused; a symbolic link is followed); on
any error or interrupt nothing is left behind.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alsprog.errors import InputError
from alsprog.files import naming, real_target, spreadsheet_safe, written_together
from alsprog.simulation.blocks import PATIENT_COLUMNS, blocks, plan
from alsprog.simulation.patients import PATIENTS_PER_BLOCK

FORMATS = (".parquet", ".csv")


def check_output(path: str | Path, what: str = "out") -> Path:
    """The output path, checked: a known extension and a writable existing folder."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise InputError(
            f"simulate {what}: extension {path.suffix or '(none)'!r} of {str(path)!r} is unknown; "
            "use .parquet or .csv"
        )
    folder = real_target(path).parent  # a symbolic link is written through
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise InputError(
            f"simulate {what}: cannot write to folder {str(folder)!r}; pass a path in an "
            "existing, writable folder"
        )
    if path.is_dir():
        raise InputError(f"simulate {what}: {str(path)!r} is a folder; pass a file name")
    return path


class _Sink:
    """One output file written block by block to a temporary file (``alsprog.files``)."""

    def __init__(self, path: Path, temporary: Path) -> None:
        self.path = path
        self.temporary = temporary
        self.parquet = path.suffix.lower() == ".parquet"
        self.writer: Any = None  # a pyarrow ParquetWriter once the first block is written
        self.first = True

    def write(self, frame: pd.DataFrame) -> None:
        with naming(self.path):
            self._write(frame)

    def _write(self, frame: pd.DataFrame) -> None:
        if self.parquet:
            import pyarrow as pa
            import pyarrow.parquet as pq

            # one thread: for a block, a pool's start-up costs more than it saves
            table = pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)
            if self.writer is None:  # dictionary pages for the categories only: floats and
                # small integers gain little from them and cost most of the writing time
                categorical = [f.name for f in table.schema if pa.types.is_dictionary(f.type)]
                self.writer = pq.ParquetWriter(
                    self.temporary, table.schema, use_dictionary=categorical or False
                )
            self.writer.write_table(table, row_group_size=max(len(frame), 1))
        else:
            with self.temporary.open("a", encoding="utf-8", newline="") as handle:
                spreadsheet_safe(frame).to_csv(handle, header=self.first, index=False)
        self.first = False

    def close(self, empty: pd.DataFrame) -> None:
        """Finish the file (the caller moves it into place)."""
        if self.first:
            self.write(empty)
        if self.writer is not None:
            with naming(self.path):
                self.writer.close()
            self.writer = None

    def discard(self) -> None:
        if self.writer is not None:
            with contextlib.suppress(Exception):
                self.writer.close()


def write_cohort(
    out: str | Path,
    n: int,
    seed: int,
    *,
    visits_out: str | Path | None = None,
    progress: bool = False,
    blocks_per_write: int = 1,
    workers: int = 1,
    **options,
) -> dict:
    """Simulate ``n`` patients (``simulate_cohort``'s options) straight to files.

    out : the patients table, ``.parquet`` or ``.csv`` (by the extension).
    visits_out : optional file for the visits (``.parquet`` or ``.csv``).
    progress : a tqdm bar on stderr.
    blocks_per_write : blocks buffered before each write (each block stays its own row group;
        the bytes do not depend on it).
    workers : processes making blocks (1: this process); the bytes do not depend on it.

    Returns a summary dict: out, visits_out, n, n_drawn, blocks, deaths, disease_deaths,
    other_deaths, censored, male_share, mean_age_at_onset, visits.
    """
    out = check_output(out)
    visits_path = None if visits_out is None else check_output(visits_out, "visits")
    if visits_path is not None and real_target(visits_path) == real_target(out):
        raise InputError("simulate: --visits and --out are the same file; pass two paths")
    for name, value in (("blocks_per_write", blocks_per_write), ("workers", workers)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"simulate {name}: {value!r} must be a whole number >= 1")
    request = plan(n, seed, **options)
    _check_resources(request, out, visits_path, blocks_per_write * max(workers, 1))
    paths = [out] + ([visits_path] if visits_path is not None else [])
    with written_together(paths, "simulate") as temporaries:
        sinks = [_Sink(p, t) for p, t in zip(paths, temporaries, strict=True)]
        totals = _write_all(request, options, sinks, progress, blocks_per_write, workers)
    return {
        "out": str(out),
        "visits_out": None if visits_path is None else str(visits_path),
        "n": request.n,
        "n_drawn": totals["n_drawn"],
        "blocks": totals["blocks"],
        "deaths": totals["deaths"],
        "disease_deaths": totals["disease_deaths"],
        "other_deaths": totals["other_deaths"],
        "censored": totals["censored"],
        "male_share": totals["men"] / request.n,
        "mean_age_at_onset": totals["age_sum"] / request.n,
        "visits": totals["visits"] if visits_path is not None else None,
    }


def _write_all(request, options: dict, sinks: list, progress, blocks_per_write, workers) -> dict:
    """Simulate every block into the sinks' temporary files; the totals of the summary."""
    totals: dict[str, float] = {
        "n_drawn": 0,
        "blocks": 0,
        "deaths": 0,
        "disease_deaths": 0,
        "other_deaths": 0,
    }
    totals |= {"censored": 0, "men": 0, "age_sum": 0.0, "visits": 0}
    bar = _progress(request.n, progress)
    try:
        pending: list = []
        for patients, visits, drawn in _made(request, options, workers, len(sinks) > 1):
            pending.append((patients, visits))
            _count(totals, patients, drawn)
            bar.update(len(patients))
            if len(pending) >= blocks_per_write:
                _flush(pending, sinks, totals)
        _flush(pending, sinks, totals)
        sinks[0].close(pd.DataFrame(columns=list(PATIENT_COLUMNS)))
        if len(sinks) > 1:
            from alsprog.simulation.patient_course import VISIT_COLUMNS

            sinks[1].close(pd.DataFrame(columns=list(VISIT_COLUMNS)))
    except BaseException:
        for sink in sinks:
            sink.discard()
        raise
    finally:
        bar.close()
    return totals


# Sizes measured on the default ALS cohort (onset entry, no end of study), for the up-front
# checks; estimates, not limits.
VISIT_YEARS = 6.0  # years of visits per patient: 5.1 on average, rounded up
VISIT_ROW_MEMORY = 520  # bytes of peak memory per visit row while a block is made
FILE_BYTES = {  # bytes per row in the files: (patients, visits)
    ".parquet": (140, 20),
    ".csv": (320, 60),
}


def _check_resources(request, out: Path, visits: Path | None, blocks_in_memory: int) -> None:
    """Refuse a request whose visits cannot fit in memory, or whose files cannot fit on disk."""
    from alsprog.resources import check_disk, check_memory

    years = min(request.followup_years, VISIT_YEARS)
    per_patient = years * 12 / request.visit_interval_months + 1
    if visits is not None:
        patients = min(request.n, PATIENTS_PER_BLOCK) * min(
            blocks_in_memory, -(-request.n // PATIENTS_PER_BLOCK)
        )
        check_memory(
            f"simulate --visit-interval-months {request.visit_interval_months:g} (with --visits)",
            patients * per_patient * VISIT_ROW_MEMORY,
            "choose a longer interval between visits (e.g. 1 month), a shorter --followup-years, "
            "or leave out --visits",
        )
    folders: dict[Path, float] = {}
    for path, column in ((out, 0), (visits, 1)):
        if path is not None:
            rows = request.n * (per_patient if column else 1)
            folder = real_target(path).parent
            folders[folder] = (
                folders.get(folder, 0.0) + rows * FILE_BYTES[path.suffix.lower()][column]
            )
    for folder, size in folders.items():
        check_disk(
            f"simulate --n {request.n:,}",
            folder,
            size,
            "ask for fewer patients, or write to a disk with more free space",
        )


def _made(request, options: dict, workers: int, with_visits: bool):
    """(patients, visits or None, drawn) per block, in order."""
    if workers > 1:
        from alsprog.simulation.parallel import parallel_blocks

        yield from parallel_blocks(request, options, workers, with_visits)
        return
    for block in blocks(request):
        yield block.patients, block.visits(request) if with_visits else None, block.drawn


def _flush(pending: list, sinks: list, totals: dict) -> None:
    for patients, visits in pending:
        if len(patients):
            sinks[0].write(patients)
            if visits is not None:
                totals["visits"] += len(visits)
                sinks[1].write(visits)
    pending.clear()


def _count(totals: dict, p: pd.DataFrame, drawn: int) -> None:
    died = p["event"].to_numpy() == 1
    disease = (p["death_cause"] == "disease").to_numpy()
    totals["n_drawn"] += drawn
    totals["blocks"] += 1
    totals["deaths"] += int(died.sum())
    totals["disease_deaths"] += int((died & disease).sum())
    totals["other_deaths"] += int((died & ~disease).sum())
    totals["censored"] += int((~died).sum())
    totals["men"] += int((p["sex"] == "male").sum())
    totals["age_sum"] += float(np.sum(p["age_at_onset"].to_numpy()))


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(
        total=total, unit="patients", disable=not enabled, leave=False, file=None, delay=0.5
    )
