"""The progression-clock course as ``simulate_cohort`` gives it (issue 26): a hazard ratio leaves
the course before the end stage alone, a slope reduction of 1/3 slows the clock by 1/3, domains
are not piled at 0 and 12, stages never go back, need comes before uptake, and the uptake
shares and fitted settings a user passes are used."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from alsprog.errors import InputError
from alsprog.interventions import HazardRatio, SlopeReduction
from alsprog.simulation.cohort import simulate_cohort
from alsprog.simulation.progression_settings import ProgressionSettings
from alsprog.simulation.staging import kings_stage, mitos_stage

DOMAINS = ["bulbar", "fine_motor", "gross_motor", "respiratory"]


def _course(cohort):
    """The first block's ClockCourse and procedures (a cohort under 16,384 has one block)."""
    (block,) = cohort._blocks
    return block.course


@pytest.fixture(scope="module")
def cohort():
    return simulate_cohort(3000, 11)


def test_a_hazard_ratio_leaves_every_visit_before_the_end_stage_alone():
    base = simulate_cohort(2000, 21)
    treated = simulate_cohort(2000, 21, effect=HazardRatio(0.7))
    a, b = base.patients, treated.patients
    assert (b["death_time"] >= a["death_time"]).all()
    assert (b["death_time"] > a["death_time"]).mean() > 0.5  # the effect moved deaths
    end = np.minimum(_course(base).course.end_start, _course(treated).course.end_start)
    keys = ["patient_id", "months_since_entry"]
    both = base.visits.merge(treated.visits, on=keys, suffixes=("", "_hr"))
    before = both["time"].to_numpy() < end[both["patient_id"].to_numpy() - 1]
    columns = [c for c in base.visits.columns if c not in keys]
    assert before.mean() > 0.5
    for column in columns:
        assert np.array_equal(both.loc[before, column], both.loc[before, f"{column}_hr"])
    # after it, the treated live longer with a longer end stage: some visits differ
    assert (both.loc[~before, "alsfrs_r"] != both.loc[~before, "alsfrs_r_hr"]).any()
    # and the stage times that come before either end stage are the same
    for column in ("kings_stage_2_time", "kings_stage_3_time", "mitos_stage_1_time"):
        time_a, time_b = a[column].to_numpy(), b[column].to_numpy()
        early = time_a < end
        assert early.sum() > 100
        assert np.array_equal(time_a[early], time_b[early])


def test_a_slope_reduction_of_a_third_slows_the_clock_by_a_third():
    base = simulate_cohort(2000, 22)
    slowed = simulate_cohort(2000, 22, effect=SlopeReduction(1 / 3, from_diagnosis=False))
    assert slowed.patients["death_time"].equals(base.patients["death_time"])
    c0, c1 = _course(base).course, _course(slowed).course
    t = np.linspace(0.0, 6.0, 25)[None, :] * np.ones((c0.size, 1))
    # closed form: the slowed clock at 3/2 t is the plain clock at t
    np.testing.assert_allclose(c1.clock(1.5 * t), c0.clock(t), rtol=1e-12, atol=1e-12)
    # so a region's involvement (King's stage 2 before stage 4) comes 3/2 as late
    p0, p1 = base.patients, slowed.patients
    two = (
        (p0["kings_stage_2_time"] < p0["kings_stage_4_time"])
        & (p1["kings_stage_2_time"] < p1["kings_stage_4_time"])
        & (p1["kings_stage_2_time"] < c0.end_start)
    ).to_numpy()
    assert two.sum() > 500
    np.testing.assert_allclose(
        p1["kings_stage_2_time"].to_numpy()[two],
        1.5 * p0["kings_stage_2_time"].to_numpy()[two],
        rtol=1e-9,
    )


def test_domains_are_not_piled_at_0_and_12(cohort):
    """The former course showed 84% of domain readings at exactly 0 or 12 and 68% of the
    readings of an involved domain (below 12) at 0, on this cohort (3,000 ALS patients,
    quarterly visits from onset, seed 11); 66% of totals were multiples of 3 (a third would be
    uniform). Bounds: 0.7, 0.4 and 0.45."""
    x = cohort.visits[DOMAINS].to_numpy()
    assert np.isin(x, (0, 12)).mean() < 0.7
    assert (x[x < 12] == 0).mean() < 0.4
    assert (cohort.visits["alsfrs_r"].to_numpy() % 3 == 0).mean() < 0.45


def test_stages_never_go_back_without_the_running_maximum(cohort):
    course = _course(cohort)
    death = cohort.patients["death_time"].to_numpy()
    grid = np.linspace(0.0, 1.0, 41)[1:-1]  # shares of each patient's life
    kings, mitos = [], []
    settings = course.course.settings
    for share in grid:
        scores = course.observed(share * death)  # noise-free, as received
        kings.append(kings_stage(scores, settings))
        mitos.append(mitos_stage(scores))
    kings_by_time, mitos_by_time = np.array(kings), np.array(mitos)
    assert (np.diff(kings_by_time, axis=0) >= 0).all()
    assert (np.diff(mitos_by_time, axis=0) >= 0).all()
    assert kings_by_time[-1].mean() > kings_by_time[0].mean() + 1  # they do move
    # and the patients table's stage times say the same: stage >= k exactly from its time
    p = cohort.patients
    for k in (2, 3, 4):
        at = p[f"kings_stage_{k}_time"].fillna(np.inf).to_numpy()
        reached = grid[:, None] * death[None, :] >= at[None, :]
        assert np.array_equal(reached, kings_by_time >= k)


def test_need_comes_before_uptake_and_uptake_is_a_share(cohort):
    p = cohort.patients
    for name in ("gastrostomy", "niv"):
        taken, need = p[f"{name}_time"], p[f"{name}_need_time"]
        assert (taken.dropna() >= need[taken.notna()]).all()
        assert need[taken.notna()].notna().all()
        assert 0.2 < taken.notna().sum() / need.notna().sum() < 0.9
    assert (p["tracheostomy_time"].dropna() < p["death_time"][p["tracheostomy_time"].notna()]).all()


def test_uptake_shares_set_by_the_user_are_used():
    default = simulate_cohort(1500, 23).patients
    none = simulate_cohort(1500, 23, uptake={"niv": 0.0, "tracheostomy": 0.0}).patients
    assert none["niv_time"].isna().all() and none["tracheostomy_time"].isna().all()
    assert none["niv_need_time"].notna().sum() > 1000  # the need stays
    assert none["death_time"].equals(default["death_time"])
    by_site = simulate_cohort(1500, 23, uptake={"gastrostomy": {"bulbar": 1.0, "limb": 0.0}})
    p = by_site.patients
    limb = p["onset_site"] == "limb"
    assert p.loc[limb, "gastrostomy_time"].isna().all()
    bulbar = ~limb & p["gastrostomy_need_time"].notna()
    assert p.loc[bulbar, "gastrostomy_time"].notna().mean() > 0.8  # all but delays past death


@pytest.mark.parametrize(
    ("uptake", "message"),
    [
        ("lots", "is not a dict"),
        ({"peg": 0.5}, "unknown key 'peg'"),
        ({"niv": 1.5}, r"uptake\['niv'\]: 1.5 is not a share"),
        ({"niv": float("nan")}, "is not a share"),
        ({"gastrostomy": {"spinal": 0.5}}, "onset site 'spinal' is unknown"),
        ({"tracheostomy": {"limb": 0.5}}, "is not a share"),
    ],
)
def test_bad_uptake_is_refused_in_one_line(uptake, message):
    with pytest.raises(InputError, match=message) as caught:
        simulate_cohort(10, 1, uptake=uptake)
    assert "\n" not in str(caught.value)


def test_fitted_course_settings_are_used():
    settings = ProgressionSettings.default()
    faster = replace(settings, rate_median=2 * settings.rate_median)
    a = simulate_cohort(1000, 24).patients
    b = simulate_cohort(1000, 24, course=faster).patients
    assert b["death_time"].equals(a["death_time"])
    assert b["progression_rate"].median() > 1.7 * a["progression_rate"].median()
    with pytest.raises(InputError, match="simulate_cohort course: dict is not course settings"):
        simulate_cohort(10, 1, course={"rate_median": 1.0})


def test_the_rate_takes_the_course_settings_medians_and_copula():
    s = ProgressionSettings.default()
    p = simulate_cohort(8000, 25, background=None).patients
    # before the cap (which only lowers a few long survivors' rates) the median is the settings'
    assert p["progression_rate"].median() == pytest.approx(s.rate_median, rel=0.06)
    pls = simulate_cohort(3000, 25, phenotype="pls").patients
    assert pls["progression_rate"].median() == pytest.approx(s.rate_median_pls, rel=0.08)
    # fast decliners die sooner: Spearman correlation of rate and death time negative
    rho = pd.Series(p["progression_rate"]).corr(p["death_time"], method="spearman")
    assert rho < -0.5


def test_a_smaller_cohort_is_the_first_patients_of_a_bigger_one_visits_too():
    small, large = simulate_cohort(300, 26), simulate_cohort(20_000, 26)
    assert small.patients.equals(large.patients.iloc[:300])
    first = large.visits[large.visits["patient_id"] <= 300].reset_index(drop=True)
    pd.testing.assert_frame_equal(small.visits, first, check_exact=True)


def test_slope_reductions_over_one_window_multiply_their_paces_and_others_are_refused():
    base = _course(simulate_cohort(500, 27)).course
    both = [SlopeReduction(0.5, from_diagnosis=False), SlopeReduction(0.5, from_diagnosis=False)]
    slowed = _course(simulate_cohort(500, 27, effect=both)).course
    t = np.linspace(0.0, 4.0, 9)[None, :] * np.ones((base.size, 1))
    np.testing.assert_allclose(slowed.clock(4.0 * t), base.clock(t), rtol=1e-12)  # pace 1/4
    with pytest.raises(InputError, match="slope reductions over different intervals") as caught:
        simulate_cohort(10, 1, effect=[SlopeReduction(0.3), SlopeReduction(0.2, duration_years=1)])
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("value", [0.6, 1.5])
def test_a_hazard_ratio_from_diagnosis_changes_nothing_before_diagnosis(value):
    """Patients already in their end stage (or tracheostomised) when the effect starts keep
    it as it was; nobody's course before the effect moves, visits or milestone times."""
    base = simulate_cohort(3000, 28)
    treated = simulate_cohort(3000, 28, effect=HazardRatio(value, from_diagnosis=True))
    dx = base.patients["diagnosis_time"].fillna(np.inf).to_numpy()
    keys = ["patient_id", "months_since_entry"]
    both = base.visits.merge(treated.visits, on=keys, suffixes=("", "_hr"))
    before = both["time"].to_numpy() < dx[both["patient_id"].to_numpy() - 1]
    for column in ("alsfrs_r", "respiratory_insufficiency", "dyspnea", "kings_stage"):
        assert np.array_equal(both.loc[before, column], both.loc[before, f"{column}_hr"])
    a, b = base.patients, treated.patients
    for column in [c for c in a.columns if c.endswith("_time") and c != "death_time"]:
        early = (a[column] < dx).to_numpy()
        assert np.array_equal(a[column].to_numpy()[early], b[column].to_numpy()[early]), column
    course = _course(treated).course
    assert (course.end_length[np.isfinite(course.end_length)] >= 0).all()
    with np.errstate(invalid="ignore"):
        assert not (b["tracheostomy_time"] >= b["death_time"]).any()
