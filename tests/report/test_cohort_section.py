"""The report's simulated-cohort section: its figures and tables, and the numbers behind them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import alsprog
from alsprog.report.cohort_section import MILESTONES, cohort_section, milestone_table
from alsprog.report.context import Context


@pytest.fixture(scope="module")
def section():
    return cohort_section(Context(seed=5, n_patients=1500))


def test_section_has_every_figure_and_table_it_places(section):
    assert set(section.figures) == {
        "cohort_demographics", "cohort_survival", "cohort_alsfrs", "cohort_kings",
        "cohort_truncation",
    }  # fmt: skip
    for kind, names in (("figure", section.figures), ("table", section.tables)):
        for name in names:
            shown = getattr(names[name], "show", True)
            assert (f"<!-- {kind}:{name} -->" in section.html) or not shown, name


def test_milestone_shares_and_medians_are_counted_from_the_patients():
    patients = alsprog.simulate_cohort(800, seed=9, phenotype={"als": 0.5, "pls": 0.5}).patients
    table = milestone_table(patients)
    assert len(table) == 2 * len(MILESTONES)
    for row in table.itertuples():
        group = patients[patients["phenotype"] == row.phenotype]
        column = dict((label, col) for col, label in MILESTONES)[row.milestone]
        assert row.share == pytest.approx(group[column].notna().mean())
        expected = group[column].median()
        assert (np.isnan(row.median_years_from_onset) and np.isnan(expected)) or (
            row.median_years_from_onset == pytest.approx(expected)
        )


def test_truncation_table_shows_the_naive_curve_above_the_corrected_one(section):
    medians = section.tables["cohort_truncation"].data.set_index("curve")["median_years_from_onset"]
    assert medians["naive, from onset"] > medians["with delayed entry"]
    assert medians["naive, from onset"] > medians["calibrated ALS model"]
    risk = section.tables["cohort_risk_table"].data
    assert isinstance(risk, pd.DataFrame) and {"group", "time", "at_risk"} <= set(risk.columns)
