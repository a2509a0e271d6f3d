"""CAFS (Finkelstein-Schoenfeld ranking) against a ten-patient example worked by hand and a slow
pairwise loop written straight from the rules."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from trials_testdata import survival_trials, visit_trials

from alsprog.trials import cafs

# Ten patients, five per arm, one year of follow-up, visits at weeks 0, 24 and 48 (week 48 is
# 0.92 years). Baseline 40 for all; the change from baseline at each visit attended:
#
#   id  arm  time  event  week 24  week 48   what happened
#   C1  ctl  0.30  died      -        -      died before week 24
#   C2  ctl  0.70  died     -7        -      died after week 24
#   C3  ctl  1.00  alive    -5      -10
#   C4  ctl  1.00  alive    -2       -6
#   C5  ctl  1.00  alive     0       -4
#   T1  trt  0.50  died     -6        -      died after week 24
#   T2  trt  1.00  alive    -4       -8
#   T3  trt  1.00  alive    -3       -5
#   T4  trt  1.00  alive    -1       -3
#   T5  trt  0.60  alive    -1        -      dropped out alive after week 24
#
# Pairs, by the rules (survival first, then change at the last visit both attended):
# - C1 loses to all nine (each was seen alive after 0.30): U = 0 - 9 = -9.
# - T1 beats C1; loses to C2 (died later), to the six full survivors and to T5 (seen alive at
#   0.60 > 0.50): U = 1 - 8 = -7.
# - C2 beats C1 and T1; loses to the six full survivors. C2 against T5: T5 was censored at
#   0.60, before C2's death at 0.70, so survival cannot decide; at week 24 (the last visit
#   both attended) T5 (-1) beats C2 (-7). U = 2 - 7 = -5.
# - T5 beats C1, T1 (survival), C2 (function); against the full survivors at week 24 it beats
#   C3 (-5), C4 (-2), T2 (-4), T3 (-3), ties T4 (-1) and loses to C5 (0): U = 7 - 1 = 6.
# - The six full survivors beat the three deaths, rank among themselves at week 48
#   (C3 -10 < T2 -8 < C4 -6 < T3 -5 < C5 -4 < T4 -3) and meet T5 as above:
#   C3 3 - 6 = -3, T2 4 - 5 = -1, C4 5 - 4 = 1, T3 6 - 3 = 3, C5 8 - 1 = 7, T4 8 - 0 = 8.
# Check: the scores sum to 0 (-9 - 5 - 3 + 1 + 7 = -9 for control, -7 - 1 + 3 + 8 + 6 = 9).
# T = 9; sum U^2 = 81 + 25 + 9 + 1 + 49 + 49 + 1 + 9 + 64 + 36 = 324;
# Var T = 5 * 5 / (10 * 9) * 324 = 90; z = 9 / sqrt(90) = 0.948683; net benefit 9 / 25 = 0.36.
HAND = [
    ("C1", "control", 0.30, 1, None, None),
    ("C2", "control", 0.70, 1, -7, None),
    ("C3", "control", 1.00, 0, -5, -10),
    ("C4", "control", 1.00, 0, -2, -6),
    ("C5", "control", 1.00, 0, 0, -4),
    ("T1", "treatment", 0.50, 1, -6, None),
    ("T2", "treatment", 1.00, 0, -4, -8),
    ("T3", "treatment", 1.00, 0, -3, -5),
    ("T4", "treatment", 1.00, 0, -1, -3),
    ("T5", "treatment", 0.60, 0, -1, None),
]


def _hand_trial() -> tuple[pd.DataFrame, pd.DataFrame]:
    patients = pd.DataFrame(
        [row[:4] for row in HAND], columns=["patient_id", "arm", "time_on_study", "event"]
    )
    visits = [
        (pid, arm, week, 40 + change)
        for pid, arm, _, _, w24, w48 in HAND
        for week, change in ((0, 0), (24, w24), (48, w48))
        if change is not None
    ]
    return patients, pd.DataFrame(
        visits, columns=["patient_id", "arm", "weeks_on_study", "alsfrs_r"]
    )


def test_the_ten_patient_example_worked_by_hand():
    patients, visits = _hand_trial()
    row = cafs(patients, visits).iloc[0]
    assert row["estimate"] == pytest.approx(0.36, abs=1e-12)
    assert row["statistic"] == pytest.approx(9 / math.sqrt(90), abs=1e-12)
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(9 / math.sqrt(90)), abs=1e-12)
    assert (row["n_events"], row["n_analysed"]) == (3, 10)


def _slow_scores(patients: pd.DataFrame, visits: pd.DataFrame) -> dict:
    """U_i by looping over every pair, straight from the rules."""
    scores = {}
    by_patient = {
        pid: g.set_index("weeks_on_study")["alsfrs_r"] for pid, g in visits.groupby("patient_id")
    }
    weeks = sorted(visits["weeks_on_study"].unique())

    def change_at(pid, week):
        seen = by_patient[pid]
        carried = seen[seen.index <= week].iloc[-1]  # last value at or before the week
        return carried - seen.loc[0.0]

    rows = list(patients.itertuples(index=False))
    for a in rows:
        total = 0
        for b in rows:
            if a.patient_id == b.patient_id:
                continue
            if b.event == 1 and b.time_on_study < a.time_on_study:
                total += 1
            elif a.event == 1 and a.time_on_study < b.time_on_study:
                total -= 1
            elif a.patient_id in by_patient and b.patient_id in by_patient:
                last = min(
                    by_patient[a.patient_id].index.max(), by_patient[b.patient_id].index.max()
                )
                common = max(w for w in weeks if w <= last)
                total += int(
                    np.sign(change_at(a.patient_id, common) - change_at(b.patient_id, common))
                )
        scores[a.patient_id] = total
    return scores


def test_cafs_equals_a_slow_pairwise_loop():
    rng = np.random.default_rng(31)
    patients = survival_trials(rng, 3, 20, hazard_ratio=0.7, round_to=0.05)  # tied deaths
    visits = visit_trials(rng, patients, interval_weeks=8, last_week=48)
    drop = (visits["weeks_on_study"].isin([16.0, 32.0])) & (rng.uniform(size=len(visits)) < 0.3)
    visits = visits[~drop]  # missed visits in the middle, carried forward
    visits = visits[~((visits["replicate"] == 1) & (visits["patient_id"] == 4))]  # no visits
    ours = cafs(patients, visits)
    for replicate in range(3):
        p = patients[patients["replicate"] == replicate]
        u = _slow_scores(p, visits[visits["replicate"] == replicate])
        treated = p.loc[p["arm"] == "treatment", "patient_id"]
        t = sum(u[i] for i in treated)
        n, n_t = len(p), len(treated)
        z = t / math.sqrt(n_t * (n - n_t) / (n * (n - 1)) * sum(v * v for v in u.values()))
        row = ours.iloc[replicate]
        assert sum(u.values()) == 0
        assert row["statistic"] == pytest.approx(z, abs=1e-12)
        assert row["estimate"] == pytest.approx(t / (n_t * (n - n_t)), abs=1e-12)


def test_without_visits_cafs_is_gehans_survival_ranking():
    patients, _ = _hand_trial()
    # survival alone: T5 now ties with C2 (undecided) and the six full survivors tie
    row = cafs(patients).iloc[0]
    # U: C1 -9, T1 -7, C2 2 - 6 = -4, T5 2 - 0 = 2 (beats C1, T1), survivors 3 each
    u = {
        "C1": -9,
        "T1": -7,
        "C2": -4,
        "T5": 2,
        "C3": 3,
        "C4": 3,
        "C5": 3,
        "T2": 3,
        "T3": 3,
        "T4": 3,
    }
    t = u["T1"] + u["T2"] + u["T3"] + u["T4"] + u["T5"]
    z = t / math.sqrt(25 / 90 * sum(v * v for v in u.values()))
    assert row["statistic"] == pytest.approx(z, abs=1e-12)
