"""PMA's own course (``data/course.toml [pma]``, ``course_build``'s limb form): limbs first and
weak at death, the bulbar region later and in fewer patients, Visser's decline met at a fresh
seed, PMA survival still on its model."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from alsprog import phenotype, simulate_cohort
from alsprog.simulation.course_moments import _cohort, simulated_moments, stand_in_draws
from alsprog.simulation.course_targets import default_course_targets
from alsprog.simulation.progression_settings import ProgressionSettings
from tests.simulation.dkw import dkw_gap

FRESH_SEED = 7301  # not the calibration's (2026)


@pytest.fixture(scope="module")
def pma():
    """A PMA calibration cohort at a fresh seed: its course, procedures and draws."""
    settings = ProgressionSettings.default()
    draws = stand_in_draws(5_000, FRESH_SEED)["pma"]
    course, _ = _cohort(settings, draws, settings.rate_median_pma)
    return settings, course, draws


def _first_loss(course, items) -> np.ndarray:
    """Years from onset to the first item of ``items`` losing half a point (reading below 4)."""
    return np.min([course.time_of_loss(i, 0.5) for i in items], axis=0)


def test_pma_dies_with_weak_limbs():
    """At the last monthly visit before a disease death, the mean of the two limb domains
    (each 0-12) has a median of at most 8 and a 90th percentile of at most 10: 7.0 and 9.0
    here, 9.5 and 11.0 with ALS's course (the last stop's main, same seed and cohort)."""
    cohort = simulate_cohort(600, FRESH_SEED, phenotype="pma", visit_interval_months=1.0)
    p, v = cohort.patients, cohort.visits
    v = v.merge(p[["patient_id", "death_time", "death_cause"]], on="patient_id")
    v = v[(v["time"] <= v["death_time"]) & (v["death_cause"] == "disease")]
    last = v.sort_values("time").groupby("patient_id").tail(1)
    limbs = (last["fine_motor"] + last["gross_motor"]) / 2.0
    assert len(last) > 400
    assert limbs.median() <= 8, limbs.median()
    assert limbs.quantile(0.9) <= 10, limbs.quantile(0.9)


def test_pma_limbs_come_before_bulbar_and_bulbar_in_fewer(pma):
    """Limb onset always; the bulbar region, where the clock involves it at all (a share
    ``bulbar_share``), reads below 4 after the onset limb does in every patient and after
    the other limb in most; the rest keep bulbar function until death."""
    settings, course, _ = pma
    fine, gross, bulbar = (_first_loss(course, settings.item_order[d]) for d in (1, 2, 0))
    onset_limb = np.minimum(fine, gross)
    assert np.all(onset_limb < 1e-9)  # the onset limb's first item has its onset loss at 0
    involved = np.isfinite(bulbar)
    share = involved.mean()
    expected = settings.pma.bulbar_share
    band = 4 * np.sqrt(expected * (1 - expected) / involved.size)
    assert abs(share - expected) < band, (share, expected)
    assert np.all(bulbar[involved] > onset_limb[involved])
    other_limb = np.maximum(fine, gross)
    assert (other_limb[involved] < bulbar[involved]).mean() >= 0.95
    # a PMA patient the clock spares keeps swallowing too: no gastrostomy need from the end stage
    spared = ~involved & np.isfinite(course.death)
    swallowing = course.time_of_loss(settings.item_order[0][1], 3.0)  # reads 1: needs a tube
    assert np.all(np.isinf(swallowing[spared]))


def test_the_generalisation_comes_only_in_the_end_stage_window(pma):
    """Before the last ``end_stage_limb_months`` of the end stage, a PMA patient's limb items
    are the clock's alone; by its end the generalisation has taken most patients further."""
    settings, course, _ = pma
    plain = replace(course, limb_end_depth=None)
    months = settings.pma.end_stage_limb_months / 12.0
    start = course.end_start + course.end_length - np.minimum(course.end_length, months)
    finite = np.isfinite(start)
    t = np.where(finite, start, 50.0)[:, None] * np.array([[0.3, 0.7, 0.999]])
    t = np.where(finite[:, None], t, np.array([[1.0, 3.0, 5.0]]))
    limbs = [i for d in (1, 2) for i in settings.item_order[d]]
    np.testing.assert_array_equal(course.losses(t)[..., limbs], plain.losses(t)[..., limbs])
    after = np.where(finite, course.end_start + course.end_length - 1e-6, 1.0)[:, None]
    gap = course.losses(after)[finite][..., limbs] - plain.losses(after)[finite][..., limbs]
    assert (gap > 0.5).any(axis=-1).mean() > 0.5  # it does take most patients further


@pytest.mark.parametrize("loss", [0.5, 1.5, 2.5, 3.5])
def test_time_of_loss_agrees_with_the_losses_in_pma(pma, loss):
    """``time_of_loss`` (milestones, stages) and ``losses`` (scores) tell one story: just
    before the time an item's loss is below the level, just after it is at or above it."""
    settings, course, _ = pma
    for item in [settings.item_order[1][0], settings.item_order[2][1], settings.item_order[0][1]]:
        when = course.time_of_loss(item, loss)
        ok = np.isfinite(when) & (when > 1e-6)
        t = np.stack([when[ok] - 1e-7, when[ok] + 1e-7], axis=1)
        lost = course.take(ok).losses(t)[:, :, item]
        assert np.all(lost[:, 0] < loss + 1e-6) and np.all(lost[:, 1] >= loss - 1e-4), item


def test_pma_decline_within_two_se_at_a_fresh_seed():
    """Visser et al. 2007's 1.85 ALSFRS points over 18 months after diagnosis, measured as the
    target says (survivors, the original ALSFRS), at a seed the calibration never saw."""
    targets = default_course_targets().set_index("name")
    row = targets.loc["pma_decline"]
    cohorts = stand_in_draws(12_000, FRESH_SEED)  # 2,400 PMA patients, as the calibration
    simulated = simulated_moments(ProgressionSettings.default(), cohorts)[row["quantity"]]
    z = (simulated - row["published"]) / row["se"]
    assert abs(z) < 2, (simulated, z)


def test_pma_course_differs_from_als_only_for_pma(pma):
    """The limb form is PMA's alone: the same draws without it give ALS's region order (the
    bulbar region always involved), no generalisation, and ALS's rate spread; with it the log
    rate about the PMA median is the same normal score times PMA's log-SD."""
    settings, course, draws = pma
    median = settings.rate_median_pma
    plain = _cohort(settings, {**draws, "limb_form": np.zeros_like(draws["limb_form"])}, median)[0]
    bulbar = list(settings.item_order[0])
    assert np.all(np.isfinite(plain.item_start[:, bulbar]))
    assert plain.limb_end_depth is None
    assert np.isinf(course.item_start[:, bulbar]).any()
    ratio = np.log(course.rate / median) / np.log(plain.rate / median)
    widened = settings.pma.rate_log_sd / settings.rate_log_sd
    # the rate cap lowers a few fast patients' rates; the others are exactly re-spread
    assert np.mean(np.isclose(ratio, widened, rtol=1e-9)) > 0.9


def test_pma_survival_stays_on_its_model():
    """Kaplan-Meier of PMA patients from onset within the DKW band of the phenotype's model
    (all-cause, with its life table): the course never moves a death."""
    cohort = simulate_cohort(3_000, FRESH_SEED + 1, phenotype="pma")
    p = cohort.patients
    assert (p["event"] == 1).all()  # no follow-up end: every death observed
    model = phenotype("pma").model
    gap, bound = dkw_gap(p["time"].to_numpy(), lambda t: 1.0 - model.survival(t))
    assert gap < bound, (gap, bound)


def test_the_generalisation_takes_each_limb_item_through_its_four_points():
    """At the end of the window a patient whose limbs generalise fully has lost every one of
    the ALSFRS-R's 4 points of each fine and gross motor item (by name), one at half depth half
    of them, and swallowing (involved) fails in both; no other item moves."""
    from types import SimpleNamespace

    from alsprog.simulation.pma_course import generalised_losses
    from alsprog.simulation.settings import DOMAIN_OF, ITEMS

    n = 2
    course = SimpleNamespace(
        settings=ProgressionSettings.default(),
        limb_end_depth=np.array([1.0, 0.5]),
        end_start=np.full(n, 2.0),
        end_length=np.full(n, 1.0),
        item_start=np.zeros((n, 12)),
        end_depth=None,
    )
    loss = np.zeros((n, 1, 12))
    generalised_losses(course, np.full((n, 1), 3.0), loss, ITEMS.index("swallowing"))
    limbs = [i for i, item in enumerate(ITEMS) if DOMAIN_OF[item] in ("fine_motor", "gross_motor")]
    np.testing.assert_array_equal(loss[:, 0, limbs], [[4.0] * 6, [2.0] * 6])
    np.testing.assert_array_equal(loss[:, 0, ITEMS.index("swallowing")], [4.0, 4.0])
    others = [i for i in range(12) if i not in limbs and ITEMS[i] != "swallowing"]
    assert not loss[:, :, others].any()


def test_a_course_builder_cannot_leave_out_the_limb_form():
    """``CourseDraws.limb_form`` is required: a builder that forgot it would give PMA patients
    ALS's course without a word."""
    from dataclasses import fields

    from alsprog.simulation.sampler import CourseDraws

    values = {f.name: np.zeros(3) for f in fields(CourseDraws) if f.name != "limb_form"}
    with pytest.raises(TypeError, match="limb_form"):
        CourseDraws(**values)
