"""Probabilistic sensitivity analysis: utilities and costs drawn from their published intervals,
the acceptability curve (CEAC) and the expected value of perfect information (EVPI).

What is drawn: every entry of the inputs with a 95% interval (``EconomicInputs.intervals``):
a utility from a beta distribution, a cost from a gamma distribution, each with the point value
as mean and (high - low) / 3.92 as standard error. Entries without an interval (the
illustrative assumptions, a user's own table) stay fixed. Survival and an effect with its own
95% interval (the riluzole preset's hazard ratio) are drawn by simulation (``psa_runs``):
redrawn versions of the phenotype, each with its own value of the effect, simulated on the same
patients and cycled over the PSA draws. The course's own parameters are not drawn yet. QALYs and
costs being linear in utilities and costs, each draw is a dot product with its run's mean
(discounted) stays, milestones and time alive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

import numpy as np
import pandas as pd

from alsprog.errors import InputError
from alsprog.outcomes.accounting import Components, inputs_vectors
from alsprog.outcomes.economic_inputs import EVENTS, STAGES, EconomicInputs

Z95 = 1.959963984540054


def _beta(rng: np.random.Generator, mean: float, se: float, n: int) -> np.ndarray:
    if not 0 < mean < 1 or se <= 0 or se**2 >= mean * (1 - mean):
        return np.clip(rng.normal(mean, max(se, 0.0), n), None, 1.0)
    k = mean * (1 - mean) / se**2 - 1
    return rng.beta(mean * k, (1 - mean) * k, n)


def _gamma(rng: np.random.Generator, mean: float, se: float, n: int) -> np.ndarray:
    if mean <= 0 or se <= 0:
        return np.full(n, mean)
    return rng.gamma((mean / se) ** 2, se**2 / mean, n)


def input_draws(
    inputs: EconomicInputs, draws: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(draws, stages) utilities, (draws, stages) costs per year, (draws, EVENTS) one-off
    costs; entries with an interval drawn, the others fixed at their value."""
    u, c, e = (np.tile(v, (draws, 1)) for v in inputs_vectors(inputs))
    rng = np.random.default_rng([seed, 27])
    stages = STAGES[inputs.staging]
    for key in sorted(inputs.intervals):
        kind, name = key.split(" ", 1)
        low, high = inputs.intervals[key]
        se = (high - low) / (2 * Z95)
        if kind == "utility":
            j = stages.index(name)
            u[:, j] = _beta(rng, float(u[0, j]), se, draws)
        elif kind == "stage_cost":
            j = stages.index(name)
            c[:, j] = _gamma(rng, float(c[0, j]), se, draws)
        else:
            j = EVENTS.index(name)
            e[:, j] = _gamma(rng, float(e[0, j]), se, draws)
    return u, c, e


def psa_draws(
    nodes: Mapping[str, Sequence[Components]],
    drug_costs: Mapping[str, float],
    inputs: EconomicInputs,
    draws: int,
    seed: int,
) -> pd.DataFrame:
    """Mean outcomes per draw and strategy.

    nodes : per strategy, the mean components of each simulated effect value (one for a
        fixed effect); draw d uses value d mod len.

    Columns: draw (1..draws), strategy, life_years, qalys, costs, discounted_life_years,
    discounted_qalys, discounted_costs (per patient).
    """
    u, c, e = input_draws(inputs, draws, seed)
    frames = []
    for name, values in nodes.items():
        pick = np.arange(draws) % len(values)
        m = {
            f.name: np.concatenate([getattr(v, f.name) for v in values])[pick]
            for f in fields(Components)
        }
        drug = drug_costs[name]
        frames.append(
            pd.DataFrame(
                {
                    "draw": np.arange(1, draws + 1),
                    "strategy": name,
                    "life_years": m["alive"],
                    "qalys": (u * m["stay"]).sum(axis=1),
                    "costs": (c * m["stay"]).sum(axis=1)
                    + (e * m["events"]).sum(axis=1)
                    + drug * m["treated"],
                    "discounted_life_years": m["alive_d"],
                    "discounted_qalys": (u * m["stay_d"]).sum(axis=1),
                    "discounted_costs": (c * m["stay_d"]).sum(axis=1)
                    + (e * m["events_d"]).sum(axis=1)
                    + drug * m["treated_d"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def check_wtp(wtp: float | Sequence[float]) -> np.ndarray:
    w = np.atleast_1d(np.asarray(wtp, dtype=float))
    if w.ndim != 1 or w.size == 0 or not np.isfinite(w).all() or (w < 0).any():
        raise InputError(
            "wtp must be one or more finite amounts per QALY >= 0; pass e.g. [20000, 30000]"
        )
    return w


def net_benefit_array(draws: pd.DataFrame, strategies: Sequence[str], w: np.ndarray) -> np.ndarray:
    """(wtp, draws, strategies) net monetary benefit, discounted."""
    wide = draws.pivot(index="draw", columns="strategy")
    q = wide["discounted_qalys"][list(strategies)].to_numpy()
    c = wide["discounted_costs"][list(strategies)].to_numpy()
    return w[:, None, None] * q[None] - c[None]


def ceac(draws: pd.DataFrame, strategies: Sequence[str], wtp: Any) -> pd.DataFrame:
    """Cost-effectiveness acceptability curve: P(each strategy has the highest net benefit).

    Columns: wtp, strategy, probability (share of draws; sums to 1 over strategies).
    """
    w = check_wtp(wtp)
    nb = net_benefit_array(draws, strategies, w)
    best = nb.argmax(axis=2)  # ties go to the earlier strategy (the comparator first)
    share = np.stack([(best == k).mean(axis=1) for k in range(len(strategies))], axis=1)
    return pd.DataFrame(
        {
            "wtp": np.repeat(w, len(strategies)),
            "strategy": np.tile(list(strategies), len(w)),
            "probability": share.ravel(),
        }
    )


def ceaf(draws: pd.DataFrame, strategies: Sequence[str], wtp: Any) -> pd.DataFrame:
    """Acceptability frontier: at each willingness to pay, the strategy with the highest
    expected net benefit (the decision) and the probability that it is the best.

    Columns: wtp, strategy, probability.
    """
    w = check_wtp(wtp)
    nb = net_benefit_array(draws, strategies, w)
    chosen = nb.mean(axis=1).argmax(axis=1)
    best = nb.argmax(axis=2)
    return pd.DataFrame(
        {
            "wtp": w,
            "strategy": [strategies[k] for k in chosen],
            "probability": (best == chosen[:, None]).mean(axis=1),
        }
    )


def evpi_from_net_benefit(nb: np.ndarray) -> np.ndarray:
    """EVPI from (..., draws, strategies) net benefits: E[max over strategies] minus the
    maximum over strategies of the expectation."""
    return nb.max(axis=-1).mean(axis=-1) - nb.mean(axis=-2).max(axis=-1)


def evpi(
    draws: pd.DataFrame, strategies: Sequence[str], wtp: Any, population: float | None = None
) -> pd.DataFrame:
    """Expected value of perfect information per patient (and for a population).

    Columns: wtp, evpi (currency per patient), and population_evpi (evpi x population, the
    discounted number of patients the decision concerns) when ``population`` is given.
    """
    w = check_wtp(wtp)
    frame = pd.DataFrame(
        {"wtp": w, "evpi": evpi_from_net_benefit(net_benefit_array(draws, strategies, w))}
    )
    if population is not None:
        if not np.isfinite(population) or population <= 0:
            raise InputError(f"population must be above 0 (got {population}); or None")
        frame["population_evpi"] = frame["evpi"] * float(population)
    return frame
