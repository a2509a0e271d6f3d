"""What every benchmark of `make bench` shares: timing (best of a few runs) and one printed row
per measurement, kept in ROWS for the summary."""

from __future__ import annotations

import time
from collections.abc import Callable

ROWS: list[tuple[str, float, float | None, str, str]] = []


def best_of(function: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def record(what: str, ours: float, theirs: float | None, alternative: str, target: str) -> None:
    ROWS.append((what, ours, theirs, alternative, target))
    ratio = f"{theirs / ours:8.1f}x" if theirs else "        -"
    other = f"{theirs:9.3f} s" if theirs else "          -"
    print(
        f"{what:<46} {ours:9.3f} s {other} {ratio}  vs {alternative:<28} target: {target}",
        flush=True,
    )
