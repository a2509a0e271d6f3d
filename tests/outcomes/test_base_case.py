"""The NICE-style base-case table: totals, fully incremental results, discounting stated."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alsprog.interventions.core import HazardRatio
from alsprog.outcomes.base_case import BASE_CASE_COLUMNS, base_case_table
from alsprog.outcomes.economics import Strategy, cost_effectiveness


def _summary(rows: dict[str, tuple[float, float, float]]) -> pd.DataFrame:
    """A hand-made summary: {strategy: (life_years, qalys, costs)}, discounted = 0.9 x."""
    frame = pd.DataFrame(
        [(name, *values) for name, values in rows.items()],
        columns=["strategy", "life_years", "qalys", "costs"],
    )
    for column in ("life_years", "qalys", "costs"):
        frame[f"discounted_{column}"] = 0.9 * frame[column]
    return frame


def test_two_strategies_match_the_incremental_table():
    r = cost_effectiveness(
        {"usual care": None, "drug": Strategy(HazardRatio(0.7), 2_000.0)},
        n_patients=1_500,
        seed=4,
    )
    table = r.base_case()
    assert tuple(table.columns) == BASE_CASE_COLUMNS
    assert list(table["strategy"]) == ["usual care", "drug"]  # by cost
    first, second = table.iloc[0], table.iloc[1]
    assert np.isnan(first["incremental_costs"]) and first["versus"] == ""
    inc = r.incremental.iloc[0]
    assert second["versus"] == "usual care"
    assert second["incremental_qalys"] == pytest.approx(inc["delta_qalys"], rel=1e-12)
    assert second["incremental_costs"] == pytest.approx(inc["delta_costs"], rel=1e-12)
    assert second["icer"] == pytest.approx(inc["icer"], rel=1e-12)
    assert (table["discount_rate"] == 0.035).all() and np.isinf(table["horizon_years"]).all()
    plain = r.base_case(discounted=False)
    assert (plain["discount_rate"] == 0).all()
    assert (plain["total_qalys"].to_numpy() >= table["total_qalys"].to_numpy()).all()
    np.testing.assert_array_equal(plain["total_life_years"], table["undiscounted_life_years"])


def test_a_dominated_strategy_gets_no_icer_and_the_next_one_skips_it():
    summary = _summary({"A": (3.0, 2.0, 10_000.0), "B": (3.0, 1.9, 12_000.0), "C": (4, 3, 40_000)})
    table = base_case_table(summary, {"discount_rate": 0.035, "horizon_years": 10.0}).set_index(
        "strategy"
    )
    assert list(table.index) == ["A", "B", "C"]
    assert table.loc["B", "note"] == "dominated" and np.isnan(table.loc["B", "icer"])
    assert table.loc["B", "versus"] == "A"
    assert table.loc["B", "incremental_qalys"] == pytest.approx(0.9 * -0.1)
    # C is compared with A, the frontier strategy before it: (0.9 x 30,000) / (0.9 x 1)
    assert table.loc["C", "versus"] == "A"
    assert table.loc["C", "icer"] == pytest.approx(30_000.0)
    assert (table["horizon_years"] == 10.0).all()
