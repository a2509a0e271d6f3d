"""Individual prognosis: identities, monotone effects, the band, and bad input."""

import numpy as np
import pytest

import alsprog
from alsprog.disease.library import phenotype
from alsprog.errors import InputError


def test_at_onset_it_is_the_unconditional_patient_model():
    result = alsprog.prognosis("pma", age_at_onset=55, years_since_onset=0.0, sex="male")
    patient = phenotype("pma").patient(55, "male")
    t = result.curve["years_from_now"].to_numpy()
    np.testing.assert_allclose(result.curve["survival"], patient.survival(t), rtol=1e-12)
    assert result.median_remaining_years == pytest.approx(patient.median())


def test_conditional_identity_and_summaries():
    result = alsprog.prognosis("als", age_at_onset=60, years_since_onset=2.0, sex="female")
    patient = phenotype("als").patient(60, "female")
    for h, p in result.p_alive.items():
        assert p == pytest.approx(patient.survival(2.0 + h) / patient.survival(2.0), rel=1e-9)
    median = result.median_remaining_years
    assert patient.survival(2.0 + median) / patient.survival(2.0) == pytest.approx(0.5, abs=1e-8)
    q25, q75 = result.quartiles_remaining_years
    assert q25 < median < q75


def test_band_brackets_the_curve_and_widens():
    curve = alsprog.prognosis("pls", age_at_onset=53, years_since_onset=1.0).curve
    assert list(curve.columns) == ["years_from_now", "survival", "lower", "upper"]
    assert (curve["lower"] <= curve["survival"] + 1e-9).all()
    assert (curve["survival"] <= curve["upper"] + 1e-9).all()
    width = curve["upper"] - curve["lower"]
    assert width.iloc[0] == pytest.approx(0.0, abs=1e-12) and width.iloc[-1] > 0.01


@pytest.mark.parametrize("name", ["als", "pls"])
def test_worse_profiles_have_shorter_remaining_survival(name):
    def median(**kwargs):
        base = {"age_at_onset": 55, "years_since_onset": 1.0, "sex": "male"} | kwargs
        return alsprog.prognosis(name, **base).median_remaining_years

    assert median(age_at_onset=70) < median(age_at_onset=55) < median(age_at_onset=40)
    assert median(alsfrs_r=30) < median(alsfrs_r=44)
    assert median(fvc_percent=60) < median(fvc_percent=100)
    assert median(ftd=True) < median()
    assert median(treatment="riluzole") > median()


def test_riluzole_adds_a_few_months_for_a_typical_patient():
    # MSD Manual (2019): riluzole may add 2 to 3 months; trial HR 0.84 (Cochrane 2012)
    without = alsprog.prognosis("als", age_at_onset=55, years_since_onset=0.0)
    with_it = alsprog.prognosis("als", age_at_onset=55, years_since_onset=0.0, treatment="riluzole")
    gain_months = 12 * (with_it.median_remaining_years - without.median_remaining_years)
    assert 1.5 < gain_months < 6


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"age_at_onset": 130, "years_since_onset": 1}, "age_at_onset 130 is outside 0-110"),
        ({"age_at_onset": 50, "years_since_onset": -1}, "years_since_onset -1 is outside"),
        (
            {"age_at_onset": 50, "years_since_onset": 1, "alsfrs_r": 50},
            "alsfrs_r 50 is outside 0-48",
        ),
        (
            {"age_at_onset": 50, "years_since_onset": 1, "fvc_percent": 200},
            "fvc_percent 200 is outside",
        ),
        ({"age_at_onset": 50, "years_since_onset": 1, "sex": "m"}, "sex 'm' is unknown"),
        (
            {"age_at_onset": 50, "years_since_onset": 1, "treatment": "aspirin"},
            "treatment 'aspirin' is unknown",
        ),
        (
            {"age_at_onset": 50, "years_since_onset": 1, "diagnosis_delay_months": 30},
            "diagnosis_delay_months 30",
        ),
        ({"age_at_onset": 100, "years_since_onset": 60}, "past the oldest age"),
        ({"age_at_onset": 50, "years_since_onset": float("nan")}, "must be a finite number"),
        ({"age_at_onset": 50, "years_since_onset": 1, "ftd": "no"}, "ftd must be True or False"),
        ({"age_at_onset": 50, "years_since_onset": 1, "band_draws": 0}, "band_draws must be"),
        ({"age_at_onset": 50, "years_since_onset": 1, "horizon_years": -3}, "horizon_years -3"),
    ],
)
def test_bad_input_is_refused(kwargs, message):
    with pytest.raises(InputError, match=message):
        alsprog.prognosis("als", **kwargs)


def test_a_patient_past_every_modelled_time_is_refused():
    with pytest.raises(InputError, match="nobody is alive"):
        alsprog.prognosis("pbp", age_at_onset=40, years_since_onset=60, background=None)
