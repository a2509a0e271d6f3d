"""Trials, in two halves: analysing trial data, and simulating trials to analyse.

``analysis/`` reads trial tables (real or simulated) and imports nothing from any simulation,
so a user analysing real trial data reads only it: ``inputs`` (the tidy patients and visits
tables, checked into arrays), ``survival`` (log-rank and Cox, batched across replicates),
``function`` (ANCOVA of the week-24 change, two-stage ALSFRS-R slopes), ``mixed`` (the MixedLM
slope reference for one trial), ``cafs`` (combined assessment of function and survival),
``results`` (the result rows, and from them ``power_from_results``; Schoenfeld's events,
power and sample size; the bisection ``smallest_sample_size``) and ``endpoints`` (``analyse``:
every endpoint at once).

``simulation/`` makes trials from the simulated prevalent population: ``design``
(``TrialDesign``, ``Eligibility``), ``enrol`` (many trials enrolled at once, screened first),
``followup`` (deaths, censoring, course and visits of the enrolled), ``simulate``
(``simulate_trial``: the tables) and ``batched`` (many trials as the analysis' arrays).

Joining them: ``grid`` (``run_grid``, a function over a grid of cells on Dask) and
``power`` (``analyse_trial``, ``power``, ``sample_size``, ``power_grid``). ``scheduler=``
has one meaning everywhere (``run_grid``, ``power``, ``power_grid``, the CLI): None or
'serial' runs in this process, 'local' on a two-worker Dask LocalCluster, 'tcp://host:port'
on that scheduler.
Uses numpy, scipy, pandas, statsmodels, distributed; the simulation half uses
``alsprog.simulation`` and ``alsprog.interventions``.
"""

from alsprog.trials.analysis.cafs import cafs
from alsprog.trials.analysis.endpoints import ENDPOINTS, analyse
from alsprog.trials.analysis.function import ancova_24w, slope
from alsprog.trials.analysis.mixed import MixedSlopeFit, fit_slope_mixed, slope_mixed
from alsprog.trials.analysis.results import (
    SampleSizeSearch,
    SchoenfeldSize,
    power_from_results,
    schoenfeld_events,
    schoenfeld_power,
    schoenfeld_sample_size,
    smallest_sample_size,
)
from alsprog.trials.analysis.survival import cox, logrank
from alsprog.trials.grid import cell_seeds, run_grid

__all__ = [
    "ENDPOINTS",
    "MixedSlopeFit",
    "SampleSizeSearch",
    "SchoenfeldSize",
    "analyse",
    "ancova_24w",
    "cafs",
    "cell_seeds",
    "cox",
    "fit_slope_mixed",
    "logrank",
    "power_from_results",
    "run_grid",
    "schoenfeld_events",
    "schoenfeld_power",
    "schoenfeld_sample_size",
    "slope",
    "slope_mixed",
    "smallest_sample_size",
]
