"""A cohort's phenotype under a chosen population: ``simulate_cohort(..., population=...)``.

The default population (None, 'default', 'msd_manual') leaves the cohort's phenotype as given,
so its path does not change; another population turns a phenotype name into that phenotype
calibrated over it (``library.phenotype(name, background, population)``).
"""

from __future__ import annotations

from pathlib import Path

from alsprog.disease.library import phenotype
from alsprog.disease.phenotype import Phenotype
from alsprog.errors import InputError
from alsprog.population.covariates import resolve_population
from alsprog.population.lifetable import LifeTable


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
