"""The figures of the progression-clock course (``data/course.toml``) as one frozen record, and
the draws the course needs from the patient sampler.

The course takes every random number as an argument (uniforms and standard normals, one row per
patient): the single patient sampler feeds them from its counter-based streams, so a patient's
course never depends on the block, the worker or the other patients. ``DRAWS`` lists them;
``harness_draws`` makes them from one numpy generator for tests and the calibration's stand-in
cohort only.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from alsprog.simulation.pma_course import PmaCourse
from alsprog.simulation.settings import DOMAINS, ITEMS, simulation_data

# name -> (kind, columns): "uniform" in [0, 1), "normal" standard normal; 1 column is shape (n,)
DRAWS: dict[str, tuple[str, int]] = {
    "u_upper_limb_first": ("uniform", 1),
    "z_gap": ("normal", 3),  # 2nd region, 3rd region, respiratory involvement
    "u_item_offset": ("uniform", 12),
    "z_item_pace": ("normal", 12),
    "z_end_stage": ("normal", 1),
    "u_tracheostomy": ("uniform", 1),
    "z_tracheostomy_survival": ("normal", 1),
    "u_niv": ("uniform", 1),
    "u_niv_delay": ("uniform", 1),
    "u_gastrostomy": ("uniform", 1),
    "u_gastrostomy_delay": ("uniform", 1),
    "u_end_depth": ("uniform", 1),  # whether the end stage runs the end domain to 0
}


@cache
def course_data() -> dict:
    """The parsed ``data/course.toml``."""
    text = resources.files("alsprog.data").joinpath("course.toml").read_text("utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True)
class ProgressionSettings:
    """Figures of the progression-clock course; units in the field names (``_points``: clock
    points, 12 x rate x years; ``_months``: months; shares in 0-1)."""

    rate_median: float
    rate_log_sd: float
    rate_median_pls: float
    rate_median_pma: float
    copula_correlation: float
    curvature: float
    clock_deceleration: float
    domain_span_points: float
    later_span_factor: float
    respiratory_span_factor: float
    item_stagger: float
    item_offset_jitter: float
    item_pace_log_sd: float
    second_region_points: float
    third_region_points: float
    respiratory_points: float
    gap_log_sd: float
    upper_limb_first_share: float
    end_stage_months: float
    end_stage_log_sd: float
    end_domain_clock_cap: float
    floor_years_max: float
    niv_share: float
    gastrostomy_share: float
    tracheostomy_share: float
    niv_delay_months: float
    gastrostomy_delay_months: float
    tracheostomy_survival_months: float
    tracheostomy_survival_log_sd: float
    gastrostomy_at_most: int
    niv_at_most: int
    item_order: tuple  # per domain (DOMAINS order), its three items in the order they decline
    region_orders: tuple  # (after upper limb, after lower limb, after bulbar): domain indices
    onset_loss_points: float = 0.0  # latent points the first item has lost at onset
    niv_orthopnea_at_most: int = -1  # NIV need also when orthopnoea is this or less (-1: never)
    niv_end_stage_months: float = 0.0  # an NIV user's end stage lasts this much longer
    swallowing_clock_cap: float = 1.0  # share of swallowing the clock takes (1: all of it)
    # a share of the patients without NIV or a tracheostomy die before their end stage has run
    # its domain to 0: it takes their end domain's items only end_stage_partial_depth of the way
    clock_scale_years: float = 1.0  # the clock's deceleration scale s in F(u)
    end_stage_partial_share: float = 0.0
    end_stage_partial_depth: float = 1.0
    pma: PmaCourse | None = None  # PMA's own course (pma_course); None: PMA runs as ALS
    # clinical signs (El Escorial regions) of a domain precede its first functional loss by this
    # many clock points; read only by a trial's selection (course_moments: MCI186-19)
    sign_lead_points: float = 0.0
    # no limb domain (fine or gross motor) reaches 0 more than this many years before the end
    # stage of the untreated course (inf: no such cap; build_course's rate cap)
    limb_floor_years_max: float = math.inf

    @classmethod
    def default(cls) -> ProgressionSettings:
        """The shipped course: ``data/course.toml`` with the calibrated fields as fitted
        (``course_shipped.shipped_calibration``; a stale fit is recomputed, with a warning)."""
        from alsprog.simulation.course_shipped import shipped_settings

        return shipped_settings()

    @classmethod
    def start(cls) -> ProgressionSettings:
        """``data/course.toml`` as written: the calibrated fields at the fit's start values."""
        d, items = course_data(), simulation_data()["items"]
        course = simulation_data()["course"]
        r, s, sp, e, u = d["rate"], d["shape"], d["spread"], d["end_stage"], d["uptake"]
        orders = tuple(
            tuple(DOMAINS.index(x) for x in course[key])
            for key in ("order_after_upper_limb", "order_after_lower_limb", "order_after_bulbar")
        )
        return cls(
            rate_median=r["median_points_per_month"],
            rate_log_sd=r["log_sd"],
            rate_median_pls=r["pls"],
            rate_median_pma=r["pma"],
            copula_correlation=d["copula"]["correlation"],
            curvature=s["curvature"],
            clock_deceleration=s["clock_deceleration"],
            domain_span_points=s["domain_span_points"],
            later_span_factor=s["later_span_factor"],
            respiratory_span_factor=s["respiratory_span_factor"],
            item_stagger=s["item_stagger"],
            item_offset_jitter=s["item_offset_jitter"],
            item_pace_log_sd=s["item_pace_log_sd"],
            second_region_points=sp["second_region_points"],
            third_region_points=sp["third_region_points"],
            respiratory_points=sp["respiratory_points"],
            gap_log_sd=sp["gap_log_sd"],
            upper_limb_first_share=sp["upper_limb_first_share"],
            end_stage_months=e["median_months"],
            end_stage_log_sd=e["log_sd"],
            end_domain_clock_cap=e["clock_cap"],
            floor_years_max=e["floor_years_max"],
            limb_floor_years_max=e["limb_floor_years_max"],
            niv_share=u["niv_share"],
            gastrostomy_share=u["gastrostomy_share"],
            tracheostomy_share=u["tracheostomy_share"],
            niv_delay_months=u["niv_delay_months"],
            gastrostomy_delay_months=u["gastrostomy_delay_months"],
            tracheostomy_survival_months=u["tracheostomy_survival_months"],
            tracheostomy_survival_log_sd=u["tracheostomy_survival_log_sd"],
            gastrostomy_at_most=d["need"]["gastrostomy_swallowing_at_most"],
            niv_at_most=d["need"]["niv_respiratory_insufficiency_at_most"],
            item_order=tuple(tuple(ITEMS.index(i) for i in items[dom]) for dom in DOMAINS),
            region_orders=orders,
            onset_loss_points=s["onset_loss_points"],
            niv_orthopnea_at_most=d["need"]["niv_orthopnea_at_most"],
            niv_end_stage_months=e["niv_months"],
            swallowing_clock_cap=e["swallowing_clock_cap"],
            clock_scale_years=s["clock_scale_years"],
            end_stage_partial_share=e["partial_share"],
            end_stage_partial_depth=e["partial_depth"],
            pma=PmaCourse.from_data(d["pma"]),
            sign_lead_points=d["signs"]["lead_points"],
        )


def harness_draws(n: int, seed: int) -> dict[str, np.ndarray]:
    """Every draw of ``DRAWS`` for ``n`` patients from one generator seeded ``seed``: for tests
    and the calibration's stand-in cohort, never for the package's cohorts (the sampler's
    counter-based streams feed those)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(26,)))
    out = {}
    for name, (kind, columns) in DRAWS.items():
        shape = (n,) if columns == 1 else (n, columns)
        out[name] = rng.random(shape) if kind == "uniform" else rng.standard_normal(shape)
    return out
