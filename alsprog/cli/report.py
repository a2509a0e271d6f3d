"""``alsprog report``: write the population report (HTML page, PNG figures, CSV tables)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from alsprog.report.defaults import DEFAULT_PATIENTS, DEFAULT_REPLICATES, DEFAULT_SEED


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write the population report under a folder",
        description="Write index.html (self-contained), figures/*.png and tables/*.csv. "
        "The same settings give the same tables, byte for byte.",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("reports"),
        metavar="DIR",
        help="folder to write into (default: reports)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        metavar="S",
        help=f"random seed of every simulation (default {DEFAULT_SEED})",
    )
    p.add_argument(
        "--n",
        type=int,
        default=DEFAULT_PATIENTS,
        metavar="N",
        help=f"simulated cohort size (default {DEFAULT_PATIENTS})",
    )
    p.add_argument(
        "--replicates",
        type=int,
        default=DEFAULT_REPLICATES,
        metavar="R",
        help=f"simulated trials per design point (default {DEFAULT_REPLICATES})",
    )
    p.add_argument(
        "--targets",
        type=Path,
        metavar="FILE",
        help="landmark targets (TOML or CSV) instead of the reference document's",
    )
    p.add_argument("--json", action="store_true", help="list the files written as JSON")
    p.set_defaults(run=run, show=show)


def _progress(done: int, total: int, name: str) -> None:
    """One status line per section on stderr; redrawn in place on a terminal."""
    started = _progress.__dict__.setdefault("started", time.perf_counter())
    elapsed = time.perf_counter() - started
    label = name.removesuffix("_section").replace("_", " ")
    line = f"alsprog report: [{done}/{total}] {label:<24} {elapsed:6.1f} s"
    if sys.stderr.isatty():
        print(f"\r{line}", end="\n" if done == total else "", file=sys.stderr, flush=True)
    else:
        print(line, file=sys.stderr, flush=True)


PATIENT_MEMORY = 4_400  # bytes of peak memory per simulated patient (4.1 GB at --n 1,000,000)


def run(args: argparse.Namespace) -> list[str]:
    from alsprog.estimation.targets import load_targets
    from alsprog.files import locked
    from alsprog.report import write_report
    from alsprog.resources import check_memory

    check_memory(
        f"report --n {args.n:,}",
        args.n * PATIENT_MEMORY,
        f"simulate fewer patients (default {DEFAULT_PATIENTS:,})",
    )

    targets = None if args.targets is None else load_targets(args.targets)
    _progress.__dict__.pop("started", None)
    with locked([args.out], "report"):  # a second run on this folder is refused now, not later
        written = write_report(
            args.out,
            targets=targets,
            seed=args.seed,
            n_patients=args.n,
            replicates=args.replicates,
            progress=_progress,
        )
    return [str(path) for path in written]


def show(paths: list[str]) -> str:
    return "\n".join(paths)
