"""What a reader sees instead of code names: column headers with units, and value formats.

``LABELS`` maps a machine column name (as the CSVs keep it) to the header a table shows;
``label`` falls back to the name with spaces for underscores. ``MEASURES`` does the same for the
measures of ``alsprog.translate``. The formats put one kind of number one way everywhere:
``whole`` for patients and deaths (rounded up: a trial cannot enrol 68.9 patients),
``horizon`` for a time horizon ('24 weeks', '1 year', '5 years'), ``years`` for a duration.
The report's tables and the command line's tables both use them.
"""

from __future__ import annotations

import math
import re
from typing import Any

LABELS: dict[str, str] = {
    # families and phenotypes
    "family": "Family",
    "n_parameters": "Parameters",
    "max_abs_error": "Largest miss (percentage points)",
    "bounds_met": "Bounds met",
    "median_years": "Median survival (years)",
    "mean_years": "Mean survival (years)",
    "log_likelihood": "Log-likelihood",
    "aic": "AIC",
    "name": "Phenotype",
    "phenotype": "Phenotype",
    "description": "Description",
    "s1": "Alive at 1 y",
    "s3": "Alive at 3 y",
    "s5": "Alive at 5 y",
    "s10": "Alive at 10 y",
    "s25": "Alive at 25 y",
    "s30": "Alive at 30 y",
    "other_cause_10": "Died of other causes by 10 y",
    "other_cause_25": "Died of other causes by 25 y",
    "identified": "Identified by its figures",
    "pinned_by": "Pinned by",
    "assumed": "Assumed",
    "sources": "Sources (notes below)",
    "phenotypes": "Phenotypes",
    "parameter": "Parameter",
    "pins": "What pins it",
    "estimate": "Estimate",
    "standard_error": "Standard error",
    "halfwidth": "Half-width (log or logit scale)",
    "status": "Status",
    # cohort
    "group": "Group",
    "curve": "Curve",
    "median_years_from_onset": "Median survival from onset (years)",
    "survival_3y_given_alive_at_start": "Alive 3 y after entry",
    "time": "Years from onset",
    "at_risk": "At risk",
    "events": "Deaths",
    "censored": "Censored",
    # interventions and trials
    "intervention": "Intervention",
    "measure": "Measure",
    "horizon_years": "Horizon",
    "value": "Value",
    "lower": "90% interval, lower",
    "upper": "90% interval, upper",
    "unit": "Unit",
    "monte_carlo_se": "Monte Carlo SE",
    "endpoint": "Endpoint",
    "n_per_arm": "Patients per arm",
    "n_per_arm_for_target": "Patients per arm for 80% power",
    "power_at_largest": "Power at the largest size",
    "schoenfeld_n_per_arm": "Patients per arm, Schoenfeld",
    "power": "Power",
    "power_se": "Power, Monte Carlo SE",
    "mean_events": "Deaths (mean)",
    "mean_estimate": "Estimate (mean)",
    "replicates": "Simulated trials",
    "n_total": "Patients",
    "deaths": "Deaths",
    "p_value": "p-value",
    "significant": "Significant",
    "rejection_rate": "Power",
    "se": "Standard error",
}

MEASURES: dict[str, str] = {
    "hazard_ratio": "all-cause hazard ratio, averaged over follow-up",
    "disease_hazard_ratio": "disease hazard ratio",
    "time_ratio": "time ratio (median survival, treated / untreated)",
    "median_gain_months": "gain in median survival",
    "mean_gain_months": "gain in mean survival",
    "rmst_gain_months": "gain in restricted mean survival",
    "survival_difference": "difference in survival",
    "alsfrs_r_difference": "difference in mean ALSFRS-R",
    "months_gained_before_kings_stage_2": "months gained before King's stage 2",
    "months_gained_before_kings_stage_3": "months gained before King's stage 3",
    "months_gained_before_kings_stage_4": "months gained before King's stage 4",
}

ENDPOINTS: dict[str, str] = {
    "logrank": "log-rank test",
    "cox": "Cox model",
    "ancova_24w": "ANCOVA, week-24 change",
    "slope": "ALSFRS-R slope",
    "cafs": "CAFS",
}

WEEKS = (4, 8, 12, 24, 36, 48, 52, 72)


def label(column: object) -> str:
    """The header a reader sees for a machine column name."""
    text = str(column)
    return LABELS.get(text, text.replace("_", " "))


def whole(value: Any) -> str:
    """A count of patients or deaths, rounded up to a whole number ('' when missing)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return f"{math.ceil(float(value) - 1e-9):,}"


def years(value: Any) -> str:
    """A duration in years, '1 year' or '2.5 years'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and math.isinf(value):
        return "never reached"
    shown = f"{float(value):.3g}"
    return f"{shown} year" if shown == "1" else f"{shown} years"


def horizon(value: Any) -> str:
    """A time horizon in years as a reader says it: 0.4615 -> '24 weeks', 1.0 -> '1 year'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    for weeks in WEEKS:
        if abs(float(value) * 52 - weeks) < 0.05 or abs(float(value) * 365.25 / 7 - weeks) < 0.05:
            return f"{weeks} weeks"
    return years(value)


def measure(value: Any) -> str:
    """A measure of ``alsprog.translate`` in words."""
    return MEASURES.get(str(value), str(value).replace("_", " "))


def endpoint(value: Any) -> str:
    """A trial endpoint in words."""
    return ENDPOINTS.get(str(value), str(value))


# what each declared parameter of a family means (by its declared name; the unit comes from
# the family's ``declared_parameters``)
PARAMETER_WORDS: dict[str, str] = {
    "mu": "location, mean of log survival time",
    "sigma": "spread, SD of log survival time",
    "q": "shape q",
    "gamma": "spline coefficient",
}
FAMILY_WORDS: dict[str, str] = {
    "LogNormal": "log-normal",
    "LogLogistic": "log-logistic",
    "GeneralizedGamma": "generalised gamma",
    "PiecewiseExponential": "piecewise exponential",
}


def _unit(unit: str) -> str:
    return "" if unit in ("", "dimensionless") else f" ({unit})"


def _family_parameter(model: Any, name: str) -> str:
    """'Weibull scale (years)' for parameter ``name`` of ``model``'s family."""
    family = type(model).__name__
    words = FAMILY_WORDS.get(family, family.lower() if family != "Weibull" else family)
    stem = name.rstrip("0123456789").rstrip("_")
    declared = {p.name: p for p in getattr(model, "declared_parameters", ())}
    if stem not in declared:
        return f"{words} {name.replace('_', ' ')}"
    meaning = PARAMETER_WORDS.get(stem, stem)
    number = name[len(stem) :].lstrip("_")
    return f"{words} {meaning}{f' {number}' if number else ''}{_unit(declared[stem].unit)}"


def parameter(name: str, model: Any) -> str:
    """A calibrated parameter in words, from ``model``'s structure: 'weight_1' of a mixture
    with components named ('typical', 'slower') -> 'weight of component 2 (slower), share';
    '0.scale' -> 'component 1 (typical) Weibull scale (years)'; 'sigma' of a log-normal ->
    'log-normal spread (SD of log survival time) (log years)'. A proportional-hazards model
    (a site or phenotype scaled from another) is read through its base; its 'hazard_ratio' is
    the multiplier of the base's hazard. Unknown names come back with spaces."""
    base = getattr(model, "base", None)
    if name == "hazard_ratio":
        return "hazard ratio (times the hazard of the curve it is scaled from)"
    if base is not None:
        return parameter(name, base)
    parts = tuple(getattr(model, "components", ()))
    names = tuple(getattr(model, "names", ()) or ())
    if parts:

        def component(k: int) -> str:
            named = f" ({names[k]})" if k < len(names) and names[k] else ""
            return f"component {k + 1}{named}"

        weight = re.fullmatch(r"weight_(\d+)", name)
        if weight and int(weight.group(1)) < len(parts):
            return f"weight of {component(int(weight.group(1)))}, share"
        nested = re.fullmatch(r"(\d+)\.(\w+)", name)
        if nested and int(nested.group(1)) < len(parts):
            k = int(nested.group(1))
            return f"{component(k)} {_family_parameter(parts[k], nested.group(2))}"
        return name.replace("_", " ")
    return _family_parameter(model, name)
