"""``analyse``: every endpoint of every replicate from the tidy patients and visits tables."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import cast

import numpy as np
import pandas as pd

from alsprog.errors import InputError, check_probability
from alsprog.trials.analysis.cafs import cafs_arrays
from alsprog.trials.analysis.function import ancova_arrays, check_ancova_options, slope_arrays
from alsprog.trials.analysis.inputs import Patients, Visits, patients_arrays, visits_arrays
from alsprog.trials.analysis.mixed import slope_mixed_arrays
from alsprog.trials.analysis.results import RESULT_COLUMNS
from alsprog.trials.analysis.survival import TIES, cox_arrays, logrank_arrays, risk_sets

ENDPOINTS = ("logrank", "cox", "ancova_24w", "slope", "cafs")
SURVIVAL_ENDPOINTS = ("logrank", "cox")
SLOPE_METHODS = ("two_stage", "mixed")


def check_endpoints(endpoints: Sequence[str] | str | None, has_visits: bool) -> tuple[str, ...]:
    """The endpoints to analyse, in canonical order; InputError on an unknown or unusable one."""
    if endpoints is None:
        return ENDPOINTS if has_visits else SURVIVAL_ENDPOINTS
    chosen = (endpoints,) if isinstance(endpoints, str) else tuple(endpoints)
    unknown = [e for e in chosen if e not in ENDPOINTS]
    if unknown or not chosen:
        raise InputError(
            f"endpoints: {unknown[0] if unknown else 'none'!r} is not an endpoint; "
            f"choose from {', '.join(ENDPOINTS)}"
        )
    needs = [e for e in chosen if e not in SURVIVAL_ENDPOINTS]
    if needs and not has_visits:
        raise InputError(f"endpoints: {needs[0]} needs visits; pass visits= or drop it")
    return tuple(e for e in ENDPOINTS if e in chosen)


def analyse(
    patients: pd.DataFrame,
    visits: pd.DataFrame | None = None,
    endpoints: Sequence[str] | str | None = None,
    *,
    alpha: float = 0.05,
    ties: str = "efron",
    week: float = 24.0,
    window_weeks: float = 0.0,
    missing: str = "complete_case",
    slope_method: str = "two_stage",
) -> pd.DataFrame:
    """Analyse every replicate of a simulated (or real) two-arm trial with each endpoint.

    Parameters
    ----------
    patients : survival data, one row per patient (and replicate): replicate (optional),
        patient_id (needed with visits), arm ("control"/"treatment"), time_on_study (years
        from enrolment), event (1 died, 0 censored). Extra columns are ignored.
    visits : visit data, one row per visit: replicate (when patients has it), patient_id,
        arm, weeks_on_study (0 is baseline), alsfrs_r. Needed by ancova_24w, slope and cafs.
    endpoints : any of "logrank", "cox", "ancova_24w", "slope", "cafs"; default all five with
        visits, the two survival endpoints without.
    alpha : two-sided level of every interval (power is computed later, at its own alpha).
    ties : Cox ties, "efron" (lifelines, R) or "breslow". See ``survival.cox``.
    week, window_weeks, missing : the ANCOVA visit and its missing-data rule,
        "complete_case", "locf" or "worst_rank". See ``function.ancova_24w``.
    slope_method : "two_stage" (batched per-patient slopes, Welch t; for power) or "mixed"
        (one statsmodels MixedLM per replicate: the reference, for a single trial).

    Returns
    -------
    DataFrame, one row per replicate and endpoint, sorted by replicate then endpoint (in the
    order above): replicate, endpoint, estimate, lower, upper (1 - alpha interval),
    statistic, p_value (two-sided), n_events (deaths in the replicate), n_analysed
    (patients contributing). Estimates: logrank Peto's hazard ratio, cox the Cox hazard
    ratio, ancova_24w the adjusted difference in change (points), slope the slope
    difference (points per month), cafs the net benefit; each endpoint's function documents
    its statistic. Without a replicate column the trial is replicate 0.
    """
    check_probability("analyse: alpha", alpha, open_interval=True)
    if ties not in TIES:
        raise InputError(f"analyse: ties {ties!r} is unknown; use 'efron' or 'breslow'")
    if slope_method not in SLOPE_METHODS:
        raise InputError(
            f"analyse: slope_method {slope_method!r} is unknown; use 'two_stage' or 'mixed'"
        )
    check_ancova_options(week, window_weeks, missing)
    chosen = check_endpoints(endpoints, visits is not None)
    arrays = patients_arrays(patients)
    needs_visits = any(e not in SURVIVAL_ENDPOINTS for e in chosen)
    visit_arrays = visits_arrays(visits, arrays) if needs_visits else None
    return analyse_arrays(
        arrays,
        visit_arrays,
        chosen,
        alpha=alpha,
        ties=ties,
        week=week,
        window_weeks=window_weeks,
        missing=missing,
        slope_method=slope_method,
    )


def analyse_arrays(
    arrays: Patients,
    visit_arrays: Visits | None,
    chosen: tuple[str, ...],
    *,
    alpha: float = 0.05,
    ties: str = "efron",
    week: float = 24.0,
    window_weeks: float = 0.0,
    missing: str = "complete_case",
    slope_method: str = "two_stage",
) -> pd.DataFrame:
    """``analyse`` on data already checked and in arrays (``Patients``, ``Visits``), with
    ``chosen`` endpoints in canonical order (``check_endpoints``); the same output."""
    slopes = slope_arrays if slope_method == "two_stage" else slope_mixed_arrays
    seen = cast(Visits, visit_arrays)  # the function endpoints are chosen only with visits
    shared = lru_cache(maxsize=1)(lambda: risk_sets(arrays))  # log-rank and Cox: one table
    engines = {
        "logrank": lambda: logrank_arrays(arrays, alpha, shared()),
        "cox": lambda: cox_arrays(arrays, alpha, ties, shared()),
        "ancova_24w": lambda: ancova_arrays(
            arrays,
            seen,
            week=week,
            window_weeks=window_weeks,
            missing=missing,
            alpha=alpha,
        ),
        "slope": lambda: slopes(arrays, seen, alpha),
        "cafs": lambda: cafs_arrays(arrays, seen, alpha),
    }
    frames = [engines[name]() for name in chosen]
    result = pd.concat(frames, ignore_index=True)[list(RESULT_COLUMNS)]
    # every frame has a row per replicate, in replicate order: interleave them, replicate by
    # replicate, endpoints in ENDPOINTS order (``chosen`` is in it)
    n = arrays.n_replicates
    order = (np.arange(n)[:, None] + n * np.arange(len(frames))[None, :]).ravel()
    return result.take(order).reset_index(drop=True)
