"""The input checks' fast paths agree with the plain numpy ones they replace."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alsprog.errors import InputError
from alsprog.trials.analysis.inputs import group_sort, patients_arrays, visits_arrays


@pytest.mark.parametrize(
    "group",
    [
        np.repeat(np.arange(50), 20),  # equal, sorted groups
        np.repeat(np.arange(50), np.arange(1, 51)),  # unequal groups
        np.random.default_rng(1).integers(0, 30, 1000),  # unsorted
        np.r_[np.zeros(900, int), np.arange(1, 101)],  # one big group: the global sort
    ],
)
def test_group_sort_is_lexsort_with_a_stable_tie_break(group):
    rng = np.random.default_rng(2)
    key = rng.integers(0, 5, group.size).astype(float)  # many ties
    expected = np.lexsort((np.arange(group.size), key, group))
    np.testing.assert_array_equal(group_sort(group, key), expected)
    fast = group_sort(group, key, stable=False)
    np.testing.assert_array_equal(group[fast], group[expected])
    np.testing.assert_array_equal(key[fast], key[expected])
    ordered = group_sort(group[expected], key[expected])
    np.testing.assert_array_equal(ordered, np.arange(group.size))


def test_patients_link_to_visits_by_replicate_and_id_of_any_type():
    patients = pd.DataFrame(
        {
            "replicate": ["b", "a", "b", "a"],
            "patient_id": ["x", "x", "y", "y"],
            "arm": ["control", "treatment", "treatment", "control"],
            "time_on_study": [1.0, 0.5, 0.7, 1.0],
            "event": [0, 1, 1, 0],
        }
    )
    arrays = patients_arrays(patients)
    assert list(arrays.replicates) == ["a", "b"] and list(arrays.replicate) == [1, 0, 1, 0]
    visits = pd.DataFrame(
        {
            "replicate": ["a", "b", "a", "b"],
            "patient_id": ["y", "x", "y", "x"],
            "arm": ["control", "control", "control", "control"],
            "weeks_on_study": [4.0, 0.0, 0.0, 4.0],
            "alsfrs_r": [30.0, 40.0, 35.0, 38.0],
        }
    )
    linked = visits_arrays(visits, arrays)
    assert list(linked.patient) == [0, 0, 3, 3]
    assert list(linked.score) == [40.0, 38.0, 35.0, 30.0]
    assert linked.baseline[[0, 3]].tolist() == [40.0, 35.0] and np.isnan(linked.baseline[1])
    with pytest.raises(InputError, match="patient_id repeats within a replicate"):
        visits_arrays(visits, patients_arrays(patients.assign(patient_id="x")))
    with pytest.raises(InputError, match="row 0 has an arm other than its patient's"):
        visits_arrays(visits.assign(arm="treatment"), arrays)
