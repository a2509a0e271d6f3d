"""The base-case table in the shape of a NICE submission's: one row per strategy, totals,
increments along the frontier, ICER, and the discounting stated in the table itself.

Increments are fully incremental (NICE's methods guide, as hesim's ``icer``): strategies in
order of cost, each against the next cheaper strategy on the efficient frontier
(``frontier.efficient_frontier``); a dominated or extendedly dominated strategy gets its
increments against that same strategy and no ICER, with the reason in ``note``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from alsprog.outcomes.frontier import efficient_frontier

BASE_CASE_COLUMNS = (
    "strategy",
    "total_costs",
    "total_qalys",
    "total_life_years",
    "undiscounted_life_years",
    "versus",
    "incremental_costs",
    "incremental_qalys",
    "incremental_life_years",
    "icer",
    "note",
    "discount_rate",
    "horizon_years",
)


def base_case_table(
    summary: pd.DataFrame, settings: Mapping[str, Any], discounted: bool = True
) -> pd.DataFrame:
    """The base case, one row per strategy in order of cost.

    Parameters
    ----------
    summary : ``CostEffectiveness.summary`` (per strategy: life_years, qalys, costs and their
        ``discounted_`` versions, per patient).
    settings : ``CostEffectiveness.settings`` (discount_rate, horizon_years).
    discounted : True (default, as NICE reports) for discounted costs, QALYs and life-years;
        False for undiscounted ones (``discount_rate`` then reads 0).

    Returns
    -------
    DataFrame with columns ``BASE_CASE_COLUMNS``: strategy; total_costs (currency per patient),
    total_qalys, total_life_years (per patient, discounted unless ``discounted=False``);
    undiscounted_life_years (always undiscounted, as appraisals often quote them); versus (the
    strategy the increments are against: the next cheaper frontier strategy, '' for the
    cheapest); incremental_costs, incremental_qalys, incremental_life_years (against versus;
    NaN for the cheapest); icer (incremental cost per QALY gained; NaN off the frontier or for
    the cheapest); note ('' on the frontier, else 'dominated' or 'extendedly dominated');
    discount_rate (annual, applied to costs, QALYs and life-years in continuous time);
    horizon_years (inf: lifetime).
    """
    prefix = "discounted_" if discounted else ""
    s = summary.set_index("strategy")
    costs, qalys = s[f"{prefix}costs"], s[f"{prefix}qalys"]
    years = s[f"{prefix}life_years"]
    front = efficient_frontier(list(s.index), list(qalys), list(costs))
    on_front = list(front.loc[front["status"] == "frontier", "strategy"])
    order = list(front["strategy"])
    rows = []
    for name, status in zip(front["strategy"], front["status"], strict=True):
        cheaper = [f for f in on_front if order.index(f) < order.index(name)]
        versus = cheaper[-1] if cheaper else ""
        delta = {
            k: float(v[name] - v[versus]) if versus else np.nan
            for k, v in (("costs", costs), ("qalys", qalys), ("years", years))
        }
        icer = front.loc[front["strategy"] == name, "icer"].item()
        rows.append(
            {
                "strategy": name,
                "total_costs": float(costs[name]),
                "total_qalys": float(qalys[name]),
                "total_life_years": float(years[name]),
                "undiscounted_life_years": float(s.loc[name, "life_years"]),
                "versus": versus,
                "incremental_costs": delta["costs"],
                "incremental_qalys": delta["qalys"],
                "incremental_life_years": delta["years"],
                "icer": float(icer) if status == "frontier" else np.nan,
                "note": "" if status == "frontier" else status,
                "discount_rate": float(settings["discount_rate"]) if discounted else 0.0,
                "horizon_years": _horizon(settings.get("horizon_years")),
            }
        )
    return pd.DataFrame(rows, columns=list(BASE_CASE_COLUMNS))


def _horizon(value: Any) -> float:
    return np.inf if value is None else float(value)
