"""The intervention types in cohort simulation, checked with common random numbers and closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from dkw import dkw_gap

from alsprog.errors import InputError
from alsprog.interventions import HazardRatio, SlopeReduction, TimeRatio
from alsprog.models import Weibull
from alsprog.simulation.cohort import simulate_cohort

DEMOGRAPHICS = ["patient_id", "sex", "age_at_onset", "onset_site", "diagnosis_delay_months"]


def test_a_hazard_ratio_of_one_changes_nothing():
    base = simulate_cohort(5_000, 41)
    same = simulate_cohort(5_000, 41, effect=HazardRatio(1.0, from_diagnosis=True))
    assert base.patients.equals(same.patients)


def test_a_hazard_ratio_from_diagnosis_leaves_earlier_deaths_alone():
    base = simulate_cohort(20_000, 42).patients
    treated = simulate_cohort(20_000, 42, effect=HazardRatio(0.5, from_diagnosis=True)).patients
    assert treated[DEMOGRAPHICS].equals(base[DEMOGRAPHICS])  # common random numbers
    assert np.array_equal(treated["progression_rate"], base["progression_rate"])
    before = base["diagnosis_time"].isna()  # died before diagnosis
    assert before.sum() > 100
    assert np.array_equal(treated.loc[before, "death_time"], base.loc[before, "death_time"])
    after = ~before
    assert (treated.loc[after, "death_time"] >= base.loc[after, "death_time"]).all()
    disease = after & (base["death_cause"] == "disease") & (treated["death_cause"] == "disease")
    assert (treated.loc[disease, "death_time"] > base.loc[disease, "death_time"]).all()
    other = (base["death_cause"] == "other") & (treated["death_cause"] == "other")
    assert np.array_equal(treated.loc[other, "death_time"], base.loc[other, "death_time"])


@pytest.mark.parametrize(
    "effect, cumulative",
    [
        (HazardRatio(0.6), lambda h, t: 0.6 * h(t)),
        (
            HazardRatio(2.0, start_years=1.0, duration_years=2.0),
            lambda h, t: h(t) + (2.0 - 1) * (h(np.minimum(t, 3.0)) - h(np.minimum(t, 1.0))),
        ),
    ],
)
def test_a_weibull_cohort_with_a_hazard_ratio_has_the_closed_form_survival(effect, cumulative):
    shape, scale = 1.4, 3.5

    def h(t):
        return (t / scale) ** shape

    cohort = simulate_cohort(100_000, 43, model=Weibull(shape, scale), effect=effect)
    gap, bound = dkw_gap(cohort.patients["death_time"], lambda t: 1 - np.exp(-cumulative(h, t)))
    assert gap < bound


def test_a_time_ratio_stretches_the_disease_death_time():
    base = simulate_cohort(5_000, 44, background=None).patients
    slower = simulate_cohort(5_000, 44, background=None, effect=TimeRatio(1.5)).patients
    np.testing.assert_allclose(slower["death_time"], 1.5 * base["death_time"], rtol=1e-12)
    with_background = simulate_cohort(5_000, 44, effect=TimeRatio(1.5)).patients
    untreated = simulate_cohort(5_000, 44).patients
    both = (with_background["death_cause"] == "disease") & (untreated["death_cause"] == "disease")
    np.testing.assert_allclose(
        with_background.loc[both, "death_time"], 1.5 * untreated.loc[both, "death_time"], rtol=1e-9
    )


def test_a_slope_reduction_slows_the_scores_but_not_survival():
    base = simulate_cohort(3_000, 45)
    treated = simulate_cohort(3_000, 45, effect=SlopeReduction(0.3))
    assert treated.patients["death_time"].equals(base.patients["death_time"])
    keys = ["patient_id", "months_since_entry"]
    both = base.visits.merge(treated.visits, on=keys, suffixes=("_base", "_treated"))
    assert len(both) == len(base.visits)  # same visits: survival and follow-up unchanged
    after = (
        both["time_base"]
        > base.patients.set_index("patient_id")
        .loc[both["patient_id"], "diagnosis_time"]
        .fillna(np.inf)
        .to_numpy()
    )
    gain = both["alsfrs_r_treated"] - both["alsfrs_r_base"]
    for domain in ("bulbar", "fine_motor", "gross_motor"):
        assert (both[f"{domain}_treated"] >= both[f"{domain}_base"]).all()
    assert (gain[~after] == 0).all()
    assert gain[after].mean() > 1.0


def test_effects_combine_as_a_list():
    base = simulate_cohort(2_000, 46).patients
    both = simulate_cohort(
        2_000, 46, effect=[HazardRatio(0.8, from_diagnosis=True), SlopeReduction(0.2)]
    ).patients
    alone = simulate_cohort(2_000, 46, effect=HazardRatio(0.8, from_diagnosis=True)).patients
    assert both["death_time"].equals(alone["death_time"])
    assert (both["death_time"] >= base["death_time"]).all()


def test_a_malformed_effect_is_refused():
    with pytest.raises(InputError, match="float is not an effect"):
        simulate_cohort(10, 1, effect=0.8)
    with pytest.raises(InputError, match="anchored at enrolment"):
        simulate_cohort(10, 1, effect=HazardRatio(0.8, anchor="enrolment"))


def test_overlapping_hazard_ratios_multiply():
    shape, scale = 1.4, 3.5

    def h(t):
        return (t / scale) ** shape

    def cumulative(t):  # m = 1 on [0, 1), 0.5 on [1, 2), 0.75 on [2, 4), 1.5 from 4 on
        pieces = ((0.0, 1.0, 1.0), (1.0, 2.0, 0.5), (2.0, 4.0, 0.75), (4.0, np.inf, 1.5))
        return sum(m * (h(np.minimum(t, b)) - h(np.minimum(t, a))) for a, b, m in pieces)

    effect = [HazardRatio(0.5, start_years=1.0, duration_years=3.0), HazardRatio(1.5, 2.0)]
    cohort = simulate_cohort(100_000, 47, model=Weibull(shape, scale), effect=effect)
    gap, bound = dkw_gap(cohort.patients["death_time"], lambda t: 1 - np.exp(-cumulative(t)))
    assert gap < bound
