"""``cost_effectiveness``: strategies run on the same simulated patients, to life-years, QALYs,
costs, incremental results and net benefit (and, with draws, the PSA in ``uncertainty``).

Every strategy is simulated with the same seed, so its patients share every draw with the
comparator's (common random numbers, ``simulate_cohort(..., effect=...)``): the differences
between strategies carry no sampling noise from different patients. Accounting is in continuous
time from each patient's entry (``accounting``), with continuous discounting.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alsprog.data import FrameField, FrozenDict
from alsprog.errors import InputError, check_whole
from alsprog.outcomes.accounting import OUTCOME_COLUMNS, Components, components, outcome_table
from alsprog.outcomes.discounting import continuous_rate
from alsprog.outcomes.economic_inputs import STAGES, EconomicInputs, economic_inputs
from alsprog.outcomes.frontier import efficient_frontier
from alsprog.outcomes.psa_runs import (
    Run,
    Setup,
    course_versions,
    plan_runs,
    simulate_runs,
    survival_versions,
)
from alsprog.outcomes.states import check_horizon
from alsprog.outcomes.strategies import Strategy, strategy_plan
from alsprog.outcomes.uncertainty import ceac, ceaf, check_wtp, evpi, psa_draws
from alsprog.simulation.cohort import simulate_cohort
from alsprog.trials.scheduler import scheduler_choice

MEASURES = ("life_years", "qalys", "costs")
__all__ = ["CostEffectiveness", "Strategy", "cost_effectiveness"]


@dataclass(frozen=True, eq=False)
class CostEffectiveness:
    """The result of ``cost_effectiveness`` (frozen).

    patients : per strategy and patient (base case): strategy, patient_id, life_years, qalys,
        costs, discounted_life_years, discounted_qalys, discounted_costs.
    draws : per PSA draw and strategy (None without draws): draw, strategy, and the mean
        outcomes of that draw (same columns as ``summary`` without n_patients).
    stage_years : mean years in each stage per strategy (base case): strategy, staging,
        stage, horizon_years (inf for lifetime), value (years), discounted_value.
    strategies : names in order, the comparator first.
    inputs : the utilities and costs of the base case (``assumptions`` lists the illustrative
        entries in use).
    settings : the request (discount rate, horizon, seed, n_patients, draws, staging, ...).
    effect_values : per strategy with an uncertain effect, the effect values of the PSA (draw d
        used value d mod their number).
    """

    patients: FrameField = FrameField()  # noqa: RUF009 (a descriptor: copies in and out)
    draws: FrameField = FrameField()  # noqa: RUF009
    stage_years: FrameField = FrameField()  # noqa: RUF009
    strategies: tuple[str, ...] = ()
    inputs: EconomicInputs | None = None
    settings: FrozenDict[str, Any] = field(default_factory=lambda: FrozenDict({}))
    effect_values: FrozenDict[str, tuple[object, ...]] = field(default_factory=FrozenDict)

    @property
    def comparator(self) -> str:
        return self.strategies[0]

    def _base_case(self) -> pd.DataFrame:
        p = self.patients
        if p is None:
            raise InputError(
                "this CostEffectiveness holds no patients; build it with cost_effectiveness"
            )
        return p

    @property
    def summary(self) -> pd.DataFrame:
        """One row per strategy (base case, means over patients).

        Columns: strategy, n_patients, life_years, qalys, costs (undiscounted),
        discounted_life_years, discounted_qalys, discounted_costs.
        """
        p = self._base_case()
        means = p.groupby("strategy", sort=False)[list(OUTCOME_COLUMNS[1:])].mean()
        means.insert(0, "n_patients", p.groupby("strategy", sort=False).size())
        return means.reset_index()

    @property
    def incremental(self) -> pd.DataFrame:
        """Each strategy against the comparator (discounted), one row per other strategy.

        Columns: strategy, comparator, delta_life_years, delta_qalys, delta_costs, icer (cost
        per QALY gained: delta_costs / delta_qalys; NaN when delta_qalys is 0), status
        ('dominant': more QALYs for less; 'dominated': fewer QALYs for more; 'costs more,
        gains more'; 'costs less, gains less'), delta_qalys_se, delta_costs_se (Monte Carlo
        standard errors of the paired differences over patients).
        """
        p = self._base_case()
        base = p[p["strategy"] == self.comparator].reset_index(drop=True)
        rows = []
        for name in self.strategies[1:]:
            other = p[p["strategy"] == name].reset_index(drop=True)
            diff = {
                m: other[f"discounted_{m}"].to_numpy() - base[f"discounted_{m}"].to_numpy()
                for m in MEASURES
            }
            dq, dc = float(diff["qalys"].mean()), float(diff["costs"].mean())
            rows.append(
                {
                    "strategy": name,
                    "comparator": self.comparator,
                    "delta_life_years": float(diff["life_years"].mean()),
                    "delta_qalys": dq,
                    "delta_costs": dc,
                    "icer": dc / dq if dq != 0 else np.nan,
                    "status": _status(dq, dc),
                    "delta_qalys_se": _se(diff["qalys"]),
                    "delta_costs_se": _se(diff["costs"]),
                }
            )
        return pd.DataFrame(rows)

    def net_benefit(self, wtp: float | Sequence[float]) -> pd.DataFrame:
        """Net monetary benefit (discounted) at each willingness to pay per QALY.

        Columns: strategy, wtp (currency per QALY), net_benefit (wtp x QALYs - costs, per
        patient), incremental_net_benefit (against the comparator).
        """
        w = check_wtp(wtp)
        s = self.summary.set_index("strategy")
        nmb = np.outer(s["discounted_qalys"], w) - s["discounted_costs"].to_numpy()[:, None]
        frame = pd.DataFrame(
            {
                "strategy": np.repeat(s.index.to_numpy(), len(w)),
                "wtp": np.tile(w, len(s)),
                "net_benefit": nmb.ravel(),
                "incremental_net_benefit": (nmb - nmb[0]).ravel(),
            }
        )
        return frame

    def base_case(self, discounted: bool = True) -> pd.DataFrame:
        """The base case in the shape of a NICE submission's table: one row per strategy by
        cost, totals, fully incremental results, ICER, and the discount rate stated
        (``alsprog.outcomes.base_case.base_case_table``, whose docstring lists the columns)."""
        from alsprog.outcomes.base_case import base_case_table

        return base_case_table(self.summary, self.settings, discounted)

    def frontier(self) -> pd.DataFrame:
        """Sequential incremental analysis (discounted): strategies by cost, dominated and
        extendedly dominated ones marked, ICERs along the frontier (``efficient_frontier``)."""
        s = self.summary
        return efficient_frontier(
            list(s["strategy"]), list(s["discounted_qalys"]), list(s["discounted_costs"])
        )

    def export(self, path: str | Path) -> Path:
        """Write the per-draw results (``.draws``; the base case's ``summary`` without draws)
        to ``path``: Parquet for a .parquet name, else CSV. Written under a temporary name in
        the same folder, then renamed, so a failed write leaves nothing half-written."""
        target = Path(path)
        if not target.parent.is_dir():
            raise InputError(f"export: folder {target.parent} does not exist; create it first")
        table = self.draws if self.draws is not None else self.summary
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        os.close(handle)
        try:
            if target.suffix == ".parquet":
                table.to_parquet(temporary, index=False)
            else:
                table.to_csv(temporary, index=False)
            os.replace(temporary, target)
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
        return target

    def evsi(
        self,
        design: Any,
        wtp: float | Sequence[float],
        *,
        trials_per_value: int = 10,
        endpoint: str = "cox",
        seed: int = 0,
    ) -> pd.DataFrame:
        """Expected value of sample information of a trial ``design`` for this decision
        (``alsprog.outcomes.evsi``): columns wtp, evsi, evpi (per patient)."""
        from alsprog.outcomes.evsi import evsi

        return evsi(
            self, design, wtp, trials_per_value=trials_per_value, endpoint=endpoint, seed=seed
        )

    def _psa(self) -> pd.DataFrame:
        d = self.draws
        if d is None:
            raise InputError(
                "this result has no PSA draws; run cost_effectiveness(..., draws=1000)"
            )
        return d

    def ceac(self, wtp: float | Sequence[float]) -> pd.DataFrame:
        """Acceptability curve from the PSA draws: columns wtp, strategy, probability (share
        of draws in which the strategy has the highest net benefit)."""
        return ceac(self._psa(), self.strategies, wtp)

    def ceaf(self, wtp: float | Sequence[float]) -> pd.DataFrame:
        """Acceptability frontier from the PSA draws: columns wtp, strategy (highest expected
        net benefit), probability (share of draws in which it is the best)."""
        return ceaf(self._psa(), self.strategies, wtp)

    def evpi(self, wtp: float | Sequence[float], population: float | None = None) -> pd.DataFrame:
        """Expected value of perfect information from the PSA draws: columns wtp, evpi (per
        patient), population_evpi (when ``population``, the discounted number of patients
        concerned, is given)."""
        return evpi(self._psa(), self.strategies, wtp, population)


def _status(dq: float, dc: float) -> str:
    if dq >= 0 and dc <= 0:
        return "dominant"
    if dq <= 0 and dc >= 0:
        return "dominated"
    return "costs more, gains more" if dq > 0 else "costs less, gains less"


def _se(x: np.ndarray) -> float:
    return float(x.std(ddof=1) / np.sqrt(x.size)) if x.size > 1 else np.nan


def cost_effectiveness(
    strategies: Mapping[str, Any],
    *,
    utilities: Mapping[Any, float] | None = None,
    costs: Mapping[Any, float] | None = None,
    inputs: EconomicInputs | None = None,
    staging: str = "kings",
    instrument: str = "EQ-5D-5L",
    discount_rate: float = 0.035,
    horizon_years: float | None = None,
    draws: int = 0,
    seed: int = 0,
    n_patients: int = 20_000,
    phenotype: str | dict[str, float] = "als",
    entry: str = "onset",
    effect_draws: int = 20,
    survival_draws: int | None = None,
    course_draws: int | bool | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> CostEffectiveness:
    """Life-years, QALYs and costs of each strategy on the same simulated patients.

    Parameters
    ----------
    strategies : {name: None, an effect, or a ``Strategy(effect, drug_cost_per_year)``}, in
        order, the first the comparator.
    utilities, costs : a user's {stage: value} tables (costs per year, plus optional one-off
        'gastrostomy', 'niv', 'tracheostomy'); None for the library (``data/
        health_economics.toml``, partly illustrative assumptions: see ``.inputs.assumptions``).
    inputs : an ``EconomicInputs`` (e.g. ``load_economic_inputs(path)``), instead of
        utilities and costs.
    staging : 'kings' or 'mitos', the stages utilities and costs are given by.
    instrument : the scale of a user's utilities ('EQ-5D-5L', 'EQ-5D-3L', 'standard_gamble').
    discount_rate : annual rate for costs and QALYs, in [0, 0.2] (NICE: 0.035).
    horizon_years : years from entry; None for lifetime.
    draws : 0 for the base case only; >= 1 adds a probabilistic sensitivity analysis
        (``.draws``, ``ceac``, ``evpi``; see ``alsprog.outcomes.uncertainty``).
    seed : the seed of the simulated patients; the same seed gives the same result.
    n_patients : patients simulated per strategy.
    phenotype, entry : passed to ``simulate_cohort`` (entry 'diagnosis' starts the clock at
        diagnosis).
    effect_draws : with draws, ``survival_draws=0`` and ``course_draws=0``, how many values of
        each uncertain effect (one with a 95% interval, as the riluzole preset) are drawn
        (``effect.drawn``) and simulated on the same patients; PSA draw d uses effect value d
        mod effect_draws.
    survival_draws : with draws, how many redrawn versions of the phenotype (its survival
        parameters recalibrated to redrawn figures, ``alsprog.parameter_draws``) the PSA
        simulates, each with its own value of every uncertain effect, every strategy on the
        same patients (``alsprog.outcomes.psa_runs``); PSA draw d uses version d mod their
        number. None (default): min(draws, 300), the shipped pool (more are recalibrated, about
        0.1 s each); 0: survival is not drawn. A mix of phenotypes has no versions (None
        means 0 for it). Each version costs one simulation of n_patients per strategy.
    course_draws : with draws, how many draws of the course's own parameters (the
        ``ProgressionSettings`` of stage pace, end stage and NIV, gastrostomy and tracheostomy
        uptake, from the course calibration's covariance: ``alsprog.simulation.course_shipped.
        course_draws``) the PSA simulates. None or True (default): one per survival version
        (paired with them, so no run is added), or min(draws, 300) when survival is not drawn;
        0 or False: the shipped course in every run. The runs are max(survival versions,
        course draws): run r takes version r mod their number and course draw r mod theirs,
        and every strategy of a run shares its patients and course.
    scheduler : where the PSA's simulations run, as in ``alsprog.trials.power``: None or
        'serial' (this process), 'local' (a two-worker Dask LocalCluster) or 'tcp://host:port';
        the result is the same whatever the workers.
    progress : optional callback, called with a number of PSA simulation runs as they finish
        (``settings['runs']`` in all).

    Returns
    -------
    CostEffectiveness with ``.summary``, ``.incremental``, ``.base_case()``,
    ``.net_benefit(wtp)``, ``.frontier()``; with draws ``.ceac``, ``.evpi``, ``.evsi``.
    """
    plan = strategy_plan(strategies)
    if inputs is not None and (utilities is not None or costs is not None):
        raise InputError("pass either inputs or utilities/costs, not both; drop one")
    if inputs is None:
        inputs = economic_inputs(staging, utilities=utilities, costs=costs, instrument=instrument)
    continuous_rate(discount_rate)
    check_horizon(horizon_years)
    n = check_whole("n_patients", n_patients, low=2, high=10_000_000)
    n_draws = check_whole("draws", draws, low=0, high=100_000)
    scheduler_choice(scheduler)  # bad PSA options are refused before any work, draws or not
    if n_draws:
        k = check_whole("effect_draws", effect_draws, low=1, high=1_000)
        versions = survival_versions(phenotype, survival_draws, n_draws, seed)
        courses = course_versions(course_draws, n_draws, seed, len(versions))
    frames, means = [], {}
    for name, strategy in plan.items():
        cohort = simulate_cohort(n, seed, phenotype=phenotype, entry=entry, effect=strategy.effect)
        parts = components(cohort, inputs, discount_rate=discount_rate, horizon_years=horizon_years)
        out = outcome_table(
            cohort.patients["patient_id"], parts, inputs, strategy.drug_cost_per_year
        )
        out.insert(0, "strategy", name)
        frames.append(out)
        means[name] = parts.means()
    settings = FrozenDict(
        {
            "discount_rate": discount_rate,
            "horizon_years": horizon_years,
            "seed": seed,
            "n_patients": n,
            "draws": n_draws,
            "staging": inputs.staging,
            "phenotype": phenotype if isinstance(phenotype, str) else FrozenDict(phenotype),
            "entry": entry,
            "drug_cost_per_year": FrozenDict({k: v.drug_cost_per_year for k, v in plan.items()}),
            "accounting": "continuous time from entry, continuous discounting, no cycles",
        }
    )
    per_draw, values, runs = None, {}, list[Run]()
    if n_draws:
        effects = [s.effect for s in plan.values()]
        runs, drawn = plan_runs(effects, phenotype, versions, min(k, n_draws), seed, courses)
        setup = Setup(n, seed, entry, inputs, discount_rate, horizon_years)
        done = simulate_runs(setup, runs, scheduler, progress)
        names = list(plan)
        values = {names[i]: v for i, v in drawn.items()}
        nodes: dict[str, list[Components]] = {
            name: [row[i] for row in done] if runs and runs[0].simulated[i] else [means[name]]
            for i, name in enumerate(names)
        }
        drug = {k: v.drug_cost_per_year for k, v in plan.items()}
        per_draw = psa_draws(nodes, drug, inputs, n_draws, seed)
        settings = FrozenDict(
            {
                **settings,
                "survival_draws": len(versions),
                "runs": len(runs),
                "course_draws": len(courses),
            }
        )
    stays = pd.DataFrame(
        {
            "strategy": np.repeat(list(means), len(STAGES[inputs.staging])),
            "staging": inputs.staging,
            "stage": list(STAGES[inputs.staging]) * len(means),
            "horizon_years": check_horizon(horizon_years),
            "value": np.concatenate([m.stay[0] for m in means.values()]),
            "discounted_value": np.concatenate([m.stay_d[0] for m in means.values()]),
        }
    )
    return CostEffectiveness(
        patients=pd.concat(frames, ignore_index=True),
        stage_years=stays,
        draws=per_draw,
        strategies=tuple(plan),
        inputs=inputs,
        settings=settings,
        effect_values=FrozenDict(values),
    )
