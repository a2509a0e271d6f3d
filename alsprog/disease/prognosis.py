"""One patient's outlook: given a profile and alive today, what lies ahead.

The patient's model is the calibrated phenotype with the patient's hazard ratio (age at onset,
diagnostic delay, ALSFRS-R progression rate, FVC, frontotemporal dementia), ordinary mortality
for their age and sex, and an optional treatment; conditioned on being alive
``years_since_onset`` years after onset. The uncertainty band comes from recalibrating the
phenotype to its figures redrawn within their uncertainty (``disease.draws.uncertainty_draws``).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from alsprog.disease.draws import uncertainty_draws
from alsprog.disease.library import DEFAULT_TABLE, MAX_DRAWS, phenotype
from alsprog.disease.phenotype import Phenotype
from alsprog.errors import InputError, check_flag, check_range, check_whole
from alsprog.interventions.presets import treatment_effect
from alsprog.models.base import SurvivalModel
from alsprog.population.covariates import Population, resolve_population
from alsprog.population.lifetable import LifeTable

BAND_LEVEL = 0.90
HORIZONS = (1, 2, 5)  # years from now for p_alive
MAX_AGE_YEARS = 110.0  # the accepted range of onset ages, 0-110 years
MAX_YEARS_SINCE_ONSET = 120.0  # a bound on plausible input; the life table ends at age 119
MAX_FVC_PERCENT = 150.0  # FVC above 150% of predicted is taken as a typing error
MAX_BAND_DRAWS = MAX_DRAWS  # limit: each draw is a recalibration


@dataclass(frozen=True)
class Prognosis:
    """The outlook of one patient, times in years from today.

    inputs : the profile as given, plus the figures used (hazard ratio, progression rate).
    model : the patient's residual-life model (from today).
    curve : DataFrame with columns years_from_now, survival, lower, upper (the 90% band).
    median_remaining_years : median remaining survival.
    quartiles_remaining_years : (time by which 25% have died, time by which 75% have died).
    p_alive : probability of being alive 1, 2 and 5 years from now, by horizon.
    """

    inputs: dict
    model: SurvivalModel = field(repr=False)
    curve: pd.DataFrame = field(repr=False)
    median_remaining_years: float
    quartiles_remaining_years: tuple[float, float]
    p_alive: dict[int, float]
    band_level: float = BAND_LEVEL

    def to_dict(self) -> dict:
        """A JSON-ready dict (the CLI's --json shape)."""
        return {
            "inputs": self.inputs,
            "median_remaining_years": self.median_remaining_years,
            "quartiles_remaining_years": list(self.quartiles_remaining_years),
            "p_alive": {str(k): v for k, v in self.p_alive.items()},
            "band_level": self.band_level,
            "band": self.curve.to_dict(orient="records"),
        }


def _label(treatment: object | None) -> str | None:
    return None if treatment is None else repr(treatment)


def _check_range(name: str, value: float | None, low: float, high: float, fix: str) -> None:
    if value is not None:
        check_range(f"prognosis: {name}", value, low, high, fix)


def band_limits(curves: np.ndarray, level: float = BAND_LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """The central ``level`` band of redrawn curves (one per row): lower and upper quantiles."""
    tail = (1 - level) / 2
    return (
        np.quantile(curves, tail, axis=0, method="weibull"),
        np.quantile(curves, 1 - tail, axis=0, method="weibull"),
    )


def _treatment_hazard_ratio(treatment: object | None) -> float:
    """The product of the treatment's hazard ratios (1 without one): a label, the effect itself
    acts through ``model.with_effect``."""
    if treatment is None:
        return 1.0
    if not hasattr(treatment, "apply"):
        raise InputError(
            f"prognosis: treatment {treatment!r} is unknown; pass an effect such as "
            "alsprog.effects.riluzole() or a preset's name (riluzole, edaravone)"
        )
    parts = getattr(treatment, "components", ())  # an effect: its elementary parts
    ratios = [c.value for c in parts if c.kind == "hazard_ratio"]
    return float(math.prod(ratios))


def patient_model(
    item: Phenotype,
    age_at_onset: float,
    sex: str | None,
    delay_months: float | None,
    progression_rate: float | None,
    fvc_percent: float | None,
    ftd: bool,
    treatment: object | None,
) -> SurvivalModel:
    """The patient's all-cause model from onset, under ``treatment`` (an effect, or None)."""
    model = item.patient(age_at_onset, sex, delay_months, progression_rate, fvc_percent, ftd)
    return model if treatment is None else model.with_effect(treatment)


def prognosis(
    phenotype_name: str = "als",
    *,
    age_at_onset: float,
    years_since_onset: float,
    sex: str | None = None,
    diagnosis_delay_months: float | None = None,
    alsfrs_r: float | None = None,
    fvc_percent: float | None = None,
    ftd: bool = False,
    treatment: object | None = None,
    background: str | Path | LifeTable | None = DEFAULT_TABLE,
    horizon_years: float = 10.0,
    band_draws: int = 60,
    treatment_name: str | None = None,
    population: str | Population | None = None,
) -> Prognosis:
    """The outlook of a patient alive ``years_since_onset`` years after symptom onset.

    Parameters
    ----------
    phenotype_name : als, als_limb, als_bulbar, als_flail, pbp, pma, pls or ppbp.
    age_at_onset : years (0-110).
    years_since_onset : years from onset to today (>= 0); 0 gives the unconditional outlook.
    sex : 'male', 'female' or None (averaged with the population's share of men).
    diagnosis_delay_months : months from onset to diagnosis (<= time since onset).
    alsfrs_r : today's ALSFRS-R total (0-48); sets the progression rate
        (48 - ALSFRS-R) / months since onset.
    fvc_percent : forced vital capacity, % of predicted (0-150).
    ftd : frontotemporal dementia.
    treatment : None, an effect (``alsprog.effects.riluzole()``: hazard ratio 0.84 from
        diagnosis; ``edaravone()``: no survival effect), or a preset's name ('riluzole',
        'edaravone'; then also the treatment's label in ``inputs``). It acts from the
        patient's diagnosis (``diagnosis_delay_months``, or the median delay when not given).
    treatment_name : the treatment's name for ``inputs`` (the caller's label).
    background : life table for ordinary mortality, or None for the disease alone.
    horizon_years : length of the returned curve (years from now).
    band_draws : recalibrated phenotype versions behind the 90% band.
    population : the population the phenotype is calibrated over (as in ``phenotype``): None
        or 'default', 'register' or a ``Population``. It sets the reference patient (the
        population's mean onset age) and the disease hazard that meets the figures over it;
        ``inputs['population']`` names it when it is not the default.
    """
    check_range(  # required: None is refused here, not skipped
        "prognosis: age_at_onset", age_at_onset, 0, MAX_AGE_YEARS, "give the age at onset in years"
    )
    check_range(
        "prognosis: years_since_onset",
        years_since_onset,
        0,
        MAX_YEARS_SINCE_ONSET,
        "give years from onset to today",
    )
    _check_range("alsfrs_r", alsfrs_r, 0, 48, "ALSFRS-R totals run from 0 to 48")
    _check_range("fvc_percent", fvc_percent, 0, MAX_FVC_PERCENT, "give FVC as % of predicted")
    check_range(
        "prognosis: horizon_years", horizon_years, 1e-9, MAX_YEARS_SINCE_ONSET, "give years ahead"
    )
    check_flag("prognosis: ftd", ftd)
    band_draws = check_whole("prognosis: band_draws", band_draws, 2, MAX_BAND_DRAWS)
    _check_range(
        "diagnosis_delay_months",
        diagnosis_delay_months,
        0,
        12 * years_since_onset,
        "diagnosis comes after onset and by today",
    )
    if sex is not None and sex not in ("male", "female"):
        raise InputError(
            f"prognosis: sex {sex!r} is unknown; use 'male' or 'female' (or leave it out)"
        )

    progression = None
    if alsfrs_r is not None:
        if years_since_onset <= 0:
            raise InputError(
                "prognosis: alsfrs_r needs years_since_onset > 0 to give a progression rate"
            )
        progression = (48.0 - alsfrs_r) / (12.0 * years_since_onset)
    if isinstance(treatment, str):
        treatment_name, treatment = treatment, treatment_effect(treatment)
    treatment_hr = _treatment_hazard_ratio(treatment)
    chosen = resolve_population(population)  # None: the default population
    item = phenotype(phenotype_name, background, chosen)
    oldest = item.table.max_age if item.table is not None else math.inf
    if age_at_onset + years_since_onset > oldest:
        raise InputError(
            f"prognosis: onset at {age_at_onset:g} plus {years_since_onset:g} years is past the "
            f"oldest age in the life table ({oldest:g}); check the ages"
        )
    if float(age_at_onset) + float(years_since_onset) > MAX_AGE_YEARS:
        raise InputError(
            f"prognosis: onset at {float(age_at_onset):g} plus {float(years_since_onset):g} "
            f"years is an age of {float(age_at_onset) + float(years_since_onset):g} today, above "
            f"{MAX_AGE_YEARS:g}; check the ages"
        )
    args = (age_at_onset, sex, diagnosis_delay_months, progression, fvc_percent, ftd, treatment)
    model = patient_model(item, *args)
    alive_today = float(model.survival(years_since_onset))
    if not alive_today > 1e-12:
        raise InputError(
            f"prognosis: under the {phenotype_name} model nobody is alive "
            f"{years_since_onset:g} years after onset with this profile; check years_since_onset"
        )
    residual = model.conditional(years_since_onset)
    grid = np.linspace(0.0, horizon_years, 121)
    draws = [
        patient_model(d, *args)
        for d in uncertainty_draws(phenotype_name, background, band_draws, population=chosen)
    ]
    curves = np.array(
        [
            d.conditional(years_since_onset).survival(grid)
            for d in draws
            if d.survival(years_since_onset) > 0
        ]
    )
    if len(curves) < 0.8 * band_draws:
        warnings.warn(
            f"prognosis: only {len(curves)} of {band_draws} redrawn calibrations succeeded; "
            "the band may be too narrow",
            stacklevel=2,
        )
    lower, upper = band_limits(curves)
    curve = pd.DataFrame(
        {
            "years_from_now": grid,
            "survival": residual.survival(grid),
            "lower": lower,
            "upper": upper,
        }
    )
    hazard_ratio = float(
        item.effects.hazard_ratio(
            age_at_onset, diagnosis_delay_months, progression, fvc_percent, ftd
        )
    )
    inputs = {
        "phenotype": phenotype_name,
        "age_at_onset": age_at_onset,
        "years_since_onset": years_since_onset,
        "sex": sex,
        "diagnosis_delay_months": diagnosis_delay_months,
        "alsfrs_r": alsfrs_r,
        "fvc_percent": fvc_percent,
        "ftd": ftd,
        "treatment": treatment_name if treatment_name is not None else _label(treatment),
        "background": None if item.table is None else item.table.name,
        "progression_rate_points_per_month": progression,
        "hazard_ratio_vs_reference": hazard_ratio,
        "treatment_hazard_ratio": treatment_hr,
        "reference_profile": {
            "age_at_onset": item.effects.reference_age,
            "diagnosis_delay_months": item.effects.reference_delay_months,
            "progression_rate_points_per_month": item.effects.reference_progression,
            "fvc_percent": item.effects.reference_fvc_percent,
            "ftd": False,
        },
        "probability_alive_today_from_onset": alive_today,
        "band_draws_used": len(curves),
    }
    if chosen is not None:
        inputs["population"] = population if isinstance(population, str) else "custom"
    quartiles = np.asarray(residual.quantile(np.array([0.25, 0.75])))
    return Prognosis(
        inputs=inputs,
        model=residual,
        curve=curve,
        median_remaining_years=residual.median(),
        quartiles_remaining_years=(float(quartiles[0]), float(quartiles[1])),
        p_alive={h: float(residual.survival(float(h))) for h in HORIZONS},
    )
