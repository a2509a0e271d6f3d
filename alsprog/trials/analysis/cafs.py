"""The combined assessment of function and survival (CAFS; Berry et al., ALS Frontotemporal
Degener 2013), by Finkelstein-Schoenfeld pairwise ranking.

Every pair of patients in a trial (both arms pooled) is compared first on survival, then, if
that does not decide, on ALSFRS-R change from baseline:

1. Survival (Gehan's rule, which respects censoring): i is better than j if j died during the
   trial at a time before i's own time on study (i was seen alive after j died), and worse
   in the mirror case. So of two deaths the later is better, and a patient seen alive beyond
   another's death is better than them. Equal death times, and pairs where the earlier time
   is a censoring, do not decide.
2. Function: change from baseline at the last scheduled visit both attended (each patient's
   last score carried forward over any visit they missed before their last); the larger
   change (less decline) is better; equal changes tie.

Each patient's score U_i is the number of patients they beat minus the number who beat them.
The statistic is T = sum of U_i over the treatment arm; under the null hypothesis of no
difference the arm labels are exchangeable, so E[T] = 0 and
Var[T] = n_t n_c / (N (N - 1)) sum_i U_i^2 (the permutation variance), and T / sqrt(Var[T]) is
compared with the standard normal distribution. T / (n_t n_c) is the net benefit: the chance a
treated patient does better than a control minus the chance they do worse.

A trial of more than ``MATRIX_UP_TO`` patients is scored without pair matrices
(``alsprog.trials.analysis.cafs_ranks``), with the same result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from alsprog.errors import check_probability
from alsprog.trials.analysis.cafs_ranks import pair_scores_ranked
from alsprog.trials.analysis.inputs import Patients, Visits, patients_arrays, visits_arrays
from alsprog.trials.analysis.results import endpoint_frame

MATRIX_UP_TO = 4096  # patients per trial scored with pair matrices; above, by sorting
# (``cafs_ranks``: the same scores in O(n log^2 n) time and O(n) memory; the matrices are
# faster for small trials and take n^2 bytes, 16 MB at this size)


def _change_ranks(patients: Patients, visits: Visits) -> tuple[np.ndarray, np.ndarray]:
    """Ranks of the change from baseline at every scheduled week, and each last week index.

    Returns (ranks, last): ranks[i, k] orders the patients' changes at the k-th distinct visit
    week (each patient's last score carried forward over missed visits; a monotone relabelling,
    so comparing ranks compares changes), last[i] the index of patient i's last attended week
    (-1 for a patient without visits).
    """
    weeks, column = np.unique(visits.weeks, return_inverse=True)
    size = patients.time.size
    table = np.full((size, weeks.size), np.nan)
    table[visits.patient, column] = visits.score - visits.baseline[visits.patient]
    last = np.full(size, -1)
    np.maximum.at(last, visits.patient, column)
    # carry forward: the index of the last observed column at or before each column
    seen = np.where(~np.isnan(table), np.arange(weeks.size), 0)
    carried = np.take_along_axis(table, np.maximum.accumulate(seen, axis=1), axis=1)
    ranks = np.empty(carried.shape, dtype=np.int64)
    for k in range(weeks.size):
        ranks[:, k] = np.unique(carried[:, k], return_inverse=True)[1]
    small = np.int16 if ranks.max(initial=0) < 2**15 - 1 else np.int64  # less memory traffic
    return ranks.astype(small), last


def pair_scores(
    time: np.ndarray, event: np.ndarray, ranks: np.ndarray | None, last: np.ndarray | None
) -> np.ndarray:
    """Each patient's Finkelstein-Schoenfeld score U_i within one trial (see the module text).

    ``ranks`` and ``last`` come from ``_change_ranks`` (None: survival alone).
    """
    died = event.astype(bool)
    later = time[None, :] < time[:, None]
    beats = died[None, :] & later  # i was seen alive after j's observed death
    beaten = died[:, None] & later.T  # j was seen alive after i's observed death
    survival = np.count_nonzero(beats, axis=1) - np.count_nonzero(beaten, axis=1)
    if ranks is None or last is None:
        return survival.astype(np.int64)
    # A pair meets at the last visit both attended, k = min(last_i, last_j). Where
    # last_i <= last_j that is i's own last visit: compare i's rank there with j's rank at
    # the same visit (a row of ranks.T), s[i, j]. Where last_i > last_j it is j's, and the
    # comparison is -s[j, i]; so U gets the row sums of s over the first kind of pair and
    # minus the column sums of s over the second. (Products, not masks: much faster.)
    at = np.maximum(last, 0).astype(np.int16 if ranks.shape[1] < 2**15 else np.int64)
    own: np.ndarray = ranks[np.arange(last.size), at]
    others: np.ndarray = ranks.T[at]
    sign = np.sign(own[:, None] - others).astype(np.int8)
    sign *= ~(beats | beaten)  # pairs decided by survival
    sign[last < 0, :] = 0  # patients without visits compare on survival alone
    sign[:, last < 0] = 0
    first = np.less_equal(at[:, None], at[None, :])
    second = np.less(at[:, None], at[None, :])
    function = (sign * first).sum(axis=1, dtype=np.int64)
    function -= (sign * second).sum(axis=0, dtype=np.int64)
    return survival + function


def cafs_arrays(patients: Patients, visits: Visits | None, alpha: float = 0.05) -> pd.DataFrame:
    """CAFS in every replicate; see ``cafs``."""
    n = patients.n_replicates
    ranks, last = _change_ranks(patients, visits) if visits is not None else (None, None)
    order = np.argsort(patients.replicate, kind="stable")
    bounds = np.searchsorted(patients.replicate[order], np.arange(n + 1))
    statistic, variance = np.full(n, np.nan), np.full(n, np.nan)
    treated_count = np.bincount(patients.replicate, patients.treatment, minlength=n)
    for code in range(n):
        rows = order[bounds[code] : bounds[code + 1]]
        scores = (pair_scores if rows.size <= MATRIX_UP_TO else pair_scores_ranked)(
            patients.time[rows],
            patients.event[rows],
            None if ranks is None else ranks[rows],
            None if last is None else last[rows],
        )
        size, treated = rows.size, treated_count[code]
        statistic[code] = scores[patients.treatment[rows]].sum()
        if size > 1:
            variance[code] = treated * (size - treated) / (size * (size - 1)) * np.sum(scores**2)
    sizes = np.bincount(patients.replicate, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(variance > 0, statistic / np.sqrt(variance), np.nan)
        net = statistic / (treated_count * (sizes - treated_count))
    return endpoint_frame(
        "cafs",
        patients.replicates,
        estimate=net,
        lower=np.full(n, np.nan),
        upper=np.full(n, np.nan),
        statistic=z,
        p_value=2 * special.ndtr(-np.abs(z)),
        n_events=patients.per_replicate(patients.event),
        n_analysed=sizes,
    )


def cafs(
    patients: pd.DataFrame, visits: pd.DataFrame | None = None, *, alpha: float = 0.05
) -> pd.DataFrame:
    """The combined assessment of function and survival in every replicate.

    Parameters
    ----------
    patients : survival data (columns in ``alsprog.trials.analysis.inputs``).
    visits : visit data; without it pairs are compared on survival alone (Gehan's test).
    alpha : kept for a uniform signature (the net benefit has no interval here).

    Returns
    -------
    DataFrame, one row per replicate: replicate, endpoint ("cafs"), estimate (net benefit
    T / (n_t n_c), from -1 to 1, positive favours treatment), lower, upper (NaN: no interval),
    statistic (z = T / sqrt(Var T)), p_value (two-sided), n_events (deaths), n_analysed
    (patients ranked).
    """
    check_probability("cafs: alpha", alpha, open_interval=True)
    arrays = patients_arrays(patients)
    return cafs_arrays(arrays, None if visits is None else visits_arrays(visits, arrays), alpha)
