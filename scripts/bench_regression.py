"""Speed of survival regression (``alsprog.fit`` with covariates) against lifelines."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from bench_common import best_of, record
from threadpoolctl import threadpool_limits


def cohort(n: int, seed: int = 28) -> pd.DataFrame:
    """n censored, left-truncated rows with five covariate columns (age, sex, a three-level
    site, diagnostic delay), Weibull AFT times in years from onset."""
    rng = np.random.default_rng(seed)
    age = rng.normal(62, 10, 2 * n)
    male = rng.integers(0, 2, 2 * n)
    site = rng.choice(["limb", "bulbar", "respiratory"], 2 * n, p=[0.6, 0.3, 0.1])
    delay = rng.gamma(2.0, 0.5, 2 * n)  # years from onset to diagnosis
    eta = 1.3 - 0.02 * (age - 62) - 0.1 * male - 0.4 * (site == "bulbar") + 0.2 * delay
    death = np.exp(eta) * rng.weibull(1.5, 2 * n)
    entry = delay * rng.uniform(0.5, 1.0, 2 * n)
    keep = np.flatnonzero(death > entry)[:n]
    censor = entry + rng.uniform(0.5, 5.0, 2 * n)
    return pd.DataFrame(
        {
            "time": np.minimum(death, censor)[keep],
            "event": (death <= censor)[keep].astype(int),
            "entry": entry[keep],
            "age": age[keep],
            "male": male[keep].astype(float),
            "site": site[keep],
            "delay": delay[keep],
        }
    )


def regression(n: int) -> None:
    import lifelines

    import alsprog

    data = cohort(n)
    covariates = ["age", "male", "site", "delay"]  # five columns: site has two dummies
    dummies = pd.get_dummies(data, columns=["site"], drop_first=True, dtype=float)

    def theirs() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lifelines.WeibullAFTFitter().fit(dummies, "time", "event", entry_col="entry")

    def theirs_one_thread() -> None:  # the BLAS setting alsprog's fit uses, for a fair match
        with threadpool_limits(limits=1, user_api="blas"):
            theirs()

    # warm both up on 500 rows first (imports, first-call set-up), so the rows time the fits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lifelines.WeibullAFTFitter().fit(dummies[:500], "time", "event", entry_col="entry")
    alsprog.fit("weibull", data[:500], entry="entry", covariates=covariates)
    lifelines_time = min(best_of(theirs, 1), best_of(theirs_one_thread, 1))
    for scale in ("aft", "ph"):
        ours = best_of(
            lambda scale=scale: alsprog.fit(
                "weibull", data, entry="entry", covariates=covariates, scale=scale
            ),
            1,
        )
        record(
            f"fit weibull {scale} + 5 covariates, {n:,} rows",
            ours,
            lifelines_time,
            "lifelines WeibullAFTFitter (faster BLAS setting)",
            ">= 2x faster",
        )
    ours = best_of(
        lambda: alsprog.fit("spline", data, entry="entry", covariates=covariates, scale="odds"), 1
    )
    record(f"fit odds-scale spline + 5 covariates, {n:,} rows", ours, None, "", "< 2 s")
