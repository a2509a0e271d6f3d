"""Bad input: one line naming the argument, the value and the fix."""

from __future__ import annotations

import pytest

from alsprog.errors import InputError
from alsprog.models import Weibull
from alsprog.simulation.cohort import simulate_cohort


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n": 0}, r"simulate_cohort n: 0 is not a whole number >= 1"),
        ({"n": 2.5}, r"simulate_cohort n: 2.5 is not a whole number"),
        ({"phenotype": "bulbr"}, r"phenotype 'bulbr' is unknown; choose one of"),
        ({"phenotype": {"als": 0.5, "pma": 0.4}}, r"shares sum to 0.9, not 1; rescale them"),
        ({"phenotype": {"als": 0.5, "xyz": 0.5}}, r"phenotype 'xyz' is unknown"),
        ({"copula_correlation": 1.0}, r"copula_correlation: 1.0 is outside \(-1, 1\)"),
        ({"copula_correlation": -1.5}, r"copula_correlation: -1.5 is outside"),
        ({"dropout_per_year": -0.1}, r"dropout_per_year: -0.1 must be a finite rate >= 0"),
        ({"followup_years": -1.0}, r"followup_years: -1.0 is negative"),
        ({"visit_interval_months": 0.0}, r"visit_interval_months: 0.0 must be above 0"),
        ({"entry": "enrolment"}, r"entry 'enrolment' is unknown; use 'onset' or 'diagnosis'"),
        ({"model": "weibull"}, r"model: str is not a survival model"),
        (
            {"model": Weibull(1.4, 3.0), "phenotype": "pma"},
            r"both model= and phenotype='pma' were given; pass one",
        ),
    ],
)
def test_bad_input_is_one_line_naming_the_fix(kwargs, message):
    arguments = {"n": 10, "seed": 1, **kwargs}
    n, seed = arguments.pop("n"), arguments.pop("seed")
    with pytest.raises(InputError, match=message) as caught:
        simulate_cohort(n, seed, **arguments)
    assert "\n" not in str(caught.value)


def test_kaplan_meier_by_an_unknown_column_is_refused():
    cohort = simulate_cohort(50, 1)
    with pytest.raises(InputError, match="'colour' is not a patients column"):
        cohort.kaplan_meier(by="colour")


def test_a_model_under_which_nobody_reaches_diagnosis_is_refused():
    from alsprog.models import Exponential

    with pytest.raises(InputError, match="was alive at diagnosis; use entry='onset'"):
        simulate_cohort(10, 1, model=Exponential(rate=1e5), entry="diagnosis")
