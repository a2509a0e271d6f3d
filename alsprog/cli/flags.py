"""What the command line shares beyond ``common``: the one seed default, the timing flags of an
effect (the same on ``effect`` and ``trial``), and errors worded with the flags the user typed.

``DEFAULT_SEED`` is every subcommand's seed and the Python API's (``alsprog.power``,
``alsprog.translate``, ``alsprog.simulate_cohort`` callers pass 0 too), so the command line and
Python give the same numbers for the same call. ``flag_errors`` rewrites an ``InputError`` from
the library that names a Python parameter (``diagnosis_delay_months``) into the flag
(``--delay-months``).
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager

from alsprog.errors import InputError

DEFAULT_SEED = 0
SEED_HELP = f"random seed (default {DEFAULT_SEED}, as in Python); same seed, same output"
TIME_RATIO_HELP = "a time ratio: survival time after the effect starts is stretched by X"

FLAGS = {  # Python parameter -> the flag a user types
    "diagnosis_delay_months": "--delay-months",
    "fvc_percent": "--fvc",
    "alsfrs_r": "--alsfrs-r",
    "age_at_onset": "--age-at-onset",
    "years_since_onset": "--years-since-onset",
    "n_per_arm": "--n-per-arm",
    "followup_years": "--followup-years",
    "dropout_per_year": "--dropout-per-year",
    "visit_interval_weeks": "--visit-interval-weeks",
    "visit_interval_months": "--visit-interval-months",
    "max_disease_duration_years": "--max-disease-duration-years",
    "min_alsfrs_r": "--min-alsfrs-r",
    "min_item_score": "--min-item-score",
    "dfs_range": "--dfs-range",
    "target_power": "--target-power",
    "n_max": "--n-max",
    "start_years": "--start-years",
    "duration_years": "--duration-years",
    "hazard_ratio": "--hazard-ratio",
    "time_ratio": "--time-ratio",
    "replicates": "--replicates",
    "allocation": "--allocation",
    "alpha": "--alpha",
    "draws": "--draws",
    "seed": "--seed",
}
PHRASES = {"scheduler=None": "no --scheduler", "scheduler=": "--scheduler "}
_WORD = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, FLAGS)) + r")(?![\w])")


def in_flags(message: str) -> str:
    """``message`` with Python parameter names replaced by the flags a user types."""
    for phrase, words in PHRASES.items():
        message = message.replace(phrase, words)
    return _WORD.sub(lambda m: FLAGS[m.group(1)], message)


@contextmanager
def flag_errors() -> Iterator[None]:
    """Re-raise an InputError worded with flags instead of Python parameter names."""
    try:
        yield
    except InputError as error:
        raise InputError(in_flags(str(error))) from None


def add_seed_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S", help=SEED_HELP)


def add_population_flag(p: argparse.ArgumentParser) -> None:
    """--population: the patients' demographics, a named population (``Population.names()``)."""
    p.add_argument(
        "--population",
        choices=["default", "register"],
        default=None,
        help="the patients' demographics: default (onset age Normal(55, 10), the MSD Manual's "
        "modal decade) or register (onset as population registers report it, mean 64); the "
        "phenotype is calibrated over them (default: default)",
    )


def add_timing_flags(p: argparse.ArgumentParser, anchor: str, *, diagnosis: bool) -> None:
    """--start-years and --duration-years of a hazard ratio or slope reduction (counted from
    ``anchor``), and --from-diagnosis where the command honours it."""
    p.add_argument(
        "--start-years",
        type=float,
        default=0.0,
        metavar="YEARS",
        help=f"hazard ratio or slope reduction: starts this many years after {anchor} (default 0)",
    )
    p.add_argument(
        "--duration-years",
        type=float,
        default=math.inf,
        metavar="YEARS",
        help="hazard ratio or slope reduction: how long it lasts (default: for life)",
    )
    if diagnosis:
        p.add_argument(
            "--from-diagnosis",
            action="store_true",
            help="hazard ratio: count --start-years from each patient's diagnosis "
            "(default: from onset)",
        )
    p.add_argument(
        "--baseline",
        default="als",
        metavar="PHENOTYPE",
        help="the untreated population: als, als_limb, als_bulbar, als_flail, pbp, pma, pls, "
        "ppbp (default als)",
    )
