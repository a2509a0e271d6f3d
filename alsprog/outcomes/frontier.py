"""The cost-effectiveness frontier: strategies ranked by cost, dominated and extendedly
dominated ones set aside, sequential ICERs along what remains (as NICE and hesim's
``icer`` report them)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd


def efficient_frontier(
    strategies: Sequence[str], qalys: Sequence[float], costs: Sequence[float]
) -> pd.DataFrame:
    """Sequential incremental analysis of mutually exclusive strategies.

    Parameters
    ----------
    strategies, qalys, costs : one entry per strategy (discounted QALYs and costs per patient).

    Returns
    -------
    DataFrame, one row per strategy in order of cost (then QALYs): strategy, qalys, costs,
    status ('frontier'; 'dominated': another costs no more and gains at least as much, one of
    them strictly; 'extendedly dominated': a mix of two frontier strategies beats it),
    versus (the next cheaper frontier strategy, '' for the cheapest and off the frontier),
    icer (cost per QALY against ``versus``; NaN where there is none).
    """
    q, c = np.asarray(qalys, dtype=float), np.asarray(costs, dtype=float)
    order = np.lexsort((-q, c))  # cheapest first; equal cost: most QALYs first
    names = [strategies[i] for i in order]
    q, c = q[order], c[order]
    status = ["frontier"] * len(names)
    for i in range(len(names)):  # strong dominance
        for j in range(len(names)):
            if i != j and c[j] <= c[i] and q[j] >= q[i] and (c[j] < c[i] or q[j] > q[i] or j < i):
                status[i] = "dominated"
                break
    while True:  # extended dominance: ICERs along the frontier must rise
        live = [i for i, s in enumerate(status) if s == "frontier"]
        icers = [(c[b] - c[a]) / (q[b] - q[a]) for a, b in itertools.pairwise(live)]
        bad = next((k for k in range(1, len(icers)) if icers[k] < icers[k - 1]), None)
        if bad is None:
            break
        status[live[bad]] = "extendedly dominated"
    versus, icer = [""] * len(names), [np.nan] * len(names)
    live = [i for i, s in enumerate(status) if s == "frontier"]
    for a, b in itertools.pairwise(live):
        versus[b] = names[a]
        icer[b] = (c[b] - c[a]) / (q[b] - q[a])
    return pd.DataFrame(
        {
            "strategy": names,
            "qalys": q,
            "costs": c,
            "status": status,
            "versus": versus,
            "icer": icer,
        }
    )
