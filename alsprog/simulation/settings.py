"""The figures of ``data/simulation.toml`` as one frozen record, and the ALSFRS-R layout."""

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
class CourseSettings:
    """Figures of the simulated course; units in the field names (fractions are of the
    disease death time)."""

    rate_median: float
    rate_log_sd: float
    rate_median_by_phenotype: dict
    copula_correlation: float
    sigmoid_share: float
    sigmoid_steepness: float
    spread_rate_factor: float
    second_region_fraction: float
    third_region_gap_fraction: float
    spread_jitter_log_sd: float
    last_involvement_fraction: float
    terminal_share: float
    upper_limb_first_share: float
    region_orders: dict
    item_order: dict
    item_weights: dict  # domain -> the shares of its three items, in their spread order
    visit_noise_sd: float
    gastrostomy_at_most: int
    niv_at_most: int
    tracheostomy_share: float
    insufficiency_floor: int
    onset_site: dict
    mnd_shares: dict

    @classmethod
    def default(cls) -> CourseSettings:
        d = data.simulation()
        course, items, weights, milestones = d.course, d.items, d.items.weights, d.milestones
        return cls(
            rate_median=d.progression.median_points_per_month,
            rate_log_sd=d.progression.log_sd,
            rate_median_by_phenotype=dict(d.progression.median_by_phenotype),
            copula_correlation=d.copula.correlation,
            sigmoid_share=course.sigmoid_share,
            sigmoid_steepness=course.sigmoid_steepness,
            spread_rate_factor=course.spread_rate_factor,
            second_region_fraction=course.second_region_fraction,
            third_region_gap_fraction=course.third_region_gap_fraction,
            spread_jitter_log_sd=course.spread_jitter_log_sd,
            last_involvement_fraction=course.last_involvement_fraction,
            terminal_share=course.terminal_share,
            upper_limb_first_share=course.upper_limb_first_share,
            region_orders={
                "upper": course.order_after_upper_limb,
                "lower": course.order_after_lower_limb,
                "bulbar": course.order_after_bulbar,
            },
            item_order=dict(
                zip(
                    DOMAINS,
                    (items.bulbar, items.fine_motor, items.gross_motor, items.respiratory),
                    strict=True,
                )
            ),
            item_weights=dict(
                zip(
                    DOMAINS,
                    (weights.bulbar, weights.fine_motor, weights.gross_motor, weights.respiratory),
                    strict=True,
                )
            ),
            visit_noise_sd=items.visit_noise_sd,
            gastrostomy_at_most=milestones.gastrostomy_swallowing_at_most,
            niv_at_most=milestones.niv_respiratory_insufficiency_at_most,
            tracheostomy_share=milestones.tracheostomy_share,
            insufficiency_floor=milestones.respiratory_insufficiency_floor_without_tracheostomy,
            onset_site=dict(d.onset_site),
            mnd_shares=dict(d.mnd),
        )


def default_visit_interval_months() -> float:
    return data.simulation().follow_up.visit_interval_months
