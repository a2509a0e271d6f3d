"""Simple two-arm test data for the endpoint tests (not the package's trial simulation).

Weibull death times under proportional hazards, staggered administrative censoring and
exponential dropout; linear ALSFRS-R courses with a random intercept and slope per patient and
Gaussian visit noise, observed at scheduled visits while the patient is on study.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

WEEKS_PER_YEAR = 365.25 / 7


def survival_trials(
    rng: np.random.Generator,
    replicates: int,
    n_per_arm: int,
    *,
    hazard_ratio: float = 1.0,
    shape: float = 1.3,
    scale: float = 2.5,
    followup: float = 1.0,
    accrual: float = 0.5,
    dropout_per_year: float = 0.1,
    round_to: float | None = None,
) -> pd.DataFrame:
    """Columns replicate, patient_id, arm, time_on_study (years), event (0/1)."""
    size = replicates * 2 * n_per_arm
    treated = np.tile(np.repeat([False, True], n_per_arm), replicates)
    # Weibull PH: S(t)^HR is Weibull with scale * HR^(-1/shape)
    death = scale * np.where(treated, hazard_ratio ** (-1 / shape), 1.0)
    death = death * rng.weibull(shape, size)
    admin = followup + accrual * rng.uniform(size=size)
    dropout = rng.exponential(1 / dropout_per_year, size)
    time = np.minimum(death, np.minimum(admin, dropout))
    if round_to is not None:
        time = np.maximum(np.round(time / round_to), 1) * round_to
    return pd.DataFrame(
        {
            "replicate": np.repeat(np.arange(replicates), 2 * n_per_arm),
            "patient_id": np.tile(np.arange(2 * n_per_arm), replicates),
            "arm": np.where(treated, "treatment", "control"),
            "time_on_study": time,
            "event": (death <= np.minimum(admin, dropout)).astype(int),
        }
    )


def visit_trials(
    rng: np.random.Generator,
    patients: pd.DataFrame,
    *,
    interval_weeks: int = 4,
    last_week: int = 48,
    intercept: tuple[float, float] = (38.0, 4.0),
    slope_per_month: tuple[float, float] = (-1.0, 0.4),
    correlation: float = 0.0,
    noise_sd: float = 1.5,
    slope_effect: float = 0.0,
    integer: bool = True,
) -> pd.DataFrame:
    """Columns replicate, patient_id, arm, weeks_on_study, alsfrs_r, one row per visit attended.

    A patient attends every scheduled week up to their time on study; ``slope_effect`` is added
    to the treatment arm's mean slope (points per month). ``integer`` rounds and clips to 0-48.
    """
    size = len(patients)
    z = rng.standard_normal((size, 2))
    z[:, 1] = correlation * z[:, 0] + np.sqrt(1 - correlation**2) * z[:, 1]
    treated = (patients["arm"] == "treatment").to_numpy()
    a = intercept[0] + intercept[1] * z[:, 0]
    b = slope_per_month[0] + slope_per_month[1] * z[:, 1] + slope_effect * treated
    weeks = np.arange(0, last_week + 1, interval_weeks)
    months = weeks / (WEEKS_PER_YEAR / 12)
    score = a[:, None] + b[:, None] * months + noise_sd * rng.standard_normal((size, weeks.size))
    if integer:
        score = np.clip(np.round(score), 0, 48)
    attended = weeks[None, :] / WEEKS_PER_YEAR <= patients["time_on_study"].to_numpy()[:, None]
    attended[:, 0] = True
    row, col = np.nonzero(attended)
    return pd.DataFrame(
        {
            "replicate": patients["replicate"].to_numpy()[row],
            "patient_id": patients["patient_id"].to_numpy()[row],
            "arm": patients["arm"].to_numpy()[row],
            "weeks_on_study": weeks[col].astype(float),
            "alsfrs_r": score[row, col],
        }
    )
