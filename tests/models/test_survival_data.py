"""check_survival_data: the checks fit() and kaplan_meier() share, and the messages they give."""

import re

import numpy as np
import pandas as pd
import pytest

from alsprog.errors import InputError
from alsprog.estimation.fitting import fit
from alsprog.models.kaplan_meier import kaplan_meier
from alsprog.models.survival_data import SurvivalData, check_survival_data

T4, D4 = [1.0, 2.0, 3.0, 4.0], [1, 0, 1, 1]
CALLERS = {
    "fit": lambda **kwargs: fit("weibull", **kwargs),
    "kaplan_meier": kaplan_meier,
}

# (arguments replacing the good T4, D4 rows; the message after "<caller>: ")
BAD = [
    (
        {"event_observed": [1, 0, 1]},
        "durations and event_observed have different lengths (4 and 3); "
        "pass one event_observed value per duration",
    ),
    (
        {"durations": [], "event_observed": []},
        "durations is empty; pass at least one patient",
    ),
    (
        {"durations": [[1.0, 2.0]], "event_observed": [[1, 1]]},
        "durations must be one-dimensional (got shape (1, 2)); pass one value per patient",
    ),
    (
        {"durations": ["1", "2", "3", "4"]},
        "durations must be numbers (got dtype <U1); convert the column to numbers first",
    ),
    (
        {"durations": [1.0, np.nan, 3.0, 4.0]},
        "durations has nan at position 1; drop or fill missing values first",
    ),
    (
        {"durations": [1.0, np.inf, 3.0, 4.0]},
        "durations has inf at position 1; pass finite values "
        "(a censored time is the last time seen alive)",
    ),
    (
        {"durations": [1.0, -2.0, 3.0, 4.0]},
        "duration -2 at position 1 is negative; durations are times since onset and must be >= 0",
    ),
    (
        {"event_observed": [1, 2, 0, 1]},
        "event_observed has 2 at position 1; use 1 (died) or 0 (censored), or booleans",
    ),
    (
        {"event_observed": [1, 0.5, 0, 1]},
        "event_observed has 0.5 at position 1; use 1 (died) or 0 (censored), or booleans",
    ),
    (
        {"event_observed": [1, np.nan, 0, 1]},
        "event_observed has nan at position 1; use 1 (died) or 0 (censored), or booleans",
    ),
    (
        {"event_observed": ["dead", "alive", "dead", "dead"]},
        "event_observed must be 0/1 or booleans (got dtype <U5); use 1 (died) or 0 (censored)",
    ),
    (
        {"event_observed": [[1, 0, 1, 1]]},
        "event_observed must be one-dimensional (got shape (1, 4)); pass one value per patient",
    ),
    (
        {"entry": [0.0, 2.5, 0.0, 0.0]},
        "entry 2.5 at position 1 is after its duration 2; "
        "entry (when observation began) must not exceed the duration",
    ),
    (
        {"entry": [0.0, -0.5, 0.0, 0.0]},
        "entry -0.5 at position 1 is negative; entry times are times since onset and must be >= 0",
    ),
    (
        {"entry": [0.0, 0.5]},
        "durations and entry have different lengths (4 and 2); pass one entry value per duration",
    ),
    (
        {"entry": [0.0, np.nan, 0.0, 0.0]},
        "entry has nan at position 1; drop or fill missing values first",
    ),
    (
        {"weights": [1, np.nan, 1, 1]},
        "weights has nan at position 1; drop or fill missing values first",
    ),
    (
        {"weights": [1, np.inf, 1, 1]},
        "weights has inf at position 1; pass finite values",
    ),
    (
        {"weights": ["1", "1", "1", "1"]},
        "weights must be numbers (got dtype <U1); convert the column to numbers first",
    ),
]


@pytest.mark.parametrize("caller", ["fit", "kaplan_meier"])
@pytest.mark.parametrize(("kwargs", "message"), BAD, ids=[m.split(";")[0] for _, m in BAD])
def test_both_callers_refuse_bad_rows_with_the_same_one_line(caller, kwargs, message):
    arguments = {"durations": T4, "event_observed": D4, **kwargs}
    with pytest.raises(InputError, match=f"^{re.escape(f'{caller}: {message}')}$") as caught:
        CALLERS[caller](**arguments)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("caller", "weights", "message"),
    [
        (
            "fit",
            [1, -1, 1, 1],
            "fit: weight -1 at position 1 is negative; weights are case counts and must be >= 0",
        ),
        (
            "kaplan_meier",
            [1, -1, 1, 1],
            "kaplan_meier: weight -1 at position 1 is not above 0; "
            "drop rows with zero weight and pass positive weights",
        ),
        (
            "kaplan_meier",
            [1.0, 0.0, 1.0, 1.0],
            "kaplan_meier: weight 0 at position 1 is not above 0; "
            "drop rows with zero weight and pass positive weights",
        ),
    ],
)
def test_each_caller_keeps_its_own_rule_for_weights(caller, weights, message):
    with pytest.raises(InputError, match=f"^{re.escape(message)}$"):
        CALLERS[caller](durations=T4, event_observed=D4, weights=weights)


def test_zero_weights_pass_unless_positive_weights_are_asked_for():
    data = check_survival_data("fit", T4, D4, weights=[1, 0, 2, 1])
    np.testing.assert_array_equal(data.weights, [1.0, 0.0, 2.0, 1.0])
    with pytest.raises(InputError, match=r"^f: weight 0 at position 1 is not above 0"):
        check_survival_data("f", T4, D4, weights=[1, 0, 2, 1], positive_weights=True)


def test_checked_rows_are_float_and_boolean_arrays_with_defaults():
    data = check_survival_data("fit", [1, 2, 3, 4], [True, False, True, True])
    assert isinstance(data, SurvivalData)
    assert [a.dtype for a in (data.durations, data.died, data.entry, data.weights)] == [
        np.float64,
        np.bool_,
        np.float64,
        np.float64,
    ]
    np.testing.assert_array_equal(data.durations, T4)
    np.testing.assert_array_equal(data.died, [True, False, True, True])
    np.testing.assert_array_equal(data.entry, np.zeros(4))
    np.testing.assert_array_equal(data.weights, np.ones(4))


def test_pandas_columns_and_nullable_dtypes_give_the_same_rows():
    frame = pd.DataFrame(
        {
            "t": pd.array(T4, dtype="Float64"),
            "dead": pd.array([bool(d) for d in D4], dtype="boolean"),
            "entry": pd.array([0, 1, 0, 2], dtype="Int64"),
            "weight": pd.array([1, 2, 1, 3], dtype="Int64"),
        }
    )
    from_frame = check_survival_data(
        "fit", frame["t"], frame["dead"], frame["entry"], frame["weight"]
    )
    from_lists = check_survival_data("fit", T4, D4, [0.0, 1.0, 0.0, 2.0], [1.0, 2.0, 1.0, 3.0])
    for name in ("durations", "died", "entry", "weights"):
        np.testing.assert_array_equal(getattr(from_frame, name), getattr(from_lists, name))


def test_checked_rows_are_read_only_copies():
    durations = np.array(T4)
    data = check_survival_data("fit", durations, D4)
    durations[0] = 99.0
    assert data.durations[0] == 1.0
    with pytest.raises(ValueError, match="read-only"):
        data.died[0] = False
