"""Many simulated trials as arrays, straight into the batched analysis (no DataFrames).

``simulate_arrays`` gives, for a batch of replicate seeds, exactly what analysing
``simulate_trial``'s tables of the same seeds would read (``Patients`` and ``Visits``, in
replicate, patient and week order): the same enrolment, follow-up and visits, computed once
for the whole batch. Only the deaths during follow-up need their death time inverted unless
the visits are wanted (the course is keyed to the disease death time).
"""

from __future__ import annotations

import numpy as np

from alsprog.trials.analysis.endpoints import SURVIVAL_ENDPOINTS
from alsprog.trials.analysis.inputs import Patients, Visits
from alsprog.trials.simulation.enrol import Context, enrol
from alsprog.trials.simulation.followup import follow_up, visit_arrays

BATCH = 128  # trials simulated together (memory: about 0.5 MB per trial while screening)
# Trials analysed together: the analysis has a fixed cost per call (its frames), so it gains
# from more trials than simulation does (0.30 ms a trial at 64, 0.21 at 256, measured).
ANALYSED = 256


def simulate_arrays(
    context: Context, seeds: list, labels: np.ndarray, *, visits: bool, weeks=None
) -> tuple[Patients, Visits | None]:
    """The trials of ``seeds`` (replicate labels ``labels``, sorted) as analysis arrays;
    ``weeks`` (optional) keeps only the visits in those weeks on study. Simulated BATCH
    trials at a time, the arrays joined."""
    labels = np.asarray(labels)
    parts = [
        _simulate_batch(
            context, seeds[i : i + BATCH], labels[i : i + BATCH], visits=visits, weeks=weeks
        )
        for i in range(0, len(seeds), BATCH)
    ]
    return parts[0] if len(parts) == 1 else _joined(parts)


def _joined(parts: list) -> tuple[Patients, Visits | None]:
    """Batches' arrays as one: replicate codes and visit patient rows offset."""
    trials = np.cumsum([0] + [p.n_replicates for p, _ in parts])
    rows = np.cumsum([0] + [p.time.size for p, _ in parts])
    patients = Patients(
        np.concatenate([p.replicates for p, _ in parts]),
        np.concatenate([p.replicate + t for (p, _), t in zip(parts, trials[:-1], strict=True)]),
        np.concatenate([p.treatment for p, _ in parts]),
        np.concatenate([p.time for p, _ in parts]),
        np.concatenate([p.event for p, _ in parts]),
        np.concatenate([p.patient_id for p, _ in parts]),
    )
    if parts[0][1] is None:
        return patients, None
    visits = Visits(
        np.concatenate([v.patient + r for (_, v), r in zip(parts, rows[:-1], strict=True)]),
        np.concatenate([v.weeks for _, v in parts]),
        np.concatenate([v.score for _, v in parts]),
        np.concatenate([v.baseline for _, v in parts]),
    )
    return patients, visits


def _simulate_batch(
    context: Context, seeds: list, labels: np.ndarray, *, visits: bool, weeks
) -> tuple[Patients, Visits | None]:
    enrolled = enrol(context, seeds)
    follow = follow_up(context, enrolled, context.parts, exact=visits)
    patients = Patients(
        np.asarray(labels),
        enrolled.trial.astype(np.intp),
        enrolled.treated,
        follow.exit_time - enrolled.d,
        follow.event,
        enrolled.patient_id,
    )
    if not visits:
        return patients, None
    v = visit_arrays(context, enrolled, follow, weeks)
    score = v.scores.sum(axis=1, dtype=np.int64).astype(float)
    weeks = (v.k * context.design.visit_interval_weeks).astype(float)
    baseline = np.full(enrolled.d.size, np.nan)
    first = v.k == 0
    baseline[v.patient[first]] = score[first]
    return patients, Visits(v.patient.astype(np.intp), weeks, score, baseline)


def weeks_needed(chosen: tuple[str, ...]) -> tuple[float, ...] | None:
    """The visit weeks the endpoints read: baseline and week 24 when the ANCOVA (complete
    cases, no window: the default) is the only visit endpoint, else every visit (None)."""
    visit_endpoints = {e for e in chosen if e not in SURVIVAL_ENDPOINTS}
    return (0.0, 24.0) if visit_endpoints == {"ancova_24w"} else None
