"""State summaries of a simulated course: stage occupancy, time in each stage, first passage.

The multi-state outputs flexsurv's ``pmatrix.fs``/``totlos.fs`` and msm's ``totlos.msm``/
``efpt.msm`` give, read straight off each patient's simulated stage times. The stages are found
from the cohort's columns (``<staging>_stage_<k>_time``: first time at stage k or higher, NaN if
never before death), so these functions follow whatever course the simulator builds.

Censoring: a simulated patient's course is known past the end of follow-up, so every summary
uses each patient's true course (``death_time`` and the stage times) and ignores ``time``/
``event``, exactly as if the cohort had been simulated without censoring. The clock starts at
each patient's entry (``entry_time``; 0 with entry at onset): a stage reached before entry is
occupied from time 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alsprog.errors import InputError

STAGINGS = ("kings", "mitos")
DEATH = "death"


@dataclass(frozen=True)
class StageTimes:
    """Each patient's entry into each stage, in years from the clock's start.

    stages : stage labels in order, the base stage first ('1'..'4' King's, '0'..'4' MiToS).
    entry : (n, len(stages)) entry times; column 0 is 0 (everyone starts in the base stage or
        higher), inf where a stage is never reached before death.
    death : (n,) death times from the clock's start.
    """

    staging: str
    stages: tuple[str, ...]
    entry: np.ndarray
    death: np.ndarray

    def exits(self) -> np.ndarray:
        """(n, stages) time of leaving each stage: the next stage's entry, or death."""
        nxt = np.concatenate([self.entry[:, 1:], np.full((len(self.death), 1), np.inf)], axis=1)
        return np.minimum(nxt, self.death[:, None])

    def sojourns(self, horizon: float = np.inf) -> tuple[np.ndarray, np.ndarray]:
        """(start, end) of each patient's stay in each stage, cut at ``horizon`` years; a stage
        never visited has start == end."""
        end = np.minimum(self.exits(), horizon)
        start = np.minimum(self.entry, end)
        return start, end


def cohort_patients(cohort: Any) -> pd.DataFrame:
    patients = getattr(cohort, "patients", cohort)
    if not isinstance(patients, pd.DataFrame):
        raise InputError(
            f"cohort must be a Cohort or its patients DataFrame (got {type(cohort).__name__}); "
            "pass alsprog.simulate_cohort(...)"
        )
    return patients


def stage_columns(patients: pd.DataFrame, staging: str) -> tuple[tuple[str, ...], list[str]]:
    """The stage labels (base stage first) and the time columns of a staging, from the table."""
    if staging not in STAGINGS:
        raise InputError(f"staging {staging!r} is unknown; choose one of {', '.join(STAGINGS)}")
    pattern = re.compile(rf"^{staging}_stage_(\d+)_time$")
    found = sorted((int(m.group(1)), c) for c in patients.columns if (m := pattern.match(str(c))))
    if not found:
        raise InputError(
            f"cohort has no {staging}_stage_<k>_time columns; simulate it with "
            "alsprog.simulate_cohort, whose patients table carries the stage times"
        )
    levels = [k for k, _ in found]
    if levels != list(range(levels[0], levels[0] + len(levels))):
        raise InputError(f"cohort's {staging} stage columns skip a stage ({levels}); pass them all")
    labels = (str(levels[0] - 1), *(str(k) for k in levels))
    return labels, [c for _, c in found]


def stage_times(cohort: Any, staging: str = "kings") -> StageTimes:
    """Each patient's entry into each stage and death, years from entry (``StageTimes``)."""
    p = cohort_patients(cohort)
    labels, columns = stage_columns(p, staging)
    for name in ("death_time", "entry_time"):
        if name not in p.columns:
            raise InputError(f"cohort has no {name} column; pass alsprog.simulate_cohort(...)")
    origin = p["entry_time"].to_numpy(dtype=float)
    death = p["death_time"].to_numpy(dtype=float) - origin
    if np.isnan(death).any():
        raise InputError("cohort: death_time is missing for some patients; pass a full cohort")
    raw = np.column_stack([p[c].to_numpy(dtype=float) for c in columns]) - origin[:, None]
    raw = np.where(np.isnan(raw) | (raw >= death[:, None]), np.inf, np.maximum(raw, 0.0))
    # "first time at stage k or higher" is non-increasing in k once taken backwards
    raw = np.minimum.accumulate(raw[:, ::-1], axis=1)[:, ::-1]
    entry = np.concatenate([np.zeros((len(p), 1)), raw], axis=1)
    return StageTimes(staging, labels, entry, death)


def _times(times: Any) -> np.ndarray:
    t = np.atleast_1d(np.asarray(times, dtype=float))
    if t.ndim != 1 or t.size == 0 or not np.isfinite(t).all() or (t < 0).any():
        raise InputError("times must be finite years >= 0 (one or more); pass e.g. [0, 1, 2]")
    return t


def _ecdf(x: np.ndarray, t: np.ndarray, n: int) -> np.ndarray:
    """Share of n patients with x <= t (x holds only the finite values)."""
    return np.searchsorted(np.sort(x), t, side="right") / n


def stage_occupancy(cohort: Any, staging: str = "kings", times: Any = None) -> pd.DataFrame:
    """P(in each stage at t) and P(dead by t), t in years from entry.

    Parameters
    ----------
    cohort : a ``Cohort`` (or its patients table).
    staging : 'kings' or 'mitos'.
    times : years from entry (default 0 to 10 by 0.25).

    Returns
    -------
    DataFrame with columns staging, stage (the stage label, or 'death'), t (years), value
    (probability); at each t the values over the stages sum to 1.
    """
    st = stage_times(cohort, staging)
    t = _times(np.arange(0, 10.001, 0.25) if times is None else times)
    n = len(st.death)
    at_or_above = []
    for k in range(len(st.stages)):
        reached = np.isfinite(st.entry[:, k])
        # entry_k <= t < death: reached by t, minus reached and died by t
        at_or_above.append(_ecdf(st.entry[reached, k], t, n) - _ecdf(st.death[reached], t, n))
    at_or_above.append(np.zeros_like(t))
    rows = [(st.stages[k], at_or_above[k] - at_or_above[k + 1]) for k in range(len(st.stages))]
    rows.append((DEATH, _ecdf(st.death, t, n)))
    return pd.DataFrame(
        {
            "staging": staging,
            "stage": np.repeat([r[0] for r in rows], len(t)),
            "t": np.tile(t, len(rows)),
            "value": np.concatenate([r[1] for r in rows]),
        }
    )


def _from_stage(st: StageTimes, from_stage: Any) -> StageTimes:
    """The patients who reach ``from_stage``, each with the clock restarted at that entry."""
    label = str(from_stage)
    if label not in st.stages:
        raise InputError(
            f"from_stage {from_stage!r} is not a {st.staging} stage; choose one of "
            f"{', '.join(st.stages)}"
        )
    k = st.stages.index(label)
    keep = np.isfinite(st.entry[:, k])
    if not keep.any():
        raise InputError(f"no patient reaches {st.staging} stage {label}; simulate more patients")
    start = st.entry[keep, k]
    entry = np.maximum(st.entry[keep] - start[:, None], 0.0)
    entry[:, :k] = 0.0  # stages below are left behind: zero stay
    return StageTimes(st.staging, st.stages, entry, st.death[keep] - start)


def check_horizon(horizon_years: Any) -> float:
    if horizon_years is None:
        return float(np.inf)
    h = float(horizon_years)
    if not h > 0:
        raise InputError(f"horizon_years must be above 0 (got {horizon_years}); or None")
    return h


def time_in_stage(
    cohort: Any,
    staging: str = "kings",
    horizon_years: float | None = None,
    from_stage: int | str | None = None,
) -> pd.DataFrame:
    """Expected years spent in each stage (restricted to a horizon, or lifetime).

    Parameters
    ----------
    cohort : a ``Cohort`` (or its patients table).
    staging : 'kings' or 'mitos'.
    horizon_years : years from the clock's start; None for lifetime.
    from_stage : None to count from entry; a stage (e.g. 2) to count each patient who reaches
        it from the moment of entry into it (a patient in that stage today), averaged over
        those patients; earlier stages then count zero.

    Returns
    -------
    DataFrame with columns staging, stage, horizon_years (inf for lifetime), value (mean years
    in the stage); a last row stage='alive' is the (restricted) life expectancy.
    """
    st = stage_times(cohort, staging)
    if from_stage is not None:
        st = _from_stage(st, from_stage)
    h = check_horizon(horizon_years)
    start, end = st.sojourns(h)
    years = (end - start).mean(axis=0)
    return pd.DataFrame(
        {
            "staging": staging,
            "stage": [*st.stages, "alive"],
            "horizon_years": h,
            "value": [*years, float(np.minimum(st.death, h).mean())],
        }
    )


def stage_incidence(cohort: Any, staging: str = "kings", times: Any = None) -> pd.DataFrame:
    """Cumulative incidence of first reaching each stage by t (death a competing event).

    Columns staging, stage (each stage above the base one, then 'death'), t (years from
    entry), value (probability of having reached the stage, alive, by t).
    """
    st = stage_times(cohort, staging)
    t = _times(np.arange(0, 10.001, 0.25) if times is None else times)
    n = len(st.death)
    labels = [*st.stages[1:], DEATH]
    values = [_ecdf(e[np.isfinite(e)], t, n) for e in st.entry[:, 1:].T] + [_ecdf(st.death, t, n)]
    return pd.DataFrame(
        {
            "staging": staging,
            "stage": np.repeat(labels, len(t)),
            "t": np.tile(t, len(labels)),
            "value": np.concatenate(values),
        }
    )


def first_passage(cohort: Any, staging: str = "kings") -> pd.DataFrame:
    """Time to first reaching each stage, years from entry.

    Returns
    -------
    DataFrame with columns staging, stage (each stage above the base one, then 'death'),
    measure, value. Measures: 'probability' (share reaching the stage before death),
    'mean_years' and 'median_years' (among those who reach it; NaN if none),
    'median_years_all' (the time by which half the cohort has reached it; inf if fewer than
    half ever do).
    """
    st = stage_times(cohort, staging)
    rows: list[tuple[str, str, float]] = []
    columns = [*st.entry[:, 1:].T, st.death]
    for label, e in zip([*st.stages[1:], DEATH], columns, strict=True):
        hit = e[np.isfinite(e)]
        share = hit.size / e.size
        half = np.sort(hit)[int(np.ceil(e.size / 2)) - 1] if share >= 0.5 else np.inf
        rows += [
            (label, "probability", share),
            (label, "mean_years", float(hit.mean()) if hit.size else np.nan),
            (label, "median_years", float(np.median(hit)) if hit.size else np.nan),
            (label, "median_years_all", float(half)),
        ]
    frame = pd.DataFrame(rows, columns=["stage", "measure", "value"])
    frame.insert(0, "staging", staging)
    return frame
