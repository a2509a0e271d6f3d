"""The report's health-economics section: its tables add up and its words state assumptions."""

from __future__ import annotations

import numpy as np
import pytest
from plotnine import ggplot

from alsprog.outcomes.base_case import BASE_CASE_COLUMNS
from alsprog.outcomes.economic_inputs import illustrative_prices
from alsprog.report.build import SECTIONS
from alsprog.report.context import Context
from alsprog.report.economics_section import PHENOTYPES, economics_section


@pytest.fixture(scope="module")
def section():
    return economics_section(Context(n_patients=600, replicates=10, seed=2))


def test_it_is_a_registered_section_before_the_prognosis():
    names = [f.__name__ for f in SECTIONS]
    assert names.index("economics_section") < names.index("prognosis_section")


def test_years_in_the_stages_add_up_to_life_expectancy(section):
    stays = section.tables["time_in_stage"].data
    assert set(stays["phenotype"]) == set(PHENOTYPES)
    for _, group in stays.groupby("phenotype"):
        by_stage = group.set_index("stage")["value"]
        assert by_stage[["1", "2", "3", "4"]].sum() == pytest.approx(by_stage["alive"], rel=1e-9)


def test_base_case_prices_and_psa_are_consistent(section):
    table = section.tables["base_case"].data
    assert tuple(table.columns) == BASE_CASE_COLUMNS
    assert set(table["strategy"]) == {"usual care", "riluzole-style", "edaravone-like"}
    assert (table["discount_rate"] == 0.035).all()
    ceac = section.tables["ceac"].data
    np.testing.assert_allclose(ceac.groupby("wtp")["probability"].sum(), 1.0)
    assert (section.tables["evpi"].data["evpi"] >= 0).all()
    for price in illustrative_prices().values():  # the prices are stated, as assumptions
        assert f"{price:,.0f} GBP a year" in section.html
    assert section.html.count("<strong>assumptions</strong>") >= 2
    assert "draws from the course calibration's covariance" in section.html
    assert all(isinstance(f.plot, ggplot) for f in section.figures.values())
    for figure in section.figures.values():
        assert "assum" in figure.caption or "calibration" in figure.caption
