"""Survival regression against R's survreg, lifelines and closed forms.

The cohort in data/regression_cohort.csv (300 rows) was made by

    rng = np.random.default_rng(2028)
    n = 300
    age = np.round(rng.normal(62, 10, n), 1)
    sex = rng.choice(["female", "male"], n)
    site = rng.choice(["bulbar", "limb", "respiratory"], n, p=[0.3, 0.6, 0.1])
    eta = 1.2 - 0.03 * (age - 62) - 0.25 * (sex == "male") - 0.5 * (site == "bulbar")
    death = np.exp(eta) * rng.weibull(1.6, n)
    censor = rng.uniform(0.5, 6.0, n)
    time = np.round(np.minimum(death, censor), 4); event = (death <= censor).astype(int)

and the R figures below came from (R 4.2, survival 3.5.3):

    library(survival)
    d <- read.csv("regression_cohort.csv")
    for (dist in c("weibull", "lognormal", "loglogistic")) {
      f <- survreg(Surv(time, event) ~ age + sex + site, data = d, dist = dist)
      print(sprintf("%.8f", coef(f)))
      print(sprintf("%.8f", sqrt(diag(vcov(f)))))      # the last is Log(scale)'s
      print(sprintf("%.8f", c(f$scale, logLik(f))))
    }
    # one scale per sex (alsprog's anc = "~ sex"), Weibull and log-normal:
    f <- survreg(Surv(time, event) ~ age + sex + site + strata(sex), data = d, dist = dist)
    # the same three prints; f$scale is (female, male), the last two SEs are their log scales'
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter, LogNormalAFTFitter, WeibullAFTFitter
from scipy import stats

import alsprog
from alsprog.estimation.regression import fit_regression

COHORT = pd.read_csv(Path(__file__).parent / "data" / "regression_cohort.csv")
NAMES = ["Intercept", "age", "sex[T.male]", "site[T.limb]", "site[T.respiratory]"]
# family: (coefficients, their SEs, SE of log(scale), scale, log-likelihood), from survreg
SURVREG = {
    "weibull": (
        [2.67980221, -0.02952736, -0.26258074, 0.27026802, 0.34661918],
        [0.27381833, 0.00405696, 0.08396010, 0.09297597, 0.15000410],
        0.05517153,
        0.59128501,
        -358.27677866,
    ),
    "lognormal": (
        [2.21083820, -0.02650706, -0.24824607, 0.24586750, 0.30055215],
        [0.34625309, 0.00528119, 0.10668720, 0.11996724, 0.18924397],
        0.05016690,
        0.85032634,
        -377.76207395,
    ),
    "loglogistic": (
        [2.19954663, -0.02601187, -0.26069948, 0.28239565, 0.33351591],
        [0.32264763, 0.00489918, 0.09791314, 0.10885246, 0.17423562],
        0.05794926,
        0.45656115,
        -369.27355574,
    ),
}


# family: (coefficients, their SEs, SEs of log scale (female, male), scales, log-likelihood)
SURVREG_STRATA = {
    "weibull": (
        [2.68200678, -0.02958340, -0.26253154, 0.27245052, 0.34924847],
        [0.27411533, 0.00406800, 0.08410161, 0.09350662, 0.15084449],
        [0.08075049, 0.07556638],
        [0.59871218, 0.58474370],
        -358.25398177,
    ),
    "lognormal": (
        [2.24181334, -0.02681525, -0.26586674, 0.24243677, 0.30633704],
        [0.35097590, 0.00532341, 0.10972963, 0.11984118, 0.19041569],
        [0.07368689, 0.06851656],
        [0.88472647, 0.81948488],
        -377.47181608,
    ),
}


@pytest.mark.parametrize("family", sorted(SURVREG_STRATA))
def test_covariates_on_the_spread_match_survreg_strata(family: str) -> None:
    coefficients, errors, log_scale_errors, scales, log_likelihood = SURVREG_STRATA[family]
    model = alsprog.fit(family, COHORT, covariates=["age", "sex", "site"], anc="~ sex")
    table = model.fit_info.summary().set_index("parameter")
    np.testing.assert_allclose(table["estimate"].iloc[:5], coefficients, rtol=0, atol=1e-4)
    np.testing.assert_allclose(table["se"].iloc[:5], errors, rtol=1e-3)
    assert model.fit_info.log_likelihood == pytest.approx(log_likelihood, abs=1e-4)
    spread = {}  # each sex's own model: sigma = 1 / shape for the Weibull
    for sex in ("female", "male"):
        own = model.at({"age": 60.0, "sex": sex, "site": "limb"})
        spread[sex] = 1 / own.shape if family == "weibull" else own.sigma
    np.testing.assert_allclose([spread["female"], spread["male"]], scales, rtol=1e-4)
    base = table.iloc[-1]  # the reference level's (female) spread, natural scale
    assert base["se"] / base["estimate"] == pytest.approx(log_scale_errors[0], rel=1e-3)
    assert table.index[5] in ("shape:sex[T.male]", "sigma:sex[T.male]")


@pytest.mark.parametrize("family", sorted(SURVREG))
def test_aft_matches_survreg(family: str) -> None:
    coefficients, errors, log_scale_se, scale, log_likelihood = SURVREG[family]
    model = alsprog.fit(family, COHORT, covariates=["age", "sex", "site"])
    table = model.fit_info.summary().set_index("parameter")
    assert list(table.index[:5]) == NAMES
    np.testing.assert_allclose(table["estimate"].iloc[:5], coefficients, rtol=0, atol=1e-4)
    np.testing.assert_allclose(table["se"].iloc[:5], errors, rtol=1e-3)
    ancillary = table.iloc[5]  # shape = 1 / scale (Weibull, log-logistic); sigma = scale
    ours = ancillary["estimate"] if family == "lognormal" else 1 / ancillary["estimate"]
    assert ours == pytest.approx(scale, rel=1e-4)
    assert ancillary["se"] / ancillary["estimate"] == pytest.approx(log_scale_se, rel=1e-3)
    assert model.fit_info.log_likelihood == pytest.approx(log_likelihood, abs=1e-4)
    assert model.fit_info.converged


def test_formula_with_reference_level_reparametrises_the_same_fit() -> None:
    plain = alsprog.fit("weibull", COHORT, covariates=["age", "sex", "site"])
    releveled = alsprog.fit(
        "weibull", COHORT, formula="~ age + sex + C(site, contr.treatment('limb'))"
    )
    names = list(releveled.fit_info.summary()["parameter"])
    assert "C(site, contr.treatment('limb'))[T.bulbar]" in names
    assert releveled.fit_info.log_likelihood == pytest.approx(
        plain.fit_info.log_likelihood, abs=1e-8
    )
    bulbar = releveled.coefficients["C(site, contr.treatment('limb'))[T.bulbar]"]
    assert bulbar == pytest.approx(-plain.coefficients["site[T.limb]"], abs=1e-6)
    same = alsprog.fit(
        "weibull", COHORT, covariates=["age", "sex", "site"], reference={"site": "limb"}
    )
    assert same.fit_info.log_likelihood == pytest.approx(plain.fit_info.log_likelihood, abs=1e-8)


def _dummies(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.get_dummies(frame, columns=["sex", "site"], drop_first=True, dtype=float)


def _truncated_cohort(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.normal(60, 10, n)
    male = rng.integers(0, 2, n).astype(float)
    scale = np.exp(1.0 - 0.02 * (age - 60) + 0.3 * male)
    death = scale * rng.weibull(1.4, n)
    entry = rng.uniform(0, 1.0, n)
    keep = death > entry
    censor = entry + rng.uniform(0.5, 5.0, n)
    return pd.DataFrame(
        {
            "time": np.minimum(death, censor)[keep],
            "event": (death <= censor)[keep].astype(int),
            "entry": entry[keep],
            "age": age[keep],
            "male": male[keep],
        }
    )


@pytest.mark.parametrize(
    ("family", "fitter", "ancillary"),
    [("weibull", WeibullAFTFitter, "rho_"), ("lognormal", LogNormalAFTFitter, "sigma_")],
)
def test_left_truncated_weighted_aft_matches_lifelines(family, fitter, ancillary) -> None:
    data = _truncated_cohort(800, 3)
    data["w"] = np.random.default_rng(4).integers(1, 4, len(data)).astype(float)
    ours = alsprog.fit(
        family, data, entry="entry", weights="w", covariates=["age", "male"]
    ).fit_info.summary()
    theirs = (
        fitter()
        .fit(data, "time", "event", entry_col="entry", weights_col="w", robust=False)
        .summary
    )
    location = theirs.loc[theirs.index.get_level_values(0) != ancillary]
    for name in ("Intercept", "age", "male"):
        row = ours.set_index("parameter").loc[name]
        assert row["estimate"] == pytest.approx(
            location.xs(name, level=1)["coef"].iloc[0], abs=1e-4
        )
        se = location.xs(name, level=1)["se(coef)"].iloc[0]
        assert row["se"] == pytest.approx(se, rel=2e-3)
    log_ancillary = theirs.xs(ancillary, level=0)["coef"].iloc[0]
    assert np.log(ours["estimate"].iloc[-1]) == pytest.approx(log_ancillary, abs=1e-4)


def test_weibull_ph_and_aft_are_one_model_and_agree_with_cox() -> None:
    data = _truncated_cohort(3000, 5)
    ph = alsprog.fit("weibull", data, entry="entry", covariates=["age", "male"], scale="ph")
    aft = alsprog.fit("weibull", data, entry="entry", covariates=["age", "male"], scale="aft")
    shape = aft.fit_info.summary()["estimate"].iloc[-1]
    assert ph.fit_info.log_likelihood == pytest.approx(aft.fit_info.log_likelihood, abs=1e-6)
    np.testing.assert_allclose(ph.coefficients[1:], -shape * aft.coefficients[1:], atol=1e-5)
    cox = CoxPHFitter().fit(data, "time", "event", entry_col="entry")
    for name in ("age", "male"):
        difference = ph.coefficients[name] - cox.params_[name]
        # the same data, two estimators of one hazard ratio: far inside one standard error
        assert abs(difference) < 0.25 * cox.standard_errors_[name]
    assert set(ph.fit_info.ratios()["kind"]) == {"hazard ratio"}


def test_one_knot_odds_spline_is_the_loglogistic() -> None:
    data = COHORT
    knots = [data["time"][data["event"] == 1].min(), data["time"][data["event"] == 1].max()]
    odds = alsprog.fit("spline", data, covariates=["age", "sex", "site"], scale="odds", knots=knots)
    aft = alsprog.fit("loglogistic", data, covariates=["age", "sex", "site"])
    shape = aft.fit_info.summary()["estimate"].iloc[-1]
    assert odds.fit_info.log_likelihood == pytest.approx(aft.fit_info.log_likelihood, abs=1e-6)
    # log odds of death = shape * (log t - eta_aft): odds coefficients are -shape * AFT ones
    np.testing.assert_allclose(odds.coefficients, -shape * aft.coefficients, atol=1e-5)
    assert odds.fit_info.summary()["estimate"].iloc[-1] == pytest.approx(shape, rel=1e-5)
    profile = {"age": 70.0, "sex": "male", "site": "bulbar"}
    np.testing.assert_allclose(
        odds.at(profile).survival([0.5, 1, 3]), aft.at(profile).survival([0.5, 1, 3]), rtol=1e-5
    )


def test_known_coefficients_are_covered_at_the_nominal_rate() -> None:
    """95% Wald intervals of a Weibull AFT on simulated data cover the truth 95% of the time."""
    rng = np.random.default_rng(11)
    covered, total = 0, 0
    for _ in range(40):
        n = 150
        x1, x2 = rng.normal(0, 1, n), rng.integers(0, 2, n).astype(float)
        death = np.exp(1.0 + 0.3 * x1 - 0.5 * x2) * rng.weibull(1.3, n)
        censor = rng.uniform(0.5, 6.0, n)
        data = pd.DataFrame(
            {
                "time": np.minimum(death, censor),
                "event": (death <= censor).astype(int),
                "x1": x1,
                "x2": x2,
            }
        )
        table = fit_regression("weibull", data, covariates=["x1", "x2"]).fit_info.summary()
        table = table.set_index("parameter")
        for name, truth in (("Intercept", 1.0), ("x1", 0.3), ("x2", -0.5)):
            covered += int(table.loc[name, "lower"] <= truth <= table.loc[name, "upper"])
            total += 1
    low, high = stats.binom.ppf([0.0005, 0.9995], total, 0.95)
    assert low <= covered <= high


def test_positional_form_still_returns_the_plain_family() -> None:
    model = alsprog.fit("weibull", COHORT["time"].to_numpy(), COHORT["event"].to_numpy())
    assert type(model).__name__ == "Weibull"
    empty = alsprog.fit("weibull", COHORT)  # a DataFrame with no covariates: the same fit
    assert empty.fit_info.log_likelihood == pytest.approx(model.fit_info.log_likelihood, abs=1e-6)
    assert empty.at({}).shape == pytest.approx(model.shape, rel=1e-5)
    assert repr(empty).startswith("RegressionModel(weibull, aft scale, ~ 1; 300 rows, 205 deaths")
