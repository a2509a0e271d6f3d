"""Trial analysis: every endpoint from the tidy patients and visits tables of real or simulated
trials, batched across replicates. Imports nothing from any simulation (the layout test checks).

``inputs``, ``results`` (the result rows; power from analysed replicates, Schoenfeld, the
sample-size bisection), ``survival`` (log-rank, Cox), ``function`` (week-24 ANCOVA, two-stage
slope), ``mixed`` (MixedLM slope), ``cafs`` and ``endpoints`` (``analyse``). The public names are
re-exported by ``alsprog.trials``; this package re-exports nothing, so a submodule is never
shadowed by a function of the same name (``cafs``).
"""
