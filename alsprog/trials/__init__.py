"""Trial analysis: batched endpoints, power from analysed replicates, Schoenfeld, Dask grids.

``inputs`` (the tidy patients and visits tables, checked into arrays), ``survival`` (log-rank
and Cox, batched across replicates), ``function`` (ANCOVA of the week-24 change, two-stage
ALSFRS-R slopes), ``mixed`` (the MixedLM slope reference for one trial), ``cafs`` (combined
assessment of function and survival), ``analysis`` (``analyse``: every endpoint at once),
``power`` (``power_from_results``, Schoenfeld's events, power and sample size, the
bisection ``smallest_sample_size``), ``grid``
(``run_grid`` on a Dask LocalCluster or an existing scheduler), ``design`` (``TrialDesign``,
``Eligibility``), ``enrol`` (many trials enrolled at once, screened first), ``followup``
(deaths, censoring, course and visits of the enrolled), ``simulate`` (``simulate_trial``:
enrolment from the simulated prevalent population, randomisation, follow-up, visits, as
tables), ``batched`` (many trials as the analysis' arrays, for ``power``) and ``power_api``
(``analyse_trial``, ``power``, ``sample_size``, ``power_grid``). Uses numpy, scipy, pandas,
statsmodels, distributed, and the simulation folder (screening, patients, course, visits) and
effects (through the protocol).
"""

from alsprog.trials.analysis import ENDPOINTS, analyse
from alsprog.trials.cafs import cafs
from alsprog.trials.function import ancova_24w, slope
from alsprog.trials.grid import cell_seeds, run_grid
from alsprog.trials.mixed import MixedSlopeFit, fit_slope_mixed, slope_mixed
from alsprog.trials.power import (
    SampleSizeSearch,
    SchoenfeldSize,
    power_from_results,
    schoenfeld_events,
    schoenfeld_power,
    schoenfeld_sample_size,
    smallest_sample_size,
)
from alsprog.trials.survival import cox, logrank

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
