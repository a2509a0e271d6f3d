"""Write the shipped calibrations (``alsprog/data/draws_<phenotype>_<table>.json``).

For each calibrated phenotype (not the derived ones) and the default life table: the point
estimate's parameter vector and the pool of ``POOL_SIZE`` recalibrations to redrawn figures,
stamped with the fingerprint of their inputs (``alsprog.disease.draw_cache``). Run it after a
change to ``data/phenotypes.toml``, the life table or the calibration code (then bump
``CACHE_VERSION``); ``tests/disease/test_draw_cache.py`` says when it is due.

    PYTHONPATH=. python scripts/build_draw_sets.py [--only als]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from alsprog.disease import draw_cache, library
from alsprog.estimation.redraws import recalibrated, redrawn_targets
from alsprog.population.lifetable import DEFAULT_TABLE, life_table

DATA = Path(__file__).resolve().parents[1] / "alsprog" / "data"


def calibrated_names() -> list[str]:
    return [
        n
        for n in library.NAMES
        if n not in library.DERIVED and library._spec(n).structure != "scaled"
    ]


def build(name: str, table) -> dict:
    point = library._calibrate(name, library._spec(name), table)  # computed, never the cache
    info = point.model.fit_info
    draws = []
    for i in range(draw_cache.POOL_SIZE):
        targets = redrawn_targets(point.targets, draw_cache.POOL_SEED, i)
        draws.append(draw_cache.encoded(recalibrated(info.build, targets, info.unconstrained)))
    return {
        "phenotype": name,
        "table": None if table is None else table.name,
        "fingerprint": draw_cache.fingerprint(name, table),
        "point": draw_cache.encoded(info.unconstrained),
        "draws": draws,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="a phenotype name (repeatable)")
    args = parser.parse_args()
    table = life_table(DEFAULT_TABLE)
    for name in args.only or calibrated_names():
        content = build(name, table)
        path = DATA / draw_cache.file_name(name, table)
        temporary = path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(content, indent=0) + "\n", encoding="utf-8")
        os.replace(temporary, path)
        failed = sum(d is None for d in content["draws"])
        print(f"{path.name}: {len(content['draws'])} draws ({failed} failed)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
