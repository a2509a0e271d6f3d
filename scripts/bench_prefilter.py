"""Do the trial screening's speed tricks pay for their lines? An A/B run, interleaved.

    python scripts/bench_prefilter.py [--local]

Variants of the same code in one process: as it is; without the Box-Muller prefilter
(``simulation.screening.Prefilter``: every drawn candidate goes to the screening). Each
variant gives the same power table (checked). (The disease brackets, a grid bracketing each
disease cumulative hazard so that few candidates had it evaluated, did not pay on these rows:
1.07x, 0.98x and 0.90x CPU against evaluating H for every diagnosed candidate, in an
interleaved A/B with identical tables; removed.) Timed, best of three
interleaved rounds, on ``power`` rows a user runs: the bench's log-rank + Cox design (2 x 300,
riluzole, no eligibility rules), the README's design (eligibility: disease duration <= 2
years, every item >= 2) and five endpoints over 48 weeks. ``--local`` adds
``power(design, 10_000)`` on two workers (the stated target: < 10 s) in each variant, twice
(``--rounds 0``: that row alone). Each serial row is timed by the wall clock and by the
process's CPU time (the steadier of the two on a machine shared with other work: the rows run
in this process alone).
"""

from __future__ import annotations

import argparse
import time
from contextlib import contextmanager

import numpy as np


@contextmanager
def variant(name: str):
    from alsprog.trials.simulation import enrol

    class NoPrefilter:
        @staticmethod
        def build(*_args: object) -> None:
            return None

    saved = enrol.Prefilter
    if name == "no prefilter":
        enrol.Prefilter = NoPrefilter  # type: ignore[assignment,misc]
    enrol._cached_context.cache_clear()
    try:
        yield
    finally:
        enrol.Prefilter = saved
        enrol._cached_context.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--local", action="store_true", help="also 10^4 trials on 2 workers")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

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
    variants = ("as is", "no prefilter")
    best: dict[tuple[str, str, str], float] = {}
    tables: dict[tuple[str, str], object] = {}
    for _ in range(args.rounds):
        for label, design, replicates, endpoints in rows:
            for name in variants:
                with variant(name):
                    alsprog.power(design, 10, 1, endpoints=endpoints)  # context built, warm
                    wall, cpu = time.perf_counter(), time.process_time()
                    table = alsprog.power(design, replicates, 1, endpoints=endpoints)
                    spent = {
                        "wall": time.perf_counter() - wall,
                        "CPU": time.process_time() - cpu,
                    }
                key = (label, name)
                for clock, seconds in spent.items():
                    best[(*key, clock)] = min(best.get((*key, clock), np.inf), seconds)
                if key in tables:
                    assert tables[key].equals(table)  # type: ignore[attr-defined]
                tables[key] = table
    for label, *_ in rows if args.rounds > 0 else ():
        same = all(tables[(label, v)].equals(tables[(label, "as is")]) for v in variants)
        for clock in ("wall", "CPU"):
            base = best[(label, "as is", clock)]
            ratios = ", ".join(f"{v} {best[(label, v, clock)] / base:.2f}x" for v in variants[1:])
            print(
                f"{label}: as is {base:.2f} s {clock}; slower by: {ratios}; "
                f"identical tables: {same}"
            )
    if args.local:
        design = rows[0][1]
        for name in variants * 2:
            with variant(name):
                start = time.perf_counter()
                alsprog.power(design, 10_000, 1, endpoints=["logrank", "cox"], scheduler="local")
                print(f"power 10^4 x 600 on 2 workers, {name}: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
