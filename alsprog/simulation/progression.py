"""Each patient's progression clock and the latent (disease) ALSFRS-R items it drives.

The clock's time is u(t) = t - s (min(t, t1) - t0)+ (t years from onset; a slope reduction s
from t0 to t1 slows it by the share s); its position, in clock points, is C = 12 r F(u) with r
the patient's rate (ALSFRS-R points per month) and F(u) = ((1 + u)^a - 1) / a (a <= 1: the
patient's decline slows as the years pass, never stopping; a = 1 linear). Domains become
involved at clock positions (the onset region at 0, the next ones after log-normal gaps, in
the order of the onset site); item j of a domain
starts a little after it (its stagger, jittered) and loses its 4 points over its own span of
clock along g(x) = (1 - exp(-k x)) / (1 - exp(-k)) (k > 0: faster early, slower late). So a
slow patient declines slowly and continuously, and every item passes through 3, 2 and 1.

Death is not stretched into the course: what ties the two is the end stage, E years (log-normal)
before death or a tracheostomy, over which the respiratory domain (bulbar in bulbar forms) runs
to failure, item by item; before it, the clock takes that domain's items at most
``end_domain_clock_cap`` of the way (no one lives for years in untreated respiratory failure).
Swallowing, when ``swallowing_clock_cap`` < 1, is taken by the clock at most that share of the
way and fails with the respiratory end stage (the need for a tube comes late, as registers
report gastrostomy after NIV). A hazard ratio on survival moves the end stage and nothing
before it.
Figures: ``data/course.toml``; draws: ``progression_settings.DRAWS``.

For the patient sampler: ``build_course(ProgressionSettings.default(), rate=, site=, death=,
draws=, untreated_death=, bulbar_end=, slowing=, niv_share=)`` then
``uptake.procedures(course, draws)``; scores at any times with ``uptake.item_scores``,
milestones with ``uptake.time_at_most`` and ``uptake.stage_times``. A user's NIV share (by
patient or one number) goes to ``build_course`` (an NIV user's end stage is longer), the
gastrostomy share to ``procedures``. Not yet wired into ``simulate_cohort`` (issue 26).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alsprog.simulation.progression_settings import ProgressionSettings
from alsprog.simulation.settings import SITES

POINTS = 4.0
RESPIRATORY = 3  # domain index
BULBAR = 0
SWALLOWING = 2  # item index (ITEMS order)


def shape(x: np.ndarray, k: float) -> np.ndarray:
    """g(x) in [0, 1] for x in [0, 1]: (1 - exp(-k x)) / (1 - exp(-k)); x itself when k = 0."""
    if abs(k) < 1e-9:
        return x
    return np.expm1(-k * x) / np.expm1(-k)


def shape_inverse(y: np.ndarray | float, k: float) -> np.ndarray:
    """x with g(x) = y (y in [0, 1])."""
    y = np.asarray(y, dtype=float)
    if abs(k) < 1e-9:
        return y
    return -np.log1p(y * np.expm1(-k)) / k


PACE_SCALE_YEARS = 1.0  # default clock scale; data/course.toml [shape] clock_scale_years


def pace(u: np.ndarray, a: float, scale: float = PACE_SCALE_YEARS) -> np.ndarray:
    """F(u) = s ((1 + u / s)^a - 1) / a (s = ``scale``, years): clock progress after u clock
    years, in years at the starting pace; u itself when a = 1, slower and slower when a < 1
    (F'(u) = (1 + u / s)^(a - 1)), never stopping."""
    u = np.asarray(u, dtype=float)
    if abs(a - 1.0) < 1e-12:
        return u
    with np.errstate(invalid="ignore", over="ignore"):
        return scale * (np.power(1.0 + u / scale, a) - 1.0) / a


def pace_inverse(y: np.ndarray, a: float, scale: float = PACE_SCALE_YEARS) -> np.ndarray:
    """u with F(u) = y."""
    y = np.asarray(y, dtype=float)
    if abs(a - 1.0) < 1e-12:
        return y
    with np.errstate(invalid="ignore", over="ignore"):
        return scale * (np.power(1.0 + a * y / scale, 1.0 / a) - 1.0)


@dataclass(frozen=True)
class Slowing:
    """A slope reduction: the clock runs at (1 - share) of its pace from ``start`` to ``end``
    (years from onset, per patient or one for all; end may be inf)."""

    share: np.ndarray | float
    start: np.ndarray | float
    end: np.ndarray | float = np.inf


@dataclass(frozen=True)
class ClockCourse:
    """Per-patient course (arrays over n patients; years from onset; clock in points).

    rate : points per month. death : disease death time (inf: none).
    item_start, item_span : (n, 12) clock position where each item starts to fall, and the
        clock points over which it loses its 4 points (ITEMS order).
    end_domain : (n,) domain whose items fail over the end stage (3 respiratory, 0 bulbar).
    end_start, end_length : (n,) the end stage's start and length (years; inf/nan: none).
    tracheostomy_time : (n,) years, NaN for the patients who take none.
    niv_candidate : (n,) True for the patients who take NIV when they need it (their end
        stage lasts ``niv_end_stage_months`` longer); None: decided by ``procedures``.
    end_depth : (n,) share of its points each end-domain item loses by the end of the end stage
        (1: to 0; ``end_stage_partial_depth`` for the patients who die before the end stage
        completes); None: 1 for all.
    """

    settings: ProgressionSettings
    rate: np.ndarray
    death: np.ndarray
    item_start: np.ndarray
    item_span: np.ndarray
    end_domain: np.ndarray
    end_start: np.ndarray
    end_length: np.ndarray
    tracheostomy_time: np.ndarray
    slowing: Slowing | None = None
    niv_candidate: np.ndarray | None = None  # (n,) would take NIV when needed
    end_depth: np.ndarray | None = None  # (n,) how far the end stage runs (1: to 0)

    @property
    def size(self) -> int:
        return int(self.rate.size)

    # ----------------------------------------------------------------- the clock
    def clock(self, t: np.ndarray) -> np.ndarray:
        """Clock points at times ``t`` (years from onset; shape (n,) or (n, m))."""
        t = np.asarray(t, dtype=float)
        rate = self.rate.reshape((-1,) + (1,) * (t.ndim - 1))
        return (
            12.0
            * rate
            * pace(
                self._slowed(t), self.settings.clock_deceleration, self.settings.clock_scale_years
            )
        )

    def clock_years(self, t: np.ndarray) -> np.ndarray:
        """The clock's own time at ``t``: years from onset, slowed by the slope reduction."""
        return self._slowed(np.asarray(t, dtype=float))

    def _slowed(self, t: np.ndarray) -> np.ndarray:
        if self.slowing is None:
            return t
        s, t0, t1 = (_column(v, t.ndim) for v in _parts(self.slowing))
        return t - s * (np.clip(t, t0, np.maximum(t0, t1)) - t0)

    def time_at_clock(self, c: np.ndarray) -> np.ndarray:
        """First time (years) the clock reaches ``c`` points (inverse of ``clock``)."""
        c = np.asarray(c, dtype=float)
        rate = self.rate.reshape((-1,) + (1,) * (c.ndim - 1))
        with np.errstate(divide="ignore", invalid="ignore"):
            u = pace_inverse(  # clock years
                c / (12.0 * rate), self.settings.clock_deceleration, self.settings.clock_scale_years
            )
        if self.slowing is None:
            return u
        s, t0, t1 = (_column(v, c.ndim) for v in _parts(self.slowing))
        t1 = np.maximum(t0, t1)
        with np.errstate(invalid="ignore"):
            u1 = np.where(np.isinf(t1), np.inf, t1 - s * (t1 - t0))  # unslowed years at t1
            inside = t0 + (u - t0) / (1.0 - s)
            after = t1 + (u - u1)
        return np.where(u <= t0, u, np.where(u <= u1, inside, after))

    # ----------------------------------------------------------------- latent items
    def end_progress(self, t: np.ndarray) -> np.ndarray:
        """End-stage progress q in [0, 1] at times ``t`` ((n, m) or (n,))."""
        t = np.asarray(t, dtype=float)
        start, length = _column(self.end_start, t.ndim), _column(self.end_length, t.ndim)
        with np.errstate(invalid="ignore"):
            q = (t - start) / length
        return np.clip(np.nan_to_num(q, nan=0.0, neginf=0.0), 0.0, 1.0)

    def losses(self, t: np.ndarray) -> np.ndarray:
        """Latent points lost on each item at times ``t`` (n, m): shape (n, m, 12), 0-4."""
        t = np.atleast_2d(np.asarray(t, dtype=float))
        c = self.clock(t)[:, :, None]
        x = np.clip((c - self.item_start[:, None, :]) / self.item_span[:, None, :], 0.0, 1.0)
        loss = POINTS * shape(x, self.settings.curvature)
        q = self.end_progress(t)
        cap = POINTS * self.settings.end_domain_clock_cap
        depth = POINTS if self.end_depth is None else POINTS * _column(self.end_depth, 2)
        depth = np.broadcast_to(depth, q.shape)
        for d in (BULBAR, RESPIRATORY):
            mine = self.end_domain == d
            if not mine.any():
                continue
            for j, item in enumerate(self.settings.item_order[d]):
                ramp = depth[mine] * _item_ramp(q[mine], j, self.settings.item_stagger)
                clock = np.minimum(loss[mine, :, item], cap)
                loss[mine, :, item] = np.maximum(clock, ramp)
        share = self.settings.swallowing_clock_cap
        mine = self.end_domain == RESPIRATORY
        if share < 1.0 and mine.any():  # swallowing fails with the respiratory end stage
            ramp = depth[mine] * _item_ramp(q[mine], 1, self.settings.item_stagger)
            clock = np.minimum(loss[mine, :, SWALLOWING], POINTS * share)
            loss[mine, :, SWALLOWING] = np.maximum(clock, ramp)
        return loss

    def latent_scores(self, t: np.ndarray) -> np.ndarray:
        """Latent (continuous) item scores 0-4 at times ``t``, shape (n, m, 12)."""
        return POINTS - self.losses(t)

    def time_of_loss(self, item: int, loss: float) -> np.ndarray:
        """First time (years) the latent loss of item ``item`` (ITEMS index) reaches ``loss``
        (0 < loss <= 4), from the clock or the end stage, whichever is first; inf if never."""
        y = min(loss / POINTS, 1.0)
        position = self.item_start[:, item] + self.item_span[:, item] * shape_inverse(
            y, self.settings.curvature
        )
        out = self.time_at_clock(position)
        beyond_cap = y > self.settings.end_domain_clock_cap
        # the end stage's share of its ramp at which the loss is y (beyond its depth: never)
        depth = np.ones(self.size) if self.end_depth is None else self.end_depth
        reach = y <= depth
        ramp_y = np.minimum(y / depth, 1.0)
        for d in (BULBAR, RESPIRATORY):
            if item in self.settings.item_order[d]:
                if beyond_cap:  # the end domain's clock stops at the cap
                    out = np.where(self.end_domain == d, np.inf, out)
                j = self.settings.item_order[d].index(item)
                q = _ramp_inverse(ramp_y, j, self.settings.item_stagger)
                with np.errstate(invalid="ignore"):
                    ramp = self.end_start + q * self.end_length
                ramp = np.where((self.end_domain == d) & np.isfinite(ramp) & reach, ramp, np.inf)
                out = np.minimum(out, ramp)
        share = self.settings.swallowing_clock_cap
        if item == SWALLOWING and share < 1.0:
            mine = self.end_domain == RESPIRATORY
            if y > share:
                out = np.where(mine, np.inf, out)
            with np.errstate(invalid="ignore"):
                ramp = self.end_start + _ramp_inverse(ramp_y, 1, self.settings.item_stagger) * (
                    self.end_length
                )
            out = np.minimum(out, np.where(mine & np.isfinite(ramp) & reach, ramp, np.inf))
        out = np.maximum(out, 0.0)  # an onset item has lost onset_loss_points at onset
        return np.where(np.isnan(out), np.inf, out)


def _item_ramp(q: np.ndarray, j: int, stagger: float) -> np.ndarray:
    """Share of its points item j of the end domain has lost at end-stage progress q: the
    items fail in their order, item j over [j * stagger, 1 - (2 - j) * stagger]."""
    width = 1.0 - 2.0 * stagger
    return np.clip((q - j * stagger) / width, 0.0, 1.0)


def _ramp_inverse(y, j: int, stagger: float):
    return j * stagger + y * (1.0 - 2.0 * stagger)


def _parts(slowing: Slowing) -> tuple:
    return (slowing.share, slowing.start, slowing.end)


def _column(values, ndim: int) -> np.ndarray:
    """Per-patient values (or a scalar) shaped to broadcast against (n, m...)."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 0 or ndim <= 1:
        return values
    return values.reshape((-1,) + (1,) * (ndim - 1))


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
    survivors with a fast clock). The cap only lowers the rate of those patients.
    floor_cap : (n,) True where the cap applies (default: everyone); False for PLS, whose
        patients live for years with severe disability (MSD Manual: several years to total
        disability) and die mostly of other causes.
    niv_share : (n,) or one share overriding ``settings.niv_share`` (e.g. by onset site): who
        takes NIV when needed (``draws["u_niv"] < share``); their end stage lasts
        ``niv_end_stage_months`` longer, their death time unchanged (the calibrated survival
        curve already holds NIV users).
    """
    s = settings
    rate = np.asarray(rate, dtype=float)
    n = rate.size
    death = np.asarray(death, dtype=float)
    site = np.asarray(site)
    bulbar_end = np.zeros(n, dtype=bool) if bulbar_end is None else np.asarray(bulbar_end, bool)

    # which region order: bulbar onset (or a bulbar form), else upper or lower limb first
    upper = draws["u_upper_limb_first"] < s.upper_limb_first_share
    which = np.where((site == SITES.index("bulbar")) | bulbar_end, 2, np.where(upper, 0, 1))
    z = draws["z_gap"]
    gap_2 = s.second_region_points * np.exp(s.gap_log_sd * z[:, 0])
    gap_3 = s.third_region_points * np.exp(s.gap_log_sd * z[:, 1])
    by_rank = np.stack([np.zeros(n), gap_2, gap_2 + gap_3], axis=1)  # (n, 3) clock positions
    involved = np.empty((n, 4))
    orders = np.array(s.region_orders)  # (3 orders, 3 ranks) -> domain
    for rank in range(3):
        domain = orders[which, rank]
        involved[np.arange(n), domain] = by_rank[:, rank]
    involved[:, RESPIRATORY] = s.respiratory_points * np.exp(s.gap_log_sd * z[:, 2])

    onset_domain = orders[which, 0]
    span = np.full((n, 4), s.domain_span_points * s.later_span_factor)
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
    item_start = span[:, domain_of]
    item_start *= offset
    item_start += involved[:, domain_of]
    pace = draws["z_item_pace"] * s.item_pace_log_sd
    np.exp(pace, out=pace)
    item_span = span[:, domain_of]
    item_span *= 1.0 - 2.0 * s.item_stagger
    item_span *= pace
    if s.onset_loss_points > 0:  # onset is the first noticed loss: the onset domain's first
        rows = np.arange(n)  # item has lost onset_loss_points at clock 0
        onset_items = np.array(s.item_order)[onset_domain]  # (n, 3)
        starts = item_start[rows[:, None], onset_items]
        first = onset_items[rows, np.argmin(starts, axis=1)]
        lead = item_span[rows, first] * shape_inverse(s.onset_loss_points / POINTS, s.curvature)
        shift = lead + item_start[rows, first]
        item_start[rows[:, None], onset_items] -= shift[:, None]

    share = s.niv_share if niv_share is None else niv_share
    on_niv = draws["u_niv"] < np.asarray(share, dtype=float)
    end_length = s.end_stage_months / 12.0 * np.exp(s.end_stage_log_sd * draws["z_end_stage"])
    end_length = end_length + np.where(on_niv, s.niv_end_stage_months / 12.0, 0.0)
    survival = (
        s.tracheostomy_survival_months
        / 12.0
        * np.exp(s.tracheostomy_survival_log_sd * draws["z_tracheostomy_survival"])
    )
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
    # a tracheostomy comes `survival` before death, for those who take one, when the end stage
    # it ends can start after onset (so the all-cause death time is untouched)
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
    )


def _capped_rate(s, rate, bulbar_end, item_start, item_span, draws, survival, end_length, death):
    """The rate, lowered where the clock would exhaust the items outside the end domain more
    than ``floor_years_max`` before the untreated end stage (see ``build_course``)."""
    finish = item_start + item_span  # clock points at which each item reaches 0
    respiratory, bulbar = list(s.item_order[RESPIRATORY]), list(s.item_order[BULBAR])
    limbs = [i for i in range(finish.shape[1]) if i not in respiratory + bulbar]
    other = np.where(bulbar_end, finish[:, respiratory].max(axis=1), finish[:, bulbar].max(axis=1))
    exhausted = np.maximum(np.maximum(finish[:, limbs].max(axis=1), other), 0.0)  # (as before)
    takes = (draws["u_tracheostomy"] < s.tracheostomy_share) & (death - survival > end_length)
    with np.errstate(invalid="ignore"):
        latest = death - np.where(takes, survival, 0.0) - end_length - s.floor_years_max
        years = pace(np.where(latest > 0, latest, 1.0), s.clock_deceleration, s.clock_scale_years)
        cap = np.where(np.isfinite(latest) & (latest > 0), exhausted / (12.0 * years), np.inf)
    return np.minimum(rate, cap)
