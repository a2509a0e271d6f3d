"""The batched log-rank test and Cox model against lifelines and statsmodels, replicate by replicate."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter
from lifelines.statistics import logrank_test
from statsmodels.duration.hazard_regression import PHReg
from trials_testdata import survival_trials

from alsprog.errors import InputError
from alsprog.trials import cox, logrank

# lifelines' defaults (precision 1e-7 on the step, r_precision 1e-9 on the relative change in
# log-likelihood) stop about 1e-4 short of the maximum on near-null trials; these run its
# Newton-Raphson to the optimum (fit_options: step_size, precision, r_precision, max_steps).
TIGHT = {"step_size": 0.95, "precision": 1e-14, "r_precision": 1e-16, "max_steps": 500}


@pytest.fixture(scope="module")
def trials() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(20240615)
    return {
        "continuous": survival_trials(rng, 12, 60, hazard_ratio=0.8),
        # times on a 0.05-year grid: many tied deaths, and deaths tied with censorings
        "tied": survival_trials(rng, 12, 60, hazard_ratio=1.0, round_to=0.05),
        "small": survival_trials(rng, 12, 8, hazard_ratio=0.6, round_to=0.1),
    }


def _arms(frame: pd.DataFrame, replicate: int) -> tuple[pd.DataFrame, pd.Series]:
    trial = frame[frame["replicate"] == replicate]
    return trial, trial["arm"] == "treatment"


@pytest.mark.parametrize("kind", ["continuous", "tied", "small"])
def test_logrank_equals_lifelines(trials, kind):
    data = trials[kind]
    ours = logrank(data)
    assert list(ours["replicate"]) == sorted(data["replicate"].unique())
    for replicate in ours["replicate"]:
        trial, treated = _arms(data, replicate)
        reference = logrank_test(
            trial["time_on_study"][treated],
            trial["time_on_study"][~treated],
            trial["event"][treated],
            trial["event"][~treated],
        )
        row = ours[ours["replicate"] == replicate].iloc[0]
        assert row["statistic"] == pytest.approx(reference.test_statistic, abs=1e-8)
        assert row["p_value"] == pytest.approx(reference.p_value, abs=1e-8)
        assert row["n_events"] == trial["event"].sum()


@pytest.mark.filterwarnings("ignore::lifelines.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("kind", ["continuous", "tied", "small"])
def test_cox_efron_equals_lifelines_run_to_convergence(trials, kind):
    data = trials[kind]
    ours = cox(data)
    for replicate in ours["replicate"]:
        trial, treated = _arms(data, replicate)
        frame = pd.DataFrame(
            {"T": trial["time_on_study"], "E": trial["event"], "x": treated.astype(float)}
        )
        fitted = CoxPHFitter().fit(frame, "T", "E", fit_options=TIGHT).summary.loc["x"]
        row = ours[ours["replicate"] == replicate].iloc[0]
        if row["estimate"] in (0.0, np.inf):  # all deaths in one arm: lifelines runs off too
            assert abs(fitted["coef"]) > 10 and fitted["p"] > 0.99 and row["p_value"] == 1
            assert (fitted["coef"] > 0) == (row["estimate"] > 1)
            continue
        # log hazard ratio and its interval to 1e-6 (the ratio itself to 1e-6 relative)
        assert np.log(row["estimate"]) == pytest.approx(fitted["coef"], abs=1e-6)
        assert np.log(row["lower"]) == pytest.approx(fitted["coef lower 95%"], abs=1e-6)
        assert np.log(row["upper"]) == pytest.approx(fitted["coef upper 95%"], abs=1e-6)
        assert row["estimate"] == pytest.approx(fitted["exp(coef)"], rel=1e-6)
        assert row["statistic"] == pytest.approx(fitted["z"], abs=1e-6)
        assert row["p_value"] == pytest.approx(fitted["p"], abs=1e-6)


def test_cox_breslow_equals_statsmodels_phreg(trials):
    data = trials["tied"]
    ours = cox(data, ties="breslow", alpha=0.1)
    efron = cox(data)
    for replicate in ours["replicate"]:
        trial, treated = _arms(data, replicate)
        fit = PHReg(
            trial["time_on_study"].to_numpy(),
            treated.to_numpy(dtype=float)[:, None],
            status=trial["event"].to_numpy(),
            ties="breslow",
        ).fit()
        beta, se = fit.params[0], fit.bse[0]
        row = ours[ours["replicate"] == replicate].iloc[0]
        assert np.log(row["estimate"]) == pytest.approx(beta, abs=1e-6)
        assert np.log(row["upper"]) - np.log(row["lower"]) == pytest.approx(
            2 * 1.6448536269514722 * se, abs=1e-6
        )
    # with tied deaths the two ties rules differ
    assert np.abs(np.log(ours["estimate"]) - np.log(efron["estimate"])).max() > 1e-4


def test_without_tied_deaths_breslow_and_efron_coincide(trials):
    data = trials["continuous"]
    np.testing.assert_allclose(
        cox(data, ties="breslow")["estimate"], cox(data)["estimate"], rtol=1e-10
    )


def test_deaths_in_one_arm_give_the_limits_and_uninformative_deaths_give_nan():
    time = [0.2, 0.5, 0.9, 0.3, 1.0, 1.0]  # three control then three treated patients
    frame = pd.DataFrame(
        {
            "replicate": np.repeat([0, 1, 2, 3], 6),
            "arm": np.tile(["control"] * 3 + ["treatment"] * 3, 4),
            "time_on_study": np.tile(time, 4),
            "event": np.r_[
                [1, 1, 0, 0, 0, 0],  # control deaths only: hazard ratio -> 0
                [0, 0, 0, 1, 0, 0],  # one treated death, controls at risk: -> inf
                [0] * 6,  # no deaths
                [0, 0, 0, 0, 1, 0],  # a death when only treated patients are at risk
            ],
        }
    )
    result = cox(frame)
    assert list(result["estimate"][:2]) == [0.0, np.inf]
    assert list(result["p_value"][:2]) == [1.0, 1.0]
    assert list(result["lower"][:2]) == [0.0, 0.0] and np.isinf(result["upper"][:2]).all()
    assert result.iloc[2:][["estimate", "lower", "upper", "p_value"]].isna().all().all()
    assert np.isnan(logrank(frame)["p_value"][2])


def test_one_trial_without_replicate_column_is_replicate_zero(trials):
    trial = trials["continuous"]
    one = trial[trial["replicate"] == 3].drop(columns="replicate")
    row = logrank(one)
    assert list(row["replicate"]) == [0]
    assert row["statistic"][0] == logrank(trials["continuous"])["statistic"][3]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"arm": "placebo"}, "arm 'placebo' is unknown; use 'control' or 'treatment'"),
        ({"time_on_study": -1.0}, "time_on_study -1 in row 0 is outside"),
        ({"time_on_study": np.nan}, "time_on_study nan in row 0 is outside"),
        ({"event": 2}, "event 2 in row 0 is outside"),
        ({"event": 0.5}, "event must be 0 .censored. or 1 .died."),
    ],
)
def test_bad_survival_data_is_refused_in_one_line(change, message):
    frame = pd.DataFrame({"arm": ["control", "treatment"], "time_on_study": 1.0, "event": 1})
    for column, value in change.items():
        frame[column] = frame[column].astype(object)
        frame.loc[0, column] = value
    with pytest.raises(InputError, match=message):
        logrank(frame)


def test_missing_columns_and_options_are_named():
    with pytest.raises(InputError, match=re.escape("patients: missing column(s) event")):
        logrank(pd.DataFrame({"arm": ["control"], "time_on_study": [1.0]}))
    frame = pd.DataFrame({"arm": ["control", "treatment"], "time_on_study": 1.0, "event": 1})
    with pytest.raises(InputError, match="cox: ties 'exact' is unknown"):
        cox(frame, ties="exact")
    with pytest.raises(InputError, match="cox: alpha must lie strictly between 0 and 1"):
        cox(frame, alpha=1.5)
