"""Do the trial screening's speed tricks pay for their lines? An A/B run, interleaved.

    python scripts/bench_prefilter.py [--local]

Variants of the same code in one process: as it is; without the Box-Muller prefilter
(``simulation.screening.Prefilter``: every drawn candidate goes to the screening); without
the disease brackets (``DiseaseBrackets.bounds`` undecided everywhere, so H is evaluated for
every candidate). Each variant gives the same power table (checked). Timed, best of three
interleaved rounds, on ``power`` rows a user runs: the bench's log-rank + Cox design (2 x 300,
riluzole, no eligibility rules), the README's design (eligibility: disease duration <= 2
years, every item >= 2) and five endpoints over 48 weeks. ``--local`` adds
``power(design, 10_000)`` on two workers (the stated target: < 10 s), with and without the
prefilter. ``--cpu`` times by the process's CPU time instead of the wall clock (steadier on a
machine shared with other work; the serial rows run in this process alone).
"""

from __future__ import annotations

import argparse
import time
from contextlib import contextmanager

import numpy as np


@contextmanager
def variant(name: str):
    from alsprog.simulation import screening
    from alsprog.trials.simulation import enrol

    class NoPrefilter:
        @staticmethod
        def build(*_args: object) -> None:
            return None

    class NoBrackets(screening.DiseaseBrackets):
        def bounds(self, cell, t):  # undecided everywhere: H evaluated for every candidate
            nan = np.full(np.shape(t), np.nan)
            return nan, nan.copy()

    saved = enrol.Prefilter, enrol.DiseaseBrackets
    if name == "no prefilter":
        enrol.Prefilter = NoPrefilter  # type: ignore[assignment,misc]
    elif name == "no brackets":
        enrol.DiseaseBrackets = NoBrackets  # type: ignore[misc]
    enrol._cached_context.cache_clear()
    try:
        yield
    finally:
        enrol.Prefilter, enrol.DiseaseBrackets = saved
        enrol._cached_context.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--local", action="store_true", help="also 10^4 trials on 2 workers")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cpu", action="store_true", help="time by CPU time, not wall clock")
    args = parser.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter

    import alsprog
    from alsprog.interventions import edaravone, riluzole
    from alsprog.trials.analysis.inputs import CALENDAR_WEEKS_PER_YEAR

    readme = alsprog.TrialDesign(
        300,
        effect=riluzole(),
        followup_years=1.5,
        visit_interval_weeks=4,
        eligibility=alsprog.Eligibility(max_disease_duration_years=2, min_item_score=2),
    )
    rows = [
        (
            "bench design, log-rank + Cox, 2000",
            alsprog.TrialDesign(300, effect=riluzole()),
            2000,
            ["logrank", "cox"],
        ),
        ("README design, log-rank + Cox, 500", readme, 500, ["logrank", "cox"]),
        (
            "5 endpoints, 48 weeks, 100",
            alsprog.TrialDesign(
                300, effect=edaravone(), followup_years=48 / CALENDAR_WEEKS_PER_YEAR
            ),
            100,
            None,
        ),
    ]
    variants = ("as is", "no prefilter", "no brackets")
    best: dict[tuple[str, str], float] = {}
    tables: dict[tuple[str, str], object] = {}
    for _ in range(args.rounds):
        for label, design, replicates, endpoints in rows:
            for name in variants:
                with variant(name):
                    alsprog.power(design, 10, 1, endpoints=endpoints)  # context built, warm
                    start = clock()
                    table = alsprog.power(design, replicates, 1, endpoints=endpoints)
                    spent = clock() - start
                key = (label, name)
                best[key] = min(best.get(key, np.inf), spent)
                if key in tables:
                    assert tables[key].equals(table)  # type: ignore[attr-defined]
                tables[key] = table
    for label, *_ in rows:
        same = all(tables[(label, v)].equals(tables[(label, "as is")]) for v in variants)
        base = best[(label, "as is")]
        ratios = ", ".join(f"{v} {best[(label, v)] / base:.2f}x" for v in variants[1:])
        print(
            f"{label}: as is {base:.2f} s{' CPU' if args.cpu else ''}; slower by: {ratios}; "
            f"identical tables: {same}"
        )
    if args.local:
        design = rows[0][1]
        for name in ("as is", "no prefilter", "as is", "no prefilter"):
            with variant(name):
                start = time.perf_counter()
                alsprog.power(design, 10_000, 1, endpoints=["logrank", "cox"], scheduler="local")
                print(f"power 10^4 x 600 on 2 workers, {name}: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
