"""Bad input to a survival regression: one line naming the column and the fix; and a fit that
stops early says so."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import alsprog
from alsprog.errors import InputError
from alsprog.estimation import regression_likelihood
from alsprog.estimation.regression_model import ConvergenceWarning

COHORT = pd.read_csv(Path(__file__).parent / "data" / "regression_cohort.csv")
ROWS = np.arange(len(COHORT))


@pytest.mark.parametrize(
    ("frame", "options", "expected"),
    [
        (COHORT, {"covariates": ["age", "bmi"]}, "column 'bmi' is not in the data"),
        (COHORT, {"formula": "~ age + bmi"}, "column 'bmi' is not in the data"),
        (COHORT, {"formula": "~ age +"}, "formula '~ age +' cannot be read"),
        (COHORT.assign(c=1.0), {"covariates": ["c"]}, "column 'c' is constant (1.0 in every"),
        (COHORT.assign(c=np.nan), {"covariates": ["c"]}, "column 'c' is empty (all missing)"),
        (
            COHORT.assign(c=np.where(ROWS == 3, np.nan, ROWS)),
            {"covariates": ["c"]},
            "column 'c' has 1 missing values (first at row 3)",
        ),
        (
            COHORT.assign(c=[str(a) if i != 5 else "sixty" for i, a in enumerate(COHORT["age"])]),
            {"covariates": ["c"]},
            "column 'c' holds numbers stored as text (e.g. 'sixty' at row 5)",
        ),
        (
            COHORT.assign(g=np.where(COHORT["event"] == 0, "never", "other")),
            {"covariates": ["g"]},
            "g[T.other] = 0, so its coefficient is infinite (separation)",
        ),
        (COHORT.assign(event=0), {"covariates": ["age"]}, "no deaths in column 'event'"),
        (
            COHORT.assign(e=COHORT["time"] + 1),
            {"covariates": ["age"], "entry": "e"},
            "entry column 'e' is after duration column 'time' at row 0",
        ),
        (COHORT, {"event": "died"}, "event='died' is not a column of data"),
        (COHORT, {"scale": "odds"}, "scale 'odds' does not suit the weibull family"),
        (COHORT, {"covariates": ["age"], "formula": "~ age"}, "pass covariates= or formula="),
        (COHORT, {"formula": "~ age - 1"}, "drops the intercept"),
        (COHORT, {"covariates": ["age"], "reference": {"site": "limb"}}, "names column 'site'"),
    ],
)
def test_bad_input_is_one_line_naming_the_column(frame, options, expected) -> None:
    with pytest.raises(InputError) as caught:
        alsprog.fit("weibull", frame, **options)
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message
    assert "; " in message  # the problem, then the fix


def test_families_without_covariates_and_arrays_with_covariates_are_refused() -> None:
    with pytest.raises(InputError, match=r"family 'mixture' takes no covariates"):
        alsprog.fit("mixture", COHORT, covariates=["age"])
    with pytest.raises(InputError, match="need the data as a DataFrame"):
        alsprog.fit("weibull", COHORT["time"], COHORT["event"], covariates=["age"])


def test_new_rows_with_an_unseen_level_are_refused() -> None:
    model = alsprog.fit("weibull", COHORT, covariates=["age", "site"])
    with pytest.raises(InputError, match="do not match the fitted model"):
        model.predict(pd.DataFrame({"age": [60.0], "site": ["thoracic"]}), times=[1.0])


def test_a_fit_that_stops_early_warns_and_says_so(monkeypatch) -> None:
    monkeypatch.setattr(regression_likelihood, "OPTIONS", {"maxiter": 1})
    monkeypatch.setattr(regression_likelihood, "NEWTON_STEPS", 0)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        model = alsprog.fit("weibull", COHORT, covariates=["age", "sex", "site"])
    assert model.fit_info.converged is False
