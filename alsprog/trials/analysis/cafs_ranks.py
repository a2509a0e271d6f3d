"""CAFS scores of a large trial without an n x n matrix: sorting and counting, O(n log^2 n).

``pair_scores_ranked`` returns what ``cafs.pair_scores`` does (each patient's
Finkelstein-Schoenfeld score U_i), exactly, in memory that grows with n rather than n^2, so a
trial of 100,000 patients per arm needs megabytes rather than the 40 GB of its pair matrix.

Survival (Gehan's rule) needs only sorted times: i beats every patient who died strictly
before i's own time, and is beaten by every patient whose time is strictly after i's death.
Function counts, for each visit week k, the pairs that meet there (the last visit both
attended, k = min(last_i, last_j)) and that survival leaves undecided, by the sign of the rank
difference at k. Those are two-dimensional dominance counts (patients j whose time and rank
both lie below i's), which a bottom-up merge sort gives for every i at once (``count_below``).
Whether survival decides a pair depends on the two death indicators:

* both censored: never;
* i died, j censored: when i died before j's censoring (so undecided when t_j <= t_i);
* i censored, j died: when j died before i's censoring (undecided when t_i <= t_j);
* both died: unless they died at the same time.
"""

from __future__ import annotations

import numpy as np


def count_below(qx: np.ndarray, qy: np.ndarray, sx: np.ndarray, sy: np.ndarray) -> np.ndarray:
    """For each query q, the number of sources s with sx[s] < qx[q] and sy[s] < qy[q].

    Integer keys. Sorted by x (queries before sources at equal x, so only strictly smaller x
    counts), each level of a bottom-up merge sort counts, for the queries of a block's right
    half, the sources of its left half with a smaller y: every (source, query) pair in x order
    meets in exactly one such block. O((q + s) log^2 (q + s)), vectorised per level.
    """
    nq = qx.size
    if nq == 0 or sx.size == 0:
        return np.zeros(nq, dtype=np.int64)
    x = np.concatenate([qx, sx]).astype(np.int64)
    y = np.concatenate([qy, sy]).astype(np.int64)
    source = np.r_[np.zeros(nq, dtype=bool), np.ones(sx.size, dtype=bool)]
    order = np.lexsort((source, x))
    y, source = y[order] - y.min(), source[order]
    span = int(y.max()) + 1
    position = np.arange(y.size, dtype=np.int64)
    counted = np.zeros(y.size, dtype=np.int64)
    width = 1
    while width < y.size:
        block = position // (2 * width)
        right = (position % (2 * width)) >= width
        keys = np.sort(block[~right & source] * span + y[~right & source])
        asking = right & ~source
        base = block[asking] * span
        counted[asking] += np.searchsorted(keys, base + y[asking]) - np.searchsorted(keys, base)
        width *= 2
    result = np.empty(y.size, dtype=np.int64)
    result[order] = counted
    return result[:nq]


def _signed(q: np.ndarray, s: np.ndarray, tq, ts, rank: np.ndarray) -> np.ndarray:
    """For each query, the sum over sources (times tq, ts as integer keys, compared strictly
    below) of sign(rank_i - rank_j)."""
    below = count_below(tq, rank[q], ts, rank[s])
    above = count_below(tq, -rank[q], ts, -rank[s])
    return below - above


def _undecided_sign_sums(q: np.ndarray, s: np.ndarray, t: np.ndarray, died: np.ndarray, rank):
    """Sum over sources j of sign(rank_i - rank_j), over the pairs survival leaves undecided,
    for each query i (indices into the trial; ``t`` integer time ranks)."""
    total = np.zeros(q.size, dtype=np.int64)
    q_died, s_died = died[q], died[s]
    alive_s, dead_s = s[~s_died], s[s_died]
    for mask, dead in ((~q_died, False), (q_died, True)):
        asking = q[mask]
        if asking.size == 0:
            continue
        if not dead:  # i censored: every censored j, and dead j with t_i <= t_j
            part = _signed(asking, alive_s, np.ones(asking.size), np.zeros(alive_s.size), rank)
            part += _signed(asking, dead_s, 1 - t[asking], -t[dead_s], rank)
        else:  # i died: censored j with t_j <= t_i, and dead j at exactly t_i
            part = _signed(asking, alive_s, t[asking] + 1, t[alive_s], rank)
            part += _signed(asking, dead_s, t[asking] + 1, t[dead_s], rank)
            part -= _signed(asking, dead_s, t[asking], t[dead_s], rank)
        total[mask] = part
    return total


def pair_scores_ranked(
    time: np.ndarray, event: np.ndarray, ranks: np.ndarray | None, last: np.ndarray | None
) -> np.ndarray:
    """Each patient's Finkelstein-Schoenfeld score U_i (see ``cafs``), without
    forming the pairs: equal to ``pair_scores`` for the same arguments."""
    died = event.astype(bool)
    death_times = np.sort(time[died])
    times = np.sort(time)
    beats = np.searchsorted(death_times, time, side="left")  # deaths strictly before t_i
    beaten = np.where(died, time.size - np.searchsorted(times, time, side="right"), 0)
    scores = (beats - beaten).astype(np.int64)
    if ranks is None or last is None:
        return scores
    t = np.unique(time, return_inverse=True)[1].astype(np.int64)
    valid = last >= 0
    at = np.maximum(last, 0)
    for k in np.unique(at[valid]):
        here = np.flatnonzero(valid & (at == k))
        later = np.flatnonzero(valid & (at > k))
        rank = ranks[:, k].astype(np.int64)
        both = np.concatenate([here, later])  # the patients seen at k or later
        scores[here] += _undecided_sign_sums(here, both, t, died, rank)
        scores[later] += _undecided_sign_sums(later, here, t, died, rank)
    return scores
