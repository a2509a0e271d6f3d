"""The report's default settings, in a module with no imports so the command line can show
them without loading the report (pandas, plotnine)."""

DEFAULT_SEED = 0  # the one seed default of the command line and the Python API
DEFAULT_PATIENTS = 20_000  # simulated cohort size: Monte Carlo error of a KM curve about 0.004
DEFAULT_REPLICATES = 400  # simulated trials per design point: power SE at most 0.025 (~15 s)
COHORT_FOLLOWUP_YEARS = 12.0  # long enough for ALS, short enough to read the first decade
