"""How the default copula correlation was chosen: the correlation at which a Cox model of
survival from diagnosis on the simulated dFS at diagnosis reproduces the published hazard
ratio (2.8 per ALSFRS-R point per month, Elamin et al., J Neurol 2015; ``data/simulation.toml``).
"""

from __future__ import annotations

import math

import pandas as pd

from alsprog.simulation.cohort import Cohort, simulate_cohort
from alsprog.simulation.settings import simulation_data


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


def calibrate_copula(
    target: float | None = None, n: int = 200_000, seed: int = 2026, tolerance: float = 0.002
) -> float:
    """The copula correlation (in (-0.95, 0)) whose cohort gives the target dFS hazard ratio.

    Bisection on the correlation with common random numbers (one seed), ``n`` patients alive
    at diagnosis; stops when the bracket is narrower than ``tolerance``.
    """
    target = simulation_data()["copula"]["target_hazard_ratio"] if target is None else target
    low, high = -0.95, 0.0  # HR falls as the correlation rises towards 0
    while high - low > tolerance:
        middle = 0.5 * (low + high)
        cohort = simulate_cohort(n, seed, entry="diagnosis", copula_correlation=middle)
        ratio, _, _ = slope_hazard_ratio(cohort)
        if math.log(ratio) > math.log(target):
            low = middle
        else:
            high = middle
    return round(0.5 * (low + high), 3)
