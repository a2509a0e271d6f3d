"""Cohort.kaplan_meier and Cohort.summary."""

from __future__ import annotations

import numpy as np

from alsprog.models import KaplanMeier, kaplan_meier
from alsprog.simulation.cohort import simulate_cohort


def test_kaplan_meier_by_group_uses_entry_times():
    cohort = simulate_cohort(3_000, 51, phenotype={"als": 0.8, "pma": 0.2}, entry="diagnosis")
    p = cohort.patients
    one = cohort.kaplan_meier()
    assert isinstance(one, KaplanMeier)
    direct = kaplan_meier(p["time"], p["event"], entry=p["entry_time"])
    assert np.array_equal(one.estimate, direct.estimate)
    curves = cohort.kaplan_meier(by="phenotype")
    assert set(curves) == {"als", "pma"}
    pma = p[p["phenotype"] == "pma"]
    expected = kaplan_meier(pma["time"], pma["event"], entry=pma["entry_time"])
    assert np.array_equal(curves["pma"].estimate, expected.estimate)
    assert curves["pma"].median() > curves["als"].median()
    assert set(cohort.kaplan_meier(by="sex")) == {"male", "female"}


def test_summary_counts_add_up_and_says_how_many_were_drawn():
    cohort = simulate_cohort(3_000, 52, entry="diagnosis", followup_years=3.0)
    s = cohort.summary()
    assert s["group"].tolist() == ["all", "als"]
    row = s.iloc[0]
    assert row["n"] == 3_000 and row["n_drawn"] > 3_000
    assert row["deaths"] + row["censored"] == row["n"]
    assert row["disease_deaths"] + row["other_deaths"] == row["deaths"]
    assert row["deaths"] == cohort.patients["event"].sum()
    assert 0 < row["median_survival_years"] < 10
