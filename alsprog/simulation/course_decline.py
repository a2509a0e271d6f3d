"""ALSFRS-R decline as population-based cohorts measure it (van Eijk et al., Amyotroph Lateral
Scler Frontotemporal Degener 2025, PRECISION-ALS: seven population-based European cohorts).

``course_moments`` scores the calibration cohort at ``population_visits`` and reads
``population_decline`` from the totals. The average rate is the mean of the patients'
least-squares slopes (``decline_slopes``). The spread is read as a mixed model reads it: a
patient's rate is their slope shrunk towards the mean by how much their few visits can tell
(``patient_rates``, empirical Bayes under a random-slope model whose two variances come from
the slopes themselves), so a patient seen three times before dying is not taken at the word of
three scores.
"""

from __future__ import annotations

import numpy as np

from alsprog.simulation import study_designs

# van Eijk et al. 2025 (data/course_measures.toml [vaneijk2025], read by study_designs): ALSFRS-R
# from the first assessment (read as diagnosis) every visit_months up to death or
# follow_up_months; a patient's slope by least squares over at least min_visits visits
QUANTITIES = (
    "alsfrs_r_decline_24_months_mean",
    "alsfrs_r_decline_24_months_p025",
    "alsfrs_r_decline_24_months_p975",
)


def min_visits() -> int:
    """The fewest visits a patient's slope counts over (``study_designs``: van Eijk's 3)."""
    return study_designs.designs().vaneijk2025.min_visits


def population_visits(delay: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The visit times (years from onset, (n, m)) of patients diagnosed ``delay`` years after
    onset, and the visits' months from diagnosis (m,): every visit_months up to
    follow_up_months (``study_designs``: 3 and 24)."""
    design = study_designs.designs().vaneijk2025
    months = np.arange(0.0, design.follow_up_months + 1e-9, design.visit_months)
    return delay[:, None] + months[None, :] / 12.0, months


def _least_squares(
    scores: np.ndarray, months: np.ndarray, seen: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per patient: slope (points lost per month), residual sum of squares, the visits' spread
    sum((x - mean x)^2) (months^2) and the number of visits seen."""
    w = seen.astype(float)
    x = np.broadcast_to(months, w.shape)
    y = np.asarray(scores, dtype=float)
    k = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = (w * x).sum(axis=1) / k
        my = (w * y).sum(axis=1) / k
        dx = x - mx[:, None]
        dy = y - my[:, None]
        sxy = (w * dx * dy).sum(axis=1)
        sxx = (w * dx**2).sum(axis=1)
        slope = -sxy / sxx
        rss = (w * (dy + slope[:, None] * dx) ** 2).sum(axis=1)
    return slope, rss, sxx, k


def decline_slopes(scores: np.ndarray, months: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Each patient's least-squares ALSFRS-R decline (points per month, > 0 for a falling
    score) over the visits ``seen`` (n, m bool) at ``months`` (m,) or (n, m) with totals
    ``scores`` (n, m); nan where fewer than ``min_visits`` (``study_designs``: 3) visits were
    seen."""
    slope, _, _, k = _least_squares(scores, months, seen)
    return np.where(k >= min_visits(), slope, np.nan)


def patient_rates(scores: np.ndarray, months: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """The patients' rates (points per month) as a random-slope mixed model estimates them,
    for the patients with at least ``min_visits()`` visits (the others are left out):
    each least-squares slope b_i shrunk towards the mean slope m by tau^2 / (tau^2 + v_i),
    where v_i = s^2 / sxx_i is the slope's sampling variance (s^2 the residual variance about
    the patients' lines, pooled over their degrees of freedom) and tau^2 = var(b) - mean(v)
    the spread of the true rates (method of moments; 0 if negative, then every rate is m)."""
    slope, rss, sxx, k = _least_squares(scores, months, seen)
    keep = k >= min_visits()
    return _shrunk(slope[keep], rss[keep], sxx[keep], k[keep])


def _shrunk(slope: np.ndarray, rss: np.ndarray, sxx: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``patient_rates`` from the least-squares fits of the patients kept."""
    if not slope.size:
        return slope
    residual = rss.sum() / (k - 2).sum()
    sampling = residual / sxx
    spread = max(float(slope.var() - sampling.mean()), 0.0)
    mean = slope.mean()
    if spread == 0.0:
        return np.full(slope.size, mean)
    return mean + spread / (spread + sampling) * (slope - mean)


def population_decline(scores: np.ndarray, months: np.ndarray, seen: np.ndarray) -> dict:
    """``QUANTITIES``: the mean of ``decline_slopes`` (points per month) and the 2.5th and
    97.5th percentiles of ``patient_rates``, over the patients with enough visits (nan if
    none)."""
    slope, rss, sxx, k = _least_squares(scores, months, seen)  # one fit for both readings
    keep = k >= min_visits()
    slopes = slope[keep][np.isfinite(slope[keep])]
    if not slopes.size:
        return dict.fromkeys(QUANTITIES, float("nan"))
    rates = _shrunk(slope[keep], rss[keep], sxx[keep], k[keep])
    low, high = np.quantile(rates, [0.025, 0.975])
    return dict(zip(QUANTITIES, (slopes.mean(), low, high), strict=True))
