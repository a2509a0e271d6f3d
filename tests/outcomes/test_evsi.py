"""EVSI: the regression estimator against the normal-normal closed form, and a trial design."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from alsprog.errors import InputError
from alsprog.interventions.core import HazardRatio
from alsprog.outcomes.economics import Strategy, cost_effectiveness
from alsprog.outcomes.evsi import evsi_from_regression
from alsprog.trials.simulation.design import TrialDesign


def test_regression_evsi_matches_the_normal_normal_closed_form():
    # INB = theta ~ N(m0, s0^2); data X | theta ~ N(theta, s^2). E[theta | X] is normal with
    # mean m0 and variance v = s0^4 / (s0^2 + s^2): EVSI = E[max(E[theta|X], 0)] - max(m0, 0)
    rng = np.random.default_rng(8)
    m0, s0, s = 200.0, 1000.0, 700.0
    theta = rng.normal(m0, s0, 400_000)
    x = theta + rng.normal(0, s, theta.size)
    nb = np.stack([np.zeros_like(theta), theta], axis=1)
    sd = s0**2 / np.sqrt(s0**2 + s**2)
    exact = m0 * stats.norm.cdf(m0 / sd) + sd * stats.norm.pdf(m0 / sd) - m0
    assert evsi_from_regression(nb, x) == pytest.approx(exact, rel=0.03)


def test_a_trial_design_has_an_evsi_between_zero_and_the_evpi():
    r = cost_effectiveness(
        {
            "usual care": None,
            "treated": Strategy(HazardRatio(0.8, interval=(0.6, 1.05)), 6_000.0),
        },
        n_patients=1_000,
        seed=4,
        draws=60,
        effect_draws=6,
        survival_draws=0,
        course_draws=0,
    )
    icer = float(r.incremental["icer"].item())
    design = TrialDesign(n_per_arm=150, followup_years=1.0)
    out = r.evsi(design, [icer], trials_per_value=3, seed=1)
    assert list(out.columns) == ["wtp", "evsi", "evpi"]
    row = out.iloc[0]
    assert row["evpi"] > 0
    assert -1e-9 <= row["evsi"] <= row["evpi"] * 1.05
    with pytest.raises(InputError, match="exactly one strategy with an uncertain effect"):
        cost_effectiveness({"a": None, "b": None}, n_patients=100, draws=5).evsi(design, [1.0])
