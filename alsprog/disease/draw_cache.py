"""Shipped calibrations: the phenotypes' point estimates and a pool of their redrawn versions.

Calibrating ALS takes about a second and each redrawn version another tenth, so a cold
``alsprog prognosis`` spent 3-10 s before answering. The parameter vectors are stored once,
by ``scripts/build_draw_sets.py``, in ``data/draws_<phenotype>_<table>.json``, each file
stamped with a fingerprint of everything its numbers depend on (every phenotype's figures, as
one may borrow a parameter from another; the default population; the prognostic factors; the
life table's death probabilities; ``CACHE_VERSION``). A file whose stamp does not match is
ignored and the numbers are computed: pool draw i is always a recalibration to the figures
redrawn from its own stream (``estimation.redraws``). Where a phenotype has more parameters than
its figures pin (the ALS mixture), the calibrations form a ridge of equally good fits and the
point an optimiser stops at moves with the machine's arithmetic (BLAS threads, processor
kernels); the shipped files fix one point of it, so every machine gives the same numbers.

A request for n draws with a seed takes n distinct pool members, chosen by the seed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np

from alsprog import data
from alsprog.population.lifetable import LifeTable

CACHE_VERSION = 1  # bump when calibration code changes what a phenotype's numbers are
POOL_SIZE = 300
POOL_SEED = 20261124


def file_name(name: str, table: LifeTable | None) -> str:
    return f"draws_{name}_{'none' if table is None else table.name}.json"


def fingerprint(name: str, table: LifeTable | None) -> str:
    """A digest of every input a phenotype's calibration depends on."""
    figures = data.thaw(data.table("phenotypes.toml"))  # as parsed: the stamps stay valid
    parts = {
        "version": CACHE_VERSION,
        "pool": [POOL_SIZE, POOL_SEED],
        "name": name,
        "phenotypes": figures["phenotype"],  # all of them: a phenotype may borrow from another
        "population": figures["population"],
        "covariates": figures["covariates"],
        "table": None if table is None else [table.name, np.asarray(table.qx).round(12).tolist()],
    }
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def cached(name: str, table: LifeTable | None) -> Mapping[str, Any] | None:
    """{"point": theta, "draws": (theta or None, ...)} when a fresh shipped file exists
    (frozen: tuples in a FrozenDict)."""
    content = data.json_file(file_name(name, table))
    if content is None or content.get("fingerprint") != fingerprint(name, table):
        return None
    return content


def pool_indices(n: int, seed: int) -> np.ndarray:
    """Which pool members a request for ``n`` draws under ``seed`` uses (distinct)."""
    rng = np.random.default_rng(np.random.SeedSequence(int(seed)))
    return rng.permutation(max(POOL_SIZE, n))[:n]


def as_vector(values: Sequence[float] | None) -> np.ndarray | None:
    return None if values is None else np.array([float(v) for v in values])


def encoded(theta: np.ndarray | None) -> list[float] | None:
    return None if theta is None else [float(v) for v in theta]
