"""The reference slope analysis of one trial: a linear mixed model (statsmodels MixedLM).

ALSFRS-R = b0 + b1 months + b2 treatment + b3 months x treatment + random intercept and slope
per patient (unstructured 2 x 2 covariance) + noise, fitted by REML. b3 is the slope difference
(points per month). statsmodels' default optimiser stalls on realistic ALSFRS-R data without
always saying so, and L-BFGS alone sometimes stops at a worse point flagged as converged, so the
fit starts with Powell (then L-BFGS if Powell gives up) and is polished by L-BFGS restarted from
the best point until a restart gains less than 1e-6 in REML log-likelihood, or 1e-9 of its size
if larger (Powell's own stopping rule can leave ~0.5 on the table); it fails loudly unless the
kept fit says it converged.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from alsprog.errors import FitError, check_probability
from alsprog.trials.analysis.inputs import (
    CALENDAR_WEEKS_PER_MONTH,
    Patients,
    Visits,
    patients_arrays,
    visits_arrays,
)
from alsprog.trials.analysis.results import endpoint_frame

METHODS = ("powell", "lbfgs")
LOGLIK_TOLERANCE = 1e-6  # REML log-likelihood a polishing refit may still gain at the optimum
RELATIVE_TOLERANCE = 1e-9  # ... or this share of |log-likelihood|, if larger: a gain d moves the
# estimates by at most about sqrt(2 d) standard errors (2e-5 at -24,000: 0.006 SE)
POLISH_ROUNDS = 5


@dataclass(frozen=True)
class MixedSlopeFit:
    """One trial's mixed-model slope analysis.

    estimate : slope difference, treatment minus control (ALSFRS-R points per month).
    se : its standard error; lower, upper : Wald interval; z, p_value : Wald test.
    mean_slope_control : the control arm's mean slope (points per month).
    intercept_sd, slope_sd (points, points per month), correlation : random effects.
    residual_sd : visit-to-visit noise (points). loglik : REML log-likelihood.
    converged : statsmodels' flag for the kept fit. n_patients, n_visits : data used.
    """

    estimate: float
    se: float
    lower: float
    upper: float
    z: float
    p_value: float
    mean_slope_control: float
    intercept_sd: float
    slope_sd: float
    correlation: float
    residual_sd: float
    loglik: float
    converged: bool
    n_patients: int
    n_visits: int


def fit_slope_mixed(
    patient: np.ndarray,
    months: np.ndarray,
    score: np.ndarray,
    treated: np.ndarray,
    *,
    alpha: float = 0.05,
) -> MixedSlopeFit:
    """Fit the mixed model to one trial's visits, one entry per visit.

    Parameters
    ----------
    patient : patient label of each visit. months : months on study.
    score : ALSFRS-R total. treated : True for visits of treatment-arm patients.
    alpha : two-sided level of the Wald interval.
    """
    from statsmodels.regression.mixed_linear_model import MixedLM

    x = treated.astype(float)
    exog = np.column_stack([np.ones_like(months), months, x, months * x])
    exog_re = np.column_stack([np.ones_like(months), months])
    model = MixedLM(score, exog, groups=patient, exog_re=exog_re)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence is checked below, not warned about
        best = model.fit(reml=True, method=list(METHODS))
        for _ in range(POLISH_ROUNDS):
            polished = model.fit(reml=True, method="lbfgs", start_params=best.params_object)
            gain = polished.llf - best.llf
            if gain > 0:
                best = polished
            tolerance = max(LOGLIK_TOLERANCE, RELATIVE_TOLERANCE * abs(best.llf))
            if gain <= tolerance:
                break
    if not (best.converged and np.isfinite(best.llf) and gain <= tolerance):
        raise FitError(
            f"slope_mixed: MixedLM did not converge (log-likelihood {best.llf:.6g}, last "
            f"polish gained {gain:.2g}); check the visits (enough patients with two or more "
            "visits in each arm)"
        )
    estimate, se = float(best.fe_params[3]), float(best.bse_fe[3])
    z = estimate / se
    half = -special.ndtri(alpha / 2) * se
    cov = np.asarray(best.cov_re)
    sd = np.sqrt(np.diag(cov))
    return MixedSlopeFit(
        estimate=estimate,
        se=se,
        lower=float(estimate - half),
        upper=float(estimate + half),
        z=float(z),
        p_value=float(2 * special.ndtr(-abs(z))),
        mean_slope_control=float(best.fe_params[1]),
        intercept_sd=float(sd[0]),
        slope_sd=float(sd[1]),
        correlation=float(cov[0, 1] / (sd[0] * sd[1])),
        residual_sd=float(np.sqrt(best.scale)),
        loglik=float(best.llf),
        converged=bool(best.converged),
        n_patients=int(np.unique(patient).size),
        n_visits=int(months.size),
    )


def slope_mixed_arrays(patients: Patients, visits: Visits, alpha: float = 0.05) -> pd.DataFrame:
    """The mixed-model slope difference of each replicate, one fit per replicate."""
    rows: list[tuple[float, ...]] = []
    replicate = patients.replicate[visits.patient]
    for code in range(patients.n_replicates):
        keep = replicate == code
        result = fit_slope_mixed(
            visits.patient[keep],
            visits.weeks[keep] / CALENDAR_WEEKS_PER_MONTH,
            visits.score[keep],
            patients.treatment[visits.patient[keep]],
            alpha=alpha,
        )
        rows.append((result.estimate, result.lower, result.upper, result.z, result.p_value))
        rows[-1] += (result.n_patients,)
    values = np.array(rows, dtype=float).reshape(-1, 6)
    return endpoint_frame(
        "slope",
        patients.replicates,
        estimate=values[:, 0],
        lower=values[:, 1],
        upper=values[:, 2],
        statistic=values[:, 3],
        p_value=values[:, 4],
        n_events=patients.per_replicate(patients.event),
        n_analysed=values[:, 5],
    )


def slope_mixed(
    patients: pd.DataFrame, visits: pd.DataFrame, *, alpha: float = 0.05
) -> pd.DataFrame:
    """ALSFRS-R slope difference from the linear mixed model, one MixedLM fit per replicate.

    The reference for ``alsprog.trials.analysis.function.slope`` (far slower: use it for one trial).
    Raises ``FitError`` when a fit does not converge (see the module docstring).

    Returns
    -------
    DataFrame, one row per replicate, the columns of ``slope``: estimate (slope difference,
    points per month, treatment minus control), lower, upper (Wald interval), statistic (Wald
    z), p_value, n_events (deaths), n_analysed (patients with visits).
    """
    check_probability("slope_mixed: alpha", alpha, open_interval=True)
    arrays = patients_arrays(patients)
    return slope_mixed_arrays(arrays, visits_arrays(visits, arrays), alpha)
