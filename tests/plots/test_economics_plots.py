"""Health-economic figures draw from the outcomes' frames."""

from __future__ import annotations

import pytest
from plotnine import ggplot

from alsprog.errors import InputError
from alsprog.interventions.core import HazardRatio
from alsprog.outcomes.economics import Strategy, cost_effectiveness
from alsprog.outcomes.states import stage_occupancy
from alsprog.plots.economics import ce_plane, ceac_plot, evpi_plot, stage_occupancy_plot
from alsprog.simulation.cohort import simulate_cohort


def test_the_four_figures_draw(tmp_path):
    r = cost_effectiveness(
        {"usual care": None, "treated": Strategy(HazardRatio(0.8), 3000.0)},
        n_patients=500,
        seed=1,
        draws=200,
        survival_draws=20,
        course_draws=20,
    )
    wtp = [0.0, 20_000.0, 50_000.0, 100_000.0]
    figures = [
        stage_occupancy_plot(stage_occupancy(simulate_cohort(500, 1), "mitos")),
        ce_plane(r.draws, "usual care", wtp=30_000.0),
        ceac_plot(r.ceac(wtp)),
        evpi_plot(r.evpi(wtp)),
    ]
    for i, figure in enumerate(figures):
        assert isinstance(figure, ggplot)
        figure.save(tmp_path / f"f{i}.png", dpi=50, verbose=False)
        assert (tmp_path / f"f{i}.png").stat().st_size > 1000
    with pytest.raises(InputError, match="comparator 'nobody' is not a strategy"):
        ce_plane(r.draws, "nobody")


def test_the_markov_comparison_draws_both_models_per_stage(tmp_path):
    import alsprog

    cohort = simulate_cohort(800, 2)
    times = [0.0, 1.0, 2.0, 4.0]
    course = stage_occupancy(cohort, "kings", times)
    start = course[course["t"] == 0].set_index("stage")["value"]
    markov = alsprog.markov_occupancy(alsprog.markov_rates(cohort), start, times)
    figure = alsprog.markov_comparison_plot(course, markov)
    assert set(figure.data["model"]) == {"simulated course", "constant-rate Markov"}
    assert len(figure.data) == len(course) + len(markov)
    figure.save(tmp_path / "m.png", dpi=50, verbose=False)
    with pytest.raises(InputError, match="markov_comparison_plot markov"):
        alsprog.markov_comparison_plot(course, markov.drop(columns="t"))


def test_the_ce_plane_pairs_each_strategy_with_the_comparator_of_its_own_draw():
    import pandas as pd

    # strategy by strategy, as CostEffectiveness.draws is laid out
    draws = pd.DataFrame(
        {
            "draw": [1, 2, 1, 2, 1, 2],
            "strategy": ["a", "a", "b", "b", "c", "c"],
            "discounted_qalys": [1.0, 1.5, 2.0, 2.0, 5.0, 5.0],
            "discounted_costs": [10.0, 20.0, 30.0, 30.0, 100.0, 100.0],
        }
    )
    data = ce_plane(draws, "a").data
    assert list(data["strategy"]) == ["b", "b", "c", "c"]
    assert list(data["delta_qalys"]) == [1.0, 0.5, 4.0, 3.5]
    assert list(data["delta_costs"]) == [20.0, 10.0, 90.0, 80.0]
