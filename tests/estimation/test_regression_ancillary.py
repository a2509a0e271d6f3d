"""Covariates on a PH family's shape (``scale="ph"``, ``anc=``), as flexsurv's weibullPH and
gompertz take them.

flexsurv is not installed here, so the references are: a direct scipy.optimize fit of the
likelihood written out in this file (estimates, maximum, and standard errors from the
statsmodels finite-difference Hessian of that likelihood); lifelines' WeibullFitter on each
group when one binary covariate sits in both the hazard and the shape (the model is then two
separate Weibulls); and the coverage of known coefficients over simulated data sets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import WeibullFitter
from scipy import optimize, stats
from statsmodels.tools.numdiff import approx_hess3

import alsprog
from alsprog.errors import InputError
from alsprog.estimation.regression_predict import log_survival_rows

TRUE_ETA = (-1.0, 0.5, 0.2)  # intercept, age, sex on the log hazard
TRUE_SHAPE = (np.log(1.5), 0.3)  # Weibull log shape: intercept, sex
TRUE_GOMPERTZ = (0.4, 0.3)  # Gompertz shape per year: intercept, sex


def _data(family: str, n: int, seed: int) -> pd.DataFrame:
    """Right-censored rows with known hazard and shape coefficients (years)."""
    rng = np.random.default_rng(seed)
    age, sex = rng.normal(0.0, 1.0, n), rng.integers(0, 2, n)
    eta = TRUE_ETA[0] + TRUE_ETA[1] * age + TRUE_ETA[2] * sex
    e = rng.exponential(1.0, n) / np.exp(eta)  # baseline cumulative hazard at death
    if family == "weibull":
        t = e ** (1 / np.exp(TRUE_SHAPE[0] + TRUE_SHAPE[1] * sex))
    else:
        a = TRUE_GOMPERTZ[0] + TRUE_GOMPERTZ[1] * sex
        t = np.log1p(a * e) / a
    c = rng.exponential(4.0, n)
    return pd.DataFrame(
        {"time": np.minimum(t, c), "event": (t <= c).astype(int), "age": age, "sex": sex}
    )


def _minus_log_likelihood(theta: np.ndarray, d: pd.DataFrame, family: str) -> float:
    """Written out: eta = b0 + b1 age + b2 sex, a = a0 + a1 sex (log shape, or shape)."""
    a0, a1, b0, b1, b2 = theta
    t, dead = d["time"].to_numpy(), d["event"].to_numpy()
    a = a0 + a1 * d["sex"].to_numpy()
    eta = b0 + b1 * d["age"].to_numpy() + b2 * d["sex"].to_numpy()
    if family == "weibull":
        k = np.exp(a)
        cum, log_h = np.exp(eta) * t**k, eta + a + (k - 1) * np.log(t)
    else:
        cum, log_h = np.exp(eta) * np.expm1(a * t) / a, eta + a * t
    return float(-(dead * log_h - cum).sum())


@pytest.mark.parametrize("family", ["weibull", "gompertz"])
def test_matches_a_direct_fit_of_the_written_out_likelihood(family) -> None:
    d = _data(family, 1500, 1)
    model = alsprog.fit(family, d, covariates=["age", "sex"], scale="ph", anc="~ sex")
    start = np.array([0.3, 0.0, -1.0, 0.0, 0.0])
    direct = optimize.minimize(
        _minus_log_likelihood, start, args=(d, family), method="BFGS", options={"gtol": 1e-8}
    )
    table = model.fit_info.summary().set_index("parameter")
    ours = table.loc[["Intercept", "age", "sex", "shape:sex"], "estimate"].to_numpy()
    np.testing.assert_allclose(ours, direct.x[[2, 3, 4, 1]], atol=1e-4)
    shape = table.loc["shape", "estimate"]
    expected_shape = np.exp(direct.x[0]) if family == "weibull" else direct.x[0]
    assert shape == pytest.approx(expected_shape, abs=1e-4)
    assert model.fit_info.log_likelihood == pytest.approx(-direct.fun, abs=1e-6)
    hessian = approx_hess3(direct.x, _minus_log_likelihood, args=(d, family))
    se = np.sqrt(np.diag(np.linalg.inv(hessian)))
    ours_se = table.loc[["Intercept", "age", "sex", "shape:sex"], "se"].to_numpy()
    np.testing.assert_allclose(ours_se, se[[2, 3, 4, 1]], rtol=1e-3)


def test_one_binary_covariate_in_both_is_two_separate_weibulls() -> None:
    d = _data("weibull", 1200, 2)
    d["entry"] = np.minimum(0.05 * np.arange(len(d)) % 0.5, 0.9 * d["time"])  # left truncation
    model = alsprog.fit("weibull", d, covariates=["sex"], scale="ph", anc="~ sex", entry="entry")
    total = 0.0
    for sex in (0, 1):
        group = d[d["sex"] == sex]
        theirs = WeibullFitter().fit(group["time"], group["event"], entry=group["entry"])
        total += theirs.log_likelihood_
        ours = model.at({"sex": sex})  # Weibull(shape, scale): H = (t / scale) ** shape
        assert ours.shape == pytest.approx(theirs.rho_, rel=1e-4)
        assert ours.scale == pytest.approx(theirs.lambda_, rel=1e-4)
    assert model.fit_info.log_likelihood == pytest.approx(total, abs=1e-5)


def test_known_coefficients_are_covered_at_the_nominal_rate() -> None:
    replicates, hits, wrong = 80, np.zeros(2), 0
    for seed in range(replicates):
        d = _data("weibull", 300, 100 + seed)
        model = alsprog.fit("weibull", d, covariates=["age", "sex"], scale="ph", anc="~ sex")
        table = model.fit_info.summary().set_index("parameter")
        for j, (name, true) in enumerate([("age", TRUE_ETA[1]), ("shape:sex", TRUE_SHAPE[1])]):
            hits[j] += table.loc[name, "lower"] <= true <= table.loc[name, "upper"]
        wrong += table.loc["age", "lower"] <= 0.35 <= table.loc["age", "upper"]
    low, high = stats.binom.ppf([0.0005, 0.9995], replicates, 0.95)
    assert ((hits >= low) & (hits <= high)).all(), hits
    assert wrong < low  # the band can fail: a wrong age coefficient is covered far less often


def test_predictions_and_profiles_follow_each_rows_shape() -> None:
    d = _data("gompertz", 800, 3)
    model = alsprog.fit("gompertz", d, covariates=["age", "sex"], anc="~ sex")
    rows = pd.DataFrame({"age": [0.0, 0.0, 1.0], "sex": [0, 1, 1]})
    t = np.array([0.5, 1.0, 2.0])
    survival = np.exp(log_survival_rows(model, t, model.matrix(rows)))
    for i in range(3):
        profile = model.at(rows.iloc[i])
        assert profile.survival(t[i]) == pytest.approx(survival[i], rel=1e-12)
    predicted = model.predict(rows, times=[1.0]).query("quantity == 'survival'")["estimate"]
    one = [model.at(rows.iloc[i]).survival(1.0) for i in range(3)]
    np.testing.assert_allclose(predicted, one, rtol=1e-12)
    shapes = [model.at(rows.iloc[i]).shape for i in range(3)]
    assert shapes[0] != shapes[1] and shapes[1] == shapes[2]


def test_anc_on_a_family_without_a_shape_is_one_line() -> None:
    d = _data("weibull", 200, 4)
    with pytest.raises(InputError, match=r"anc= .* suits the AFT .* and the PH weibull and ") as e:
        alsprog.fit("exponential", d, covariates=["age"], scale="ph", anc="~ sex")
    assert "\n" not in str(e.value)
