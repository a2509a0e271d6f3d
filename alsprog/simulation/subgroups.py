"""What a cohort draws from: its phenotypes (or a user's model) with their shares.

An ``Subgroup`` is one phenotype of the cohort: its share, its disease models by onset site, the
population and prognostic factors it was calibrated over, the life table, and the median
progression rate of its patients (``data/course.toml``: ALS, PLS and PMA their own; the other
phenotypes scaled from ALS, the assumption ``data/simulation.toml [rate_scaling]`` states).
``CohortSettings`` holds the cohort's figures of ``data/simulation.toml`` (each phenotype
component's onset site, the default MND mix, the visit noise); ``cohort_phenotype`` is
``simulate_cohort(..., population=)``: the default population leaves the phenotype as given,
another turns a phenotype name into that phenotype calibrated over it. A fitted regression
(``model=`` with ``covariates=``) is checked by ``regression_source``, reached only for one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from alsprog import data
from alsprog.disease.library import NAMES, phenotype
from alsprog.disease.phenotype import Phenotype
from alsprog.errors import InputError, is_real
from alsprog.estimation.regression_model import RegressionModel
from alsprog.models.base import SurvivalModel
from alsprog.population.covariates import CovariateEffects, Population, resolve_population
from alsprog.population.lifetable import LifeTable
from alsprog.simulation.progression_settings import ProgressionSettings
from alsprog.simulation.regression_source import RegressionSource, regression_source

MODEL = "model"
DERIVED_FROM_ALS = ("als", "als_limb", "als_bulbar")
BULBAR_FORMS = ("pbp", "ppbp")  # their end stage is bulbar failure (``progression``)
NO_RATE_CAP = ("pls",)  # years of severe disability, mostly other-cause deaths
LIMB_FORMS = ("pma",)  # a lower motor neuron disease of the limbs (``pma_course``)


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


def cohort_phenotype(
    spec: object,
    population: object,
    background: str | Path | LifeTable | None,
    model: object,
) -> object:
    """``spec`` (simulate_cohort's ``phenotype=``) under ``population``, checked."""
    chosen = resolve_population(population)
    if chosen is None:
        return spec
    if model is not None:
        raise InputError(
            "simulate_cohort: population= applies to a phenotype, not to model=; leave one out"
        )
    if isinstance(spec, Phenotype):
        raise InputError(
            f"simulate_cohort: phenotype {spec.name!r} is a Phenotype object, which carries its "
            "own population; pass its name with population=, or leave population= out"
        )
    if not isinstance(spec, str) or spec == "mnd":
        raise InputError(
            f"simulate_cohort: population= takes one phenotype name (got {spec!r}); simulate "
            "each phenotype of a mix on its own"
        )
    return phenotype(spec, background, chosen)


@dataclass(frozen=True)
class Subgroup:
    """One phenotype of a cohort.

    name : a phenotype name, or 'model' for a user's model.
    share : its share of the cohort (0-1).
    sites : (onset site, share, disease model) per disease component; for a user's model the
        model is the patient's all-cause survival and the sites only shape the course.
    population, effects : demographics and prognostic factors (none for a user's model).
    table : the life table for ordinary mortality, or None.
    rate_median : median progression rate, ALSFRS-R points per month.
    curve : the model whose survival the subgroup's patients follow on average (for plots, tests).
    regression : for a fitted regression, the source of each patient's disease death time
        (``regression_source``); None otherwise.
    bulbar_end : the course's end stage is bulbar failure (PBP, PPBP).
    floor_cap : the course's rate cap applies (all but PLS; ``course_build.build_course``).
    limb_form : the course is PMA's limb form (``course_build``, ``pma_course``).
    """

    name: str
    share: float
    sites: tuple[tuple[str, float, SurvivalModel], ...]
    population: Population
    effects: CovariateEffects | None
    table: LifeTable | None
    rate_median: float
    curve: SurvivalModel
    regression: RegressionSource | None = None
    bulbar_end: bool = False
    floor_cap: bool = True
    limb_form: bool = False


def resolve_subgroups(
    phenotype_spec: object,
    model: SurvivalModel | RegressionModel | None,
    background,
    settings: CohortSettings,
    covariates: object = None,
    course: ProgressionSettings | None = None,
) -> tuple[Subgroup, ...]:
    """The subgroups of a cohort from ``phenotype=`` / ``model=`` / ``covariates=`` (checked;
    shares sum to 1)."""
    course = ProgressionSettings.default() if course is None else course
    als = phenotype("als", background)
    regression = isinstance(model, RegressionModel) or covariates is not None
    source = regression_source(model, covariates) if regression else None
    if source is not None:
        if phenotype_spec != "als":
            raise InputError(
                f"simulate_cohort: both model= and phenotype={phenotype_spec!r} were given; "
                "pass one (model= drives every patient's survival)"
            )
        shares = {settings.onset_site[key]: share for key, share in als.site_shares.items()}
        curve = source.curve(als.population, shares)
        sites = tuple(
            (settings.onset_site[key], share, curve) for key, share in als.site_shares.items()
        )
        return (
            Subgroup(
                MODEL, 1.0, sites, als.population, None, None, course.rate_median, curve, source
            ),
        )
    if model is not None:
        if phenotype_spec != "als":
            raise InputError(
                f"simulate_cohort: both model= and phenotype={phenotype_spec!r} were given; "
                "pass one (model= drives every patient's survival)"
            )
        if not isinstance(model, SurvivalModel):
            raise InputError(
                f"simulate_cohort model: {type(model).__name__} is not a survival model; pass "
                "one, e.g. alsprog.calibrate(my_targets)"
            )
        sites = tuple(
            (settings.onset_site[key], share, model) for key, share in als.site_shares.items()
        )
        return (Subgroup(MODEL, 1.0, sites, als.population, None, None, course.rate_median, model),)
    given = phenotype_spec if isinstance(phenotype_spec, Phenotype) else None  # a redrawn one
    shares = {given.name: 1.0} if given else _shares(phenotype_spec, settings)
    subgroups = []
    for name, share in shares.items():
        item = given or phenotype(name, background)
        sites = tuple(
            (_onset_site(key, name, settings), item.site_shares[key], disease)
            for key, disease in item.disease.items()
        )
        subgroups.append(
            Subgroup(
                name,
                share,
                sites,
                item.population,
                item.effects,
                item.table,
                _rate_median(name, item.model, als.model, course),
                item.model,
                bulbar_end=name in BULBAR_FORMS,
                floor_cap=name not in NO_RATE_CAP,
                limb_form=name in LIMB_FORMS,
            )
        )
    return tuple(subgroups)


def _shares(spec: object, settings: CohortSettings) -> dict[str, float]:
    if isinstance(spec, str):
        if spec == "mnd":
            spec = settings.mnd_shares
        else:
            _known(spec)
            return {spec: 1.0}
    if not isinstance(spec, dict) or not spec:
        raise InputError(
            f"simulate_cohort phenotype: {spec!r} is neither a name nor a dict of shares; pass "
            "'als', 'mnd' or e.g. {'als': 0.9, 'pma': 0.1}"
        )
    for name, share in spec.items():
        _known(name)
        if not is_real(share) or not float(share) >= 0:
            raise InputError(
                f"simulate_cohort phenotype: share of {name!r} is {share!r}; shares must be "
                "numbers >= 0 that sum to 1"
            )
    total = sum(spec.values())
    if not math.isclose(total, 1.0, abs_tol=1e-6):  # float32 shares: 1e-7 off
        raise InputError(f"simulate_cohort phenotype: shares sum to {total:g}, not 1; rescale them")
    return {name: float(share) for name, share in spec.items() if share > 0}


def _onset_site(key: str, name: str, settings: CohortSettings) -> str:
    """The onset site of a phenotype's disease component (data/simulation.toml [onset_site])."""
    site = settings.onset_site.get(key, settings.onset_site.get(name))
    if site is None:
        raise InputError(
            f"simulate_cohort: no onset site for disease component {key!r} of phenotype "
            f"{name!r}; add it to [onset_site] in data/simulation.toml"
        )
    return site


def _known(name: object) -> None:
    if not isinstance(name, str) or name not in NAMES:
        raise InputError(
            f"simulate_cohort phenotype {name!r} is unknown; choose one of "
            f"{', '.join(sorted(NAMES))} or 'mnd'"
        )


def _rate_median(
    name: str, model: SurvivalModel, als_model: SurvivalModel, course: ProgressionSettings
) -> float:
    """The median progression rate (points per month): the course's own for ALS (and its
    sites), PLS and PMA; the others at the ALS median times (ALS median survival / theirs)."""
    own = {"pls": course.rate_median_pls, "pma": course.rate_median_pma}
    if name in own:
        return own[name]
    if name in DERIVED_FROM_ALS:
        return course.rate_median
    return course.rate_median * als_model.median() / model.median()
