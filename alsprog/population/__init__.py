"""Who the patients are and how people die of other causes: the ground floor models build on.

``lifetable`` (shipped and user life tables), ``background_mortality`` (survival, hazard and
quantiles from ordinary mortality alone), ``covariates`` (the default patient population and the
prognostic factors' hazard ratios, read from ``data/phenotypes.toml``). Uses only
``alsprog.errors`` and ``alsprog/data``.
"""
