"""Estimating models from data: individual survival data and landmark figures.

``likelihood`` (log-likelihoods and gradients of every family), ``fitting`` (``fit``: maximum
likelihood on right-censored, left-truncated, weighted data), ``targets`` (landmark figures read
from TOML or CSV), ``calibration`` (``calibrate``: landmarks as grouped data), ``redraws``
(a calibration's parameter uncertainty: recalibration to redrawn figures), and survival
regression with covariates: ``formula`` (design matrices), ``regression`` (``fit`` with a
DataFrame), ``regression_families``, ``regression_likelihood``, ``regression_model``,
``regression_predict`` and ``regression_checks``. Uses population and models.
"""
