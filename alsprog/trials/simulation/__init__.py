"""Trial simulation: designs, enrolment from the simulated prevalent pool, follow-up, tables.

``design`` (``TrialDesign``, ``Eligibility``), ``enrol`` (many trials enrolled at once:
candidates screened by forward hazards, the few survivors kept), ``followup`` (deaths,
censoring, the course and visits of the enrolled), ``simulate`` (``simulate_trial``, the
``Trial`` tables) and ``batched`` (many trials as the analysis' arrays, for ``power``). Uses
``alsprog.simulation`` (streams, the record of draws, screening, course, visits),
``alsprog.interventions`` and the analysis half's input arrays.
"""
