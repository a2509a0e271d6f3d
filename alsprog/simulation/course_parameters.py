"""The course figures ``calibrate_course`` fits: their names (``FITTED``, with the transform
to the free coordinates the optimiser moves in), their bounds (``BOUNDS``, each with its reason)
and the maps between a ``ProgressionSettings`` and those coordinates. A fitted figure is a field
of ``ProgressionSettings`` or, for PMA's own course, of its ``pma`` (``PMA_FIELDS``).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from alsprog.errors import InputError
from alsprog.simulation.progression_settings import ProgressionSettings

# the fitted fields and their transform: "log" (> 0), "logit" (0-1), "half" (0-0.5), "corr"
# (-0.95-0.95), "id"
FITTED: dict[str, str] = {
    "rate_median": "log",
    "rate_log_sd": "log",
    "copula_correlation": "corr",
    "curvature": "id",
    "clock_deceleration": "log",
    "clock_scale_years": "log",
    "domain_span_points": "log",
    "later_span_factor": "log",
    "item_stagger": "half",
    "item_pace_log_sd": "log",
    "respiratory_span_factor": "log",
    "second_region_points": "log",
    "third_region_points": "log",
    "respiratory_points": "log",
    "gap_log_sd": "log",
    "end_stage_months": "log",
    "niv_share": "logit",
    "niv_end_stage_months": "log",
    "swallowing_clock_cap": "logit",
    "gastrostomy_share": "logit",
    "tracheostomy_share": "logit",
    "tracheostomy_survival_months": "log",
    "niv_delay_months": "log",
    "gastrostomy_delay_months": "log",
    "rate_median_pls": "log",
    "rate_median_pma": "log",
    "sign_lead_points": "log",
    "pma_bulbar_share": "logit",
}
# fitted figures that live in PMA's own course (ProgressionSettings.pma): name -> PmaCourse field
PMA_FIELDS = {"pma_bulbar_share": "bulbar_share"}
# Bounds on the fitted figures (in their own units; None: open), so the fit stays inside the
# model the course describes: fast decliners die sooner (a negative copula correlation), each
# patient's decline never speeds up with time (clock deceleration <= 1), patients differ in
# rate (log-SD >= 0.2; assumption: without it the fit trades the rate's spread for the items')
BOUNDS: dict[str, tuple[float | None, float | None]] = {
    # assumption: the link is loose (at -0.94, where the fit went, the rate all but fixed the
    # death time: Spearman correlation of rate and death time below -0.8, where clinic
    # cohorts see patients of one rate die years apart)
    "copula_correlation": (-0.8, 0.0),
    "clock_deceleration": (0.2, 1.0),
    "rate_log_sd": (0.2, 1.5),
    "item_pace_log_sd": (None, 1.0),
    "clock_scale_years": (0.25, 10.0),
    # assumption: PMA's clock keeps moving (Visser et al., Arch Neurol 2007: muscle strength and
    # the number of affected limb regions fell relentlessly over 18 months); without a bound an
    # earlier fit drove it to 0.04 and PMA patients sat near 47 until their end stage. At 0.16
    # (the last bound, "no slower than PLS's 1.92 points a year", which Visser's own 1.23 a
    # year contradicts) PMA overshot Visser's decline and bent the shared spans instead
    "rate_median_pma": (0.1, None),
    # assumption: the respiratory domain is involved on the clock after onset and declines on it
    # more slowly than the onset domain but not more than 5 times (PRO-ACT's respiratory subscore
    # declines least steeply, Muscle Nerve 2018): few targets read it, and without these bounds
    # the fit left it out of the clock altogether (involved at 0, span 1e13), so that nobody's
    # dyspnoea or orthopnoea fell before the end stage
    "respiratory_points": (5.0, None),
    "respiratory_span_factor": (1.0, 5.0),
    # assumption: a disease death's respiratory failure runs over at least 3 months at the median
    # (a fit without this bound went under 2 months, a cliff before death that no clinic sees;
    # Chen's King's stage 4, from the need for NIV or a gastrostomy to death, is 4.1 months)
    "end_stage_months": (3.0, None),
    # assumption: a gastrostomy comes at least a week (on average) after the need for it is
    # recorded (referral and scheduling); unbounded, the fit drove the delay to 0
    "gastrostomy_delay_months": (0.25, None),
    # assumption: the spread between patients of the gaps between regions stays below a factor
    # of e^2 (about 7) at one SD
    "gap_log_sd": (None, 2.0),
}


def fitted_value(settings: ProgressionSettings, name: str) -> float:
    """The value of the fitted figure ``name`` (a ``FITTED`` name) in ``settings``."""
    if name in PMA_FIELDS:
        return float(getattr(settings.pma, PMA_FIELDS[name]))
    return float(getattr(settings, name))


def with_fitted(base: ProgressionSettings, values: dict[str, float]) -> ProgressionSettings:
    """``base`` with the fitted figures ``values`` (``FITTED`` names) set."""
    pma = {PMA_FIELDS[k]: v for k, v in values.items() if k in PMA_FIELDS}
    top: dict[str, Any] = {k: v for k, v in values.items() if k not in PMA_FIELDS}
    if pma:
        if base.pma is None:
            raise InputError("calibrate_course: PMA figures need a course with PMA's own course")
        top["pma"] = replace(base.pma, **pma)
    return replace(base, **top)


def to_free(settings: ProgressionSettings, names: tuple[str, ...]) -> np.ndarray:
    out = []
    for name in names:
        kind = FITTED[name]
        v = fitted_value(settings, name)
        if kind == "log":
            out.append(math.log(v))
        elif kind == "logit":
            out.append(math.log(v / (1.0 - v)))
        elif kind == "half":
            out.append(math.log(v / (0.5 - v)))
        elif kind == "corr":
            out.append(math.atanh(v / 0.95))
        else:
            out.append(v)
    return np.array(out)


def from_free(
    x: np.ndarray, base: ProgressionSettings, names: tuple[str, ...]
) -> ProgressionSettings:
    values: dict[str, Any] = {}
    for v, name in zip(x, names, strict=True):
        kind = FITTED[name]
        v = float(np.clip(v, -30.0, 30.0))
        if kind == "log":
            values[name] = math.exp(v)
        elif kind == "logit":
            values[name] = 1.0 / (1.0 + math.exp(-v))
        elif kind == "half":
            values[name] = 0.5 / (1.0 + math.exp(-v))
        elif kind == "corr":
            values[name] = 0.95 * math.tanh(v)
        else:
            values[name] = v
    return with_fitted(base, values)


def free_bounds(base: ProgressionSettings, names: tuple[str, ...]) -> tuple:
    """BOUNDS in the free coordinates (-inf / inf where open)."""
    low, high = np.full(len(names), -np.inf), np.full(len(names), np.inf)
    for j, name in enumerate(names):
        for k, value in enumerate(BOUNDS.get(name, (None, None))):
            if value is None:
                continue
            free = to_free(with_fitted(base, {name: value}), (name,))[0] if value != 0.0 else 0.0
            (low if k == 0 else high)[j] = free
    return low, high
