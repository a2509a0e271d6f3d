"""A simulated register shared by the regression tests: Weibull AFT survival from onset with
known effects of age, sex and onset site, censored at 6 years."""

from __future__ import annotations

import numpy as np
import pandas as pd


def weibull_register(n: int, seed: int) -> pd.DataFrame:
    """Weibull AFT data with known effects of age, sex and site (years from onset)."""
    rng = np.random.default_rng(seed)
    age = rng.normal(62.0, 10.0, n)
    sex = rng.choice(["male", "female"], n)
    site = rng.choice(["limb", "bulbar"], n, p=[0.7, 0.3])
    log_ratio = -0.03 * (age - 62.0) - 0.4 * (site == "bulbar") - 0.1 * (sex == "male")
    t = 3.0 * rng.weibull(1.5, n) * np.exp(log_ratio)
    return pd.DataFrame(
        {"time": np.minimum(t, 6.0), "event": (t < 6.0).astype(int), "age_at_onset": age}
        | {"sex": sex, "onset_site": site}
    )
