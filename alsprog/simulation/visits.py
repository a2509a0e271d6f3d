"""Clinic visits: the ALSFRS-R items measured with noise, every ``interval`` from entry.

Visit noise is normal on each item's latent score, then rounded to 0-4, then read as the items
score what was received (swallowing and respiratory insufficiency follow the procedures
taken: ``patient_course.PatientCourse.observed``). The noise is a counter-based
draw (``random_streams.hashed_normal``) keyed by (the block's key, the patient's place in the
block, the visit, the item), so a treated and an untreated cohort share every noise draw,
whatever number of visits each patient has.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alsprog.simulation.patient_course import PatientCourse
from alsprog.simulation.progression_settings import ProgressionSettings
from alsprog.simulation.random_streams import hashed_normal
from alsprog.simulation.settings import DOMAINS, ITEMS
from alsprog.simulation.staging import kings_stage, mitos_stage, running_max

VISIT_COLUMNS = (
    "patient_id",
    "time",
    "months_since_entry",
    *ITEMS,
    *DOMAINS,
    "alsfrs_r",
    "kings_stage",
    "mitos_stage",
)


def domain_scores(scores: np.ndarray) -> np.ndarray:
    """The four domain scores (0-12) of rows of item scores (ITEMS order: three items per
    domain), int8, shape (len, 4)."""
    return scores[:, 0::3] + scores[:, 1::3] + scores[:, 2::3]  # faster than a sum by rows


def total_score(domains: np.ndarray) -> np.ndarray:
    """ALSFRS-R (0-48) of rows of domain scores, int8."""
    return domains[:, 0] + domains[:, 1] + domains[:, 2] + domains[:, 3]


def block_visits(
    course: PatientCourse,
    rows: np.ndarray,
    patient_id: np.ndarray,
    entry: np.ndarray,
    exit_time: np.ndarray,
    died: np.ndarray,
    interval_months: float,
    key: int,
    noise_sd: float,
    settings: ProgressionSettings,
) -> pd.DataFrame:
    """Visits of the patients at ``rows`` of a block (columns: VISIT_COLUMNS).

    A visit at entry + k * interval is made while the patient is alive (before the death) and
    under follow-up (up to and including the censoring time). ``noise_sd``: the visit noise
    (points); ``settings``: the course's, for King's stage 4 rules.
    """
    step = interval_months / 12.0
    span = (exit_time - entry) / step
    count = np.where(died, np.ceil(span - 1e-9), np.floor(span + 1e-9) + 1).astype(np.int64)
    count = np.maximum(count, 1)
    which = np.repeat(np.arange(rows.size), count)
    starts = np.concatenate([[0], np.cumsum(count)[:-1]])
    k = np.arange(which.size) - np.repeat(starts, count)
    t = entry[which] + k * step
    block_rows = rows[which]
    position = block_rows.astype(np.uint64)[:, None]
    counter = k.astype(np.uint64)[:, None] * np.uint64(len(ITEMS)) + np.arange(
        len(ITEMS), dtype=np.uint64
    )
    noise = hashed_normal(np.uint64(key), position, counter)
    noise *= noise_sd
    scores = course.take(block_rows).observed(t, noise)
    columns = {
        "patient_id": patient_id[which],
        "time": t,
        "months_since_entry": k * float(interval_months),
    }
    columns.update({item: scores[:, i] for i, item in enumerate(ITEMS)})
    domains = domain_scores(scores)
    columns.update({domain: domains[:, d] for d, domain in enumerate(DOMAINS)})
    columns["alsfrs_r"] = total_score(domains)
    columns["kings_stage"] = running_max(kings_stage(scores, settings), which).astype(np.int8)
    columns["mitos_stage"] = running_max(mitos_stage(scores), which).astype(np.int8)
    return pd.DataFrame(columns)
