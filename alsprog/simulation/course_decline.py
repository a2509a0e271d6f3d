"""ALSFRS-R decline as population-based cohorts measure it: each patient's least-squares slope
over visits from diagnosis (van Eijk et al., Amyotroph Lateral Scler Frontotemporal Degener
2025, PRECISION-ALS: seven population-based European cohorts).

``course_moments`` scores the calibration cohort at ``population_visits`` and reads
``population_decline`` from the totals; ``decline_slopes`` is the per-patient least-squares
slope over the visits each patient was seen at, all patients at once.
"""

from __future__ import annotations

import numpy as np

# van Eijk et al. 2025: ALSFRS-R from the first assessment (read as diagnosis) every
# POPULATION_VISIT_MONTHS (assumption: the cohorts' own schedules were not read) up to death or
# POPULATION_MONTHS; a patient's slope by least squares over at least POPULATION_MIN_VISITS
# visits
POPULATION_MONTHS, POPULATION_VISIT_MONTHS, POPULATION_MIN_VISITS = 24.0, 3.0, 3
QUANTITIES = ("alsfrs_r_decline_24_months_mean", "alsfrs_r_decline_24_months_p975")


def population_visits(delay: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The visit times (years from onset, (n, m)) of patients diagnosed ``delay`` years after
    onset, and the visits' months from diagnosis (m,)."""
    months = np.arange(0.0, POPULATION_MONTHS + 1e-9, POPULATION_VISIT_MONTHS)
    return delay[:, None] + months[None, :] / 12.0, months


def decline_slopes(scores: np.ndarray, months: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Each patient's least-squares ALSFRS-R decline (points per month, > 0 for a falling
    score) over the visits ``seen`` (n, m bool) at ``months`` (m,) or (n, m) with totals
    ``scores`` (n, m); nan where fewer than POPULATION_MIN_VISITS visits were seen."""
    w = seen.astype(float)
    x = np.broadcast_to(months, w.shape)
    y = np.asarray(scores, dtype=float)
    k = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = (w * x).sum(axis=1) / k
        my = (w * y).sum(axis=1) / k
        dx = x - mx[:, None]
        sxy = (w * dx * (y - my[:, None])).sum(axis=1)
        sxx = (w * dx**2).sum(axis=1)
        slope = -sxy / sxx
    return np.where(k >= POPULATION_MIN_VISITS, slope, np.nan)


def population_decline(scores: np.ndarray, months: np.ndarray, seen: np.ndarray) -> dict:
    """The mean and 97.5th percentile (points per month) of ``decline_slopes`` over the
    patients with enough visits (``QUANTITIES``; nan if none)."""
    slope = decline_slopes(scores, months, seen)
    slope = slope[np.isfinite(slope)]
    if not slope.size:
        return dict.fromkeys(QUANTITIES, float("nan"))
    return dict(zip(QUANTITIES, (slope.mean(), np.quantile(slope, 0.975)), strict=True))
