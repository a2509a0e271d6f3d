"""How the default copula correlation was chosen: the correlation at which a Cox model of
survival from diagnosis on the simulated dFS at diagnosis reproduces the published hazard
ratio (2.8 per ALSFRS-R point per month, Elamin et al., J Neurol 2015; ``data/simulation.toml``).

dFS has a heavy right tail (a short delay divides a fast loss), and the log hazard is not
linear in it, so the Cox estimate depends on the sample size: the published figure came from
117 patients, and the correlation is set so that studies of that size give 2.8 on average
(geometric mean over many simulated studies).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from alsprog import data as data_files
from alsprog.simulation.cohort import Cohort, simulate_cohort


def dfs_at_diagnosis(patients: pd.DataFrame) -> pd.Series:
    """dFS = (48 - ALSFRS-R at diagnosis) / months from onset to diagnosis (points per month)."""
    return (48.0 - patients["alsfrs_r_at_diagnosis"]) / patients["diagnosis_delay_months"]


def slope_hazard_ratio(cohort: Cohort) -> tuple[float, float, float]:
    """Cox (lifelines) hazard ratio of dFS at diagnosis on survival from diagnosis, with its
    95% interval, over the cohort's patients alive at diagnosis (all deaths, as registers
    count them)."""
    from lifelines import CoxPHFitter

    p = cohort.patients
    p = p[p["diagnosis_time"].notna()]
    data = pd.DataFrame(
        {
            "years": p["time"] - p["diagnosis_time"],
            "died": p["event"],
            "dfs": dfs_at_diagnosis(p),
        }
    )
    fit = CoxPHFitter().fit(data, "years", "died")
    row = fit.summary.loc["dfs"]
    return (
        float(row["exp(coef)"]),
        float(row["exp(coef) lower 95%"]),
        float(row["exp(coef) upper 95%"]),
    )


def _split_hazard_ratios(cohort: Cohort, size: int) -> np.ndarray:
    """log hazard ratios of dFS in consecutive studies of ``size`` patients of the cohort."""
    from lifelines import CoxPHFitter

    p = cohort.patients
    data = pd.DataFrame(
        {
            "years": (p["time"] - p["diagnosis_time"]).to_numpy(),
            "died": p["event"].to_numpy(),
            "dfs": dfs_at_diagnosis(p).to_numpy(),
        }
    )
    out = []
    for start in range(0, len(data) - size + 1, size):
        fit = CoxPHFitter().fit(data.iloc[start : start + size], "years", "died")
        out.append(float(fit.params_["dfs"]))
    return np.array(out)


def study_hazard_ratios(
    correlation: float | None, studies: int, size: int | None = None, seed: int = 2026
) -> np.ndarray:
    """log dFS hazard ratios of ``studies`` simulated studies of ``size`` patients alive at
    diagnosis (default: the published study's size)."""
    size = data_files.simulation().copula.study_size if size is None else size
    cohort = simulate_cohort(
        studies * size, seed, entry="diagnosis", copula_correlation=correlation
    )
    return _split_hazard_ratios(cohort, size)


def calibrate_copula(
    target: float | None = None, studies: int = 300, seed: int = 2026, tolerance: float = 0.005
) -> float:
    """The copula correlation (in (-0.95, 0)) at which simulated studies of the published size
    give the target dFS hazard ratio on average (mean log hazard ratio).

    Bisection with common random numbers (one seed); stops when the bracket is narrower than
    ``tolerance``.
    """
    target = data_files.simulation().copula.target_hazard_ratio if target is None else target
    low, high = -0.95, 0.0  # the hazard ratio falls as the correlation rises towards 0
    while high - low > tolerance:
        middle = 0.5 * (low + high)
        if study_hazard_ratios(middle, studies, seed=seed).mean() > math.log(target):
            low = middle
        else:
            high = middle
    return round(0.5 * (low + high), 3)
