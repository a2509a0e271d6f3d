"""The PSA: input draws against their intervals, EVPI against a closed form, CEAC identities."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from alsprog.errors import InputError
from alsprog.interventions.core import HazardRatio
from alsprog.outcomes.economic_inputs import default_economic_inputs
from alsprog.outcomes.economics import Strategy, cost_effectiveness
from alsprog.outcomes.uncertainty import Z95, evpi_from_net_benefit, input_draws

STRATEGIES = {"usual care": None, "treated": Strategy(HazardRatio(0.75), 4000.0)}


@pytest.fixture(scope="module")
def psa():
    return cost_effectiveness(
        STRATEGIES, n_patients=2_000, seed=3, draws=4_000, survival_draws=0, course_draws=0
    )


def test_drawn_inputs_have_the_published_mean_and_standard_error():
    inputs = default_economic_inputs("kings")
    u, c, _ = input_draws(inputs, 200_000, seed=1)
    low, high = inputs.intervals["utility 4"]
    assert u[:, 3].mean() == pytest.approx(0.50, abs=4 * (high - low) / (2 * Z95) / 447)
    assert u[:, 3].std() == pytest.approx((high - low) / (2 * Z95), rel=0.02)
    low, high = inputs.intervals["stage_cost 1"]
    assert c[:, 0].mean() == pytest.approx(4384.0, rel=0.002)
    assert c[:, 0].std() == pytest.approx((high - low) / (2 * Z95), rel=0.02)
    # entries without an interval (assumptions) do not move
    assert np.ptp(u[:, 1]) == 0.0 and np.ptp(c[:, 2]) == 0.0


def test_evpi_matches_the_normal_closed_form():
    # two strategies, incremental net benefit X ~ N(m, s): EVPI = E[max(X, 0)] - max(m, 0)
    rng = np.random.default_rng(4)
    for m, s in [(0.0, 1000.0), (500.0, 1000.0), (-2000.0, 1500.0)]:
        x = rng.normal(m, s, 1_000_000)
        nb = np.stack([np.zeros_like(x), x], axis=1)
        exact = m * stats.norm.cdf(m / s) + s * stats.norm.pdf(m / s) - max(m, 0.0)
        se = np.maximum(x, 0).std() / np.sqrt(x.size)
        assert evpi_from_net_benefit(nb) == pytest.approx(exact, abs=4 * se)


def test_psa_means_agree_with_the_base_case(psa):
    base = psa.summary.set_index("strategy")
    draws = psa.draws.groupby("strategy")
    for measure in ("discounted_qalys", "discounted_costs"):
        mean, sd = draws[measure].mean(), draws[measure].std()
        for name in base.index:
            assert mean[name] == pytest.approx(base.loc[name, measure], abs=4 * sd[name] / 63)
    assert (draws["discounted_life_years"].std() == 0).all()  # survival, course: not drawn


def test_ceac_is_the_share_of_draws_with_the_best_net_benefit(psa):
    wtp = [0.0, 20_000.0, 100_000.0, 400_000.0]
    curve = psa.ceac(wtp)
    np.testing.assert_allclose(curve.groupby("wtp")["probability"].sum(), 1.0)
    wide = psa.draws.pivot(index="draw", columns="strategy")
    dq = wide["discounted_qalys"]["treated"] - wide["discounted_qalys"]["usual care"]
    dc = wide["discounted_costs"]["treated"] - wide["discounted_costs"]["usual care"]
    for w in wtp:
        expected = float((w * dq - dc > 0).mean())
        got = curve.query("wtp == @w and strategy == 'treated'")["probability"].item()
        assert got == expected
    assert (psa.evpi(wtp)["evpi"] >= 0).all()
    # the frontier picks the strategy of highest mean net benefit, with its CEAC probability
    frontier = psa.ceaf(wtp)
    means = psa.draws.groupby("strategy")[["discounted_qalys", "discounted_costs"]].mean()
    for w, row in zip(wtp, frontier.itertuples(), strict=True):
        expected_nb = w * means["discounted_qalys"] - means["discounted_costs"]
        assert row.strategy == expected_nb.idxmax()
        share = curve.query("wtp == @w and strategy == @row.strategy")["probability"].item()
        assert row.probability == share


def test_fixed_inputs_leave_nothing_to_learn():
    fixed = {s: 0.6 for s in "1234"}, {s: 1000.0 for s in "1234"}
    r = cost_effectiveness(
        STRATEGIES,
        utilities=fixed[0],
        costs=fixed[1],
        n_patients=500,
        seed=3,
        draws=50,
        survival_draws=0,
        course_draws=0,
    )
    assert (r.evpi([10_000.0, 50_000.0])["evpi"] == 0).all()
    assert set(r.ceac([30_000.0])["probability"]) <= {0.0, 1.0}
    assert r.evpi([30_000.0], population=2_000)["population_evpi"].item() == 0.0


def test_psa_methods_need_draws():
    r = cost_effectiveness(STRATEGIES, n_patients=200, seed=1)
    with pytest.raises(InputError, match="no PSA draws"):
        r.ceac([20_000])
    with pytest.raises(InputError, match="wtp must be one or more"):
        r.net_benefit([-1.0])


@pytest.mark.parametrize("name", ["draws.csv", "draws.parquet"])
def test_export_writes_the_draws(psa, tmp_path, name):
    import pandas as pd

    path = psa.export(tmp_path / name)
    back = pd.read_parquet(path) if name.endswith("parquet") else pd.read_csv(path)
    pd.testing.assert_frame_equal(back, psa.draws, check_dtype=False)
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary left behind
    with pytest.raises(InputError, match="does not exist"):
        psa.export(tmp_path / "absent" / name)


def test_an_effect_with_an_interval_is_drawn_on_the_same_patients():
    uncertain = HazardRatio(0.84, interval=(0.698, 0.997))
    r = cost_effectiveness(
        {"usual care": None, "treated": Strategy(uncertain, 4000.0)},
        n_patients=1_000,
        seed=2,
        draws=40,
        effect_draws=8,
        survival_draws=0,
        course_draws=0,
    )
    d = r.draws.pivot(index="draw", columns="strategy")["discounted_life_years"]
    assert d["usual care"].nunique() == 1  # no effect, no Monte Carlo noise
    assert d["treated"].nunique() == 8
    np.testing.assert_array_equal(d["treated"].to_numpy()[:8], d["treated"].to_numpy()[8:16])
    # each value is the simulation with that hazard ratio: between the interval's ends
    low, high = (
        cost_effectiveness({"a": None, "b": HazardRatio(hr)}, n_patients=1_000, seed=2)
        .summary["discounted_life_years"]
        .iloc[1]
        for hr in (0.5, 1.2)
    )
    assert d["treated"].between(high, low).all()
    assert (r.evpi([r.incremental["icer"].item()])["evpi"] > 0).all()
