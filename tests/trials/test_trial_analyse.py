"""analyse(): one row per replicate and endpoint, equal to the endpoint functions; and every
endpoint's type I error at no effect within binomial bounds."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from trials_testdata import survival_trials, visit_trials

from alsprog.errors import InputError
from alsprog.trials import (
    ENDPOINTS,
    analyse,
    ancova_24w,
    cafs,
    cox,
    logrank,
    power_from_results,
    slope,
)

COLUMNS = [
    "replicate",
    "endpoint",
    "estimate",
    "lower",
    "upper",
    "statistic",
    "p_value",
    "n_events",
    "n_analysed",
]


@pytest.fixture(scope="module")
def small() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(99)
    patients = survival_trials(rng, 4, 30, hazard_ratio=0.7)
    return patients, visit_trials(rng, patients, slope_effect=0.3)


def test_analyse_stacks_the_endpoint_functions(small):
    patients, visits = small
    result = analyse(patients, visits)
    assert list(result.columns) == COLUMNS
    assert list(result["endpoint"][:5]) == list(ENDPOINTS)
    assert list(result["replicate"]) == list(np.repeat(range(4), 5))
    one = {
        "logrank": logrank(patients),
        "cox": cox(patients),
        "ancova_24w": ancova_24w(patients, visits),
        "slope": slope(patients, visits),
        "cafs": cafs(patients, visits),
    }
    for name, frame in one.items():
        mine = result[result["endpoint"] == name].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, frame[COLUMNS])


def test_analyse_passes_options_and_chooses_endpoints(small):
    patients, visits = small
    assert list(analyse(patients)["endpoint"].unique()) == ["logrank", "cox"]
    chosen = analyse(patients, visits, endpoints=["cafs", "logrank"], missing="locf")
    assert list(chosen["endpoint"][:2]) == ["logrank", "cafs"]
    locf = analyse(patients, visits, endpoints="ancova_24w", missing="locf", alpha=0.1)
    pd.testing.assert_frame_equal(locf, ancova_24w(patients, visits, missing="locf", alpha=0.1))
    first = patients[patients["replicate"] == 0], visits[visits["replicate"] == 0]
    mixed = analyse(*first, "slope", slope_method="mixed")
    assert mixed["estimate"][0] == pytest.approx(slope(patients, visits)["estimate"][0], abs=0.1)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"endpoints": ["logrank", "survival"]}, "endpoints: 'survival' is not an endpoint"),
        ({"endpoints": []}, "endpoints: 'none' is not an endpoint"),
        ({"slope_method": "gee"}, "slope_method 'gee' is unknown"),
        ({"ties": "exact"}, "ties 'exact' is unknown"),
        ({"week": -4}, "ancova_24w: week -4 with window_weeks 0.0 is unusable"),
    ],
)
def test_bad_options_are_refused_in_one_line(small, kwargs, message):
    patients, visits = small
    with pytest.raises(InputError, match=re.escape(message)):
        analyse(patients, visits, **kwargs)


def test_function_endpoints_need_visits(small):
    with pytest.raises(InputError, match="endpoints: slope needs visits"):
        analyse(small[0], endpoints=["logrank", "slope"])


def test_every_endpoint_holds_its_level_under_the_null():
    # 2,000 null trials of 2 x 40 patients (about half die, 41 deaths on average, enough for
    # the Cox Wald test, which runs a little conservative with fewer; visits every 4 weeks).
    replicates, alpha = 2000, 0.05
    rng = np.random.default_rng(2024)
    patients = survival_trials(rng, replicates, 40, hazard_ratio=1.0, scale=1.5)
    visits = visit_trials(rng, patients, slope_effect=0.0)
    power = pd.concat(
        [
            power_from_results(analyse(patients, visits), alpha),
            power_from_results(
                analyse(patients, visits, "ancova_24w", missing="worst_rank"), alpha
            ).assign(endpoint="ancova_24w worst_rank"),
            power_from_results(
                analyse(patients, visits, "ancova_24w", missing="locf"), alpha
            ).assign(endpoint="ancova_24w locf"),
        ]
    )
    assert list(power["endpoint"][:5]) == list(ENDPOINTS)
    assert power["replicates"].eq(replicates).all()
    # each rejection count inside its two-sided binomial 0.9999 band
    low, high = stats.binom.ppf([5e-5, 1 - 5e-5], replicates, alpha) / replicates
    for row in power.itertuples():
        assert low <= row.power <= high, (row.endpoint, row.power, (low, high))
