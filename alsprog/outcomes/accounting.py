"""Per-patient life-years, QALYs and costs from the simulated stage sojourns, in continuous time.

Each patient's stay in each stage (``states.StageTimes``) is weighted by the stage's utility
(QALYs) and its cost per year; a milestone (gastrostomy, NIV, tracheostomy) adds its one-off
cost when it happens after entry and before death and the horizon; a drug cost per year runs
from diagnosis (or entry, if later) while the patient is alive. Discounting is continuous
(``discounting``): no cycles, so no half-cycle correction.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from alsprog.errors import InputError, check_number
from alsprog.outcomes.discounting import continuous_rate, discount_factor, discounted_years
from alsprog.outcomes.economic_inputs import EVENTS, STAGES, EconomicInputs
from alsprog.outcomes.states import check_horizon, cohort_patients, stage_times

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
    drug_cost_per_year : cost per year alive on treatment, e.g. a drug's price; treatment
        runs from diagnosis (``diagnosis_time``; from entry if that is later) to death or the
        horizon, and a patient who dies undiagnosed is never treated.

    Returns
    -------
    DataFrame, one row per patient: patient_id, life_years (years), qalys, costs (currency
    units), discounted_life_years, discounted_qalys, discounted_costs.
    """
    drug = check_number("drug_cost_per_year", drug_cost_per_year)
    if drug < 0:
        raise InputError(f"drug_cost_per_year is {drug:g}, negative; pass 0 or more")
    parts = components(cohort, inputs, discount_rate=discount_rate, horizon_years=horizon_years)
    return outcome_table(cohort_patients(cohort)["patient_id"], parts, inputs, drug)


def outcome_table(
    ids: pd.Series, parts: Components, inputs: EconomicInputs, drug_cost_per_year: float
) -> pd.DataFrame:
    """Per-patient outcomes (columns ``OUTCOME_COLUMNS``) from the components and the prices."""
    u, c, e = inputs_vectors(inputs)
    drug = drug_cost_per_year
    return pd.DataFrame(
        {
            "patient_id": ids.to_numpy(),
            "life_years": parts.alive,
            "qalys": parts.stay @ u,
            "costs": parts.stay @ c + parts.events @ e + drug * parts.treated,
            "discounted_life_years": parts.alive_d,
            "discounted_qalys": parts.stay_d @ u,
            "discounted_costs": parts.stay_d @ c + parts.events_d @ e + drug * parts.treated_d,
        }
    )


@dataclass(frozen=True)
class Components:
    """Per patient, what utilities and costs multiply (rows patients; discounted ``_d``).

    stay : (n, stages) years in each stage (stages in ``STAGES[staging]`` order).
    events : (n, EVENTS) 1 if the milestone happens after entry, before death and horizon.
    alive : (n,) years alive.
    treated : (n,) years alive after diagnosis (or entry, if later): when a drug is paid for.
    """

    stay: np.ndarray
    stay_d: np.ndarray
    events: np.ndarray
    events_d: np.ndarray
    alive: np.ndarray
    alive_d: np.ndarray
    treated: np.ndarray
    treated_d: np.ndarray

    def means(self) -> Components:
        """The same, averaged over patients (one row)."""
        return Components(
            *(getattr(self, f.name).mean(axis=0, keepdims=True) for f in fields(self))
        )


def inputs_vectors(inputs: EconomicInputs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Utilities and costs per year by stage (``STAGES`` order), one-off costs (``EVENTS``)."""
    stages = STAGES[inputs.staging]
    return (
        np.array([inputs.utilities[s] for s in stages]),
        np.array([inputs.stage_costs[s] for s in stages]),
        np.array([inputs.event_costs[e] for e in EVENTS]),
    )


def components(
    cohort: Any,
    inputs: EconomicInputs,
    *,
    discount_rate: float = 0.035,
    horizon_years: float | None = None,
) -> Components:
    """Each patient's stays, milestones and time alive, undiscounted and discounted."""
    delta = continuous_rate(discount_rate)
    h = check_horizon(horizon_years)
    st = stage_times(cohort, inputs.staging)
    if st.stages != STAGES[inputs.staging]:
        raise InputError(
            f"inputs are for stages {', '.join(STAGES[inputs.staging])} but the cohort's "
            f"{st.staging} stages are {', '.join(st.stages)}; give a value for every stage"
        )
    start, end = st.sojourns(h)
    alive = np.minimum(st.death, h)
    p = cohort_patients(cohort)
    events, events_d = _milestones(p, inputs, alive, delta)
    treat_from = np.zeros_like(alive)
    if "diagnosis_time" in p.columns:  # NaN: died undiagnosed, never treated
        since = p["diagnosis_time"].to_numpy(dtype=float) - p["entry_time"].to_numpy(dtype=float)
        treat_from = np.where(np.isnan(since), np.inf, np.maximum(since, 0.0))
    treat_from = np.minimum(treat_from, alive)
    return Components(
        stay=end - start,
        stay_d=discounted_years(start, end, delta),
        events=events,
        events_d=events_d,
        alive=alive,
        alive_d=discounted_years(np.zeros_like(alive), alive, delta),
        treated=alive - treat_from,
        treated_d=discounted_years(treat_from, alive, delta),
    )


def _milestones(
    p: pd.DataFrame, inputs: EconomicInputs, alive_end: np.ndarray, delta: float
) -> tuple[np.ndarray, np.ndarray]:
    """(n, EVENTS) indicators of each milestone in [entry, end), and their discount factors."""
    hits, factors = np.zeros((len(p), len(EVENTS))), np.zeros((len(p), len(EVENTS)))
    origin = p["entry_time"].to_numpy(dtype=float)
    for j, event in enumerate(EVENTS):
        column = f"{event}_time"
        if column not in p.columns:
            if inputs.event_costs[event] == 0:
                continue
            raise InputError(
                f"cohort has no {column} column for the one-off cost of {event}; set that "
                "cost to 0 or simulate the cohort with alsprog.simulate_cohort"
            )
        t = p[column].to_numpy(dtype=float) - origin
        happens = ~np.isnan(t) & (t >= 0) & (t < alive_end)
        hits[:, j] = happens
        factors[:, j] = np.where(happens, discount_factor(np.where(happens, t, 0.0), delta), 0.0)
    return hits, factors
