"""The frontier against a worked example, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from alsprog.outcomes.frontier import efficient_frontier


def test_a_worked_example():
    # A: cost 0, 1.0 QALY; B: 10,000, 1.5 (ICER vs A: 20,000); C: 12,000, 1.4 (dominated by
    # B); E: 22,000, 1.52 (vs B: 12,000 / 0.02 = 600,000); D: 30,000, 1.6 (vs E: 8,000 / 0.08
    # = 100,000 < 600,000, so E is extendedly dominated; D vs B: 20,000 / 0.1 = 200,000)
    out = efficient_frontier(
        ["A", "B", "C", "D", "E"], [1.0, 1.5, 1.4, 1.6, 1.52], [0.0, 10_000, 12_000, 30_000, 22_000]
    ).set_index("strategy")
    assert list(out.index) == ["A", "B", "C", "E", "D"]
    assert out.loc["C", "status"] == "dominated"
    assert out.loc["E", "status"] == "extendedly dominated"
    assert out.loc["B", "versus"] == "A" and out.loc["B", "icer"] == 20_000
    assert out.loc["D", "versus"] == "B"
    assert out.loc["D", "icer"] == pytest.approx(200_000)
    assert np.isnan(out.loc["A", "icer"]) and np.isnan(out.loc["E", "icer"])


def test_the_cheapest_is_on_the_frontier_unless_matched():
    out = efficient_frontier(["x", "y"], [2.0, 2.0], [5.0, 5.0]).set_index("strategy")
    assert out["status"].tolist().count("frontier") == 1
