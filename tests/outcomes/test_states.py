"""Stage occupancy, time in stage and first passage against independent estimates."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from lifelines import AalenJohansenFitter

from alsprog.errors import InputError
from alsprog.outcomes.states import (
    first_passage,
    stage_incidence,
    stage_occupancy,
    time_in_stage,
)

TIMES = np.array([0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0])


def _loop_stage(row: pd.Series, staging: str, t: float) -> str:
    """One patient's state at t, by reading the columns one by one (the slow, obvious way)."""
    if row["death_time"] - row["entry_time"] <= t:
        return "death"
    stage = 1 if staging == "kings" else 0
    for k in range(stage + 1, 5):
        reached = row[f"{staging}_stage_{k}_time"]
        if not np.isnan(reached) and reached - row["entry_time"] <= t:
            stage = k
    return str(stage)


@pytest.mark.parametrize("staging", ["kings", "mitos"])
def test_occupancy_equals_a_direct_count(small_cohort, staging):
    p = small_cohort.patients
    ours = stage_occupancy(small_cohort, staging, TIMES).set_index(["stage", "t"])["value"]
    for t in TIMES:
        states = p.apply(_loop_stage, axis=1, args=(staging, t))
        counted = states.value_counts(normalize=True)
        for stage in ours.index.get_level_values("stage").unique():
            assert ours[(stage, t)] == pytest.approx(counted.get(stage, 0.0), abs=1e-12)


def _aalen_johansen(duration, event, times) -> np.ndarray:
    """lifelines' Aalen-Johansen cumulative incidence of event type 1 at ``times``."""
    fitter = AalenJohansenFitter(calculate_variance=False, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifelines warns about (and jitters) tied times
        fitter.fit(duration, event, event_of_interest=1)
    cif = fitter.cumulative_density_.iloc[:, 0]
    at = np.searchsorted(cif.index.to_numpy(), times, side="right") - 1
    return np.where(at >= 0, cif.to_numpy()[np.maximum(at, 0)], 0.0)


def _observed_occupancy(p: pd.DataFrame, k: int, times: np.ndarray) -> np.ndarray:
    """P(alive in King's stage >= k at t) from the observed (censored) data alone: the
    Aalen-Johansen incidence of reaching k (death competing) minus that of dying after k."""
    follow, died = p["time"].to_numpy(), p["event"].to_numpy() == 1
    reach = p[f"kings_stage_{k}_time"].to_numpy()
    seen = ~np.isnan(reach) & (reach <= follow)
    reach_event = np.where(seen, 1, np.where(died, 2, 0))
    reached = _aalen_johansen(np.where(seen, reach, follow), reach_event, times)
    ever = ~np.isnan(reach)
    death_event = np.where(died & ever, 1, np.where(died, 2, 0))
    died_after = _aalen_johansen(follow, death_event, times)
    return reached - died_after


def test_occupancy_matches_aalen_johansen_on_the_observed_data(censored_cohort):
    """The true-course occupancy against the Aalen-Johansen estimate from the same patients'
    censored follow-up: equal up to the estimator's sampling error (n = 20,000: SE < 0.006)."""
    p = censored_cohort.patients
    times = np.array([0.5, 1.0, 1.5, 2.0, 2.5])
    ours = stage_occupancy(censored_cohort, "kings", times)
    at_least = {
        k: ours[ours["stage"].isin([str(j) for j in range(k, 5)])].groupby("t")["value"].sum()
        for k in (2, 3, 4)
    }
    for k in (2, 3, 4):
        estimate = _observed_occupancy(p, k, times)
        np.testing.assert_allclose(at_least[k].to_numpy(), estimate, atol=0.02)


def test_incidence_equals_aalen_johansen_without_censoring(small_cohort):
    # Without censoring the Aalen-Johansen estimator is the empirical cumulative incidence.
    p = small_cohort.patients
    ours = stage_incidence(small_cohort, "mitos", TIMES).set_index(["stage", "t"])["value"]
    death = p["death_time"].to_numpy()
    for k in (1, 2, 3, 4):
        reach = p[f"mitos_stage_{k}_time"].to_numpy()
        event = np.where(np.isnan(reach), 2, 1)
        # lifelines' curve is 0 at time 0, so patients at the stage from onset (a few, in
        # MiToS 1) are a share apart: incidence = share + (1 - share) x the others' incidence
        at_onset = reach == 0
        share = at_onset.mean()
        rest = ~at_onset
        duration = np.where(np.isnan(reach), death, reach)[rest]
        expected = share + (1 - share) * _aalen_johansen(duration, event[rest], TIMES)
        got = ours.xs(str(k), level="stage").to_numpy()
        np.testing.assert_allclose(got, expected, atol=2 / len(p))  # lifelines jitters ties


@pytest.mark.parametrize("horizon", [2.0, None])
def test_time_in_stage_is_the_integral_of_occupancy(small_cohort, horizon):
    dt = 0.001
    longest = float((small_cohort.patients["death_time"]).max())
    end = longest + 1 if horizon is None else horizon
    grid = np.arange(0.0, end, dt) + dt / 2  # midpoints: error below dt per stage
    occupancy = stage_occupancy(small_cohort, "kings", grid).groupby("stage")["value"].sum() * dt
    years = time_in_stage(small_cohort, "kings", horizon_years=horizon).set_index("stage")
    for stage in ("1", "2", "3", "4"):
        assert years.loc[stage, "value"] == pytest.approx(occupancy[stage], abs=2 * dt)
    alive = years.loc["alive", "value"]
    assert alive == pytest.approx(years.loc[["1", "2", "3", "4"], "value"].sum(), rel=1e-12)
    if horizon is None:
        p = small_cohort.patients
        assert alive == pytest.approx((p["death_time"] - p["entry_time"]).mean(), rel=1e-12)


def test_time_from_a_stage_counts_only_patients_who_reach_it(small_cohort):
    p = small_cohort.patients
    reached = p[p["kings_stage_2_time"].notna()]
    years = time_in_stage(small_cohort, "kings", from_stage=2).set_index("stage")["value"]
    assert years["1"] == 0.0
    expected = (reached["death_time"] - reached["kings_stage_2_time"]).mean()
    assert years["alive"] == pytest.approx(expected, rel=1e-12)
    # the base stage as from_stage is the ordinary count
    pd.testing.assert_frame_equal(
        time_in_stage(small_cohort, "kings", from_stage=1), time_in_stage(small_cohort, "kings")
    )


def test_first_passage_against_pandas(small_cohort):
    p = small_cohort.patients
    fp = first_passage(small_cohort, "kings").set_index(["stage", "measure"])["value"]
    reach = p["kings_stage_3_time"]
    assert fp[("3", "probability")] == pytest.approx(reach.notna().mean())
    assert fp[("3", "median_years")] == pytest.approx(reach.median())
    assert fp[("death", "mean_years")] == pytest.approx(p["death_time"].mean())
    assert fp[("death", "median_years_all")] == pytest.approx(
        np.quantile(p["death_time"], 0.5, method="inverted_cdf")
    )


def test_occupancy_rows_sum_to_one_and_columns_are_tidy(small_cohort):
    occ = stage_occupancy(small_cohort, "mitos", TIMES)
    assert list(occ.columns) == ["staging", "stage", "t", "value"]
    np.testing.assert_allclose(occ.groupby("t")["value"].sum(), 1.0, rtol=1e-12)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda c: stage_occupancy(c, "kingz"), "staging 'kingz' is unknown"),
        (lambda c: time_in_stage(c, "kings", from_stage=7), "from_stage 7 is not a kings stage"),
        (lambda c: time_in_stage(c, "kings", horizon_years=-1), "horizon_years must be above 0"),
        (lambda c: stage_occupancy(c, "kings", times=[-1]), "times must be finite years"),
        (lambda c: stage_occupancy(42), "cohort must be a Cohort"),
    ],
)
def test_bad_input_is_one_line(small_cohort, call, message):
    with pytest.raises(InputError, match=message):
        call(small_cohort)
