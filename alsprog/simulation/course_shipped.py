"""The shipped course calibration (``data/course_calibration.json``): the fit of
``calibrate_course()`` at its defaults, stamped with a fingerprint of everything it depends on.

The fingerprint covers the targets and comparisons (each figure's name, quantity, published
value and SE, its kind and whether it is fitted: the file's table shows them all), the course's
start values and fixed figures (``ProgressionSettings.start()``), the cohort's inputs (the ALS,
PLS and PMA phenotypes' figures and life table, as ``disease.draw_cache`` stamps them, and the
onset-site map), the targets' study designs (``data/course_measures.toml``), the seed, the
cohort size, the optimiser's budget, bounds and step, and the code versions of the course and
its measurements (``MODEL_VERSION``, ``MOMENTS_VERSION``). A
file whose stamp does not match is never used: the fit is recomputed (a few minutes, with a
warning naming the script that rewrites the file) or, with ``stale="raise"``, refused.

Rebuild the file with ``PYTHONPATH=. python scripts/build_course_calibration.py``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alsprog import data
from alsprog.errors import InputError
from alsprog.simulation import course_calibration as cc
from alsprog.simulation import course_parameters
from alsprog.simulation.course_moments import MOMENTS_VERSION
from alsprog.simulation.course_targets import default_course_targets
from alsprog.simulation.progression_settings import ProgressionSettings
from alsprog.simulation.study_designs import designs

FILE = "course_calibration.json"
MODEL_VERSION = 3  # bump when progression.py or uptake.py change what a course is
SCRIPT = "scripts/build_course_calibration.py"
DEFAULTS: dict[str, Any] = {"seed": 2026, "n": 12_000, "max_evaluations": 60, "rounds": 3}


class StaleCalibrationWarning(UserWarning):
    """The shipped course calibration does not match its inputs and was recomputed."""


def fingerprint(targets: pd.DataFrame | None = None, start: ProgressionSettings | None = None):
    """A digest of every input the default course calibration depends on."""
    from alsprog.disease import draw_cache
    from alsprog.population.lifetable import DEFAULT_TABLE, life_table
    from alsprog.simulation.subgroups import CohortSettings

    targets = default_course_targets() if targets is None else targets
    start = ProgressionSettings.start() if start is None else start
    table = life_table(DEFAULT_TABLE)
    parts = {
        "model": MODEL_VERSION,
        "moments": MOMENTS_VERSION,
        "calibration": {
            **DEFAULTS,
            "fitted": course_parameters.FITTED,
            "bounds": course_parameters.BOUNDS,
            "step": cc.STEP,
            "missing_z": cc.MISSING_Z,
            "prior": cc.PRIOR_PRECISION,
        },
        "targets": targets[["name", "quantity", "published", "se", "calibrate", "kind"]].to_dict(
            "list"
        ),
        "start": dataclasses.asdict(start),
        "cohort": {name: draw_cache.fingerprint(name, table) for name in ("als", "pls", "pma")},
        "onset_site": dict(CohortSettings.default().onset_site),
        "designs": dataclasses.asdict(designs()),
    }
    text = json.dumps(parts, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_json(calibration: cc.CourseCalibration, stamp: str) -> dict[str, Any]:
    """The file's content for a calibration (fitted values, free coordinates, covariance,
    table)."""
    table = calibration.table.astype(object).where(calibration.table.notna(), None)
    return {
        "fingerprint": stamp,
        "seed": calibration.seed,
        "n": calibration.n,
        "evaluations": calibration.evaluations,
        "objective": calibration.objective,
        "names": list(calibration.fitted),  # the order of free and covariance
        "fitted": {
            name: course_parameters.fitted_value(calibration.settings, name)
            for name in calibration.fitted
        },
        "free": [float(v) for v in calibration.free],
        "covariance": [[float(v) for v in row] for row in calibration.covariance],
        "table": table.to_dict("records"),
    }


def from_json(content: Any) -> cc.CourseCalibration:
    """The ``CourseCalibration`` a file holds (settings on ``ProgressionSettings.start()``)."""
    names = tuple(content["names"])
    fitted = {name: content["fitted"][name] for name in names}
    settings = course_parameters.with_fitted(ProgressionSettings.start(), fitted)
    rows = [dict(row) for row in content["table"]]
    table = pd.DataFrame(rows)
    for column in ("published", "se", "simulated", "z"):
        table[column] = table[column].astype(float)
    table["calibrate"] = table["calibrate"].astype(bool)
    return cc.CourseCalibration(
        settings=settings,
        table=table,
        objective=float(content["objective"]),
        evaluations=int(content["evaluations"]),
        seed=int(content["seed"]),
        n=int(content["n"]),
        fitted=names,
        free=np.array(content["free"], dtype=float),
        covariance=np.array(content["covariance"], dtype=float),
    )


@cache
def shipped_calibration(stale: str = "recompute") -> cc.CourseCalibration:
    """The default course calibration: the shipped file when its fingerprint matches.

    stale : what to do when it does not (or the file is missing): "recompute" (default: run
        ``calibrate_course()`` at its defaults, a few minutes, with a
        ``StaleCalibrationWarning``) or "raise" (an ``InputError`` naming the script).
    """
    if stale not in ("recompute", "raise"):
        raise InputError(
            f"shipped_calibration: stale must be 'recompute' or 'raise' (got {stale!r})"
        )
    content = data.json_file(FILE)
    if content is not None and content.get("fingerprint") == fingerprint():
        return from_json(content)
    why = "is missing" if content is None else "does not match its inputs"
    message = (
        f"the shipped course calibration (alsprog/data/{FILE}) {why}; "
        f"rebuild it with: PYTHONPATH=. python {SCRIPT}"
    )
    if stale == "raise":
        raise InputError(message)
    warnings.warn(message + " (recomputing it now)", StaleCalibrationWarning, stacklevel=2)
    return cc.calibrate_course(**DEFAULTS)


def shipped_settings() -> ProgressionSettings:
    """The shipped course's settings (``shipped_calibration().settings``)."""
    return shipped_calibration().settings


def course_draws(k: int, seed: int = 0) -> tuple[ProgressionSettings, ...]:
    """``k`` course settings drawn from the shipped fit's parameter uncertainty (for
    ``parameter_draws`` and the effect and trial uncertainty; same seed, same draws)."""
    return shipped_calibration().draws(k, seed)


def write(calibration: cc.CourseCalibration, path: str | Path) -> None:
    """Write ``calibration`` stamped with today's fingerprint to ``path`` (a temporary file
    in the same folder, then os.replace)."""
    path = Path(path)
    content = to_json(calibration, fingerprint())
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(content, out, indent=1, sort_keys=True)
            out.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
