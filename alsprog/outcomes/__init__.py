"""Outcomes: what an intervention and a simulated course mean for patients and payers.

Effects on every scale: ``translate`` (one effect as a table: hazard and time ratios, median,
mean and RMST gains, survival differences, and the simulated ALSFRS-R and King's staging
measures), ``course_measures`` (those simulated measures, and the MCI186-19-style trial
selection behind edaravone's preset), ``draws`` (``parameter_draws``, ``survival_draws``,
``rmst_draws``: models drawn from an estimate's uncertainty and the long tables a probabilistic
sensitivity analysis reads) and ``integrals`` (restricted means and average hazard ratios on a
grid).

Health economics: ``states`` summarises a cohort's stage course (occupancy, time in each stage,
first passage), ``discounting`` integrates in continuous time, ``economic_inputs`` reads and
checks utility and cost tables, ``accounting`` turns each patient's stays into life-years,
QALYs and costs, ``economics`` runs strategies on common random numbers to a cost-effectiveness
result (``strategies`` names what it compares, ``base_case`` makes the NICE-style table),
``uncertainty`` draws the inputs for the PSA (acceptability curve, EVPI), ``psa_runs``
simulates its redrawn survival and effects (serially or on Dask), ``evsi``
values a trial design by the trial simulator, ``frontier`` ranks strategies with sequential
ICERs, and ``markov`` fits the constant-rate stage model that published models use, to set
beside the course. Uses every earlier stage.
"""
