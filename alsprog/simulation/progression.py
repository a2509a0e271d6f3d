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

The course is built by ``course_build.build_course(ProgressionSettings.default(), rate=,
site=, death=, draws=, untreated_death=, bulbar_end=, slowing=, niv_share=)`` then
``uptake.procedures(course, draws)``; scores at any times with ``uptake.item_scores``,
milestones with ``uptake.time_at_most`` and ``uptake.stage_times``. A user's NIV share (by
patient or one number) goes to ``build_course`` (an NIV user's end stage is longer), the
gastrostomy share to ``procedures``. ``patient_course`` does this for cohorts and trials.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import numpy as np

from alsprog.simulation.pma_course import generalised_losses, generalised_time
from alsprog.simulation.progression_settings import ProgressionSettings

POINTS = 4.0
RESPIRATORY = 3  # domain index
BULBAR = 0
SWALLOWING = 2  # item index (ITEMS order)


def shape(x: np.ndarray, k: float) -> np.ndarray:
    """g(x) in [0, 1] for x in [0, 1]: (1 - exp(-k x)) / (1 - exp(-k)); x itself when k = 0."""
    if abs(k) < 1e-9:
        return x
    return np.expm1(-k * x) / np.expm1(-k)


def _shape_in_place(x: np.ndarray, k: float) -> np.ndarray:
    """``shape(x, k)`` written over ``x`` (a fresh float array): the same arithmetic, bit for
    bit, without its temporaries."""
    if abs(k) < 1e-9:
        return x
    x *= -k
    np.expm1(x, out=x)
    x /= np.expm1(-k)
    return x


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
        if u.ndim == 0:
            return scale * (np.power(1.0 + u / scale, a) - 1.0) / a
        x = u / scale  # then in place: the same arithmetic, bit for bit
        x += 1.0
        np.power(x, a, out=x)
        x -= 1.0
        x *= scale
        x /= a
        return x


def pace_inverse(y: np.ndarray, a: float, scale: float = PACE_SCALE_YEARS) -> np.ndarray:
    """u with F(u) = y."""
    y = np.asarray(y, dtype=float)
    if abs(a - 1.0) < 1e-12:
        return y
    if y.ndim == 0:
        with np.errstate(invalid="ignore", over="ignore"):
            return scale * (np.power(1.0 + a * y / scale, 1.0 / a) - 1.0)
    return _pace_inverse_in_place(a * y, a, scale, scaled=True)


def _pace_inverse_in_place(
    y: np.ndarray, a: float, scale: float, scaled: bool = False
) -> np.ndarray:
    """``pace_inverse(y, a, scale)`` written over ``y`` (a fresh float array; ``scaled``: it
    already holds a * y): the same arithmetic, bit for bit, without its temporaries."""
    if abs(a - 1.0) < 1e-12:
        return y
    with np.errstate(invalid="ignore", over="ignore"):
        if not scaled:
            y *= a
        y /= scale
        y += 1.0
        np.power(y, 1.0 / a, out=y)
        y -= 1.0
        y *= scale
    return y


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
    limb_end_depth : (n,) share of its points each limb item has lost at least by the end of
        the end stage (PMA's generalised weakness: ``pma_course.generalised_losses``); None
        or 0: the limbs are where the clock has brought them.
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
    limb_end_depth: np.ndarray | None = None  # (n,) limb items' loss over the end stage (PMA)

    @property
    def size(self) -> int:
        return int(self.rate.size)

    def take(self, rows: np.ndarray) -> ClockCourse:
        """The patients at ``rows`` (indices, repeats allowed, or a boolean mask): every
        per-patient array, and the slowing's where it is one per patient."""
        taken = {
            f.name: getattr(self, f.name)[rows]
            for f in fields(self)
            if f.name not in ("settings", "slowing") and getattr(self, f.name) is not None
        }
        slow = self.slowing
        if slow is not None:
            slow = Slowing(*(v if np.ndim(v) == 0 else np.asarray(v)[rows] for v in _parts(slow)))
        return replace(self, slowing=slow, **taken)

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

    def time_at_clock(self, c: np.ndarray, rows: np.ndarray | slice | None = None) -> np.ndarray:
        """First time (years) the clock reaches ``c`` points (inverse of ``clock``), of the
        patients at ``rows`` (``c`` theirs) or of all."""
        c = np.asarray(c, dtype=float)
        rate = (self.rate if rows is None else self.rate[rows]).reshape((-1,) + (1,) * (c.ndim - 1))
        with np.errstate(divide="ignore", invalid="ignore"):
            u = _pace_inverse_in_place(  # clock years
                c / (12.0 * rate), self.settings.clock_deceleration, self.settings.clock_scale_years
            )
        if self.slowing is None:
            return u
        parts = [v if rows is None or np.ndim(v) == 0 else v[rows] for v in _parts(self.slowing)]
        s, t0, t1 = (_column(v, c.ndim) for v in parts)
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
        loss = c - self.item_start[:, None, :]  # then in place: x, g(x), the points lost
        loss /= self.item_span[:, None, :]
        np.clip(loss, 0.0, 1.0, out=loss)
        loss = _shape_in_place(loss, self.settings.curvature)
        loss *= POINTS
        q = self.end_progress(t)
        cap = POINTS * self.settings.end_domain_clock_cap
        depth = POINTS if self.end_depth is None else POINTS * _column(self.end_depth, 2)
        depth = np.broadcast_to(depth, q.shape)
        ramps: dict[int, np.ndarray] = {}  # item place j's ramp, every patient's (n, m)

        def ramp(j: int) -> np.ndarray:  # found once, read by both end domains and swallowing
            if j not in ramps:
                ramps[j] = depth * _item_ramp(q, j, self.settings.item_stagger)
            return ramps[j]

        # each end domain's rows chosen by np.where over all rows: no gather and scatter
        for d in (BULBAR, RESPIRATORY):
            mine = (self.end_domain == d)[:, None]
            if not mine.any():
                continue
            for j, item in enumerate(self.settings.item_order[d]):
                column = loss[:, :, item]
                taken = np.maximum(np.minimum(column, cap), ramp(j))
                loss[:, :, item] = np.where(mine, taken, column)
        share = self.settings.swallowing_clock_cap
        ends = self.end_domain == RESPIRATORY
        if share < 1.0 and ends.any():  # swallowing fails with the respiratory end stage
            column = loss[:, :, SWALLOWING]
            column = np.where(ends[:, None], np.minimum(column, POINTS * share), column)
            mine = self._swallowing_ends()[:, None]
            loss[:, :, SWALLOWING] = np.where(mine, np.maximum(column, ramp(1)), column)
        if self.limb_end_depth is not None:  # PMA: the weakness generalises before death
            generalised_losses(self, t, loss, SWALLOWING)
        return loss

    def _swallowing_ends(self) -> np.ndarray:
        """Patients whose swallowing fails with the respiratory end stage (PMA's, if at all,
        fails with its generalisation: ``pma_course``)."""
        ends = self.end_domain == RESPIRATORY
        return ends if self.limb_end_depth is None else ends & ~(self.limb_end_depth > 0)

    def latent_scores(self, t: np.ndarray) -> np.ndarray:
        """Latent (continuous) item scores 0-4 at times ``t``, shape (n, m, 12)."""
        loss = self.losses(t)
        return np.subtract(POINTS, loss, out=loss)  # (a fresh array: in place)

    def time_of_loss(self, item: int, loss: float) -> np.ndarray:
        """First time (years) the latent loss of item ``item`` (ITEMS index) reaches ``loss``
        (0 < loss <= 4), from the clock or the end stage, whichever is first; inf if never."""
        return self.times_of_loss((item,), (loss,))[:, 0]

    def times_of_loss(self, items: Sequence[int], losses: Sequence[float]) -> np.ndarray:
        """``time_of_loss(items[j], losses[j])`` for every j at once: shape (n, len(items)),
        the same arithmetic element by element, in one vectorised solve."""
        s = self.settings
        item = np.asarray(items, dtype=int)
        y = np.array([min(loss / POINTS, 1.0) for loss in losses])
        position = self.item_span[:, item]  # then in place: start + span * g^-1(y)
        position *= shape_inverse(y, s.curvature)
        position += self.item_start[:, item]
        # beyond the cap, an end domain's clock time is inf (never found): the clock is not read
        # (the arrays below are column by patient, (len(items), n): a patient's few columns as
        # the short axis of each step cost several times as much; ``found`` is ``out`` so read)
        skipped = np.zeros((item.size, self.size), dtype=bool)
        for d in (BULBAR, RESPIRATORY):
            capped = (y > s.end_domain_clock_cap) & np.isin(item, s.item_order[d])
            if d == RESPIRATORY:
                capped |= (item == SWALLOWING) & (y > s.swallowing_clock_cap)
            if capped.any():
                skipped |= capped[:, None] & (self.end_domain == d)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = self.time_at_clock(position)
        found = out.T
        np.copyto(found, np.inf, where=skipped)  # (column-major: copyto, not putmask)
        # the end stage's share of its ramp at which the loss is y (beyond its depth: never),
        # on the columns whose item the end stage takes
        depth = np.ones(self.size) if self.end_depth is None else self.end_depth
        start, length = self.end_start, self.end_length
        ramps: list[tuple[int | None, np.ndarray, np.ndarray]] = [
            (d, np.isin(item, s.item_order[d]), self.end_domain == d) for d in (BULBAR, RESPIRATORY)
        ]
        if s.swallowing_clock_cap < 1.0:
            ramps.append((None, item == SWALLOWING, self._swallowing_ends()))
        for domain, mine, rows in ramps:  # (None: swallowing with the respiratory end stage)
            cols = np.flatnonzero(mine)
            if cols.size == 0:
                continue
            y_k = y[cols][:, None]
            order = s.item_order[RESPIRATORY if domain is None else domain]
            j = np.array([1 if domain is None else order.index(i) for i in item[cols]])[:, None]
            q = _ramp_inverse(np.minimum(y_k / depth, 1.0), j, s.item_stagger)
            with np.errstate(invalid="ignore"):
                ramp = start + q * length
            ok = rows & np.isfinite(ramp) & (y_k <= depth)
            found[cols] = np.minimum(found[cols], np.where(ok, ramp, np.inf))
        if self.limb_end_depth is not None:
            for k in range(item.size):
                generalised = generalised_time(self, int(item[k]), float(y[k]), SWALLOWING)
                out[:, k] = np.minimum(out[:, k], generalised)
        np.maximum(out, 0.0, out=out)  # an onset item has lost onset_loss_points at onset
        np.copyto(out, np.inf, where=np.isnan(out))
        return out


def _item_ramp(q: np.ndarray, j: int, stagger: float) -> np.ndarray:
    """Share of its points item j of the end domain has lost at end-stage progress q: the
    items fail in their order, item j over [j * stagger, 1 - (2 - j) * stagger]."""
    width = 1.0 - 2.0 * stagger
    return np.clip((q - j * stagger) / width, 0.0, 1.0)


def _ramp_inverse(y, j: int | np.ndarray, stagger: float):
    return j * stagger + y * (1.0 - 2.0 * stagger)


def _parts(slowing: Slowing) -> tuple:
    return (slowing.share, slowing.start, slowing.end)


def _column(values, ndim: int) -> np.ndarray:
    """Per-patient values (or a scalar) shaped to broadcast against (n, m...)."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 0 or ndim <= 1:
        return values
    return values.reshape((-1,) + (1,) * (ndim - 1))
