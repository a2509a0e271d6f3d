"""A patient's expected ALSFRS-R course (``alsprog.alsfrs_r_course``), read off simulated patients.

References: numpy's inverted-CDF quantile on values repeated by their weights; the survival
model's own chance of being alive (``alsprog.prognosis``), which the simulated patients' death
times follow exactly; and a cohort simulated directly, its patients picked by hand.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import alsprog
from alsprog.errors import InputError
from alsprog.outcomes.projection import (
    COLUMNS,
    alsfrs_r_course,
    course_for_prognosis,
    effective_size,
    weighted_quantile,
)

LIMB = dict(age_at_onset=60.0, years_since_onset=2.0, sex="male", diagnosis_delay_months=10.0)


def test_weighted_quantiles_are_numpys_on_repeated_values():
    rng = np.random.default_rng(3)
    for _ in range(20):
        values = rng.integers(0, 49, size=40).astype(float)
        weights = rng.integers(0, 5, size=40)
        weights[0] = 1
        repeated = np.repeat(values, weights)
        for q in (0.1, 0.25, 0.5, 0.9):
            expected = np.quantile(repeated, q, method="inverted_cdf")
            assert weighted_quantile(values, weights.astype(float), q) == expected
    assert math.isnan(weighted_quantile(np.ones(3), np.zeros(3), 0.5))
    assert effective_size(np.ones(10)) == pytest.approx(10.0)
    assert effective_size(np.array([1.0, 0.0, 0.0])) == pytest.approx(1.0)


@pytest.fixture(scope="module")
def limb():
    return alsfrs_r_course("als_limb", **LIMB, months=24.0, n=20_000, seed=5)


def test_share_alive_is_the_survival_models_for_the_profile(limb):
    # Death times are drawn from each patient's own model, so the weighted patients alive
    # today should be alive later as often as the profile's model says (binomial SE from the
    # effective number of patients; the age kernel's residual bias is far below it).
    outlook = alsprog.prognosis("als_limb", **LIMB, band_draws=2)
    rows = limb.set_index("months_from_now")
    effective = rows.loc[0.0, "effective_patients"]
    assert effective > 1_000
    for years in (1, 2):
        p = outlook.p_alive[years]
        se = math.sqrt(p * (1 - p) / effective)
        assert abs(rows.loc[12.0 * years, "alive_share"] - p) < 4 * se, (years, p, se)
    # the check can fail: a profile 20 years older is outside it
    older = alsprog.prognosis("als_limb", **{**LIMB, "age_at_onset": 80.0}, band_draws=2)
    se = math.sqrt(older.p_alive[2] * (1 - older.p_alive[2]) / effective)
    assert abs(rows.loc[24.0, "alive_share"] - older.p_alive[2]) > 4 * se


def test_the_frame_is_tidy_and_the_same_for_the_same_seed(limb):
    assert tuple(limb.columns) == COLUMNS
    assert limb["months_from_now"].tolist() == [float(m) for m in range(25)]
    assert limb["alive_share"].iloc[0] == 1.0 and limb["alive_share"].is_monotonic_decreasing
    ok = limb.dropna()
    assert (ok["alsfrs_r_lower"] <= ok["alsfrs_r_median"]).all()
    assert (ok["alsfrs_r_median"] <= ok["alsfrs_r_upper"]).all()
    assert ok[["alsfrs_r_lower", "alsfrs_r_upper"]].stack().between(0, 48).all()
    again = alsfrs_r_course("als_limb", **LIMB, months=24.0, n=20_000, seed=5)
    assert again.equals(limb)


def test_todays_score_is_where_the_course_starts_and_a_lower_score_stays_lower():
    common = dict(years_since_onset=2.0, months=12.0, seed=1)
    high = alsfrs_r_course("als", alsfrs_r=40.0, **common)
    low = alsfrs_r_course("als", alsfrs_r=28.0, **common)
    assert high["alsfrs_r_median"].iloc[0] == 40.0 and low["alsfrs_r_median"].iloc[0] == 28.0
    assert high["alsfrs_r_median"].iloc[-1] < 40.0  # the disease progresses
    assert low["alsfrs_r_median"].iloc[-1] < high["alsfrs_r_median"].iloc[-1]


def test_conditioning_on_todays_score_matches_patients_picked_by_hand():
    # A cohort simulated directly (another seed, visits every 3 months): the patients whose
    # visit at 2 years reads 36, then their scores a year later.
    cohort = alsprog.simulate_cohort(20_000, 8, phenotype="als", followup_years=3.01)
    v = cohort.visits
    frame = alsfrs_r_course("als", years_since_onset=2.0, alsfrs_r=36.0, months=12.0, seed=2)
    window = frame.attrs["score_window"]  # patients within this many points of 36 today
    assert window <= 1
    near = (v["alsfrs_r"] - 36).abs() <= window  # picked by hand the same way
    today = v[np.isclose(v["time"], 2.0) & near]["patient_id"]
    later = v[np.isclose(v["time"], 3.0) & v["patient_id"].isin(today)]["alsfrs_r"]
    row = frame.iloc[-1]
    assert len(later) > 100 and row["effective_patients"] > 100
    assert abs(row["alsfrs_r_median"] - later.median()) <= 2
    assert abs(row["alsfrs_r_lower"] - later.quantile(0.1)) <= 4
    assert abs(row["alsfrs_r_upper"] - later.quantile(0.9)) <= 2


def test_a_profile_nobody_like_is_alive_gives_no_quantiles():
    frame = alsfrs_r_course("pbp", age_at_onset=65.0, years_since_onset=8.0, alsfrs_r=20.0)
    assert frame["alsfrs_r_median"].isna().all()
    assert (frame["effective_patients"] < 20).all()


def test_the_prognosis_profile_is_passed_on():
    outlook = alsprog.prognosis("pls", age_at_onset=53.0, years_since_onset=3.0, alsfrs_r=40.0)
    frame = course_for_prognosis(outlook, months=6.0, step_months=3.0)
    assert frame["months_from_now"].tolist() == [0.0, 3.0, 6.0]
    assert frame["alsfrs_r_median"].iloc[0] == 40.0
    with pytest.raises(InputError, match="prognosis"):
        course_for_prognosis("not an outlook")


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (dict(alsfrs_r=50.0), "alsfrs_r"),
        (dict(sex="x"), "sex"),
        (dict(onset_site="arm"), "onset_site"),
        (dict(months=0.0), "months"),
        (dict(diagnosis_delay_months=40.0), "diagnosis_delay_months"),
        (dict(treatment="aspirin"), "aspirin"),
    ],
)
def test_bad_input_is_one_line_naming_it(options, named):
    with pytest.raises(InputError, match=named) as caught:
        alsfrs_r_course("als", years_since_onset=2.0, **options)
    assert "\n" not in str(caught.value)


def test_the_course_plot_draws_the_band_and_the_old_line_still_draws():
    from alsprog import plots
    from alsprog.disease.functional_course import alsfrs_r_projection

    frame = alsfrs_r_course("als", years_since_onset=1.0, months=6.0, n=2_000)
    plot = plots.alsfrs_r_course_plot(frame)
    assert [type(layer.geom).__name__ for layer in plot.layers] == ["geom_ribbon", "geom_line"]
    assert plots.alsfrs_r_projection_plot(frame).layers[0].geom.__class__.__name__ == (
        "geom_ribbon"
    )
    with pytest.warns(DeprecationWarning, match="alsfrs_r_course"):
        old = alsfrs_r_projection(40.0, 2.0, months=12.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(plots.alsfrs_r_projection_plot(old).layers) == 2
