"""King's and MiToS stages from ALSFRS-R items, and the milestone columns.

King's stage (the ALSFRS-R mapping of Balendra et al., ALS-FTD 2014, after Roche et al., Brain
2012): a region is involved when bulbar items 1-3, upper-limb items 4-5 or lower-limb item 8
fall below 4; stages 1-3 count the regions involved (1 at the least: the patient has
symptoms); stage 4 is gastrostomy (4A) or non-invasive ventilation, item 10 at 0 or item 12
below 4 (4B). MiToS (Chio et al., JNNP 2015): the count of domains lost (0-4). Rules and
thresholds: ``data/simulation.toml`` and ``data/course.toml [need]``. Stages never go back: a
region once involved stays involved, a milestone once reached stays reached (visits take the
running maximum). The true stage times of the patients table are ``uptake.stage_times``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from alsprog.simulation.progression_settings import ProgressionSettings
from alsprog.simulation.settings import ITEMS

_I = {name: i for i, name in enumerate(ITEMS)}
BULBAR_ITEMS = ("speech", "salivation", "swallowing")
UPPER_LIMB_ITEMS = ("handwriting", "cutting_food")
LOWER_LIMB_ITEMS = ("walking",)
MILESTONE_COLUMNS = (
    "gastrostomy_need_time",
    "gastrostomy_time",
    "niv_need_time",
    "niv_time",
    "tracheostomy_time",
    "kings_stage_2_time",
    "kings_stage_3_time",
    "kings_stage_4_time",
    "mitos_stage_1_time",
    "mitos_stage_2_time",
    "mitos_stage_3_time",
    "mitos_stage_4_time",
)
# MiToS (Chio et al. 2015): an item counts towards its domain's loss at this score or less
MITOS_AT_MOST = {
    "swallowing": 1,
    "walking": 1,
    "dressing": 1,
    "speech": 1,
    "handwriting": 1,
    "dyspnea": 1,
    "respiratory_insufficiency": 2,
}


def _at(scores: np.ndarray, item: str) -> np.ndarray:
    return scores[:, _I[item]]


def kings_stage(scores: np.ndarray, settings: ProgressionSettings) -> np.ndarray:
    """King's stage (1-4; 4 = 4A or 4B) of each row of integer item scores (ITEMS order)."""
    regions = (
        (scores[:, [_I[i] for i in BULBAR_ITEMS]] < 4).any(axis=1).astype(int)
        + (scores[:, [_I[i] for i in UPPER_LIMB_ITEMS]] < 4).any(axis=1)
        + (scores[:, [_I[i] for i in LOWER_LIMB_ITEMS]] < 4).any(axis=1)
    )
    stage_4 = (
        (_at(scores, "swallowing") <= settings.gastrostomy_at_most)
        | (_at(scores, "dyspnea") == 0)
        | (_at(scores, "respiratory_insufficiency") <= settings.niv_at_most)
    )
    return np.where(stage_4, 4, np.maximum(regions, 1))


def mitos_stage(scores: np.ndarray) -> np.ndarray:
    """MiToS stage (0-4) of each row of integer item scores (ITEMS order)."""
    return _mitos_domains_lost(lambda item: _at(scores, item) <= MITOS_AT_MOST[item]).sum(axis=1)


def _mitos_domains_lost(lost: Callable[[str], Any]) -> Any:
    """The four MiToS domains; ``lost(item)`` is (for scores) a boolean array, or (for
    times) the time the item reaches its MITOS_AT_MOST score. Returns a (n, 4) boolean
    array, or the four domains' times."""
    swallowing = lost("swallowing")
    movement = (lost("walking"), lost("dressing"))
    communication = (lost("speech"), lost("handwriting"))
    breathing = (lost("dyspnea"), lost("respiratory_insufficiency"))
    if swallowing.dtype == bool:
        return np.stack(
            [
                swallowing,
                movement[0] | movement[1],
                communication[0] & communication[1],
                breathing[0] | breathing[1],
            ],
            axis=1,
        )
    return [
        swallowing,
        np.minimum(*movement),
        np.maximum(*communication),
        np.minimum(*breathing),
    ]


def running_max(values: np.ndarray, patient: np.ndarray) -> np.ndarray:
    """Running maximum of small non-negative integers within each patient (rows grouped by
    patient, in time order)."""
    if values.size == 0:
        return values
    group = np.concatenate([[0], np.cumsum(patient[1:] != patient[:-1])])
    shifted = values.astype(np.int64) + 8 * group  # stages < 8: groups never mix
    return np.maximum.accumulate(shifted) - 8 * group
