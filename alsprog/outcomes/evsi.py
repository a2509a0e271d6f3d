"""Expected value of sample information (EVSI) of a trial design, by the trial simulator.

The PSA's uncertain effect takes a few values (``CostEffectiveness.effect_values``); for each,
``trials_per_value`` trials of the design are simulated with that effect (``simulate_trial``)
and analysed (``analyse_trial``: by default the Cox hazard ratio), and PSA draw d is paired with
a trial simulated under its own effect value. The net benefit of each strategy is then
regressed on the trial's log estimate (a cubic polynomial), so the fitted value is the expected
net benefit once that trial result is known (the regression method of Strong, Oakley, Brennan
and Breeze, Medical Decision Making 2015):
EVSI = mean over draws of the best fitted net benefit - the best mean net benefit.

With survival or the course drawn too (``survival_draws``, ``course_draws``), each effect value
belongs to one run (a redrawn version of the phenotype and a draw of the course's parameters);
the trials are simulated on the design's own phenotype and the shipped course, so the trial
informs the effect only, and the survival and course uncertainty it leaves counts as not learnt.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from alsprog.errors import InputError, check_whole
from alsprog.outcomes.uncertainty import check_wtp, evpi_from_net_benefit, net_benefit_array
from alsprog.trials.power import analyse_trial
from alsprog.trials.simulation.simulate import simulate_trial

DEGREE = 3


def evsi_from_regression(net_benefit: np.ndarray, summary: np.ndarray) -> float:
    """EVSI from (draws, strategies) net benefits and one data summary per draw: each
    strategy's net benefit regressed on a cubic in the (standardised) summary."""
    x = (summary - summary.mean()) / (summary.std() or 1.0)
    degree = min(DEGREE, len(np.unique(x)) - 1)
    basis = np.vander(x, degree + 1)
    coef, *_ = np.linalg.lstsq(basis, net_benefit, rcond=None)
    fitted = basis @ coef
    return float(fitted.max(axis=1).mean() - net_benefit.mean(axis=0).max())


def evsi(
    result: Any,
    design: Any,
    wtp: Any,
    *,
    trials_per_value: int = 10,
    endpoint: str = "cox",
    seed: int = 0,
) -> pd.DataFrame:
    """EVSI per patient of ``design`` (a ``TrialDesign``) for ``result``'s decision.

    Parameters
    ----------
    result : a ``CostEffectiveness`` with draws and one strategy whose effect is uncertain.
    design : the trial; its effect is replaced by each of the PSA's effect values.
    wtp : willingness to pay per QALY (one or more).
    trials_per_value : trials simulated per effect value.
    endpoint : the analysed endpoint whose estimate summarises a trial (ratio scale: logged).
    seed : the trials' seed.

    Returns
    -------
    DataFrame with columns wtp, evsi, evpi (currency per patient).
    """
    w = check_wtp(wtp)
    m = check_whole("trials_per_value", trials_per_value, low=2, high=10_000)
    draws = result.draws
    if draws is None:
        raise InputError("evsi needs PSA draws; run cost_effectiveness(..., draws=1000)")
    values = dict(result.effect_values)
    if len(values) != 1:
        raise InputError(
            f"evsi needs exactly one strategy with an uncertain effect (found {len(values)}); "
            "give the tested strategy an effect with a 95% interval and run with draws"
        )
    (effects,) = values.values()
    estimates = np.empty((len(effects), m))
    for k, effect in enumerate(effects):
        for j in range(m):
            trial = simulate_trial(replace(design, effect=effect), seed + j, visits=False)
            row = analyse_trial(trial, endpoint).iloc[0]
            estimates[k, j] = np.log(row["estimate"])
    n = int(draws["draw"].max())
    d = np.arange(n)
    summary = estimates[d % len(effects), (d // len(effects)) % m]
    nb = net_benefit_array(draws, result.strategies, w)
    return pd.DataFrame(
        {
            "wtp": w,
            "evsi": [evsi_from_regression(nb[i], summary) for i in range(len(w))],
            "evpi": evpi_from_net_benefit(nb),
        }
    )
