"""The course's fast paths against the plain computations they replace."""

from __future__ import annotations

import numpy as np
import pytest

from alsprog.simulation.blocks import make_block, plan
from alsprog.simulation.course import _item_losses, item_knots
from alsprog.simulation.settings import ITEMS, CourseSettings
from alsprog.simulation.visits import true_scores

SETTINGS = CourseSettings.default()


@pytest.mark.parametrize("weights", sorted(set(SETTINGS.item_weights.values())))
def test_item_losses_are_np_interp_bit_for_bit(weights):
    knots, losses = item_knots(weights)
    rng = np.random.default_rng(3)
    p = np.concatenate(
        [
            rng.random(20_000),
            np.zeros(50),
            knots,  # on the knots, and the floats either side
            np.clip(np.nextafter(knots, 2.0), 0.0, 1.0),
            np.clip(np.nextafter(knots, -1.0), 0.0, 1.0),
        ]
    )
    for k, ours in enumerate(_item_losses(p, weights)):
        expected = np.interp(p, knots, losses[k])
        assert np.array_equal(ours.view(np.uint64), expected.view(np.uint64))


@pytest.fixture(scope="module")
def course():
    return make_block(plan(4_000, 8), 0, 4_000, 1, 4_000).course


REQUESTS = [
    (("speech", "salivation", "swallowing"), 3),
    ("swallowing", 1),
    ("walking", 1),
    ("handwriting", 2),
    ("dyspnea", 0),
    ("respiratory_insufficiency", 3),
    ("respiratory_insufficiency", 0),
]


def test_times_at_most_together_equal_one_at_a_time(course):
    together = course.times_at_most(REQUESTS)
    for (items, score), times in zip(REQUESTS, together, strict=True):
        alone = course.time_at_most(items, score)
        assert np.array_equal(times, alone, equal_nan=True)


@pytest.mark.parametrize("items, score", REQUESTS)
def test_time_at_most_is_where_the_true_score_gets_there(course, items, score):
    """The inverse (time_at_most) against the forward course (true scores): just after the
    time the score is at most ``score``, just before it is above."""
    items = (items,) if isinstance(items, str) else items
    columns = [ITEMS.index(i) for i in items]
    times = course.time_at_most(items, score)
    rows = np.flatnonzero(np.isfinite(times) & (times > 0.01))
    assert rows.size > 100
    t = times[rows]
    after = true_scores(course, t * (1 + 1e-9) + 1e-12, rows)[:, columns].min(axis=1)
    before = true_scores(course, t * (1 - 1e-9), rows)[:, columns].min(axis=1)
    assert (after <= score).all()
    assert (before > score).all()
