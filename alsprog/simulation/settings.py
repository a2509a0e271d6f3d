"""The ALSFRS-R layout (items, domains, an item's points), the onset sites, and
``data/simulation.toml`` whole.

The cohort's own figures of that file are ``subgroups.CohortSettings``; the course's are
``progression_settings.ProgressionSettings`` (``data/course.toml``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from alsprog import data

ITEMS = (
    "speech",
    "salivation",
    "swallowing",
    "handwriting",
    "cutting_food",
    "dressing",
    "turning_in_bed",
    "walking",
    "climbing_stairs",
    "dyspnea",
    "orthopnea",
    "respiratory_insufficiency",
)
DOMAINS = ("bulbar", "fine_motor", "gross_motor", "respiratory")
DOMAIN_OF = {item: DOMAINS[i // 3] for i, item in enumerate(ITEMS)}
LIMB_DOMAINS = (DOMAINS.index("fine_motor"), DOMAINS.index("gross_motor"))  # indices
ITEM_POINTS = 4.0  # an item's full score (each scores 0-4): the latent points it can lose
SITES = ("limb", "bulbar", "other")


def simulation_data() -> Mapping[str, Any]:
    """``data/simulation.toml`` whole, frozen (its figures: ``alsprog.data.simulation()``)."""
    return data.table("simulation.toml")


def default_visit_interval_months() -> float:
    return data.simulation().follow_up.visit_interval_months
