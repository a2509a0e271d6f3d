"""A Cohort and a Trial round-trip through the standard library's pickle."""

from __future__ import annotations

import pickle

import alsprog
from alsprog.interventions import HazardRatio


def test_a_cohort_pickles_and_comes_back_the_same():
    cohort = alsprog.simulate_cohort(400, 3, entry="diagnosis", effect=HazardRatio(0.8))
    back = pickle.loads(pickle.dumps(cohort))
    assert back.patients.equals(cohort.patients)
    assert back.visits.equals(cohort.visits)
    assert back.settings == cohort.settings
    assert back.summary().equals(cohort.summary())
    for name, model in cohort.models.items():
        assert back.models[name].median() == model.median()


def test_a_trial_pickles_and_comes_back_the_same():
    trial = alsprog.simulate_trial(alsprog.TrialDesign(40, effect=HazardRatio(0.7)), 2)
    back = pickle.loads(pickle.dumps(trial))
    assert back.patients.equals(trial.patients) and back.visits.equals(trial.visits)
