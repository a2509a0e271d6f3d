"""The one result table every endpoint returns: a row per replicate, tidy columns."""

from __future__ import annotations

import numpy as np
import pandas as pd

RESULT_COLUMNS = (
    "replicate",
    "endpoint",
    "estimate",
    "lower",
    "upper",
    "statistic",
    "p_value",
    "n_events",
    "n_analysed",
)


def endpoint_frame(
    endpoint: str,
    replicates: np.ndarray,
    *,
    estimate: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    statistic: np.ndarray,
    p_value: np.ndarray,
    n_events: np.ndarray,
    n_analysed: np.ndarray,
) -> pd.DataFrame:
    """One row per replicate of ``endpoint`` with the columns of ``RESULT_COLUMNS``."""
    return pd.DataFrame(
        {
            "replicate": replicates,
            "endpoint": endpoint,
            "estimate": np.asarray(estimate, dtype=float),
            "lower": np.asarray(lower, dtype=float),
            "upper": np.asarray(upper, dtype=float),
            "statistic": np.asarray(statistic, dtype=float),
            "p_value": np.asarray(p_value, dtype=float),
            "n_events": np.asarray(n_events, dtype=np.int64),
            "n_analysed": np.asarray(n_analysed, dtype=np.int64),
        },
        columns=list(RESULT_COLUMNS),
    )


def normal_quantile(alpha: float) -> float:
    """The two-sided normal critical value z_(1 - alpha/2)."""
    from scipy import special  # not scipy.stats: a second to load

    return float(-special.ndtri(alpha / 2))
