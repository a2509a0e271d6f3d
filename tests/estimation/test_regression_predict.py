"""Predictions from a survival regression: per row equal to the profile's own model, intervals
against parameter draws, standardisation against the average of the profiles, and sampling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import alsprog

COHORT = pd.read_csv(Path(__file__).parent / "data" / "regression_cohort.csv")
PROFILES = pd.DataFrame(
    {
        "age": [50.0, 70.0, 62.5],
        "sex": ["female", "male", "male"],
        "site": ["limb", "bulbar", "respiratory"],
    }
)


@pytest.fixture(
    scope="module",
    params=[
        ("weibull", "ph", None),
        ("lognormal", None, None),
        ("spline", "odds", None),
        ("gompertz", None, None),
        ("piecewise_exponential", None, None),  # kinks: RMST integrated piece by piece
        ("loglogistic", None, "~ sex + age"),  # covariates on the shape too
    ],
)
def model(request):
    family, scale, anc = request.param
    return alsprog.fit(family, COHORT, covariates=["age", "sex", "site"], scale=scale, anc=anc)


def test_each_row_is_its_profile_model(model) -> None:
    table = model.predict(PROFILES, times=[0.5, 2.0], quantiles=[0.25, 0.5], rmst=[1.0, 4.0])
    for i, profile in PROFILES.iterrows():
        own = model.at(profile.to_dict())
        rows = table[table["row"] == i].set_index(["quantity", "time", "p"])["estimate"]
        for t in (0.5, 2.0):
            assert rows[("survival", t, np.nan)] == pytest.approx(own.survival(t), rel=1e-9)
            assert rows[("hazard", t, np.nan)] == pytest.approx(own.hazard(t), rel=1e-7)
        for p in (0.25, 0.5):
            assert rows[("quantile", np.nan, p)] == pytest.approx(own.quantile(p), rel=1e-8)
        for h in (1.0, 4.0):
            assert rows[("rmst", h, np.nan)] == pytest.approx(own.rmst(h), rel=1e-5)


def test_delta_intervals_agree_with_parameter_draws(model) -> None:
    """The delta-method standard errors against the spread over 2000 normal parameter draws
    (the profile model's fit_info carries the fit's covariance)."""
    profile = PROFILES.iloc[1].to_dict()
    table = model.predict(pd.DataFrame([profile]), times=[1.5], quantiles=[0.5], rmst=[3.0])
    table = table.set_index("quantity")
    draws = model.at(profile).fit_info.draw_models(2000, np.random.default_rng(7))
    survival = np.array([m.survival(1.5) for m in draws])
    median = np.array([m.median() for m in draws])
    assert table.loc["survival", "se"] == pytest.approx(survival.std(), rel=0.1)
    if model.family != "piecewise_exponential":  # its median sits by a jump in the hazard,
        # where the delta method's local slope does not describe draws on both sides
        assert table.loc["quantile", "se"] == pytest.approx(median.std(), rel=0.1)
    for name in ("survival", "quantile", "rmst"):
        row = table.loc[name]
        assert row["lower"] < row["estimate"] < row["upper"]


def test_standardised_survival_is_the_mean_over_the_rows(model) -> None:
    rows = COHORT.iloc[:20]
    result = model.standardise(
        rows,
        times=[1.0, 3.0],
        rmst=[2.0],
        settings={"female": {"sex": "female"}, "male": {"sex": "male"}},
    )
    by = result.set_index(["setting", "quantity", "time"])["estimate"]
    means = {}
    for sex in ("female", "male"):
        models = [model.at({**r.to_dict(), "sex": sex}) for _, r in rows.iterrows()]
        means[sex] = np.mean([m.survival(3.0) for m in models])
        assert by[(sex, "survival", 3.0)] == pytest.approx(means[sex], rel=1e-9)
        assert by[(sex, "rmst", 2.0)] == pytest.approx(
            np.mean([m.rmst(2.0) for m in models]), rel=1e-5
        )
    difference = by[("male - female", "survival difference", 3.0)]
    assert difference == pytest.approx(means["male"] - means["female"], abs=1e-12)


def test_sampled_times_follow_each_rows_model(model) -> None:
    profile = PROFILES.iloc[0].to_dict()
    many = pd.DataFrame([profile] * 3000)
    times = model.sample(many, 3)
    assert np.array_equal(times, model.sample(many, 3))  # same seed, same draws
    own = model.at(profile)
    result = stats.kstest(times, lambda t: 1 - own.survival(t))
    assert result.pvalue > 1e-3


def test_quantile_rows_conditional_on_being_alive(model) -> None:
    profile = PROFILES.iloc[2].to_dict()
    rows = pd.DataFrame([profile] * 3)
    p = np.array([0.1, 0.5, 0.9])
    own = model.at(profile)
    later = own.conditional(1.0)
    np.testing.assert_allclose(model.quantile_rows(rows, p), own.quantile(p), rtol=1e-8)
    np.testing.assert_allclose(
        model.quantile_rows(rows, p, alive_at=np.full(3, 1.0)), 1.0 + later.quantile(p), rtol=1e-7
    )
