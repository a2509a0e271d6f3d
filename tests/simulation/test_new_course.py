"""The progression-clock course (simulation/progression.py, uptake.py): items never rise, stages
never go back, a slope reduction slows the clock by its share, a survival hazard ratio leaves
the course before the end stage unchanged, domains are not piled at 0 and 12, need precedes
uptake, and the first-passage times agree with the scores on a fine grid."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy.special import ndtri

from alsprog.disease.library import phenotype
from alsprog.simulation.course_build import build_course
from alsprog.simulation.progression import Slowing, shape, shape_inverse
from alsprog.simulation.progression_settings import DRAWS, ProgressionSettings, harness_draws
from alsprog.simulation.settings import ITEMS
from alsprog.simulation.staging import kings_stage, mitos_stage
from alsprog.simulation.uptake import item_scores, procedures, stage_times, time_at_most

N = 300
SETTINGS = ProgressionSettings.default()


def _cohort(n=N, seed=5, death_scale=1.0, slowing=None, hazard_ratio=1.0, settings=None):
    settings = SETTINGS if settings is None else settings
    rng = np.random.default_rng(seed)
    u = rng.random(n)
    site = (rng.random(n) < 0.3).astype(np.int8)
    disease = phenotype("als").disease
    # a hazard ratio on survival: S'(t) = S(t) ** hr, the same uniform u
    p = 1.0 - (1.0 - u) ** (1.0 / hazard_ratio)
    death = np.where(site == 1, disease["als_bulbar"].quantile(p), disease["als_limb"].quantile(p))
    untreated = np.where(
        site == 1, disease["als_bulbar"].quantile(u), disease["als_limb"].quantile(u)
    )
    rho = SETTINGS.copula_correlation
    z = rho * ndtri(u) + math.sqrt(1 - rho * rho) * rng.standard_normal(n)
    rate = SETTINGS.rate_median * np.exp(SETTINGS.rate_log_sd * z)
    draws = harness_draws(n, seed)
    course = build_course(
        settings,
        rate=rate,
        site=site,
        death=death * death_scale,
        draws=draws,
        slowing=slowing,
        untreated_death=untreated * death_scale,
    )
    return course, procedures(course, draws), draws


@pytest.fixture(scope="module")
def cohort():
    return _cohort()


@pytest.fixture(scope="module")
def fine(cohort):
    """Scores of the cohort on a fine grid from onset to death: (t, step, scores)."""
    course, done, _ = cohort
    t = _grid(course, 1500)
    return t, t[:, 1] - t[:, 0], item_scores(course, done, t)


def _grid(course, points=240):
    horizon = np.minimum(course.death, 30.0)
    return np.linspace(0.0, 1.0, points)[None, :] * horizon[:, None] * (1 - 1e-9)


def test_shape_and_inverse_are_inverse_and_concave():
    x = np.linspace(0, 1, 11)
    for k in (-1.0, 0.0, 0.8, 3.0):
        assert np.allclose(shape_inverse(shape(x, k), k), x)
    assert shape(np.array([0.5]), 2.0)[0] > 0.5  # k > 0: more than half lost by half way


def test_items_never_rise(cohort):
    course, done, _ = cohort
    scores = item_scores(course, done, _grid(course))
    assert (np.diff(scores.astype(int), axis=1) <= 0).all()
    assert scores.min() >= 0 and scores.max() <= 4


def test_items_pass_through_3_2_1(fine):
    """Gradual at item level: an item falling from 4 to 0 on a fine grid visits 3, 2 and 1
    (the latent score is continuous in time), for the items driven by the disease."""
    scores = fine[2]
    disease_items = [
        i for i, item in enumerate(ITEMS) if item not in ("swallowing", "respiratory_insufficiency")
    ]
    fell = scores[:, -1, disease_items] == 0
    for level in (3, 2, 1):
        visited = (scores[:, :, disease_items] == level).any(axis=1)
        assert visited[fell].mean() > 0.97


def test_stages_never_go_back(cohort):
    course, done, _ = cohort
    scores = item_scores(course, done, _grid(course))
    rows = scores.reshape(-1, 12)
    kings = kings_stage(rows, SETTINGS).reshape(scores.shape[:2])
    mitos = mitos_stage(rows).reshape(scores.shape[:2])
    assert (np.diff(kings, axis=1) >= 0).all()
    assert (np.diff(mitos, axis=1) >= 0).all()


def test_stage_times_match_the_scores_on_a_grid(cohort, fine):
    course, done, _ = cohort
    t, step, scores = fine
    kings = kings_stage(scores.reshape(-1, 12), SETTINGS)
    kings = kings.reshape(t.shape)
    times = stage_times(course, done)
    for k in (2, 3, 4):
        reached = kings >= k
        first = np.where(reached.any(axis=1), t[np.arange(len(t)), reached.argmax(axis=1)], np.nan)
        analytic = times[f"kings_stage_{k}_time"]
        both = ~np.isnan(first) & ~np.isnan(analytic)
        assert both.mean() > 0.5
        assert (first[both] >= analytic[both] - 1e-9).all()
        assert (first[both] <= analytic[both] + step[both] + 1e-9).all()


def test_time_at_most_matches_the_scores(cohort, fine):
    course, done, _ = cohort
    t, step, scores = fine
    for item in ("speech", "walking", "swallowing", "dyspnea", "respiratory_insufficiency"):
        for score in (3, 1):
            at = scores[:, :, ITEMS.index(item)] <= score
            first = np.where(at.any(axis=1), t[np.arange(len(t)), at.argmax(axis=1)], np.inf)
            analytic = time_at_most(course, done, item, score)
            inside = analytic < t[:, -1] - step
            assert (np.abs(first[inside] - analytic[inside]) <= step[inside] + 1e-9).all()


@pytest.mark.parametrize("deceleration", [1.0, 0.6])
def test_a_slope_reduction_of_a_third_slows_the_clock_by_a_third(deceleration):
    start = 0.5
    settings = dataclasses.replace(SETTINGS, clock_deceleration=deceleration)
    never = _cohort(n=200, death_scale=np.inf, settings=settings)  # no end stage: the clock
    slowed = _cohort(n=200, death_scale=np.inf, slowing=Slowing(1 / 3, start), settings=settings)
    base, slow = never[0], slowed[0]
    t = np.tile(np.array([start, start + 1.0, start + 2.0]), (200, 1))
    u0, u1 = base.clock_years(t), slow.clock_years(t)
    assert np.allclose(u1[:, 0], u0[:, 0])
    assert np.allclose(np.diff(u1, axis=1), np.diff(u0, axis=1) * 2 / 3)
    # every milestone after the start comes 1.5 times as long after it
    for item in ("walking", "speech", "dressing"):
        a = time_at_most(base, never[1], item, 2)
        b = time_at_most(slow, slowed[1], item, 2)
        after = np.isfinite(a) & (a > start)
        assert after.sum() > 50
        assert np.allclose(b[after] - start, 1.5 * (a[after] - start))
        assert np.allclose(b[~after & np.isfinite(a)], a[~after & np.isfinite(a)])


def test_the_decelerating_clock_slows_with_the_years():
    settings = dataclasses.replace(SETTINGS, clock_deceleration=0.5)
    course = _cohort(n=50, death_scale=np.inf, settings=settings)[0]
    c = course.clock(np.tile(np.array([0.0, 1.0, 2.0, 3.0]), (50, 1)))
    steps = np.diff(c, axis=1)
    assert (steps[:, 1:] < steps[:, :-1]).all() and (steps > 0).all()
    assert np.allclose(course.time_at_clock(c), [0.0, 1.0, 2.0, 3.0])


def test_a_survival_hazard_ratio_leaves_the_course_before_the_end_stage_unchanged():
    course, done, _ = _cohort(seed=9)
    treated, done_t, _ = _cohort(seed=9, hazard_ratio=0.7)
    assert (treated.death >= course.death).all() and (treated.death > course.death).mean() > 0.9
    before = np.minimum(
        np.nan_to_num(course.end_start, posinf=50), np.nan_to_num(treated.end_start, posinf=50)
    )
    t = np.linspace(0, 1, 60)[None, :] * before[:, None] * (1 - 1e-9)
    assert (item_scores(course, done, t) == item_scores(treated, done_t, t)).all()
    for name in ("gastrostomy_need_time", "niv_time", "gastrostomy_time"):
        a, b = getattr(done, name), getattr(done_t, name)
        early = a < before
        assert np.array_equal(a[early], b[early])


def test_involved_domains_are_not_piled_at_0_and_12(cohort):
    """Measure, over quarterly visits from onset to death (noise-free): the share of involved
    domain-visits (domain below 12) at exactly 0, and the share of all domain-visits strictly
    between 0 and 12. Today's course (simulate_cohort(3000, 12), visits from onset, with visit
    noise) gives 0.68 and 0.16; the clock course must give below 0.5 and above 0.3."""
    course, done, _ = cohort
    horizon = np.minimum(course.death, 30.0)
    t = np.arange(0.0, 30.0, 0.25)[None, :] * np.ones((course.size, 1))
    alive = t < horizon[:, None]
    scores = item_scores(course, done, np.where(alive, t, 0.0))
    domains = scores.reshape(*scores.shape[:2], 4, 3).sum(axis=-1)[alive]
    involved = domains < 12
    assert (domains[involved] == 0).mean() < 0.5
    assert ((domains > 0) & (domains < 12)).mean() > 0.3


def test_function_at_death_varies_and_disease_deaths_come_with_respiratory_failure(cohort):
    course, done, _ = cohort
    at_death = item_scores(course, done, (course.death * (1 - 1e-9))[:, None])[:, 0]
    totals = at_death.sum(axis=-1)
    assert totals.std() > 4.0
    assert np.percentile(totals, 90) - np.percentile(totals, 10) > 10
    full = course.end_depth == 1.0
    assert (at_death[full, ITEMS.index("dyspnea")] == 0).all()


def test_a_share_of_patients_die_before_the_end_stage_runs_to_failure():
    """The partial end stage: without NIV or a tracheostomy, a share of patients die with the
    end domain only part of the way down, so not every death is at King's stage 4."""
    settings = dataclasses.replace(SETTINGS, end_stage_partial_share=0.6, niv_share=0.0)
    course, done, draws = _cohort(n=2000, seed=3, settings=settings)
    partial = course.end_depth < 1.0
    expected = 0.6 * (draws["u_tracheostomy"] >= settings.tracheostomy_share).mean()
    assert abs(partial.mean() - expected) < 4 * math.sqrt(0.6 * 0.4 / 2000)
    assert (draws["u_end_depth"][partial] < 0.6).all()
    at_death = item_scores(course, done, (course.death * (1 - 1e-9))[:, None])[:, 0]
    floor = round(4 * (1 - settings.end_stage_partial_depth))
    assert (at_death[partial, ITEMS.index("dyspnea")] >= floor).all()
    assert (at_death[~partial, ITEMS.index("dyspnea")] == 0).all()
    stage = kings_stage(at_death, settings)
    assert (stage[partial] < 4).any() and (stage[~partial] == 4).all()


def test_need_precedes_uptake_and_uptake_follows_the_share():
    course, done, draws = _cohort(n=4000, seed=2)
    for name in ("niv", "gastrostomy"):
        need, taken = getattr(done, f"{name}_need_time"), getattr(done, f"{name}_time")
        has = ~np.isnan(taken)
        assert (taken[has] >= need[has]).all()
        assert has.mean() < (~np.isnan(need)).mean()
    trach = ~np.isnan(done.tracheostomy_time)
    assert (done.tracheostomy_time[trach] < course.death[trach]).all()
    # the share holds among those whose tracheostomy can end an end stage after onset
    survival = course.death[trach] - done.tracheostomy_time[trach]
    drawn = (
        SETTINGS.tracheostomy_survival_months
        / 12
        * np.exp(SETTINGS.tracheostomy_survival_log_sd * draws["z_tracheostomy_survival"][trach])
    )
    assert np.allclose(survival, drawn)  # the drawn survival after it, exactly
    share = SETTINGS.tracheostomy_share
    possible = trach | (draws["u_tracheostomy"] >= share)  # not drawn: could not tell
    observed = trach[possible].mean() / ((draws["u_tracheostomy"] < share)[possible].mean())
    assert 0.0 < observed <= 1.0


def test_same_draws_same_course():
    a, b = _cohort(seed=4), _cohort(seed=4)
    t = _grid(a[0], 50)
    assert np.array_equal(item_scores(a[0], a[1], t), item_scores(b[0], b[1], t))
    first, second = harness_draws(10, 3), harness_draws(10, 3)
    assert set(first) == set(DRAWS)
    assert all(np.array_equal(first[k], second[k]) for k in DRAWS)


def test_domain_time_at_most_matches_the_scores(cohort, fine):
    from alsprog.simulation.uptake import domain_time_at_most

    course, done, _ = cohort
    t, step, scores = fine
    for domain, level in ((0, 9), (2, 6), (3, 10)):
        at = scores[:, :, 3 * domain : 3 * domain + 3].sum(axis=-1) <= level
        first = np.where(at.any(axis=1), t[np.arange(len(t)), at.argmax(axis=1)], np.inf)
        found = domain_time_at_most(course, done, domain, level)
        inside = np.isfinite(first) & (first < t[:, -1] - step)
        assert inside.sum() > 50
        assert (np.abs(first[inside] - found[inside]) <= step[inside] + 1e-3).all()


def test_no_one_sits_at_the_floor_for_years_before_the_end_stage(cohort):
    """The rate cap: the bulbar and limb items are all at 0 no earlier than floor_years_max
    before the end stage (tracheostomised patients: before their tracheostomy's end stage)."""
    course, _, _ = cohort
    outside = [i for i in range(12) if i not in SETTINGS.item_order[3]]  # ALS: respiratory end
    exhausted = np.max([course.time_of_loss(i, 4.0) for i in outside], axis=0)
    ends = np.isfinite(course.end_start) & (course.end_start > 0)
    assert (exhausted[ends] >= course.end_start[ends] - SETTINGS.floor_years_max - 1e-6).all()
    assert (course.rate <= _cohort()[0].rate + 1e-12).all()


def test_uptake_shares_can_be_set_by_onset_site():
    course, _, draws = _cohort(n=3000, seed=6)
    rng = np.random.default_rng(6)  # the onset sites _cohort drew
    rng.random(3000)
    bulbar = rng.random(3000) < 0.3
    done = procedures(course, draws, {"gastrostomy_share": np.where(bulbar, 0.9, 0.1)})
    needs = ~np.isnan(done.gastrostomy_need_time)
    taken = ~np.isnan(done.gastrostomy_time)
    assert taken[needs & bulbar].mean() > 0.6 > 0.2 > taken[needs & ~bulbar].mean()
