"""The report's trials section: sample sizes read off simulated power curves."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alsprog.report.trials_section import sizes_for_target


def test_sizes_for_target_interpolate_between_simulated_points():
    curves = pd.DataFrame(
        {
            "intervention": ["a"] * 3 + ["b"] * 3,
            "endpoint": ["logrank"] * 6,
            "n_per_arm": [100, 200, 400] * 2,
            "power": [0.5, 0.7, 0.9, 0.1, 0.2, 0.3],
        }
    )
    table = sizes_for_target(curves, target=0.8).set_index("intervention")
    # a: 0.8 lies halfway between 0.7 at 200 and 0.9 at 400
    assert table.loc["a", "n_per_arm_for_target"] == pytest.approx(300.0)
    assert np.isnan(table.loc["b", "n_per_arm_for_target"])  # never reached
    assert table.loc["b", "power_at_largest"] == pytest.approx(0.3)


def test_a_dip_from_monte_carlo_error_does_not_move_the_size_back():
    curves = pd.DataFrame(
        {"intervention": "a", "endpoint": "slope", "n_per_arm": [50, 100, 200, 400],
         "power": [0.6, 0.85, 0.82, 0.95]}
    )  # fmt: skip
    size = sizes_for_target(curves, target=0.8)["n_per_arm_for_target"].iloc[0]
    assert size == pytest.approx(50 + (0.8 - 0.6) / (0.85 - 0.6) * 50)


def test_the_report_has_the_trials_figure_and_sizes_with_schoenfeld_beside_the_log_rank(made):
    out, _ = made
    assert (out / "figures" / "trial_power.png").stat().st_size > 1000
    sizes = pd.read_csv(out / "tables" / "trial_sizes.csv")
    assert list(sizes.columns) == [
        "intervention", "endpoint", "n_per_arm_for_target", "power_at_largest",
        "schoenfeld_n_per_arm",
    ]  # fmt: skip
    assert set(sizes["intervention"]) == {"riluzole", "edaravone"}
    assert set(sizes["endpoint"]) == {"logrank", "cox", "ancova_24w", "slope", "cafs"}
    logrank = sizes[(sizes.intervention == "riluzole") & (sizes.endpoint == "logrank")]
    assert logrank["schoenfeld_n_per_arm"].iloc[0] > 600  # beyond every simulated size
    power = pd.read_csv(out / "tables" / "trial_power.csv")
    assert (power["replicates"] == 10).all()  # the settings the shared report ran with
