"""The ALSFRS-R course of each patient: 12 items (0-4) over time, consistent with death.

Each of the four domains (12 points) has a progress p(t) in [0, 1], the share of its points
lost; items share that loss (``item_knots``), so domain and total scores are item sums.

- The onset region is involved at onset, the other two at fractions f2 <= f3 of the disease
  death time T (the spread, ``data/simulation.toml``). An involved region declines at the
  patient's rate r (ALSFRS-R points per month is r domains per year), linearly or along a
  sigmoid (D50) shape with the same half-way time; and never slower than a floor that loses
  ``terminal_share`` of the domain by T, linearly in the normalised course t / T.
- The respiratory domain declines from the third region's involvement, linearly in t / T, to
  respiratory failure at T (item 12 at 1, continuous BiPAP, or at 0, invasive ventilation, for
  the patients who take a tracheostomy).

So a patient who dies of the disease dies with severe respiratory impairment, and the early
slope, which sets dFS at diagnosis, is the rate r. A slope reduction slows the clock of the
bulbar and limb domains (their spread too); the respiratory course stays keyed to T.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np

from alsprog.simulation.patient_draws import CourseDraws
from alsprog.simulation.piecewise import Piecewise, multiplier
from alsprog.simulation.settings import DOMAINS, ITEMS, SITES, CourseSettings

POINTS = 4.0


@cache
def item_knots(weights: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Domain progress p at the knots, and each item's loss (0-4) there, shape (3, knots).

    The domain's loss (12 p points) is shared among its items still above 0 in proportion to
    ``weights``, renormalised as items reach 0; items are in their spread order.
    """
    w = np.asarray(weights, dtype=float)
    loss, p = np.zeros(w.size), 0.0
    ps, losses = [0.0], [loss.copy()]
    active = np.ones(w.size, dtype=bool)
    while active.any():
        rates = 12.0 * np.where(active, w, 0.0) / w[active].sum()
        step = np.min((POINTS - loss[active]) / rates[active])
        loss = np.where(active, loss + rates * step, loss)
        p += step
        full = active & (loss >= POINTS - 1e-12)
        loss[full], active = POINTS, active & ~full
        ps.append(p)
        losses.append(loss.copy())
    return np.array(ps) / ps[-1], np.array(losses).T


@cache
def _item_slopes(weights: tuple[float, ...]) -> np.ndarray:
    """Each item's loss per unit of domain progress on each segment between knots, as
    ``np.interp`` computes it, (3, knots); a 0 after the last knot."""
    ps, losses = item_knots(weights)
    slopes = (losses[:, 1:] - losses[:, :-1]) / (ps[1:] - ps[:-1])
    return np.concatenate([slopes, np.zeros((losses.shape[0], 1))], axis=1)


def _item_losses(p: np.ndarray, weights: tuple[float, ...]) -> list[np.ndarray]:
    """Each item's loss at domain progress ``p`` (in [0, 1]), in spread order.

    The same numbers as ``np.interp(p, knots, losses[k])``, bit for bit (its formula: the
    segment's slope times p minus the segment's knot, plus the loss there), but the segment
    is found by comparing p with the few knots, not by np.interp's binary search, which for
    three segments costs most of its time.
    """
    knots, losses = item_knots(weights)
    slopes = _item_slopes(weights)
    segment = np.zeros(p.shape, dtype=np.intp)
    for knot in knots[1:]:
        segment += p >= knot
    offset = p - np.take(knots, segment)
    return [np.take(slopes[k], segment) * offset + np.take(losses[k], segment) for k in range(3)]


def _progress_at_loss(level: float, k: int, knots) -> float:
    """Domain progress at which item k (spread order) has lost ``level`` points (< 4)."""
    ps, losses = knots
    upto = int(np.argmax(losses[k] >= POINTS)) + 1
    return float(np.interp(level, losses[k][:upto], ps[:upto]))


@cache
def _progress_at_most(
    weights: tuple[float, ...], order: tuple[str, ...], items: tuple[str, ...], score: int
) -> float:
    """Domain progress at which the first of ``items`` (of a domain whose items spread in
    ``order``) has a true score of ``score`` or less: the domain's progress is monotone in
    time, so the first item there is the one needing the least progress."""
    level = POINTS - score - 0.5
    knots = item_knots(weights)
    return min(_progress_at_loss(level, order.index(item), knots) for item in items)


@dataclass(frozen=True)
class Course:
    """Per-patient course parameters (arrays over patients, years from onset).

    death : the disease death time T (years; inf when the disease never kills).
    rate : ALSFRS-R points per month (r), the onset region's linear slope.
    sigmoid : True for a sigmoid (D50) shape.
    involvement : (3, n) fraction of T at which bulbar, fine motor, gross motor are involved
        (region by region: numpy's loops run along patients).
    region_rate : (3, n) their rates, domains per year.
    respiratory_start : fraction of T at which the respiratory decline starts.
    tracheostomy : True when the patient takes a tracheostomy.
    clock : slowed time of the bulbar and limb domains (slope reductions), or None.
    """

    death: np.ndarray
    rate: np.ndarray
    sigmoid: np.ndarray
    involvement: np.ndarray
    region_rate: np.ndarray
    respiratory_start: np.ndarray
    tracheostomy: np.ndarray
    clock: Piecewise | None
    settings: CourseSettings

    @classmethod
    def build(
        cls,
        block: CourseDraws,
        settings: CourseSettings,
        parts: tuple,
        reference: np.ndarray | None = None,
    ) -> Course:
        """The course of the patients ``block`` draws (a frozen ``CourseDraws``), under the
        effect ``parts``. ``reference`` (optional, per patient, years from onset): what slope
        reductions anchored at enrolment count from (a trial's enrolment)."""
        s = settings
        jitter = s.spread_jitter_log_sd
        cap = s.last_involvement_fraction
        second = np.minimum(s.second_region_fraction * np.exp(jitter * block.z_spread_2), cap)
        third = np.minimum(
            second + s.third_region_gap_fraction * np.exp(jitter * block.z_spread_3), cap
        )
        bulbar = block.onset_site == SITES.index("bulbar")
        upper = block.u_upper_limb < s.upper_limb_first_share
        order = np.where(bulbar, 0, 2 - upper)  # which spread order: bulbar, upper, lower
        by_order = np.array(
            [
                [s.region_orders[key].index(domain) for domain in DOMAINS[:3]]
                for key in ("bulbar", "upper", "lower")
            ]
        )  # the rank of each region in each spread order
        ranks = np.take(by_order.T, order, axis=1)  # (3, n): in the patient's spread
        fractions = np.stack([np.zeros(second.size), second, third])  # by rank
        involvement = np.take_along_axis(fractions, ranks, axis=0)
        rate = block.progression_rate
        factor = np.where(by_order == 0, 1.0, s.spread_rate_factor)  # the onset region's is 1
        region_rate = rate * np.take(factor.T, order, axis=1)
        start = block.latent_diagnosis_time if reference is None else reference
        slope = multiplier(parts, "slope_reduction", start)
        return cls(
            death=block.disease_time,
            rate=rate,
            sigmoid=block.u_shape < s.sigmoid_share,
            involvement=involvement,
            region_rate=region_rate,
            respiratory_start=third,
            tracheostomy=block.u_tracheostomy < s.tracheostomy_share,
            clock=slope,
            settings=s,
        )

    # ----------------------------------------------------------------- the clock
    def _clock(self, t: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        if self.clock is None:
            return t
        every = np.arange(self.death.size) if rows is None else rows
        return self.clock.integral(t, every, _identity)

    def _clock_inverse(self, c: np.ndarray) -> np.ndarray:
        if self.clock is None:
            return c
        return self.clock.inverse(c, _identity, _identity)

    @cached_property
    def involved_clock(self) -> np.ndarray:
        """(3, n) clock time at which each region becomes involved (0 for the onset region)."""
        with np.errstate(invalid="ignore"):
            return np.where(self.involvement == 0, 0.0, self.involvement * self.death)

    # ----------------------------------------------------------------- forward
    def progress(self, t: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Domain progress (0-1) at times ``t`` of patients ``rows`` (None: t[i] is patient
        i's, for every patient), shape (len, 4)."""
        s = self.settings
        out = np.empty((4, t.size))  # domain by domain: long rows for numpy's loops
        clock = self._clock(t, rows)
        death = _of(self.death, rows)
        with np.errstate(invalid="ignore", divide="ignore"):
            normalised = np.where(np.isinf(death), 0.0, clock / death)
            # the three regions at once, (3, len): by the rate, or the floor if higher
            x = np.maximum(clock - _of(self.involved_clock, rows), 0)
            x *= _of(self.region_rate, rows)
            np.minimum(x, 1.0, out=x)
            shaped = np.where(_of(self.sigmoid, rows), _sigmoid(x, s.sigmoid_steepness), x)
            start = _of(self.involvement, rows)
            floor = np.maximum(normalised - start, 0.0)
            floor *= s.terminal_share
            floor /= 1.0 - start
            np.clip(np.maximum(shaped, floor, out=shaped), 0.0, 1.0, out=out[:3])
            real = np.where(np.isinf(death), 0.0, t / death)
            start = _of(self.respiratory_start, rows)
            np.clip((real - start) / (1.0 - start), 0.0, 1.0, out=out[3])
        return out.T

    def losses(self, t: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Latent (continuous) points lost on each item, shape (len, 12), ITEMS order
        (``rows`` as for ``progress``)."""
        s = self.settings
        progress = self.progress(t, rows)
        out = np.empty((len(ITEMS), t.size))  # item by item, returned transposed
        for d, domain in enumerate(DOMAINS):
            items = _item_losses(progress[:, d], s.item_weights[domain])
            for item, loss in zip(s.item_order[domain], items, strict=True):
                out[ITEMS.index(item)] = loss
        j = ITEMS.index("respiratory_insufficiency")
        np.minimum(out[j], self._insufficiency_cap(rows), out=out[j])
        return out.T

    def _insufficiency_cap(self, rows: np.ndarray | None) -> np.ndarray:
        floor = self.settings.insufficiency_floor
        return np.where(_of(self.tracheostomy, rows), POINTS, POINTS - floor)

    # ----------------------------------------------------------------- inverse
    def time_at_most(self, items: str | tuple[str, ...], score: int) -> np.ndarray:
        """First time (years) each patient's true score on ``items`` (one item, or the first
        of several items of one domain to get there) is ``score`` or less (true score = latent
        rounded half up); inf if never."""
        return self.times_at_most([(items, score)])[0]

    def times_at_most(
        self, requests: Sequence[tuple[str | tuple[str, ...], int]]
    ) -> list[np.ndarray]:
        """``time_at_most`` for several (items, score) requests at once, in their order; the
        requests of one domain are computed together."""
        out: list = [None] * len(requests)
        by_domain: dict[int, list[tuple[int, tuple[str, ...], int, float]]] = {}
        for j, (items, score) in enumerate(requests):
            items = (items,) if isinstance(items, str) else tuple(items)
            d, p = self._progress_needed(items, score)
            by_domain.setdefault(d, []).append((j, items, score, p))
        for d, group in by_domain.items():
            if d == 3:
                times = self._respiratory_times(group)
            else:
                times = self._region_times(d, [p for *_, p in group])
            for (j, *_), row in zip(group, times, strict=True):
                out[j] = row
        return out

    def _progress_needed(self, items: tuple[str, ...], score: int) -> tuple[int, float]:
        """The domain of ``items`` and the progress at which the first of them is at
        ``score`` or less."""
        s = self.settings
        (domain,) = {dom for dom in DOMAINS for item in items if item in s.item_order[dom]}
        if domain == DOMAINS[3] and "respiratory_insufficiency" in items and len(items) > 1:
            raise ValueError("time_at_most: ask for respiratory_insufficiency alone")
        order = s.item_order[domain]
        weights = s.item_weights[domain]
        return DOMAINS.index(domain), _progress_at_most(weights, order, items, score)

    def _respiratory_times(self, group: list) -> np.ndarray:
        """Times at which the respiratory progress reaches each p of ``group``, (len, n);
        respiratory insufficiency only down to its cap (``_insufficiency_cap``)."""
        start = self.respiratory_start
        cap = self._insufficiency_cap(None)
        out = np.empty((len(group), self.death.size))
        with np.errstate(invalid="ignore", over="ignore"):
            for row, (_, items, score, p) in enumerate(group):
                out[row] = self.death * (start + p * (1.0 - start))
                if items == ("respiratory_insufficiency",):
                    out[row] = np.where(POINTS - score - 0.5 < cap, out[row], np.inf)
        return np.where(np.isnan(out), np.inf, out)

    def _region_times(self, d: int, ps: list[float]) -> np.ndarray:
        """Times at which bulbar/limb region ``d`` reaches each progress in ``ps``, (len, n):
        by the patient's rate (linear or sigmoid shape), or by the floor if that is earlier."""
        s = self.settings
        p = np.array(ps)[:, None]
        shaped = np.array([_sigmoid_inverse(q, s.sigmoid_steepness) for q in ps])[:, None]
        # each patient's threshold on its own shape: column 0 linear, column 1 sigmoid
        x = np.take(np.concatenate([p, shaped], axis=1), self.sigmoid.astype(np.intp), axis=1)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            clock = x / self.region_rate[d]
            clock += self.involved_clock[d]
            start = self.involvement[d]
            rest = 1.0 - start
            for row, q in enumerate(ps):
                if q <= s.terminal_share:
                    by_floor = self.death * (start + q * rest / s.terminal_share)
                    np.fmin(clock[row], by_floor, out=clock[row])
        clock[np.isnan(clock)] = np.inf
        if self.clock is None:
            return clock
        return np.array([self._clock_inverse(row) for row in clock])


def _of(values: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
    """The values of patients ``rows`` (None: every patient, in order); patients on the
    last axis."""
    return values if rows is None else values[..., rows]


def _identity(t: np.ndarray, rows: np.ndarray) -> np.ndarray:
    return t


def _logistic(z):
    return 1.0 / (1.0 + np.exp(-z))


def _sigmoid(x: np.ndarray, k: float) -> np.ndarray:
    """Logistic in x in [0, 1], rescaled to run from 0 to 1; 0.5 at x = 0.5."""
    low, high = _logistic(-k / 2), _logistic(k / 2)
    return (_logistic(k * (x - 0.5)) - low) / (high - low)


def _sigmoid_inverse(p: float, k: float) -> float:
    low, high = _logistic(-k / 2), _logistic(k / 2)
    q = low + p * (high - low)
    return 0.5 + np.log(q / (1.0 - q)) / k
