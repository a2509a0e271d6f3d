"""Prognostic factors as hazard ratios, and the default patient population they average over.

Factors act on the disease hazard (proportional hazards) around a reference profile, the
population's typical patient: onset at the population's mean age, the median diagnostic delay,
the reference progression rate and FVC, no frontotemporal dementia. Figures and sources:
``data/phenotypes.toml``.

A ``Population`` is a distribution of onset age (normal), sex and diagnostic delay
(log-normal): the default (the MSD Manual's modal onset decade, the 50s) or a named alternative
(``Population.named("register")``: population registers' later onset). ``Population.nodes()``
turns it into Gauss-Hermite quadrature points, so that an average over patients is a short
weighted sum; ``Population.sample`` draws real patients.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from numpy.polynomial.hermite_e import hermegauss

from alsprog import data as data_files
from alsprog.errors import InputError, check_finite, check_positive, check_probability

# 4.333: months of delay to the weeks of the published hazard ratio per 12 weeks, a 52-week year
# (12 weeks = 3 months); trials count calendar weeks (4.348 a month, trials.analysis.inputs).
WEEKS_PER_MONTH_52_WEEK_YEAR = 52.0 / 12.0
AGE_NODES, DELAY_NODES = 9, 5
# Assumption: onset ages are kept in 15-100 years. MND onset before 15 is juvenile disease outside
# these adult figures; the Normal(55, 10) default puts under 1e-4 of its mass beyond either end.
MIN_AGE, MAX_AGE = 15.0, 100.0
DEFAULT_NAMES = ("default", "msd_manual")  # [population] of data/phenotypes.toml
_SEXES = np.array(["male", "female"], dtype=object)  # as Python strings: no conversion later


@dataclass(frozen=True)
class CovariateEffects:
    """Hazard ratios of the prognostic factors and the reference profile they are relative to.

    Units: age in years, delay in months (its ratio is per 12 weeks), progression rate in
    ALSFRS-R points per month, FVC in % of predicted.
    """

    age_per_10_years: float
    delay_per_12_weeks: float
    progression_per_point_per_month: float
    fvc_per_percent_lower: float
    ftd: float
    reference_age: float
    reference_delay_months: float
    reference_progression: float
    reference_fvc_percent: float

    @classmethod
    def default(cls, reference_age: float | None = None) -> CovariateEffects:
        figures = data_files.phenotypes()
        factors, population = figures.covariates, figures.population
        return cls(
            age_per_10_years=factors.age_hazard_ratio_per_10_years,
            delay_per_12_weeks=factors.delay_hazard_ratio_per_12_weeks,
            progression_per_point_per_month=factors.progression_hazard_ratio_per_point_per_month,
            fvc_per_percent_lower=factors.fvc_hazard_ratio_per_percent_lower,
            ftd=factors.ftd_hazard_ratio,
            reference_age=population.onset_age_mean_years
            if reference_age is None
            else reference_age,
            reference_delay_months=population.delay_median_months,
            reference_progression=factors.reference_progression_points_per_month,
            reference_fvc_percent=factors.reference_fvc_percent,
        )

    def hazard_ratio(
        self,
        age_at_onset: float | np.ndarray,
        delay_months: float | np.ndarray | None = None,
        progression_rate: float | None = None,
        fvc_percent: float | None = None,
        ftd: bool = False,
    ) -> np.ndarray:
        """Hazard ratio of a profile against the reference patient (1 for the reference).

        A factor left as None is at its reference value.
        """
        age = np.asarray(age_at_onset, dtype=float)
        log_hr = math.log(self.age_per_10_years) * (age - self.reference_age) / 10.0
        if delay_months is not None:
            weeks = (np.asarray(delay_months, dtype=float) - self.reference_delay_months) * (
                WEEKS_PER_MONTH_52_WEEK_YEAR
            )
            log_hr = log_hr + math.log(self.delay_per_12_weeks) * weeks / 12.0
        if progression_rate is not None:
            log_hr = log_hr + math.log(self.progression_per_point_per_month) * (
                progression_rate - self.reference_progression
            )
        if fvc_percent is not None:
            log_hr = log_hr + math.log(self.fvc_per_percent_lower) * (
                self.reference_fvc_percent - fvc_percent
            )
        if ftd:
            log_hr = log_hr + math.log(self.ftd)
        return np.exp(log_hr)


@dataclass(frozen=True)
class Population:
    """Patients: onset age ~ Normal(mean, sd) kept in [15, 100] years, a share of men,
    and diagnostic delay ~ log-normal(median months, log-SD)."""

    male_share: float
    onset_age_mean: float
    onset_age_sd: float
    delay_median_months: float
    delay_log_sd: float

    def __post_init__(self) -> None:
        check_probability("population male_share", self.male_share)
        check_positive("population onset_age_sd (years)", self.onset_age_sd)
        check_positive("population delay_median_months", self.delay_median_months)
        check_positive("population delay_log_sd", self.delay_log_sd)
        check_finite("population onset_age_mean (years)", self.onset_age_mean)
        if not MIN_AGE <= self.onset_age_mean <= MAX_AGE:
            raise InputError(
                f"population onset_age_mean {self.onset_age_mean!r} is outside "
                f"{MIN_AGE:g}-{MAX_AGE:g} years; give a mean onset age in years"
            )

    @classmethod
    def default(cls, onset_age_mean: float | None = None) -> Population:
        figures = data_files.phenotypes().population
        return cls(
            male_share=figures.male_share,
            onset_age_mean=figures.onset_age_mean_years
            if onset_age_mean is None
            else onset_age_mean,
            onset_age_sd=figures.onset_age_sd_years,
            delay_median_months=figures.delay_median_months,
            delay_log_sd=figures.delay_log_sd,
        )

    @classmethod
    def named(cls, name: str) -> Population:
        """A population by name: 'default' or 'msd_manual' (``[population]`` of
        data/phenotypes.toml) or one of ``[named_population]`` there (e.g. 'register')."""
        if isinstance(name, str) and name in DEFAULT_NAMES:
            return cls.default()
        named = data_files.table("phenotypes.toml").get("named_population", {})
        if not isinstance(name, str) or name not in named:
            choices = ", ".join((*DEFAULT_NAMES, *sorted(named)))
            raise InputError(f"population {name!r} is unknown; choose one of {choices}")
        figures = named[name]
        return cls(
            male_share=float(figures["male_share"]),
            onset_age_mean=float(figures["onset_age_mean_years"]),
            onset_age_sd=float(figures["onset_age_sd_years"]),
            delay_median_months=float(figures["delay_median_months"]),
            delay_log_sd=float(figures["delay_log_sd"]),
        )

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The names ``Population.named`` accepts."""
        named = data_files.table("phenotypes.toml").get("named_population", {})
        return (*DEFAULT_NAMES, *sorted(named))

    def with_onset_age_mean(self, mean: float) -> Population:
        return replace(self, onset_age_mean=float(mean))

    def nodes(self) -> pd.DataFrame:
        """Quadrature points of the population: columns age_at_onset (years), sex,
        delay_months, weight (summing to 1). Gauss-Hermite in age and log delay."""
        z_age, w_age = hermegauss(AGE_NODES)
        z_delay, w_delay = hermegauss(DELAY_NODES)
        ages = np.clip(self.onset_age_mean + self.onset_age_sd * z_age, MIN_AGE, MAX_AGE)
        delays = self.delay_median_months * np.exp(self.delay_log_sd * z_delay)
        sex_share = {"male": self.male_share, "female": 1 - self.male_share}
        rows = [
            (age, sex, delay, wa * wd * share)
            for age, wa in zip(ages, w_age / w_age.sum(), strict=True)
            for sex, share in sex_share.items()
            for delay, wd in zip(delays, w_delay / w_delay.sum(), strict=True)
        ]
        frame = pd.DataFrame(rows, columns=["age_at_onset", "sex", "delay_months", "weight"])
        return frame[frame["weight"] > 0].reset_index(drop=True)

    def demographics(
        self, u_sex: np.ndarray, z_age: np.ndarray, z_delay: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Onset age (years, kept in [15, 100]), sex (0 male, 1 female: male below the share)
        and diagnostic delay (months) from a uniform and two standard normals (``box_muller``):
        the one transform cohorts and trial candidates share."""
        age = np.clip(self.onset_age_mean + self.onset_age_sd * z_age, MIN_AGE, MAX_AGE)
        sex = (u_sex >= self.male_share).astype(np.int8)
        delay = self.delay_median_months * np.exp(self.delay_log_sd * z_delay)
        return age, sex, delay

    def sample(self, n: int, rng: np.random.Generator) -> pd.DataFrame:
        """``n`` patients: columns age_at_onset (years), sex, delay_months; three uniforms each
        (sex, then the Box-Muller pair), turned by ``demographics``."""
        u = rng.random((3, n))
        age, sex, delay = self.demographics(u[0], *box_muller(u[1], u[2]))
        frame = {"age_at_onset": age, "sex": _SEXES[sex], "delay_months": delay}
        return pd.DataFrame(frame, copy=False)


def box_muller(u_radius: np.ndarray, u_angle: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two independent standard normals from two uniforms in [0, 1): radius
    sqrt(-2 log(1 - u_radius)) at angle 2 pi u_angle (cosine and sine). The trial prefilter
    bounds ages and delays over bins of these two uniforms, so cohorts use them too."""
    radius = np.sqrt(-2.0 * np.log(1.0 - u_radius))  # 1 - u is exact for u on the 2^-53 grid
    cos = np.cos((2.0 * np.pi) * u_angle)
    sin = np.sqrt(np.maximum(1.0 - cos * cos, 0.0))
    return radius * cos, np.copysign(radius, 0.5 - u_angle) * sin  # sin < 0 past pi


def resolve_population(population: object) -> Population | None:
    """None for the default population (None, 'default', 'msd_manual' or a ``Population``
    equal to it), else the ``Population`` meant: a name of ``Population.names()`` or the object."""
    if population is None:
        return None
    if isinstance(population, str):
        population = Population.named(population)
    if not isinstance(population, Population):
        raise InputError(
            f"population must be one of {', '.join(Population.names())} or a Population "
            f"(got {type(population).__name__})"
        )
    return None if population == Population.default() else population
