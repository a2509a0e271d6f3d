"""The motor neuron diseases as alsprog knows them: calibrated phenotypes and prognosis.

``phenotype`` (the ``Phenotype`` record), ``library`` (``phenotype()`` and ``phenotypes()``:
every phenotype calibrated to its sourced figures with ordinary mortality; ``identification()``:
what those figures pin), ``identification`` (the audit: which parameters a calibration's
figures pin, which they leave free, which were borrowed), ``prognosis``
(``prognosis()``: one patient's outlook from today with an uncertainty band), ``draw_cache``
(the shipped point calibrations and pools of redrawn ones, a speed-up only). Uses population,
models and estimation. The package-level functions of the same names live in ``alsprog``; this
folder re-exports nothing, so a submodule never shadows a function.
"""
