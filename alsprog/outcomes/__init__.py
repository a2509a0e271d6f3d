"""Outcomes: what a simulated course means for patients and payers.

``states`` summarises a cohort's stage course (occupancy, time in each stage, first passage),
``discounting`` integrates in continuous time, ``economic_inputs`` reads and checks utility and
cost tables, ``accounting`` turns each patient's stays into life-years, QALYs and costs,
``economics`` runs strategies on common random numbers to a cost-effectiveness result,
``uncertainty`` draws the inputs for the PSA (acceptability curve, EVPI), ``evsi`` values a
trial design by the trial simulator, ``frontier`` ranks strategies with sequential ICERs, and
``markov`` fits the constant-rate stage model that
published models use, to set beside the course.
"""
