"""The cohort figures of ``data/simulation.toml`` as one frozen record, and the ALSFRS-R layout."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
SITES = ("limb", "bulbar", "other")


def simulation_data() -> Mapping[str, Any]:
    """``data/simulation.toml`` whole, frozen (its figures: ``alsprog.data.simulation()``)."""
    return data.table("simulation.toml")


@dataclass(frozen=True)
class CohortSettings:
    """The cohort figures of ``data/simulation.toml`` beside the course: the visit noise (SD of
    the normal noise on each item's latent score, points), each phenotype component's onset
    site, and the default MND mix. The course's own figures (rate, copula, clock, uptake) are
    ``progression_settings.ProgressionSettings`` (``data/course.toml``)."""

    visit_noise_sd: float
    onset_site: dict
    mnd_shares: dict

    @classmethod
    def default(cls) -> CohortSettings:
        d = data.simulation()
        return cls(
            visit_noise_sd=d.items.visit_noise_sd,
            onset_site=dict(d.onset_site),
            mnd_shares=dict(d.mnd),
        )


def default_visit_interval_months() -> float:
    return data.simulation().follow_up.visit_interval_months
