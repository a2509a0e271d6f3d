"""Effects on a regression-driven cohort, and the covariate row each patient took.

References: closed forms on the regression's own one-profile model (``model.at``): under a
hazard ratio m from onset a patient's survival is S(t | x) ** m, from a diagnosis at d it is
S(min(t, d)) * (S(t) / S(d)) ** m after d, under a time ratio r it is S(t / r); compared with
the cohort's empirical distribution by the Dvoretzky-Kiefer-Wolfowitz band, and, with many
profiles, each patient's probability-integral transform against the uniform.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from dkw import dkw_gap
from registers import weibull_register

import alsprog
from alsprog.errors import InputError
from alsprog.estimation.regression_predict import log_survival_rows
from alsprog.interventions import HazardRatio, TimeRatio

COLUMNS = ["age_at_onset", "sex", "onset_site"]
PROFILE = {"age_at_onset": 66.0, "sex": "male", "onset_site": "limb"}


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    """Weibull AFT data with known effects of age, sex and site (years from onset)."""
    return weibull_register(600, 21)


@pytest.fixture(scope="module")
def regression(register):
    return alsprog.fit("weibull", register, covariates=COLUMNS)


def _deaths(regression, frame, effect=None, n=4000, seed=3) -> pd.DataFrame:
    return alsprog.simulate_cohort(
        n, seed, model=regression, covariates=frame, effect=effect
    ).patients


def test_hazard_ratio_from_onset_raises_each_survival_to_its_power(regression):
    model = regression.at(PROFILE)
    deaths = _deaths(regression, pd.DataFrame([PROFILE]), HazardRatio(0.7))["death_time"]
    gap, bound = dkw_gap(deaths, lambda t: 1 - model.survival(t) ** 0.7)
    assert gap < bound
    untreated_gap, _ = dkw_gap(deaths, lambda t: 1 - model.survival(t))  # it can fail
    assert untreated_gap > 2 * bound


def test_hazard_ratio_from_diagnosis_acts_after_the_rows_own_delay(regression):
    model = regression.at(PROFILE)
    frame = pd.DataFrame([{**PROFILE, "diagnosis_delay_months": 12.0}])
    p = _deaths(regression, frame, HazardRatio(0.5, anchor="diagnosis"), seed=4)
    assert (p["diagnosis_delay_months"] == 12.0).all()
    assert np.allclose(p["diagnosis_time"].dropna(), 1.0)

    def cdf(t):
        before = model.cumulative_hazard(np.minimum(t, 1.0))
        after = np.maximum(model.cumulative_hazard(t) - model.cumulative_hazard(1.0), 0.0)
        return 1 - np.exp(-before - 0.5 * after)

    gap, bound = dkw_gap(p["death_time"], cdf)
    assert gap < bound
    from_onset, _ = dkw_gap(p["death_time"], lambda t: 1 - model.survival(t) ** 0.5)
    assert from_onset > bound  # the anchor matters


def test_time_ratio_stretches_each_rows_curve(regression):
    model = regression.at(PROFILE)
    deaths = _deaths(regression, pd.DataFrame([PROFILE]), TimeRatio(1.5), seed=5)["death_time"]
    gap, bound = dkw_gap(deaths, lambda t: 1 - model.survival(t / 1.5))
    assert gap < bound
    plain, _ = dkw_gap(deaths, lambda t: 1 - model.survival(t))
    assert plain > bound


def test_each_patient_of_a_mixed_frame_follows_their_own_treated_curve(regression, register):
    frame = register[COLUMNS].iloc[:40]
    p = _deaths(regression, frame, HazardRatio(0.6), n=3000, seed=6)
    rows = frame.iloc[p["covariate_row"].to_numpy()].reset_index(drop=True)
    x = regression.matrix(rows)
    # u_i = S(T_i | x_i) ** 0.6 is uniform when each patient follows their own treated curve
    u = np.exp(0.6 * log_survival_rows(regression, p["death_time"].to_numpy(), x))
    gap, bound = dkw_gap(u, lambda v: v)
    assert gap < bound
    plain = np.exp(log_survival_rows(regression, p["death_time"].to_numpy(), x))
    assert dkw_gap(plain, lambda v: v)[0] > bound


def test_treated_and_untreated_share_every_draw_and_bytes_repeat(regression, register):
    frame = register[COLUMNS]
    untreated = _deaths(regression, frame, n=500, seed=7)
    treated = _deaths(regression, frame, HazardRatio(0.7, anchor="diagnosis"), n=500, seed=7)
    again = _deaths(regression, frame, HazardRatio(0.7, anchor="diagnosis"), n=500, seed=7)
    pd.testing.assert_frame_equal(treated, again, check_exact=True)
    assert (treated["covariate_row"] == untreated["covariate_row"]).all()
    assert (treated["death_time"] >= untreated["death_time"]).all()
    late = untreated["death_time"] > untreated["diagnosis_time"]
    assert (treated["death_time"][late] > untreated["death_time"][late]).all()
    early = ~late
    assert np.array_equal(treated["death_time"][early], untreated["death_time"][early])


def test_the_patients_table_shows_the_row_taken(regression, register):
    frame = register[COLUMNS].iloc[:5].assign(diagnosis_delay_months=[6.0, 9.0, 12.0, 3.0, 24.0])
    p = _deaths(regression, frame, n=2000, seed=8)
    rows = frame.iloc[p["covariate_row"].to_numpy()].reset_index(drop=True)
    assert p["covariate_row"].dtype == np.int64
    np.testing.assert_array_equal(p["age_at_onset"], rows["age_at_onset"])
    for name in ("sex", "onset_site"):
        assert (p[name].astype(str).to_numpy() == rows[name].to_numpy()).all()
    np.testing.assert_array_equal(p["diagnosis_delay_months"], rows["diagnosis_delay_months"])
    counts = np.bincount(p["covariate_row"], minlength=5)
    assert np.abs(counts - 400).max() < 4 * np.sqrt(2000 * 0.2 * 0.8)  # uniform over rows


def test_without_demographic_columns_the_populations_draws_stay(regression, register):
    named = register.rename(columns={"age_at_onset": "age", "onset_site": "site"})
    model = alsprog.fit("weibull", named, covariates=["age", "sex", "site"])
    frame = named[["age", "sex", "site"]].iloc[:30]
    p = alsprog.simulate_cohort(300, 9, model=model, covariates=frame).patients
    plain = alsprog.simulate_cohort(300, 9, model=model.at(frame.iloc[0])).patients
    np.testing.assert_array_equal(p["age_at_onset"], plain["age_at_onset"])
    np.testing.assert_array_equal(p["onset_site"], plain["onset_site"])
    assert (p["sex"].astype(str).to_numpy() == frame["sex"].iloc[p["covariate_row"]]).all()
    assert "covariate_row" not in plain.columns
    population = alsprog.simulate_cohort(300, 9, model=regression, covariates="population")
    assert "covariate_row" not in population.patients.columns


def test_a_numeric_sex_code_stays_a_covariate_only(register):
    coded = register.assign(sex=(register["sex"] == "male").astype(int))
    model = alsprog.fit("weibull", coded, covariates=["age_at_onset", "sex"])
    frame = coded[["age_at_onset", "sex"]].iloc[:50]
    p = alsprog.simulate_cohort(400, 2, model=model, covariates=frame).patients
    plain = alsprog.simulate_cohort(400, 2, model=model.at(frame.iloc[0])).patients
    np.testing.assert_array_equal(p["sex"], plain["sex"])  # the population's draws
    np.testing.assert_array_equal(p["age_at_onset"], frame["age_at_onset"].iloc[p["covariate_row"]])


@pytest.mark.parametrize(
    ("column", "value", "match"),
    [
        ("sex", "M", "column 'sex' has 'M', not one of male, female; recode"),
        ("onset_site", "spinal", "column 'onset_site' has 'spinal'"),
        ("diagnosis_delay_months", -1.0, "'diagnosis_delay_months' needs finite numbers >= 0"),
        ("diagnosis_delay_months", np.nan, "'diagnosis_delay_months' needs finite numbers"),
    ],
)
def test_bad_demographic_columns_say_which_and_how(regression, register, column, value, match):
    frame = register[COLUMNS].iloc[:10].assign(diagnosis_delay_months=5.0)
    frame.loc[3, column] = value
    if column == "sex":  # not a covariate here: the design would refuse an unseen level
        model = alsprog.fit("weibull", register, covariates=["age_at_onset", "onset_site"])
    elif column == "onset_site":
        model = alsprog.fit("weibull", register, covariates=["age_at_onset", "sex"])
    else:
        model = regression
    with pytest.raises(InputError, match=match) as error:
        alsprog.simulate_cohort(10, 1, model=model, covariates=frame)
    assert "\n" not in str(error.value)
