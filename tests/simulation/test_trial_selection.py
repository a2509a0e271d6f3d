"""MCI186-19's selection rules (``trial_selection``) on hand-made patients: one who meets every
rule, one at each rule's edge (still in), and for each rule one patient who fails that rule
alone (out)."""

from __future__ import annotations

import numpy as np
import pytest

from alsprog.simulation.trial_selection import trial_candidates, trial_eligible

# the history: age at screening, diagnosis, screening, end of follow-up, death (years)
HISTORY = {
    "meets every rule": (55.0, 0.5, 1.0, 1.7, 3.0),
    "aged 20 exactly": (20.0, 0.5, 1.0, 1.7, 3.0),
    "aged 75 exactly": (75.0, 0.5, 1.0, 1.7, 3.0),
    "diagnosed at screening": (55.0, 1.0, 1.0, 1.7, 3.0),
    "too young": (19.9, 0.5, 1.0, 1.7, 3.0),
    "too old": (75.1, 0.5, 1.0, 1.7, 3.0),
    "screened before diagnosis": (55.0, 1.2, 1.0, 1.7, 3.0),
    "never diagnosed": (55.0, np.nan, 1.0, 1.7, 3.0),
    "screened before onset": (55.0, -0.5, -0.2, 0.5, 3.0),
    "dead at the end": (55.0, 0.5, 1.0, 1.7, 1.7),
    "dead before the end": (55.0, 0.5, 1.0, 1.7, 1.2),
}
HISTORY_IN = {"meets every rule", "aged 20 exactly", "aged 75 exactly", "diagnosed at screening"}


def test_each_history_rule_alone_excludes_its_patient():
    names = list(HISTORY)
    age, diagnosis, screening, end, death = (
        np.array(v) for v in zip(*HISTORY.values(), strict=True)
    )
    got = trial_candidates(age, diagnosis, screening, end, death)
    assert got.dtype == bool and got.shape == (len(names),)
    assert {name for name, ok in zip(names, got, strict=True) if ok} == HISTORY_IN


def _items(**changed: int) -> np.ndarray:
    """Item scores at screening (ITEMS order): 3 everywhere, the respiratory items at 4."""
    items = np.array([3] * 9 + [4] * 3)
    for index, score in changed.items():
        items[int(index[1:])] = score
    return items


# the visits: items at screening, ALSFRS-R at screening and at randomisation, regions with signs
VISITS = {
    "meets every rule": (_items(), (39, 37), 2),
    "an item at 2": (_items(i0=2, i8=2), (37, 35), 2),
    "fell by 1": (_items(), (39, 38), 2),
    "fell by 4": (_items(), (39, 35), 3),
    "an item at 1": (_items(i5=1), (37, 35), 2),
    "dyspnoea at 3": (_items(i9=3), (38, 36), 2),
    "orthopnoea at 3": (_items(i10=3), (38, 36), 2),
    "respiratory insufficiency at 3": (_items(i11=3), (38, 36), 2),
    "did not fall": (_items(), (39, 39), 2),
    "rose": (_items(), (39, 40), 2),
    "fell by 5": (_items(), (39, 34), 2),
    "one region with signs": (_items(), (39, 37), 1),
}
VISITS_IN = {"meets every rule", "an item at 2", "fell by 1", "fell by 4"}


@pytest.mark.parametrize("dtype", [np.int8, np.int64, float])
def test_each_visit_rule_alone_excludes_its_patient(dtype):
    names = list(VISITS)
    items = np.stack([v[0] for v in VISITS.values()]).astype(dtype)
    totals = np.array([v[1] for v in VISITS.values()], dtype=dtype)
    # a later visit (week 24) is carried along and never read
    totals = np.column_stack([totals, np.zeros(len(names), dtype=dtype)])
    regions = np.array([v[2] for v in VISITS.values()])
    got = trial_eligible(items, totals, regions)
    assert got.dtype == bool and got.shape == (len(names),)
    assert {name for name, ok in zip(names, got, strict=True) if ok} == VISITS_IN


def test_no_patient_gives_an_empty_selection():
    empty = np.empty(0)
    assert trial_candidates(empty, empty, empty, empty, empty).shape == (0,)
    assert trial_eligible(np.empty((0, 12)), np.empty((0, 2)), empty).shape == (0,)
