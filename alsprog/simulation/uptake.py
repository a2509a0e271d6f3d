"""Need and uptake, the observed ALSFRS-R items, milestones and stages of a ``ClockCourse``.

Need comes from the disease: ``gastrostomy_need_time`` is when the latent swallowing item falls
to 1 (needs supplemental tube feeding), ``niv_need_time`` when the latent respiratory
insufficiency item falls to 3 (intermittent BiPAP) or, when ``niv_orthopnea_at_most`` is set,
the latent orthopnoea item falls to it (the clinical indication). The procedures actually taken
come with uptake shares and an exponential delay from need (``data/course.toml``); a
tracheostomy is set by the course (``course_build.build_course``) a survival-after-tracheostomy
before death.

What the items score follows what was received: swallowing reads 1-0 only with a tube (without
one it stays at 2 or more: modified diet), respiratory insufficiency reads 3-1 only on NIV (4
without it) and 0 only with a tracheostomy. Dyspnoea, orthopnoea and the other items follow the
disease. King's and MiToS stages keep their published item rules (``staging``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from types import SimpleNamespace
from typing import cast

import numpy as np

from alsprog.simulation.progression import ClockCourse
from alsprog.simulation.progression_settings import ProgressionSettings
from alsprog.simulation.settings import ITEMS
from alsprog.simulation.staging import (
    BULBAR_ITEMS,
    LOWER_LIMB_ITEMS,
    MITOS_AT_MOST,
    UPPER_LIMB_ITEMS,
)

SWALLOWING = ITEMS.index("swallowing")
DYSPNEA = ITEMS.index("dyspnea")
ORTHOPNEA = ITEMS.index("orthopnea")
INSUFFICIENCY = ITEMS.index("respiratory_insufficiency")


@dataclass(frozen=True)
class Procedures:
    """Need and uptake times (years from onset; NaN: not before death / not taken)."""

    gastrostomy_need_time: np.ndarray
    niv_need_time: np.ndarray
    gastrostomy_time: np.ndarray
    niv_time: np.ndarray
    tracheostomy_time: np.ndarray

    def take(self, rows: np.ndarray) -> Procedures:
        """The patients at ``rows`` (indices or a boolean mask)."""
        return Procedures(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})


STAGINGS = ("kings", "mitos")
LossTimes = dict[tuple[int, float], np.ndarray]  # (item, loss) -> ClockCourse.time_of_loss


def time_of_loss(
    course: ClockCourse, item: int, loss: float, memo: LossTimes | None = None
) -> np.ndarray:
    """``course.time_of_loss(item, loss)``, kept in ``memo`` (when given) for the next caller
    of the same course: the need, the milestones and the stages ask for several of the same."""
    if memo is None:
        return course.time_of_loss(item, loss)
    key = (item, float(loss))
    if key not in memo:
        memo[key] = course.time_of_loss(item, loss)
    return memo[key]


def _reads_disease(item: int, score: int) -> bool:
    """Whether ``time_at_most(item, score)`` reads the latent item's time of loss."""
    if score >= 4:
        return False
    if item == SWALLOWING and score <= 1:
        return score == 0
    if item == INSUFFICIENCY:
        return 0 < score < 3
    return True


class _Reads(dict):
    """A memo (``time_of_loss``) that records the (item, loss) pairs asked of it, in order,
    answering each with a time of 0 for one patient."""

    def __contains__(self, key: object) -> bool:
        self.setdefault(key, np.zeros(1))
        return True


@lru_cache(maxsize=8)
def losses_read(
    settings: ProgressionSettings, stagings: tuple[str, ...] = STAGINGS
) -> tuple[tuple[int, float], ...]:
    """The (item, loss) pairs ``procedures`` and ``stage_times`` (of ``stagings``, King's stage
    4 placed either way) ask ``time_of_loss`` for, found by running them on one stand-in
    patient with a memo that records what is asked: which pairs are read depends on the
    settings and the item rules alone, never on a patient's times, so the list cannot fall
    behind the functions."""
    stand_in = SimpleNamespace(
        settings=settings,
        size=1,
        death=np.ones(1),
        tracheostomy_time=np.full(1, np.nan),
        niv_candidate=None,
    )
    course = cast(ClockCourse, stand_in)
    draws = {
        f"u_{name}{delay}": np.zeros(1)
        for name in ("niv", "gastrostomy")
        for delay in ("", "_delay")
    }
    reads = _Reads()
    done = procedures(course, draws, memo=reads)
    for by_need in (False, True):
        stage_times(course, done, by_need=by_need, memo=reads, stagings=stagings)
    return tuple(reads)


def solve_losses(course: ClockCourse, stagings: tuple[str, ...] = STAGINGS) -> LossTimes:
    """A memo (see ``time_of_loss``) holding every time ``procedures`` and ``stage_times`` (of
    ``stagings``) read, solved together (``ClockCourse.times_of_loss``: the same figures, in
    one pass)."""
    pairs = losses_read(course.settings, stagings)
    found = course.times_of_loss(*zip(*pairs, strict=True)).T.copy()
    return dict(zip(pairs, found, strict=True))


def procedures(
    course: ClockCourse,
    draws: dict[str, np.ndarray],
    shares: dict[str, np.ndarray] | None = None,
    *,
    memo: LossTimes | None = None,
) -> Procedures:
    """Need from the items, procedures from uptake shares and delays.

    ``shares`` (optional) overrides the settings' ``niv_share`` and ``gastrostomy_share``, by
    patient (e.g. by onset site) or as one number. Who takes NIV is the course's
    ``niv_candidate`` (set by ``build_course(..., niv_share=)``, whose end stage it lengthens);
    pass a different NIV share here only for a course built without one. ``memo`` (optional):
    the item loss times found, kept for ``stage_times`` of the same course.
    """
    s = course.settings
    shares = shares or {}
    end = np.where(np.isnan(course.tracheostomy_time), course.death, course.tracheostomy_time)
    gastro_need = time_of_loss(course, SWALLOWING, 3.5 - s.gastrostomy_at_most, memo)
    niv_need = time_of_loss(course, INSUFFICIENCY, 3.5 - s.niv_at_most, memo)
    if s.niv_orthopnea_at_most >= 0:
        niv_need = np.minimum(
            niv_need, time_of_loss(course, ORTHOPNEA, 3.5 - s.niv_orthopnea_at_most, memo)
        )
    out = {}
    for name, need, limit in (
        ("gastrostomy", gastro_need, course.death),
        ("niv", niv_need, end),
    ):
        share = shares.get(f"{name}_share", getattr(s, f"{name}_share"))
        delay = -np.log1p(-draws[f"u_{name}_delay"]) * getattr(s, f"{name}_delay_months") / 12.0
        when = need + delay
        takes = draws[f"u_{name}"] < share
        if name == "niv" and course.niv_candidate is not None and "niv_share" not in shares:
            takes = course.niv_candidate
        taken = takes & (when < limit)
        out[name] = np.where(taken, when, np.nan)
    return Procedures(
        gastrostomy_need_time=np.where(gastro_need < course.death, gastro_need, np.nan),
        niv_need_time=np.where(niv_need < course.death, niv_need, np.nan),
        gastrostomy_time=out["gastrostomy"],
        niv_time=out["niv"],
        tracheostomy_time=course.tracheostomy_time,
    )


def _after(t: np.ndarray, when: np.ndarray) -> np.ndarray:
    """t >= when, per patient (when NaN: never)."""
    w = when.reshape((-1,) + (1,) * (t.ndim - 1))
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(w), False, t >= w)


def item_scores(course: ClockCourse, done: Procedures, t: np.ndarray) -> np.ndarray:
    """Observed (noise-free) integer item scores 0-4 at times ``t`` (n, m) years from onset,
    shape (n, m, 12) int8, ITEMS order."""
    t = np.atleast_2d(np.asarray(t, dtype=float))
    latent = course.latent_scores(t)
    scores = np.clip(np.floor(latent + 0.5), 0, 4).astype(np.int8)
    return received(scores, done, t)


def received(scores: np.ndarray, done: Procedures, t: np.ndarray) -> np.ndarray:
    """Integer item scores (n, m, 12) at times ``t`` (n, m) read as the items score what was
    received: swallowing 1-0 only with a tube (else at least 2), respiratory insufficiency 3-1
    only on NIV (else 4) and 0 only with a tracheostomy. ``scores`` is changed in place."""
    tube = _after(t, done.gastrostomy_time)
    swallowing = scores[:, :, SWALLOWING]
    scores[:, :, SWALLOWING] = np.where(tube, np.minimum(swallowing, 1), np.maximum(swallowing, 2))
    niv, tracheostomy = _after(t, done.niv_time), _after(t, done.tracheostomy_time)
    support = np.clip(scores[:, :, INSUFFICIENCY], 1, 3)
    scores[:, :, INSUFFICIENCY] = np.where(tracheostomy, 0, np.where(niv, support, 4))
    return scores


def time_at_most(
    course: ClockCourse,
    done: Procedures,
    item: str,
    score: int,
    *,
    memo: LossTimes | None = None,
) -> np.ndarray:
    """First time (years) the observed item ``item`` is ``score`` or less; inf if never (the
    course may run past death: compare with the death time). ``memo``: as in ``procedures``."""
    i = ITEMS.index(item)

    def disease() -> np.ndarray:  # the latent item's time, found only where it is read
        if _reads_disease(i, score):
            return time_of_loss(course, i, 3.5 - score, memo)
        return np.zeros(course.size)

    if i == SWALLOWING and score <= 1:
        tube = np.nan_to_num(done.gastrostomy_time, nan=np.inf)
        return np.maximum(tube, disease()) if score == 0 else tube
    if i == SWALLOWING:
        return np.minimum(disease(), _inf(done.gastrostomy_time))
    if i == INSUFFICIENCY:
        tracheostomy = _inf(done.tracheostomy_time)
        if score == 0:
            return tracheostomy
        on_niv = np.maximum(_inf(done.niv_time), disease() if score < 3 else 0.0)
        return np.minimum(on_niv, tracheostomy)
    return disease()


def _inf(times: np.ndarray) -> np.ndarray:
    return np.nan_to_num(times, nan=np.inf)


def stage_times(
    course: ClockCourse,
    done: Procedures,
    *,
    by_need: bool = False,
    memo: LossTimes | None = None,
    stagings: tuple[str, ...] = STAGINGS,
) -> dict[str, np.ndarray]:
    """First times (years from onset) at King's stage k or higher (k = 2, 3, 4) and MiToS
    stage k or higher (1-4), by the published item rules (``staging``); NaN unless before death.

    by_need : False (default) reads the observed items, which follow uptake (ALSFRS-R-based
        staging); True puts King's stage 4 at the clinical milestone, the need for a
        gastrostomy or NIV (or dyspnoea 0), taken or not, as clinical staging does.
    memo : the item loss times ``procedures`` found for this course (optional; see there).
    stagings : the stagings whose times are found (default both: 'kings' and 'mitos').

    King's: a region is involved when a bulbar item 1-3, upper-limb item 4-5 or lower-limb item 8
    is below 4; stage 4 is gastrostomy (swallowing <= 1), dyspnoea 0 or NIV (item 12 <= 3).
    """
    times = {}
    if "kings" in stagings:
        times.update(_kings_times(course, done, by_need, memo))
    if "mitos" in stagings:
        times.update(_mitos_times(course, done, memo))
    return {name: np.where(v < course.death, v, np.nan) for name, v in times.items()}


def _kings_times(
    course: ClockCourse, done: Procedures, by_need: bool, memo: LossTimes | None
) -> dict[str, np.ndarray]:
    """King's stage times (``stage_times``), not yet cut at death."""
    s = course.settings

    def first(items: tuple[str, ...], score: int) -> np.ndarray:
        found = [time_at_most(course, done, item, score, memo=memo) for item in items]
        return np.min(found, axis=0)

    regions = _sorted(
        [first(BULBAR_ITEMS, 3), first(UPPER_LIMB_ITEMS, 3), first(LOWER_LIMB_ITEMS, 3)]
    )
    if by_need:
        need = (_inf(done.gastrostomy_need_time), _inf(done.niv_need_time))
    else:
        need = (
            time_at_most(course, done, "swallowing", s.gastrostomy_at_most, memo=memo),
            time_at_most(course, done, "respiratory_insufficiency", s.niv_at_most, memo=memo),
        )
    stage_4 = np.minimum.reduce([*need, time_at_most(course, done, "dyspnea", 0, memo=memo)])
    return {
        "kings_stage_2_time": np.minimum(regions[1], stage_4),
        "kings_stage_3_time": np.minimum(regions[2], stage_4),
        "kings_stage_4_time": stage_4,
    }


def _mitos_times(
    course: ClockCourse, done: Procedures, memo: LossTimes | None
) -> dict[str, np.ndarray]:
    """MiToS stage times (``stage_times``), not yet cut at death."""
    lost = {
        item: time_at_most(course, done, item, score, memo=memo)
        for item, score in MITOS_AT_MOST.items()
    }
    mitos = _sorted(
        [
            lost["swallowing"],
            np.minimum(lost["walking"], lost["dressing"]),
            np.maximum(lost["speech"], lost["handwriting"]),
            np.minimum(lost["dyspnea"], lost["respiratory_insufficiency"]),
        ]
    )
    return {f"mitos_stage_{k + 1}_time": mitos[k] for k in range(4)}


def _sorted(values: list[np.ndarray]) -> list[np.ndarray]:
    """``np.sort(np.stack(values), axis=0)``, row by row: the same figures. Three or four
    times without NaN or a negative (or -0) are sorted by a network of minima and maxima
    (sorting each patient's few times along the slow axis costs 40 times as much); the
    others by ``np.sort``. (Without NaN and signed zeros, equal times have equal bits, so the
    order the ties take changes nothing.)"""
    if len(values) not in (3, 4) or any(np.isnan(v).any() or np.signbit(v).any() for v in values):
        return list(np.sort(np.stack(values), axis=0))
    out = list(values)

    def order(i: int, j: int) -> None:  # out[i] <= out[j] afterwards
        out[i], out[j] = np.minimum(out[i], out[j]), np.maximum(out[i], out[j])

    pairs = ((0, 1), (1, 2), (0, 1)) if len(out) == 3 else ((0, 1), (2, 3), (0, 2), (1, 3), (1, 2))
    for i, j in pairs:
        order(i, j)
    return out


def domain_time_at_most(
    course: ClockCourse, done: Procedures, domain: int, level: int, *, tolerance: float = 1e-4
) -> np.ndarray:
    """First time (years) the observed score of domain ``domain`` (index into DOMAINS: the sum
    of its three items, 0-12) is ``level`` or less; inf if not by death (or by 100 years when
    the disease never kills). Bisection per patient (the score never rises), to ``tolerance``
    years."""
    items = slice(3 * domain, 3 * domain + 3)
    high = np.where(np.isfinite(course.death), course.death, 100.0) * (1 - 1e-12)
    low = np.zeros(course.size)

    def at_most(t: np.ndarray) -> np.ndarray:
        scores = item_scores(course, done, t[:, None])[:, 0, items]
        return scores.sum(axis=1) <= level

    reached = at_most(high)
    already = at_most(low)
    while (high - low).max(initial=0.0) > tolerance:
        middle = 0.5 * (low + high)
        below = at_most(middle)
        high = np.where(below, middle, high)
        low = np.where(below, low, middle)
    return np.where(already, 0.0, np.where(reached, high, np.inf))
