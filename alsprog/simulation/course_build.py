"""Building each patient's ``ClockCourse`` from the sampler's draws: where regions and items
start and how fast they fall, the end stage and its length, the tracheostomy, and the rate cap.

``build_course`` is what the patient sampler (``patient_course``) and the course calibration
(``course_moments``) call; the course itself, its clock and its latent items, is
``progression.ClockCourse``. PMA's patients (``limb_form``) get their own course from
``ProgressionSettings.pma`` (``pma_course``): the limbs first and together, the bulbar region
later and in some, a wider rate spread, and the weakness generalising before death.
"""

from __future__ import annotations

from functools import reduce
from typing import NamedTuple

import numpy as np

from alsprog.simulation.progression import (
    BULBAR,
    POINTS,
    RESPIRATORY,
    ClockCourse,
    Slowing,
    pace,
    shape_inverse,
)
from alsprog.simulation.progression_settings import ProgressionSettings
from alsprog.simulation.settings import LIMB_DOMAINS, SITES


def build_course(
    settings: ProgressionSettings,
    *,
    rate: np.ndarray,
    site: np.ndarray,
    death: np.ndarray,
    draws: dict[str, np.ndarray],
    bulbar_end: np.ndarray | None = None,
    slowing: Slowing | None = None,
    untreated_death: np.ndarray | None = None,
    floor_cap: np.ndarray | None = None,
    niv_share: np.ndarray | float | None = None,
    limb_form: np.ndarray | None = None,
) -> ClockCourse:
    """The course of n patients.

    rate : (n,) ALSFRS-R points per month (the sampler's copula-linked rate).
    site : (n,) onset site codes (index into ``SITES``: limb, bulbar, other).
    death : (n,) disease death time, years from onset (inf: the disease never kills).
    draws : the uniforms and normals of ``progression_settings.DRAWS`` (one row per patient).
    bulbar_end : (n,) True for bulbar forms (PBP, PPBP), whose end stage is bulbar failure;
        default: none.
    slowing : a slope reduction (``Slowing``) or None.
    untreated_death : (n,) the disease death time without the effect (default ``death``): the
        rate cap reads it, so a survival effect moves only the end stage.

    The rate cap: no patient's clock exhausts the bulbar and limb items more than
    ``floor_years_max`` before the end stage of their untreated course (a patient does not live
    for years totally paralysed without ventilation; the copula alone leaves a few long
    survivors with a fast clock), nor takes either limb domain to 0 more than
    ``limb_floor_years_max`` before it. The cap only lowers the rate of those patients.
    floor_cap : (n,) True where the cap applies (default: everyone); False for PLS, whose
        patients live for years with severe disability (MSD Manual: several years to total
        disability) and die mostly of other causes.
    niv_share : (n,) or one share overriding ``settings.niv_share`` (e.g. by onset site): who
        takes NIV when needed (``draws["u_niv"] < share``); their end stage lasts
        ``niv_end_stage_months`` longer, their death time unchanged (the calibrated survival
        curve already holds NIV users).
    limb_form : (n,) True for PMA (default: none), whose course follows ``settings.pma``
        (``pma_course.PmaCourse``): limb onset, the other limb soon after and at the onset
        limb's pace, the bulbar region later and in a share of patients only, and the rate
        spread about the PMA median with PMA's own log-SD (its normal score unchanged, so the
        copula's link to the death time stays).
    """
    s = settings
    rate = np.asarray(rate, dtype=float)
    n = rate.size
    death = np.asarray(death, dtype=float)
    site = np.asarray(site)
    bulbar_end = np.zeros(n, dtype=bool) if bulbar_end is None else np.asarray(bulbar_end, bool)
    pma = s.pma
    limb = np.zeros(n, dtype=bool) if limb_form is None or pma is None else limb_form
    limb = np.asarray(limb, dtype=bool)
    limb_depth = None  # PMA's generalisation depth (None: no PMA patient)

    # which region order: bulbar onset (or a bulbar form), else upper or lower limb first
    pma_first = pma.upper_limb_first_share if pma else s.upper_limb_first_share
    first_share = np.where(limb, pma_first, s.upper_limb_first_share)
    u_first = draws["u_upper_limb_first"]
    upper = u_first < first_share
    which = np.where((site == SITES.index("bulbar")) | bulbar_end, 2, np.where(upper, 0, 1))
    z = draws["z_gap"]
    gap_2 = s.second_region_points * np.exp(s.gap_log_sd * z[:, 0])
    gap_3 = s.third_region_points * np.exp(s.gap_log_sd * z[:, 1])
    if pma is not None and limb.any():
        rate, gap_2, gap_3, limb_depth = _limb_form(
            s, limb, rate, z, u_first, first_share, gap_2, gap_3
        )
    by_rank = np.stack([np.zeros(n), gap_2, gap_2 + gap_3], axis=1)  # (n, 3) clock positions
    involved = np.empty((n, 4))
    orders = np.array(s.region_orders)  # (3 orders, 3 ranks) -> domain
    for rank in range(3):
        domain = orders[which, rank]
        involved[np.arange(n), domain] = by_rank[:, rank]
    involved[:, RESPIRATORY] = s.respiratory_points * np.exp(s.gap_log_sd * z[:, 2])

    onset_domain = orders[which, 0]
    span = np.full((n, 4), s.domain_span_points * s.later_span_factor)
    if pma is not None and limb.any():  # PMA: the other limb near the onset limb's pace
        rows = np.flatnonzero(limb)
        span[rows, orders[which[rows], 1]] = s.domain_span_points * pma.second_limb_span_factor
        span[rows, BULBAR] = s.domain_span_points * pma.bulbar_span_factor
    span[np.arange(n), onset_domain] = s.domain_span_points
    span[:, RESPIRATORY] = s.domain_span_points * s.respiratory_span_factor

    domain_of, rank_of = np.empty(12, dtype=np.intp), np.empty(12)  # each item's domain, place
    for d, items in enumerate(s.item_order):
        domain_of[list(items)], rank_of[list(items)] = d, range(len(items))
    # all items at once, in place (the same arithmetic as item by item, bit for bit)
    offset = draws["u_item_offset"] - 0.5
    offset *= s.item_offset_jitter
    offset += rank_of
    offset *= s.item_stagger
    np.maximum(offset, 0.0, out=offset)
    # each item's domain's span, gathered once; np.take, not span[:, domain_of], keeps the rows
    # contiguous (row-major like the draws: an array of the other order makes each step slow)
    item_start = np.take(span, domain_of, axis=1)
    item_span = item_start * (1.0 - 2.0 * s.item_stagger)
    item_start *= offset
    item_start += np.take(involved, domain_of, axis=1)
    pace = draws["z_item_pace"] * s.item_pace_log_sd
    np.exp(pace, out=pace)
    item_span *= pace
    if s.onset_loss_points > 0:  # onset is the first noticed loss: the onset domain's first
        _noticed(s, item_start, item_span, None, onset_domain, np.zeros(n))  # item has lost
        # onset_loss_points at clock 0
        if pma is not None and limb.any():  # so is PMA's other limb's involvement
            rows = np.flatnonzero(limb)
            other = orders[which[rows], 1]
            _noticed(s, item_start, item_span, rows, other, involved[rows, other])

    on_niv, end_length, survival = _end_stage_draws(s, draws, niv_share)
    capped = _capped_rate(
        s,
        rate,
        bulbar_end,
        item_start,
        item_span,
        draws,
        survival,
        end_length,
        death if untreated_death is None else np.asarray(untreated_death, float),
    )
    rate = capped if floor_cap is None else np.where(np.asarray(floor_cap, bool), capped, rate)
    end_start, length, tracheostomy = _end_stage(s, draws, death, survival, end_length)
    return ClockCourse(
        settings=s,
        rate=rate,
        death=death,
        item_start=item_start,
        item_span=item_span,
        end_domain=np.where(bulbar_end, BULBAR, RESPIRATORY).astype(np.int8),
        end_start=end_start,
        end_length=length,
        tracheostomy_time=tracheostomy,
        slowing=slowing,
        niv_candidate=on_niv,
        end_depth=np.where(
            (draws["u_end_depth"] < s.end_stage_partial_share)
            & ~on_niv  # from the draws alone: a survival effect leaves it as it was
            & (draws["u_tracheostomy"] >= s.tracheostomy_share),
            s.end_stage_partial_depth,
            1.0,
        ),
        limb_end_depth=limb_depth,
    )


END_STAGE_DRAWS = ("u_niv", "z_end_stage", "z_tracheostomy_survival", "u_tracheostomy")


class EndStage(NamedTuple):
    """Each patient's end stage (years from onset; inf: none) and tracheostomy (NaN: none)."""

    end_start: np.ndarray
    end_length: np.ndarray
    tracheostomy_time: np.ndarray


def end_stage(
    settings: ProgressionSettings,
    *,
    death: np.ndarray,
    draws: dict[str, np.ndarray],
    niv_share: np.ndarray | float | None = None,
) -> EndStage:
    """The end stage and tracheostomy ``build_course`` gives the same patients (the same
    figures, bit for bit), without the rest of their course: they read only the death time,
    the draws and the NIV share."""
    death = np.asarray(death, dtype=float)
    _, end_length, survival = _end_stage_draws(settings, draws, niv_share)
    return EndStage(*_end_stage(settings, draws, death, survival, end_length))


def _end_stage_draws(s, draws, niv_share) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Who takes NIV, the end stage's length (longer on NIV) and the survival after a
    tracheostomy (years), from the draws."""
    share = s.niv_share if niv_share is None else niv_share
    on_niv = draws["u_niv"] < np.asarray(share, dtype=float)
    end_length = s.end_stage_months / 12.0 * np.exp(s.end_stage_log_sd * draws["z_end_stage"])
    end_length = end_length + np.where(on_niv, s.niv_end_stage_months / 12.0, 0.0)
    survival = (
        s.tracheostomy_survival_months
        / 12.0
        * np.exp(s.tracheostomy_survival_log_sd * draws["z_tracheostomy_survival"])
    )
    return on_niv, end_length, survival


def _end_stage(s, draws, death, survival, end_length) -> tuple[np.ndarray, ...]:
    """(end_start, end_length, tracheostomy_time): a tracheostomy comes ``survival`` before
    death, for those who take one, when the end stage it ends can start after onset (so the
    all-cause death time is untouched); the end stage ends at it, or at death."""
    takes = (draws["u_tracheostomy"] < s.tracheostomy_share) & (death - survival > end_length)
    tracheostomy = np.where(takes, death - survival, np.nan)
    end_time = np.where(takes, tracheostomy, death)
    finite = np.isfinite(end_time)
    end_start = np.where(
        finite, np.maximum(np.where(finite, end_time, 0.0) - end_length, 0.0), np.inf
    )
    length = np.where(
        finite, np.where(finite, end_time, 0.0) - np.where(finite, end_start, 0.0), np.inf
    )
    return end_start, length, tracheostomy


def _noticed(s, item_start, item_span, rows, domain, at) -> None:
    """Shift the items of ``domain`` (per row) in place so that its first item has lost
    ``onset_loss_points`` at clock position ``at``: the region's involvement is its first
    noticed loss. ``rows`` None: every row (read and written along the rows, without an
    index per row)."""
    items = np.array(s.item_order)[domain]  # (rows, 3)
    if rows is None:
        starts = np.take_along_axis(item_start, items, axis=1)
    else:
        starts = item_start[rows[:, None], items]
    at_first = np.argmin(starts, axis=1)[:, None]
    first = np.take_along_axis(items, at_first, axis=1)
    if rows is None:
        span_first = np.take_along_axis(item_span, first, axis=1)[:, 0]
    else:
        span_first = item_span[rows, first[:, 0]]
    lead = span_first * shape_inverse(s.onset_loss_points / POINTS, s.curvature)
    shift = lead + np.take_along_axis(starts, at_first, axis=1)[:, 0] - at
    starts -= shift[:, None]
    if rows is None:
        np.put_along_axis(item_start, items, starts, axis=1)
    else:
        item_start[rows[:, None], items] = starts


def _limb_form(s, limb, rate, z, u_first, first_share, gap_2, gap_3):
    """PMA's rate, region gaps and generalisation depth (``build_course``'s ``limb_form``):
    the rate's log spread widened to ``pma.rate_log_sd`` about the PMA median; the other limb
    after ``pma.second_limb_points`` (times the patient's gap factor); the bulbar region
    ``pma.bulbar_points`` later in a ``pma.bulbar_share`` of patients and never (on the clock)
    in the others; each limb item's loss by the end of the end stage uniform between
    ``pma.end_stage_limb_depth_min`` and ``_max``. Whether the bulbar region is involved, and
    the depth, read the uniform that chose the onset limb, rescaled within its side each time
    (so each is uniform and independent of the choices before it)."""
    p = s.pma
    spread = np.log(rate / s.rate_median_pma) * (p.rate_log_sd / s.rate_log_sd)
    rate = np.where(limb, s.rate_median_pma * np.exp(spread), rate)
    within = _rescaled(u_first, first_share)
    second = p.second_limb_points * np.exp(s.gap_log_sd * z[:, 0])
    involved = within < p.bulbar_share
    bulbar = np.where(involved, p.bulbar_points * np.exp(s.gap_log_sd * z[:, 1]), np.inf)
    low, high = p.end_stage_limb_depth_min, p.end_stage_limb_depth_max
    depth = low + (high - low) * _rescaled(within, p.bulbar_share)
    return (
        rate,
        np.where(limb, second, gap_2),
        np.where(limb, bulbar, gap_3),
        np.where(limb, depth, 0.0),
    )


def _rescaled(u: np.ndarray, share) -> np.ndarray:
    """u / share below ``share``, (u - share) / (1 - share) above: uniform again, and
    independent of whether u fell below ``share``."""
    share = np.broadcast_to(np.asarray(share, dtype=float), u.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(u < share, u / share, (u - share) / (1.0 - share))
    return np.clip(np.nan_to_num(out, nan=0.0), 0.0, 1.0)


def _capped_rate(s, rate, bulbar_end, item_start, item_span, draws, survival, end_length, death):
    """The rate, lowered where the clock would exhaust the items outside the end domain more
    than ``floor_years_max``, or a limb domain more than ``limb_floor_years_max``, before the
    untreated end stage (see ``build_course``)."""
    finish = item_start + item_span  # clock points at which each item reaches 0
    # each domain's last item, column by column (a maximum, exact in any order: the limbs'
    # is the larger of two; a reduction over 3 columns per row is slower)
    last = [reduce(np.maximum, (finish[:, i] for i in items)) for items in s.item_order]
    other = np.where(bulbar_end, last[RESPIRATORY], last[BULBAR])
    other = np.where(np.isfinite(other), other, 0.0)  # a PMA bulbar region the clock never takes
    limbs = np.maximum(*(last[d] for d in LIMB_DOMAINS))
    exhausted = np.maximum(np.maximum(limbs, other), 0.0)  # (as before)
    takes = (draws["u_tracheostomy"] < s.tracheostomy_share) & (death - survival > end_length)
    before = death - np.where(takes, survival, 0.0) - end_length  # the untreated end stage
    capped = np.minimum(rate, _cap(s, exhausted, before - s.floor_years_max))
    if np.isfinite(s.limb_floor_years_max):
        first_limb = np.maximum(np.minimum(*(last[d] for d in LIMB_DOMAINS)), 0.0)
        capped = np.minimum(capped, _cap(s, first_limb, before - s.limb_floor_years_max))
    return capped


def _cap(s, points: np.ndarray, latest: np.ndarray) -> np.ndarray:
    """The highest rate at which the clock reaches ``points`` no sooner than ``latest`` years
    from onset (inf where ``latest`` is not after onset)."""
    with np.errstate(invalid="ignore"):
        years = pace(np.where(latest > 0, latest, 1.0), s.clock_deceleration, s.clock_scale_years)
        return np.where(np.isfinite(latest) & (latest > 0), points / (12.0 * years), np.inf)
