"""The item loss times solved together (``ClockCourse.times_of_loss``, ``uptake.solve_losses``):
each column is the one-pair solve's figure bit for bit, with and without a slope reduction and
in PMA's course, and the memo a course is built with holds every time the procedures and the
stages read, so the milestones are those found one solve at a time; and the pairs read are the
published rules' items and scores."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from alsprog.simulation.course_moments import _cohort, stand_in_draws
from alsprog.simulation.progression import Slowing
from alsprog.simulation.progression_settings import ProgressionSettings
from alsprog.simulation.settings import ITEMS
from alsprog.simulation.uptake import losses_read, procedures, solve_losses, stage_times

SETTINGS = ProgressionSettings.default()


class _Strict(dict):
    """A memo that fails on a time it was not given."""

    def __missing__(self, key):
        raise AssertionError(f"time of loss {key} not solved in advance")

    def __contains__(self, key):
        if not dict.__contains__(self, key):
            raise AssertionError(f"time of loss {key} not solved in advance")
        return True


def _courses():
    draws = stand_in_draws(400, 11)
    als, _ = _cohort(SETTINGS, draws["als"], SETTINGS.rate_median)
    pma, _ = _cohort(SETTINGS, draws["pma"], SETTINGS.rate_median_pma)
    n = als.size
    slowed = replace(als, slowing=Slowing(0.3, np.linspace(0.0, 2.0, n), np.full(n, 3.0)))
    return {
        "als": (als, draws["als"]),
        "slowed": (slowed, draws["als"]),
        "pma": (pma, draws["pma"]),
    }


@pytest.fixture(scope="module")
def courses():
    return _courses()


@pytest.mark.parametrize("name", ["als", "slowed", "pma"])
def test_columns_are_the_single_solves(courses, name):
    course, _ = courses[name]
    pairs = [(i, loss) for i in range(len(ITEMS)) for loss in (0.5, 1.5, 2.5, 3.5)]
    together = course.times_of_loss(*zip(*pairs, strict=True))
    assert together.shape == (course.size, len(pairs))
    for k, (item, loss) in enumerate(pairs):
        alone = course.times_of_loss((item,), (loss,))[:, 0]
        np.testing.assert_array_equal(together[:, k], alone, err_msg=f"{ITEMS[item]} {loss}")
    assert np.isinf(together).any() and np.isfinite(together).any()


@pytest.mark.parametrize("name", ["als", "slowed", "pma"])
def test_memo_holds_every_time_read(courses, name):
    course, draws = courses[name]
    memo = _Strict(solve_losses(course))
    assert set(memo) == set(losses_read(course.settings))
    done = procedures(course, draws, memo=memo)
    fresh = procedures(course, draws)
    for field in ("gastrostomy_need_time", "niv_need_time", "gastrostomy_time", "niv_time"):
        np.testing.assert_array_equal(getattr(done, field), getattr(fresh, field))
    stages, alone = stage_times(course, done, memo=memo), stage_times(course, fresh)
    for column, values in alone.items():
        np.testing.assert_array_equal(stages[column], values, err_msg=column)


@pytest.mark.parametrize("name", ["als", "slowed", "pma"])
def test_batched_times_bracket_the_losses(courses, name):
    """Independent of the solver: just before a returned time the item's loss (read with
    ``losses``, as the scores are) is below the level, just after it is at or above it."""
    course, _ = courses[name]
    items, levels = (0, 3, 6, 9, 11), (0.5, 2.5, 3.5)
    pairs = [(i, loss) for i in items for loss in levels]
    when = course.times_of_loss(*zip(*pairs, strict=True))
    checked = 0
    for k, (item, loss) in enumerate(pairs):
        ok = np.isfinite(when[:, k]) & (when[:, k] > 1e-6)
        t = np.stack([when[ok, k] - 1e-7, when[ok, k] + 1e-7], axis=1)
        lost = course.take(ok).losses(t)[:, :, item]
        assert np.all(lost[:, 0] < loss + 1e-6), (ITEMS[item], loss)
        assert np.all(lost[:, 1] >= loss - 1e-4), (ITEMS[item], loss)
        checked += int(ok.sum())
    assert checked > 500  # hundreds of solved times checked in each course


def _by_the_rules(s, stagings) -> set:
    """The (item, loss) pairs the need and the stages read, written out from their rules
    (``uptake`` and ``staging``): a score of k or less is a latent loss of 3.5 - k. The need
    reads the latent items; a stage reads the observed ones, which read the latent item unless
    it follows what was received (swallowing 1 reads only the tube, 0 the tube and the latent
    item; respiratory insufficiency 3 reads only NIV, 0 only a tracheostomy)."""
    need = [("swallowing", s.gastrostomy_at_most), ("respiratory_insufficiency", s.niv_at_most)]
    if s.niv_orthopnea_at_most >= 0:
        need.append(("orthopnea", s.niv_orthopnea_at_most))
    scores = []
    if "kings" in stagings:  # regions: items 1-3, 4-5 and 8 below 4; stage 4
        regions = ("speech", "salivation", "swallowing", "handwriting", "cutting_food", "walking")
        scores += [(item, 3) for item in regions] + [("dyspnea", 0)]
        scores += [("swallowing", s.gastrostomy_at_most)]
        scores += [("respiratory_insufficiency", s.niv_at_most)]
    if "mitos" in stagings:
        scores += [(item, 1) for item in ("swallowing", "walking", "dressing", "speech")]
        scores += [("handwriting", 1), ("dyspnea", 1), ("respiratory_insufficiency", 2)]

    def latent(item: str, k: int) -> bool:
        if item == "swallowing" and k <= 1:
            return k == 0
        if item == "respiratory_insufficiency":
            return 0 < k < 3
        return k < 4

    read = need + [(item, k) for item, k in scores if latent(item, k)]
    return {(ITEMS.index(item), 3.5 - k) for item, k in read}


@pytest.mark.parametrize("stagings", [("kings", "mitos"), ("kings",), ("mitos",)])
@pytest.mark.parametrize("need", [(1, 3, 2), (0, 2, -1), (2, 1, 0)])
def test_the_pairs_read_are_the_rules_items_and_scores(stagings, need):
    gastrostomy, niv, orthopnea = need
    settings = replace(
        SETTINGS,
        gastrostomy_at_most=gastrostomy,
        niv_at_most=niv,
        niv_orthopnea_at_most=orthopnea,
    )
    pairs = losses_read(settings, stagings)
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == _by_the_rules(settings, stagings)
