"""Survival regression families against exact equivalents: the piecewise exponential is a
Poisson regression on split follow-up (statsmodels), the exponential's PH and AFT forms are one
model, frequency weights are repeated rows; and a fitted regression pickles."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import alsprog

COHORT = pd.read_csv(Path(__file__).parent / "data" / "regression_cohort.csv")
COVARIATES = ["age", "sex", "site"]


def _truncated(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.normal(60, 10, n)
    male = rng.integers(0, 2, n).astype(float)
    death = rng.exponential(np.exp(1.0 - 0.03 * (age - 60) + 0.4 * male)) * rng.weibull(1.2, n)
    entry = rng.uniform(0, 0.8, n)
    keep = death > entry
    censor = entry + rng.uniform(0.5, 4.0, n)
    return pd.DataFrame(
        {
            "time": np.minimum(death, censor)[keep],
            "event": (death <= censor)[keep].astype(int),
            "entry": entry[keep],
            "age": age[keep],
            "male": male[keep],
        }
    )


def test_piecewise_exponential_is_a_poisson_regression_on_split_follow_up() -> None:
    data = _truncated(1500, 1)
    cuts = [1.0, 2.0]
    ours = alsprog.fit(
        "piecewise_exponential", data, entry="entry", covariates=["age", "male"], breakpoints=cuts
    )
    lower, upper = np.array([0.0, *cuts]), np.array([*cuts, np.inf])
    t, e = data["time"].to_numpy()[:, None], data["entry"].to_numpy()[:, None]
    exposure = np.clip(np.minimum(t, upper) - np.maximum(e, lower), 0.0, None)
    died = (data["event"].to_numpy()[:, None] == 1) & (t > lower) & (t <= upper)
    row, piece = np.nonzero(exposure > 0)
    design = np.column_stack(
        [
            np.ones(row.size),
            data["age"].to_numpy()[row],
            data["male"].to_numpy()[row],
            piece == 1,
            piece == 2,
        ]
    ).astype(float)
    poisson = sm.GLM(
        died[row, piece].astype(float),
        design,
        family=sm.families.Poisson(),
        offset=np.log(exposure[row, piece]),
    ).fit(tol=1e-12)
    table = ours.fit_info.summary()
    np.testing.assert_allclose(table["estimate"][:3], poisson.params[:3], atol=1e-6)
    np.testing.assert_allclose(table["se"][:3], poisson.bse[:3], rtol=1e-4)
    np.testing.assert_allclose(np.log(table["estimate"][3:]), poisson.params[3:], atol=1e-6)


def test_exponential_ph_and_aft_are_one_model() -> None:
    ph = alsprog.fit("exponential", COHORT, covariates=COVARIATES)
    aft = alsprog.fit("exponential", COHORT, covariates=COVARIATES, scale="aft")
    assert ph.scale == "ph" and aft.scale == "aft"
    np.testing.assert_allclose(ph.coefficients, -aft.coefficients, atol=1e-6)
    np.testing.assert_allclose(ph.fit_info.summary()["se"], aft.fit_info.summary()["se"], rtol=1e-5)


@pytest.mark.parametrize(
    ("family", "scale"), [("weibull", "aft"), ("spline", "odds"), ("gompertz", None)]
)
def test_frequency_weights_are_repeated_rows(family: str, scale: str | None) -> None:
    data = _truncated(400, 2)
    counts = np.random.default_rng(3).integers(1, 4, len(data))
    # the default knots are quantiles of the rows' death times: give them, to compare like with like
    knots = {"knots": [0.1, 1.0, 4.0]} if family == "spline" else {}
    weighted = alsprog.fit(
        family,
        data.assign(w=counts.astype(float)),
        entry="entry",
        weights="w",
        covariates=["age", "male"],
        scale=scale,
        **knots,
    )
    repeated = alsprog.fit(
        family,
        data.loc[data.index.repeat(counts)].reset_index(drop=True),
        entry="entry",
        covariates=["age", "male"],
        scale=scale,
        **knots,
    )
    a, b = weighted.fit_info.summary(), repeated.fit_info.summary()
    np.testing.assert_allclose(a["estimate"], b["estimate"], atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(a["se"], b["se"], rtol=1e-4)
    assert weighted.fit_info.log_likelihood == pytest.approx(repeated.fit_info.log_likelihood)


@pytest.mark.parametrize(
    ("family", "scale", "anc"),
    [("weibull", "ph", None), ("spline", "odds", None), ("lognormal", "aft", "~ age")],
)
def test_a_fitted_regression_pickles_and_predicts_the_same(family, scale, anc) -> None:
    model = alsprog.fit(family, COHORT, covariates=COVARIATES, scale=scale, anc=anc)
    again = pickle.loads(pickle.dumps(model))
    rows = COHORT.iloc[:7]
    assert again.predict(rows, times=[1.0, 3.0]).equals(model.predict(rows, times=[1.0, 3.0]))
    assert np.array_equal(again.sample(rows, 5), model.sample(rows, 5))
