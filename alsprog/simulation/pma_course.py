"""The figures of progressive muscular atrophy's own course (``data/course.toml [pma]``).

PMA is a lower motor neuron disease of the limbs: weakness begins in the limbs (most often the
hands), spreads to the other limbs and becomes generalised; bulbar involvement comes later and
in fewer patients; respiratory failure ends it. ``course_build.build_course`` gives the patients
it marks ``limb_form`` (the PMA phenotype) this course: the other limb joins soon after the
onset limb and declines at the onset limb's pace, the bulbar region joins (if at all) well
after both, and the rate spreads more widely about the PMA median than ALS's does. The PMA
median itself is ``ProgressionSettings.rate_median_pma`` (calibrated to Visser et al., Arch
Neurol 2007).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alsprog.simulation.settings import ITEM_POINTS, LIMB_DOMAINS


@dataclass(frozen=True)
class PmaCourse:
    """PMA's own course figures (clock points as in ``ProgressionSettings``; shares 0-1).

    rate_log_sd : log-SD of PMA's progression rate about its median (ALS: ``rate_log_sd``).
    upper_limb_first_share : share of PMA patients whose weakness starts in an upper limb.
    second_limb_points : clock points from onset to the other limb's involvement (times the
        patient's log-normal gap factor, as ALS's ``second_region_points``).
    second_limb_span_factor : the other limb loses its points over this share of the onset
        limb's span (ALS's later regions: ``later_span_factor``).
    bulbar_share : share of PMA patients whose bulbar region is involved by the clock at all;
        the others keep bulbar function until the end stage (swallowing fails with breathing).
    bulbar_points : clock points from the other limb's involvement to the bulbar region's.
    bulbar_span_factor : the bulbar region loses its points over this share of the onset limb's
        span.
    end_stage_limb_depth_min, end_stage_limb_depth_max : share of its 4 points each limb item
        has lost at least by the end of the respiratory end stage (uniform between the two, a
        patient's own): the weakness becomes generalised as breathing fails
        (``ClockCourse.limb_end_depth``).
    end_stage_limb_months : over the last this many months of the end stage (all of it if
        shorter), so NIV, which lengthens the end stage, does not lengthen the limbs' decline.
    """

    rate_log_sd: float
    upper_limb_first_share: float
    second_limb_points: float
    second_limb_span_factor: float
    bulbar_share: float
    bulbar_points: float
    bulbar_span_factor: float
    end_stage_limb_depth_min: float
    end_stage_limb_depth_max: float
    end_stage_limb_months: float

    @classmethod
    def from_data(cls, table: dict) -> PmaCourse:
        """From the ``[pma]`` table of ``data/course.toml`` (its ``*_source`` keys skipped)."""
        names = cls.__dataclass_fields__
        return cls(**{name: float(table[name]) for name in names})


# ----------------------------------------------------------------- the generalisation
# Over the last ``end_stage_limb_months`` of the end stage (its "window") a PMA patient's
# weakness generalises: every limb item loses at least ``limb_end_depth`` of its points along
# the window, and where the clock involves the bulbar region, swallowing fails over the
# window's second half (to 0, or to the end stage's partial depth): the limbs first, then
# swallowing, then death. ``course`` is a ``progression.ClockCourse``.


def _window(course, rows) -> tuple[np.ndarray, np.ndarray]:
    """Start and length (years) of the window of the patients at ``rows``."""
    months = course.settings.pma.end_stage_limb_months if course.settings.pma else np.inf
    length = np.minimum(course.end_length[rows], months / 12.0)
    with np.errstate(invalid="ignore"):
        return course.end_start[rows] + course.end_length[rows] - length, length


def _limb_items(course) -> list[int]:
    return [i for d in LIMB_DOMAINS for i in course.settings.item_order[d]]


def _swallowing_rows(course, rows: np.ndarray, swallowing: int) -> np.ndarray:
    return rows & np.isfinite(course.item_start[:, swallowing])


def _full_depth(course, rows) -> np.ndarray:
    return (
        np.ones(int(np.count_nonzero(rows))) if course.end_depth is None else course.end_depth[rows]
    )


def generalised_losses(course, t: np.ndarray, loss: np.ndarray, swallowing: int) -> None:
    """Raise ``loss`` (n, m, 12 latent points lost at times ``t``, (n, m)) in place to the
    generalisation's losses."""
    rows = course.limb_end_depth > 0
    if not rows.any():
        return
    start, length = (v[:, None] for v in _window(course, rows))
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.clip(np.nan_to_num((t[rows] - start) / length, nan=0.0, neginf=0.0), 0.0, 1.0)
    ramp = ITEM_POINTS * course.limb_end_depth[rows][:, None] * q
    for item in _limb_items(course):
        loss[rows, :, item] = np.maximum(loss[rows, :, item], ramp)
    sw = _swallowing_rows(course, rows, swallowing)[rows]  # among rows
    if sw.any():
        late = np.clip(2.0 * q[sw] - 1.0, 0.0, 1.0)  # the window's second half
        fall = ITEM_POINTS * _full_depth(course, rows)[sw][:, None] * late
        picked = np.flatnonzero(rows)[sw]
        loss[picked, :, swallowing] = np.maximum(loss[picked, :, swallowing], fall)


def generalised_time(course, item: int, y: float, swallowing: int) -> np.ndarray:
    """(n,) first time (years) the generalisation takes item ``item`` to a loss of ``y`` (a
    share of its 4 points); inf where it never does."""
    out = np.full(course.size, np.inf)
    rows = course.limb_end_depth > 0
    if item in _limb_items(course):
        depth = course.limb_end_depth[rows]
        share = np.minimum(y / np.where(depth > 0, depth, 1.0), 1.0)
        reach = y <= depth
    elif item == swallowing:
        rows = _swallowing_rows(course, rows, swallowing)
        depth = _full_depth(course, rows)
        share = 0.5 + 0.5 * np.minimum(y / depth, 1.0)
        reach = y <= depth
    else:
        return out
    start, length = _window(course, rows)
    with np.errstate(invalid="ignore"):
        when = start + share * length
    out[rows] = np.where(reach & np.isfinite(when), when, np.inf)
    return out
