"""A constant-rate (Markov) stage model read off a simulated course, to compare with it.

Published ALS cost-effectiveness models are stage-based Markov models with constant
transition rates. ``markov_rates`` estimates such rates from a cohort's own course (each
stage's transitions over the person-years spent in it, a stage skipped when several are reached
at once), and ``markov_occupancy`` gives the occupancy those rates imply (the matrix
exponential of the generator), in the tidy shape of ``stage_occupancy``: set side by side,
the two show where constant rates misread the course.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.linalg import expm

from alsprog.errors import InputError
from alsprog.outcomes.states import DEATH, StageTimes, stage_times


def _next_state(st: StageTimes) -> np.ndarray:
    """(n, stages) index of the state entered on leaving each stage (len(stages) = death)."""
    exits = st.exits()
    k = len(st.stages)
    nxt = np.full(exits.shape, k)
    for i in range(k):  # the highest stage entered exactly when stage i is left
        later = st.entry[:, i + 1 :]
        same = later == exits[:, [i]]
        if same.shape[1]:
            last = same.shape[1] - 1 - np.argmax(same[:, ::-1], axis=1)
            hit = same.any(axis=1) & (exits[:, i] < st.death)
            nxt[:, i] = np.where(hit, i + 1 + last, k)
    return nxt


def markov_rates(cohort: Any, staging: str = "kings") -> pd.DataFrame:
    """Constant transition rates per year between stages (and to death), from the course.

    Returns
    -------
    DataFrame with columns staging, from_stage, to_stage (a stage or 'death'), transitions
    (count), person_years (in from_stage), rate (per year: transitions / person_years).
    """
    st = stage_times(cohort, staging)
    start, end = st.sojourns()
    stay = end - start
    nxt = _next_state(st)
    labels = [*st.stages, DEATH]
    rows = []
    for i, name in enumerate(st.stages):
        visited = stay[:, i] > 0
        years = float(stay[visited, i].sum())
        for j in range(i + 1, len(labels)):
            count = int((visited & (nxt[:, i] == j)).sum())
            rate = count / years if years > 0 else 0.0
            rows.append((name, labels[j], count, years, rate))
    frame = pd.DataFrame(
        rows, columns=["from_stage", "to_stage", "transitions", "person_years", "rate"]
    )
    frame.insert(0, "staging", staging)
    return frame


def markov_occupancy(
    rates: pd.DataFrame, start: dict[str, float] | pd.Series, times: Any
) -> pd.DataFrame:
    """Occupancy implied by constant rates: p(t) = p(0) expm(Q t).

    Parameters
    ----------
    rates : from ``markov_rates`` (staging, from_stage, to_stage, rate per year).
    start : {stage: share at t = 0} (e.g. ``stage_occupancy`` at t = 0); shares sum to 1.
    times : years.

    Returns
    -------
    DataFrame with columns staging, stage, t, value, as ``stage_occupancy``.
    """
    stages = list(pd.unique(rates["from_stage"]))
    labels = [*stages, DEATH]
    index = {s: i for i, s in enumerate(labels)}
    q = np.zeros((len(labels), len(labels)))
    for r in rates.itertuples():
        q[index[r.from_stage], index[r.to_stage]] = r.rate
    np.fill_diagonal(q, -q.sum(axis=1))
    p0 = np.array([float(dict(start).get(s, 0.0)) for s in labels])
    if abs(p0.sum() - 1) > 1e-9 or (p0 < 0).any():
        raise InputError(f"start shares sum to {p0.sum():g}; give shares >= 0 that sum to 1")
    t = np.atleast_1d(np.asarray(times, dtype=float))
    occupancy = np.stack([p0 @ expm(q * ti) for ti in t])  # (times, states)
    return pd.DataFrame(
        {
            "staging": rates["staging"].iloc[0],
            "stage": np.repeat(labels, len(t)),
            "t": np.tile(t, len(labels)),
            "value": occupancy.T.ravel(),
        }
    )
