"""alsprog: calibrated survival and disease-progression models of ALS and the other MNDs.

Time is in years from symptom onset unless a name says otherwise. The public API is listed
below; names are imported on first use, so ``import alsprog`` stays fast.

Models (``alsprog.models``): Exponential, Weibull, Gompertz, LogNormal, LogLogistic,
GeneralizedGamma, PiecewiseExponential, Spline, Mixture, with one interface: survival,
cumulative_hazard, hazard, quantile, median, mean, rmst, conditional, sample.

Effects (``alsprog.effects``, defined in ``alsprog.interventions``): HazardRatio, TimeRatio,
SlopeReduction (combine with ``&`` or a list), each anchored at onset, diagnosis or enrolment,
presets riluzole() and edaravone(); ``model.with_effect(effect)`` applies one. What an effect
does on every scale is in ``alsprog.outcomes`` (translate, draws).

Functions:
    fit                 maximum likelihood on individual (right-censored, left-truncated) data;
                        with a DataFrame and covariates=/formula=, a survival regression
    cox_snell           Cox-Snell residuals of a regression, with their Nelson-Aalen estimate
    proportional_hazards_test  lifelines' Schoenfeld-residual test on a regression's columns
    kaplan_meier        Kaplan-Meier estimate as R's survfit reports it, as a model with the same
                        interface (quantile_ci, median_ci, rmst_se, risk_table)
    kaplan_meier_plot   Kaplan-Meier curves with bands, model curves and the risk table below
    calibrate           fit a family to landmark survival figures (grouped multinomial likelihood)
    compare_families    calibrate every family; one row per family, best first
    load_targets        read landmark targets from TOML or CSV
    default_targets     the reference document's ALS landmarks
    phenotype           a calibrated phenotype (als, als_limb, als_bulbar, als_flail, pbp, pma,
                        pls, ppbp): .model is its population model, .patient(...) one patient
    recalibrate         a phenotype calibrated to other figures, e.g. a fitted regression's
                        standardised survival (regression.targets(data))
    phenotypes          every phenotype in a table (median, survival at 1-25 years, what pins
                        each curve and what is assumed, sources)
    identification      per phenotype and parameter: pinned by which figures, free, or borrowed
    prognosis           one patient's outlook from today, with a 90% uncertainty band; a
                        treatment by preset name ('riluzole', 'edaravone') or effect object
    alsfrs_r_course     a patient's expected ALSFRS-R from today (median, band, share alive),
                        read off simulated patients like them
    translate           one effect on every scale (hazard ratio, time ratio, median, mean and
                        RMST gains, survival differences, ALSFRS-R and staging from simulation)
    parameter_draws     models drawn from an estimate's uncertainty (fit, calibration, phenotype)
    survival_draws      survival, hazard and cumulative hazard per draw and time (a long table)
    rmst_draws          restricted mean survival per draw and horizon (a long table)
    background_survival survival from ordinary mortality alone (life table)
    Population          patients' onset age, sex and delay: Population.named('register') or
                        the default (the population= of phenotype, prognosis, simulate_cohort)
    life_table          a shipped or user life table
    simulate_cohort     a cohort of patients: death times, ALSFRS-R course, stages, visits
    Cohort              what simulate_cohort returns: .patients, .visits, .kaplan_meier, .summary
    calibrate_course    the progression-clock course fitted to published figures (simulated moments)
    schoenfeld_events   deaths a two-sided log-rank test needs (Schoenfeld's formula)
    schoenfeld_sample_size  patients per arm from those deaths and the chance of dying
    power_from_results  Monte Carlo power of each endpoint from analysed replicates
    run_grid            a function over a grid of cells on Dask, each cell seeded by its index
    TrialDesign         a two-arm trial: n per arm, effect, follow-up, visits, eligibility, alpha
    Eligibility         inclusion criteria: disease duration, ALSFRS-R, every item, dFS range
    simulate_trial      one trial enrolled from the simulated prevalent population (a Trial)
    Trial               what simulate_trial returns: .patients, .visits (with arm, on-study times)
    analyse_trial       every endpoint of one trial (estimate, interval, p-value, deaths)
    power               Monte Carlo power of each endpoint from simulated trials
    sample_size         the smallest n per arm reaching a power, beside Schoenfeld's
    power_grid          power over a grid of designs on Dask
    stage_occupancy     P(in each King's or MiToS stage, or dead, at t) from a simulated cohort
    time_in_stage       expected (restricted) years in each stage, from entry or from a stage
    first_passage       time to first reaching each stage (probability, mean, median)
    stage_incidence     cumulative incidence of reaching each stage, death competing
    cost_effectiveness  life-years, QALYs, costs, ICER and net benefit of strategies run on the
                        same simulated patients (common random numbers); PSA with draws
    Strategy            a strategy: an effect and its drug cost per year
    economic_inputs     utilities and costs by stage: the library's or a user's, checked
    load_economic_inputs  a user's TOML table of utilities and costs
    patient_outcomes    each patient's life-years, QALYs and costs, discounted in continuous time
    markov_rates        constant stage-transition rates read off a simulated course
    markov_occupancy    the occupancy those constant rates imply (to set beside the course's)
    stage_occupancy_plot, time_in_stage_plot, ce_plane, ceac_plot, evpi_plot,
    markov_comparison_plot
                        the health-economic figures (``alsprog.plots.economics``)

Trial analysis (``alsprog.trials``): analyse (log-rank, Cox, week-24 ANCOVA, ALSFRS-R slope,
CAFS, batched across replicates) and each endpoint on its own.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "fit": "alsprog.estimation.regression",
    "recalibrate": "alsprog.disease.recalibration",
    "cox_snell": "alsprog.estimation.regression_checks",
    "proportional_hazards_test": "alsprog.estimation.regression_checks",
    "kaplan_meier": "alsprog.models.kaplan_meier",
    "kaplan_meier_plot": "alsprog.plots.kaplan_meier",
    "calibrate": "alsprog.estimation.calibration",
    "compare_families": "alsprog.estimation.calibration",
    "load_targets": "alsprog.estimation.targets",
    "default_targets": "alsprog.estimation.targets",
    "Targets": "alsprog.estimation.targets",
    "Landmark": "alsprog.estimation.targets",
    "phenotype": "alsprog.disease.library",
    "phenotypes": "alsprog.disease.library",
    "identification": "alsprog.disease.library",
    "prognosis": "alsprog.disease.prognosis",
    "translate": "alsprog.outcomes.translate",
    "alsfrs_r_course": "alsprog.outcomes.projection",
    "parameter_draws": "alsprog.outcomes.draws",
    "survival_draws": "alsprog.outcomes.draws",
    "rmst_draws": "alsprog.outcomes.draws",
    "background_survival": "alsprog.population.background_mortality",
    "life_table": "alsprog.population.lifetable",
    "Population": "alsprog.population.covariates",
    "simulate_cohort": "alsprog.simulation.cohort",
    "Cohort": "alsprog.simulation.cohort",
    "calibrate_course": "alsprog.simulation.course_calibration",
    "schoenfeld_events": "alsprog.trials.analysis.results",
    "schoenfeld_sample_size": "alsprog.trials.analysis.results",
    "power_from_results": "alsprog.trials.analysis.results",
    "run_grid": "alsprog.trials.grid",
    "TrialDesign": "alsprog.trials.simulation.design",
    "Eligibility": "alsprog.trials.simulation.design",
    "simulate_trial": "alsprog.trials.simulation.simulate",
    "Trial": "alsprog.trials.simulation.simulate",
    "analyse_trial": "alsprog.trials.power",
    "power": "alsprog.trials.power",
    "sample_size": "alsprog.trials.power",
    "power_grid": "alsprog.trials.power",
    "stage_occupancy": "alsprog.outcomes.states",
    "time_in_stage": "alsprog.outcomes.states",
    "first_passage": "alsprog.outcomes.states",
    "stage_incidence": "alsprog.outcomes.states",
    "cost_effectiveness": "alsprog.outcomes.economics",
    "Strategy": "alsprog.outcomes.economics",
    "CostEffectiveness": "alsprog.outcomes.economics",
    "economic_inputs": "alsprog.outcomes.economic_inputs",
    "load_economic_inputs": "alsprog.outcomes.economic_inputs",
    "patient_outcomes": "alsprog.outcomes.accounting",
    "markov_rates": "alsprog.outcomes.markov",
    "markov_occupancy": "alsprog.outcomes.markov",
    "stage_occupancy_plot": "alsprog.plots.economics",
    "ce_plane": "alsprog.plots.economics",
    "ceac_plot": "alsprog.plots.economics",
    "evpi_plot": "alsprog.plots.economics",
    "markov_comparison_plot": "alsprog.plots.economics",
    "time_in_stage_plot": "alsprog.plots.economics",
}
_SUBPACKAGES = (
    "models",
    "population",
    "estimation",
    "disease",
    "interventions",
    "effects",
    "simulation",
    "trials",
    "outcomes",
    "plots",
    "report",
)

__all__ = ["__version__", *_LAZY, *_SUBPACKAGES]


def __getattr__(name: str) -> Any:
    """Import a public name on first use, and keep it here so later uses are plain lookups."""
    if name in _SUBPACKAGES:
        return importlib.import_module(f"alsprog.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'alsprog' has no attribute {name!r}")
    value = globals()[name] = getattr(importlib.import_module(module), name)
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
