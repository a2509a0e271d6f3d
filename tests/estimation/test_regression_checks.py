"""Goodness of fit of a survival regression: Cox-Snell residuals, lifelines' Schoenfeld test and
the figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from plotnine import ggplot

import alsprog
from alsprog.estimation.regression_checks import cox_snell, proportional_hazards_test
from alsprog.plots.regression import cox_snell_plot, fit_by_group_plot


def _cohort(n: int, seed: int, shape: float, crossing: bool = False) -> pd.DataFrame:
    """Weibull times with a binary covariate; ``crossing`` gives the two groups different
    shapes (hazards that cross: proportional hazards fails)."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 2, n)
    age = rng.normal(60, 10, n)
    shapes = np.where(group == 1, 3.0 * shape, shape) if crossing else np.full(n, shape)
    death = np.exp(1.0 - 0.02 * (age - 60) - 0.3 * group) * rng.weibull(shapes)
    entry = rng.uniform(0, 0.3, n)
    keep = death > entry
    censor = entry + rng.uniform(1.0, 6.0, n)
    return pd.DataFrame(
        {
            "time": np.minimum(death, censor)[keep],
            "event": (death <= censor)[keep].astype(int),
            "entry": entry[keep],
            "age": age[keep],
            "group": np.where(group == 1, "b", "a")[keep],
        }
    )


def test_cox_snell_residuals_follow_the_identity_when_the_model_fits() -> None:
    data = _cohort(3000, 1, 1.8)
    good = alsprog.fit("weibull", data, entry="entry", covariates=["age", "group"])
    bad = alsprog.fit("exponential", data, entry="entry", covariates=["age", "group"])
    gaps = {}
    for name, model in (("good", good), ("bad", bad)):
        table = cox_snell(model, data)
        bulk = table[table["residual"] < 1.5]
        gaps[name] = float(np.abs(bulk["cumulative_hazard"] - bulk["residual"]).max())
    assert gaps["good"] < 0.1  # a few events' worth of Nelson-Aalen noise
    assert gaps["bad"] > 2 * gaps["good"]
    table = cox_snell(good, data)
    assert table["residual"].is_monotonic_increasing
    assert (table["entry_residual"] <= table["residual"]).all()


def test_schoenfeld_test_flags_crossing_hazards_only() -> None:
    proportional = _cohort(1500, 2, 1.5)
    crossing = _cohort(1500, 2, 1.0, crossing=True)
    p_values = {}
    for name, data in (("proportional", proportional), ("crossing", crossing)):
        model = alsprog.fit("weibull", data, covariates=["age", "group"])
        table = proportional_hazards_test(model, data).set_index("parameter")
        p_values[name] = table.loc["group[T.b]", "p"]
    assert p_values["crossing"] < 1e-6
    assert p_values["proportional"] > 1e-3
    truncated = alsprog.fit("weibull", proportional, entry="entry", covariates=["age", "group"])
    with pytest.raises(alsprog.errors.InputError, match="ignore_entry=True"):
        proportional_hazards_test(truncated, proportional)
    rough = proportional_hazards_test(truncated, proportional, ignore_entry=True)
    assert list(rough["parameter"]) == ["age", "group[T.b]"]


def test_figures_are_ggplots() -> None:
    data = _cohort(400, 3, 1.5)
    model = alsprog.fit("weibull", data, entry="entry", covariates=["age", "group"])
    assert isinstance(fit_by_group_plot(model, data, "group"), ggplot)
    assert isinstance(cox_snell_plot(model, data), ggplot)
    with pytest.raises(alsprog.errors.InputError, match=r"not in the data"):
        fit_by_group_plot(model, data, "sex")


def test_marginal_survival_is_the_mean_of_the_rows() -> None:
    data = _cohort(200, 4, 1.5)
    model = alsprog.fit("weibull", data, entry="entry", covariates=["age", "group"])
    rows = data.iloc[:30]
    marginal = model.marginal(rows)
    own = [model.at(r.to_dict()) for _, r in rows.iterrows()]
    for t in (0.5, 2.0):
        assert marginal.survival(t) == pytest.approx(
            np.mean([m.survival(t) for m in own]), rel=1e-9
        )
        density = np.mean([m.density(t) for m in own])
        assert marginal.hazard(t) == pytest.approx(density / marginal.survival(t), rel=1e-7)
