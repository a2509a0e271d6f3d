"""Per-patient life-years, QALYs and costs from the simulated stage sojourns, in continuous time.

Each patient's stay in each stage (``states.StageTimes``) is weighted by the stage's utility
(QALYs) and its cost per year; a milestone (gastrostomy, NIV, tracheostomy) adds its one-off
cost when it happens after entry and before death and the horizon; a drug cost per year runs
while the patient is alive. Discounting is continuous (``discounting``): no cycles, so no
half-cycle correction.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from alsprog.errors import InputError, check_number
from alsprog.outcomes.discounting import continuous_rate, discount_factor, discounted_years
from alsprog.outcomes.economic_inputs import EconomicInputs
from alsprog.outcomes.states import _horizon, _patients, stage_times

OUTCOME_COLUMNS = (
    "patient_id",
    "life_years",
    "qalys",
    "costs",
    "discounted_life_years",
    "discounted_qalys",
    "discounted_costs",
)


def patient_outcomes(
    cohort: Any,
    inputs: EconomicInputs,
    *,
    discount_rate: float = 0.035,
    horizon_years: float | None = None,
    drug_cost_per_year: float = 0.0,
) -> pd.DataFrame:
    """Each patient's life-years, QALYs and costs from entry, undiscounted and discounted.

    Parameters
    ----------
    cohort : a ``Cohort`` (or its patients table) with the stage columns of
        ``inputs.staging`` and the milestone columns ``<event>_time``.
    inputs : utilities and costs (``economic_inputs``).
    discount_rate : annual rate r in [0, 0.2]; continuous rate log(1 + r).
    horizon_years : years from entry; None for lifetime.
    drug_cost_per_year : cost per year alive (from entry), e.g. a treatment's price.

    Returns
    -------
    DataFrame, one row per patient: patient_id, life_years (years), qalys, costs (currency
    units), discounted_life_years, discounted_qalys, discounted_costs.
    """
    delta = continuous_rate(discount_rate)
    drug = check_number("drug_cost_per_year", drug_cost_per_year)
    if drug < 0:
        raise InputError(f"drug_cost_per_year is {drug:g}, negative; pass 0 or more")
    h = _horizon(horizon_years)
    st = stage_times(cohort, inputs.staging)
    if set(st.stages) != set(inputs.utilities):
        raise InputError(
            f"inputs are for stages {', '.join(inputs.utilities)} but the cohort's "
            f"{st.staging} stages are {', '.join(st.stages)}; give a value for every stage"
        )
    u = np.array([inputs.utilities[s] for s in st.stages])
    c = np.array([inputs.stage_costs[s] for s in st.stages])
    start, end = st.sojourns(h)
    stay, stay_d = end - start, discounted_years(start, end, delta)
    alive_end = np.minimum(st.death, h)
    alive_d = discounted_years(np.zeros_like(alive_end), alive_end, delta)
    events, events_d = _one_off_costs(_patients(cohort), inputs, alive_end, delta)
    return pd.DataFrame(
        {
            "patient_id": _patients(cohort)["patient_id"].to_numpy(),
            "life_years": alive_end,
            "qalys": stay @ u,
            "costs": stay @ c + events + drug * alive_end,
            "discounted_life_years": alive_d,
            "discounted_qalys": stay_d @ u,
            "discounted_costs": stay_d @ c + events_d + drug * alive_d,
        }
    )


def _one_off_costs(
    p: pd.DataFrame, inputs: EconomicInputs, alive_end: np.ndarray, delta: float
) -> tuple[np.ndarray, np.ndarray]:
    """Undiscounted and discounted one-off costs per patient, milestones in [entry, end)."""
    total, total_d = np.zeros(len(p)), np.zeros(len(p))
    origin = p["entry_time"].to_numpy(dtype=float)
    for event, cost in inputs.event_costs.items():
        if cost == 0:
            continue
        column = f"{event}_time"
        if column not in p.columns:
            raise InputError(
                f"cohort has no {column} column for the one-off cost of {event}; set that "
                "cost to 0 or simulate the cohort with alsprog.simulate_cohort"
            )
        t = p[column].to_numpy(dtype=float) - origin
        happens = ~np.isnan(t) & (t >= 0) & (t < alive_end)
        total += np.where(happens, cost, 0.0)
        total_d += np.where(happens, cost * discount_factor(np.where(happens, t, 0.0), delta), 0)
    return total, total_d
