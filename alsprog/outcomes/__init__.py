"""Outcomes: what an intervention does on every scale, after simulation and trials.

``translate`` (one effect as a table: hazard and time ratios, median, mean and RMST gains,
survival differences, and the simulated ALSFRS-R and King's staging measures),
``course_measures`` (those simulated measures, and the MCI186-19-style trial selection behind
edaravone's preset), ``draws`` (``parameter_draws``, ``survival_draws``, ``rmst_draws``: models
drawn from an estimate's uncertainty and the long tables a probabilistic sensitivity analysis
reads) and ``integrals`` (restricted means and average hazard ratios on a grid). Health
economics will live here too. Uses every earlier stage.
"""
