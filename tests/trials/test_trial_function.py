"""ANCOVA at week 24 and two-stage slopes against statsmodels OLS and scipy, replicate by replicate."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from trials_testdata import WEEKS_PER_YEAR, survival_trials, visit_trials

from alsprog.errors import InputError
from alsprog.trials import ancova_24w, slope

WEEKS_PER_MONTH = WEEKS_PER_YEAR / 12


@pytest.fixture(scope="module")
def trial() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(7)
    patients = survival_trials(rng, 6, 40, hazard_ratio=0.9)
    visits = visit_trials(rng, patients, slope_effect=0.2)
    # a few missed visits, so last-observation-carried-forward has something to carry
    missed = (visits["weeks_on_study"] == 24) & (rng.uniform(size=len(visits)) < 0.15)
    return patients, visits[~missed].reset_index(drop=True)


def _one_replicate(patients, visits, replicate):
    p = patients[patients["replicate"] == replicate].set_index("patient_id")
    v = visits[visits["replicate"] == replicate]
    wide = v.pivot(index="patient_id", columns="weeks_on_study", values="alsfrs_r")
    return p, v, wide


def _ols(y: pd.Series, frame: pd.DataFrame):
    design = sm.add_constant(frame[["treated", "baseline"]].astype(float))
    return sm.OLS(y.astype(float), design).fit()


def _check_against(row: pd.Series, fit) -> None:
    lower, upper = fit.conf_int().loc["treated"]
    assert row["estimate"] == pytest.approx(fit.params["treated"], abs=1e-10)
    assert row["lower"] == pytest.approx(lower, abs=1e-10)
    assert row["upper"] == pytest.approx(upper, abs=1e-10)
    assert row["statistic"] == pytest.approx(fit.tvalues["treated"], abs=1e-10)
    assert row["p_value"] == pytest.approx(fit.pvalues["treated"], abs=1e-10)
    assert row["n_analysed"] == fit.nobs


def test_complete_case_ancova_equals_statsmodels(trial):
    patients, visits = trial
    ours = ancova_24w(patients, visits)
    for replicate in range(6):
        p, _, wide = _one_replicate(patients, visits, replicate)
        frame = pd.DataFrame({"baseline": wide[0.0], "change": wide[24.0] - wide[0.0]})
        frame["treated"] = p.loc[frame.index, "arm"] == "treatment"
        frame = frame.dropna()
        _check_against(ours.iloc[replicate], _ols(frame["change"], frame))


def test_locf_ancova_equals_statsmodels(trial):
    patients, visits = trial
    ours = ancova_24w(patients, visits, missing="locf")
    for replicate in range(6):
        p, _, wide = _one_replicate(patients, visits, replicate)
        after = wide.loc[:, (wide.columns > 0) & (wide.columns <= 24)]
        carried = after.ffill(axis=1).iloc[:, -1]  # the week-24 score, else the last before
        frame = pd.DataFrame({"baseline": wide[0.0], "change": carried - wide[0.0]})
        frame["treated"] = p.loc[frame.index, "arm"] == "treatment"
        frame = frame.dropna()
        _check_against(ours.iloc[replicate], _ols(frame["change"], frame))


def test_worst_rank_ancova_equals_statsmodels_on_ranks(trial):
    patients, visits = trial
    ours = ancova_24w(patients, visits, missing="worst_rank")
    for replicate in range(6):
        p, _, wide = _one_replicate(patients, visits, replicate)
        change = wide[24.0] - wide[0.0]
        died = (p["event"] == 1) & (p["time_on_study"] * WEEKS_PER_YEAR < 24) & change.isna()
        frame = pd.DataFrame({"baseline": wide[0.0]})
        frame["treated"] = p.loc[frame.index, "arm"] == "treatment"
        # deaths below every survivor (offset far below any change), earlier deaths lower
        frame["score"] = np.where(died, -1000 + p.loc[frame.index, "time_on_study"], change)
        frame = frame.dropna()
        _check_against(
            ours.iloc[replicate],
            _ols(pd.Series(stats.rankdata(frame["score"]), frame.index), frame),
        )
        assert died.sum() > 0


def test_window_takes_the_nearest_visit(trial):
    patients, visits = trial
    shifted = visits.assign(
        weeks_on_study=np.where(visits["weeks_on_study"] == 24, 25.0, visits["weeks_on_study"])
    )
    exact = ancova_24w(patients, visits)
    assert ancova_24w(patients, shifted)["n_analysed"].sum() == 0
    # a window of 1.5 weeks finds week 25 (week 28 is 4 weeks off)
    np.testing.assert_allclose(
        ancova_24w(patients, shifted, window_weeks=1.5)["estimate"], exact["estimate"], atol=1e-12
    )


def test_two_stage_slope_equals_polyfit_and_welch(trial):
    patients, visits = trial
    ours = slope(patients, visits)
    for replicate in range(6):
        p, v, _ = _one_replicate(patients, visits, replicate)
        slopes = {
            pid: np.polyfit(g["weeks_on_study"] / WEEKS_PER_MONTH, g["alsfrs_r"], 1)[0]
            for pid, g in v.groupby("patient_id")
            if len(g) >= 2
        }
        per_arm = pd.Series(slopes).groupby(p.loc[list(slopes), "arm"].to_numpy())
        treated, control = per_arm.get_group("treatment"), per_arm.get_group("control")
        test = stats.ttest_ind(treated, control, equal_var=False)
        interval = test.confidence_interval(0.95)
        row = ours.iloc[replicate]
        assert row["estimate"] == pytest.approx(treated.mean() - control.mean(), abs=1e-10)
        assert row["statistic"] == pytest.approx(test.statistic, abs=1e-10)
        assert row["p_value"] == pytest.approx(test.pvalue, abs=1e-10)
        assert row["lower"] == pytest.approx(interval.low, abs=1e-10)
        assert row["upper"] == pytest.approx(interval.high, abs=1e-10)
        assert row["n_analysed"] == len(slopes)


def test_bad_visits_are_refused_in_one_line(trial):
    patients, visits = trial
    with pytest.raises(InputError, match="visits: patient 0 has no baseline visit at week 0"):
        ancova_24w(patients, visits[visits["weeks_on_study"] > 0])
    twice = pd.concat([visits, visits.iloc[[5]]])
    with pytest.raises(InputError, match="two visits in the same week"):
        slope(patients, twice)
    stranger = visits.assign(patient_id=visits["patient_id"] + 1000)
    with pytest.raises(InputError, match="visits: patient 1000 in row 0 is not in patients"):
        slope(patients, stranger)
    with pytest.raises(
        InputError, match=re.escape("visits: alsfrs_r 49 in row 0 is outside [0, 48]")
    ):
        slope(patients, visits.assign(alsfrs_r=49.0))
    with pytest.raises(InputError, match="missing 'lofc' is unknown"):
        ancova_24w(patients, visits, missing="lofc")
