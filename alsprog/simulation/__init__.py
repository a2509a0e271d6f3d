"""Cohort simulation: patients, their ALSFRS-R course, stages, milestones and follow-up.

``simulate_cohort`` draws a frozen ``Cohort`` of individual patients whose death times come
exactly from the calibrated models (``alsprog.disease``), with demographics from the one
``Population`` the phenotypes were calibrated over. Modules, in the order a patient is made:

- ``random_streams``: every spawn key and the one counter-based hash, the stream order written
  down (part of the output contract);
- ``settings`` (the ALSFRS-R layout and the onset sites), ``subgroups`` (what a cohort draws
  from: each phenotype with its share, sites and models, the cohort's figures of
  ``data/simulation.toml``, the phenotype under a chosen population), ``regression_source`` (a
  fitted regression as the survival source, reached only for one);
- ``sampler``: the one sampler, from draws to phenotype, site, death times by cause and the
  copula-linked progression rate, for cohorts and trials alike, and the frozen records of its
  draws (``CourseDraws``, what a course is built from; ``PatientDraws``, a cohort block's
  patients); an effect acts on each patient's time through ``alsprog.interventions.piecewise``;
- ``patients`` (a cohort block drawn from its streams through the sampler), ``screening``
  (trial candidates: who is diagnosed and alive at a time, from forward hazards);
- the course on each patient's progression clock: ``progression_settings`` (its figures,
  ``data/course.toml``, and the draws it needs), ``progression`` (the clock and the latent
  items), ``course_build`` (each patient's course from the draws), ``staging`` (King's,
  MiToS, the milestone columns), ``uptake`` (need, the procedures taken, the items as
  received, stage times), ``patient_course`` (the course of a cohort's or a trial's patients
  under an effect, and the clinic visits that measure it); ``course_targets``,
  ``study_designs`` (how the targets' studies measured them, ``data/course_measures.toml``),
  ``course_moments`` and ``course_calibration`` (``calibrate_course``: the course fitted to
  published figures), ``course_shipped`` (the shipped fit), ``trial_selection`` (MCI186-19's
  selection rules, read by the calibration and by the edaravone check of ``outcomes``);
- ``blocks`` (checked requests, fixed blocks, follow-up), ``cohort`` (``simulate_cohort``, the
  Cohort), ``stream`` (Parquet/CSV files in fixed blocks), ``parallel`` (blocks from worker
  processes).

Uses population, models, interventions (the effect types, taken as they are), estimation and
disease.
"""
