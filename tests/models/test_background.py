"""The disease on top of ordinary mortality, against life-table walks, quadrature and samples."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from alsprog.errors import InputError
from alsprog.models import Exponential, LogNormal, Mixture, PiecewiseExponential, Weibull
from alsprog.models.background import WithBackground, with_background_population
from alsprog.population.background_mortality import background_hazard, background_survival
from alsprog.population.lifetable import life_table

CSV = Path(__file__).resolve().parents[2] / "alsprog" / "data" / "life_table_us_ssa_2007.csv"
NO_DISEASE = Exponential(rate=1e-12)  # a disease hazard of ~0: the life table alone


def qx(sex: str) -> list[float]:
    return pd.read_csv(CSV).query("sex == @sex").sort_values("age")["qx"].tolist()


def remaining_life_quantile(age: int, sex: str, p: float) -> float:
    """Years until a share p of people alive at whole ``age`` have died, walking l(x) year by year
    with a constant hazard inside each year (the last year's hazard continuing)."""
    q, alive, x = qx(sex), 1.0, age
    while True:
        q_now = q[min(x, len(q) - 1)]
        if alive * (1 - q_now) > 1 - p:
            alive, x = alive * (1 - q_now), x + 1
        else:  # alive * (1 - q_now) ** f = 1 - p within this year
            return x - age + math.log((1 - p) / alive) / math.log(1 - q_now)


def life_expectancy(age: int, sex: str) -> float:
    """Mean remaining years at whole ``age``: sum over years of l(x) q(x) / mu(x), plus the
    tail past the last age, l / mu, where the last hazard continues for ever."""
    q, alive, total = qx(sex), 1.0, 0.0
    for x in range(age, len(q)):
        mu = -math.log(1 - q[x])
        total += alive * q[x] / mu
        alive *= 1 - q[x]
    return total + alive / -math.log(1 - q[-1])


def test_without_disease_the_median_is_the_life_tables():
    model = NO_DISEASE.with_background(55, "male")
    assert isinstance(model, WithBackground) and model.family == "with_background"
    assert model.median() == pytest.approx(remaining_life_quantile(55, "male", 0.5), rel=1e-9)
    for age, sex, p in ((55, "male", 0.1), (80, "female", 0.9), (110, "female", 0.999)):
        got = NO_DISEASE.with_background(age, sex).quantile(p)
        assert got == pytest.approx(remaining_life_quantile(age, sex, p), rel=1e-9)


@pytest.mark.parametrize("age, sex", [(55, "male"), (30, "female"), (100, "male")])
def test_without_disease_the_mean_is_the_life_expectancy(age, sex):
    model = NO_DISEASE.with_background(age, sex)
    assert model.mean() == pytest.approx(life_expectancy(age, sex), rel=1e-8)


@pytest.mark.parametrize(
    "disease, age, sex",
    [
        (Weibull(shape=1.4, scale=4.0), 55.0, "male"),
        (LogNormal(mu=1.1, sigma=0.8), 72.5, "female"),
        (Weibull(shape=0.7, scale=6.0), 0.0, "female"),
        (Weibull(shape=1.4, scale=4.0), 118.6, "male"),
    ],
)
def test_formulas_combine_the_two_causes(disease, age, sex):
    model = WithBackground(disease, age, sex)
    t = np.array([0.0, 0.3, 1.0, 2.5, 7.0, 20.0])
    ordinary = background_survival(age, sex, t)
    np.testing.assert_allclose(model.survival(t), disease.survival(t) * ordinary, rtol=1e-12)
    np.testing.assert_allclose(
        model.cumulative_hazard(t), -np.log(model.survival(t)), rtol=1e-12, atol=1e-15
    )
    inner = t[1:]
    hazard = disease.hazard(inner) + background_hazard(age + inner, sex)
    np.testing.assert_allclose(model.hazard(inner), hazard, rtol=1e-12)
    np.testing.assert_allclose(np.exp(model._log_hazard(inner)), hazard, rtol=1e-12)
    # the quantile inverts survival through the piecewise-linear life-table kinks
    u = np.array([0.01, 0.5, 1.0, 3.0, 8.0])
    np.testing.assert_allclose(model.quantile(1 - model.survival(u)), u, rtol=1e-9)


@settings(max_examples=150, deadline=None)
@given(
    disease=st.one_of(
        st.builds(Weibull, st.floats(0.3, 4.0), st.floats(0.3, 30.0)),
        st.builds(LogNormal, st.floats(-1.0, 3.0), st.floats(0.2, 2.0)),
    ),
    age=st.floats(0, 119),
    sex=st.sampled_from(["male", "female"]),
    t=st.lists(st.floats(0, 150), min_size=1, max_size=5),
)
def test_all_cause_survival_is_below_each_cause_alone(disease, age, sex, t):
    t = np.array(t)
    both = disease.with_background(age, sex).survival(t)
    assert (both <= background_survival(age, sex, t)).all()
    assert (both <= disease.survival(t)).all()


def dkw_gap(model, n, seed):
    x = np.sort(model.sample(n, np.random.default_rng(seed)))
    cdf = 1 - model.survival(x)
    return max(np.abs(np.arange(1, n + 1) / n - cdf).max(), np.abs(np.arange(n) / n - cdf).max())


@pytest.mark.parametrize(
    "model",
    [
        Weibull(shape=1.4, scale=4.0).with_background(70, "male"),
        LogNormal(mu=2.0, sigma=1.0).with_background(85.5, "female"),
        NO_DISEASE.with_background(117.2, "male"),  # crosses the table's end at 120
    ],
)
def test_samples_stay_inside_the_dkw_band(model):
    n, alpha = 200_000, 1e-3
    assert dkw_gap(model, n, 2024) < np.sqrt(np.log(2 / alpha) / (2 * n))  # false alarm <= alpha


def test_cause_of_death_shares_match_quadrature():
    disease, age = Weibull(shape=1.4, scale=4.0), 70.0
    model = disease.with_background(age, "male")
    shares = model.cause_of_death_shares([1.0, 5.0, 20.0, np.inf])
    assert list(shares.columns) == ["horizon", "died_of_disease", "died_of_other_causes", "alive"]
    np.testing.assert_allclose(shares.iloc[:, 1:].sum(axis=1), 1.0, rtol=1e-12)
    kinks = list(np.arange(1.0, 50.0))  # whole ages after 70
    for horizon, died in zip([1.0, 5.0, 20.0], shares["died_of_disease"], strict=False):
        expected, _ = integrate.quad(
            lambda s: float(disease.hazard(s) * model.survival(s)),
            0,
            horizon,
            points=[k for k in kinks if k < horizon] or None,
            limit=200,
            epsabs=1e-13,
        )
        assert died == pytest.approx(expected, abs=1e-9)
    assert shares["alive"].iloc[-1] == 0.0
    # with no disease every death is from other causes
    ordinary = NO_DISEASE.with_background(age, "male").cause_of_death_shares([3.0, 30.0])
    np.testing.assert_allclose(
        ordinary["died_of_other_causes"],
        1 - background_survival(age, "male", [3.0, 30.0]),
        rtol=1e-9,
    )


@pytest.mark.parametrize(
    "disease",
    [
        LogNormal(mu=1.1, sigma=0.8),
        Weibull(shape=0.4, scale=3.0),  # infinite hazard at onset
        PiecewiseExponential((1.0, 4.0), (0.1, 1.0, 0.01)).with_time_ratio(
            1.3
        ),  # jumps at 1.3, 5.2
    ],
)
def test_rmst_matches_quadrature_of_survival(disease):
    model = disease.with_background(64.3, "female")
    horizons = np.array([0.5, 2.0, 10.0])
    kinks = [k + 0.7 for k in range(10)] + [1.3, 5.2]  # whole ages, then the disease's jumps
    expected = [
        integrate.quad(
            lambda s: float(model.survival(s)),
            0,
            h,
            limit=200,
            points=[k for k in kinks if k < h] or None,
            epsabs=1e-13,
        )[0]
        for h in horizons
    ]
    np.testing.assert_allclose(model.rmst(horizons), expected, rtol=1e-9)


def test_effects_and_conditioning_act_on_the_disease():
    disease, age, t = Weibull(shape=1.4, scale=4.0), 60.0, np.array([1.0, 4.0, 9.0])
    model = disease.with_background(age, "female")
    ordinary = background_survival(age, "female", t)
    np.testing.assert_allclose(
        model.with_hazard_ratio(0.5).survival(t),
        disease.with_hazard_ratio(0.5).survival(t) * ordinary,
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        model.with_time_ratio(1.3).survival(t),
        disease.with_time_ratio(1.3).survival(t) * ordinary,
        rtol=1e-12,
    )
    later = model.conditional(2.0)
    assert isinstance(later, WithBackground) and later.age_at_onset == 62.0
    np.testing.assert_allclose(
        later.survival(t), model.survival(2 + t) / model.survival(2.0), rtol=1e-12
    )
    near_end = disease.with_background(118.5, "female")  # 119.5 is past the table: generic
    np.testing.assert_allclose(
        near_end.conditional(1.0).survival(t),
        near_end.survival(1 + t) / near_end.survival(1.0),
        rtol=1e-12,
    )


def test_population_is_a_mixture_of_patients():
    disease = Weibull(shape=1.4, scale=4.0)
    ages, sexes, weights = [50.0, 65.0, 80.0], ["male", "female", "male"], [2.0, 1.0, 1.0]
    population = with_background_population(disease, ages, sexes, weights)
    assert isinstance(population, Mixture) and population.names == (
        "male 50",
        "female 65",
        "male 80",
    )
    t = np.array([0.5, 3.0, 10.0])
    expected = sum(
        w / 4 * disease.survival(t) * background_survival(a, s, t)
        for a, s, w in zip(ages, sexes, weights, strict=True)
    )
    np.testing.assert_allclose(population.survival(t), expected, rtol=1e-12)
    np.testing.assert_allclose(population.quantile(1 - population.survival(t)), t, rtol=1e-9)
    assert population.mean() == pytest.approx(
        sum(
            w / 4 * disease.with_background(a, s).mean()
            for a, s, w in zip(ages, sexes, weights, strict=True)
        ),
        rel=1e-12,
    )
    n, alpha = 100_000, 1e-3
    assert dkw_gap(population, n, 7) < np.sqrt(np.log(2 / alpha) / (2 * n))


def test_a_user_table_is_used(tmp_path):
    frame = life_table().frame()[["age", "sex", "qx"]]
    frame.loc[frame["sex"] == "male", "qx"] = 0.5  # everyone's hazard log(2) per year
    path = tmp_path / "harsh.csv"
    frame.to_csv(path, index=False)
    model = NO_DISEASE.with_background(40, "male", table=path)
    assert model.table.name == "harsh"
    assert model.median() == pytest.approx(1.0, rel=1e-9)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: WithBackground(Weibull(1.4, 4.0), 130, "male"),
            r"age_at_onset: 130 is outside the life table's ages; pass ages between 0 and 119 years",
        ),
        (
            lambda: Weibull(1.4, 4.0).with_background(-1, "male"),
            r"age_at_onset: -1 is outside the life table's ages",
        ),
        (
            lambda: Weibull(1.4, 4.0).with_background(float("nan"), "male"),
            r"age_at_onset \(years\) must be a finite number \(got nan\)",
        ),
        (
            lambda: Weibull(1.4, 4.0).with_background(60, "M"),
            r"sex: 'M' is unknown; use 'male' or 'female'",
        ),
        (
            lambda: Weibull(1.4, 4.0).with_background(60, None),
            r"sex must be 'male' or 'female' \(got None\)",
        ),
        (
            lambda: Weibull(1.4, 4.0).with_background(60, "male", table="uk_2020"),
            r"life table 'uk_2020' is unknown; choose one of us_ssa_2007",
        ),
        (
            lambda: WithBackground("weibull", 60, "male"),
            r"WithBackground: disease is a str, not a survival model; pass a model such as",
        ),
        (
            lambda: Weibull(1.4, 4.0).with_background(60, "male").with_background(60, "male"),
            r"with_background: this model already includes background mortality; call "
            r"\.disease\.with_background\(\.\.\.\) instead",
        ),
        (
            lambda: with_background_population(Weibull(1.4, 4.0), [50, 60], ["male"]),
            r"with_background_population: 2 ages, 1 sexes and 2 weights; give one of each per",
        ),
        (
            lambda: with_background_population(Weibull(1.4, 4.0), [50], ["male"], [-1.0]),
            r"with_background_population: weights must be finite, >= 0 and not all 0 \(got \[-1.0\]\)",
        ),
        (
            lambda: Weibull(1.4, 4.0).with_background(60, "male").cause_of_death_shares(-1.0),
            r"horizon: time -1 at position 0 is negative",
        ),
    ],
)
def test_bad_input_is_refused_with_one_line(call, message):
    with pytest.raises(InputError, match=message):
        call()
