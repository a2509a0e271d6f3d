"""A phenotype's parameter vector as models: its disease sites and its population average.

``Sites`` maps the free parameters theta to the disease model of each onset site;
``PopulationOf`` averages them over the population's quadrature points. Both are frozen data,
not closures, so the ``build`` a calibrated phenotype's ``fit_info`` carries (a
``PopulationOf``) pickles with the phenotype.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from alsprog.models.base import SurvivalModel
from alsprog.models.mixture import Mixture
from alsprog.models.population import PopulationModel
from alsprog.models.registry import FamilySpec
from alsprog.population.lifetable import LifeTable

SiteParts = dict[str, tuple[float, SurvivalModel]]


@dataclass(frozen=True)
class Sites:
    """theta -> {site: (share, disease model)}.

    full, free : the family's spec and the spec of its free parameters (borrowed ones fixed).
    bulbar_share : the bulbar-onset share of a two-site phenotype (ALS), whose limb sites are a
        mixture of a typical and a slower course and whose bulbar site has ``bulbar_hazard_ratio``
        times their hazard; None for one site (key "").
    """

    full: FamilySpec
    free: FamilySpec
    bulbar_share: float | None = None
    bulbar_hazard_ratio: float = 1.0

    def __call__(self, theta: np.ndarray) -> SiteParts:
        if self.bulbar_share is None:
            return {"": (1.0, self.free.build(theta))}
        mixed = self.full.build(self.free.expand(theta))
        assert isinstance(mixed, Mixture)
        limb = Mixture(mixed.components, mixed.weights, names=("typical", "slower"))
        return {
            "als_limb": (1 - self.bulbar_share, limb),
            "als_bulbar": (self.bulbar_share, limb.with_hazard_ratio(self.bulbar_hazard_ratio)),
        }


def population_model(
    parts: SiteParts, profiles: Mapping[str, Any], table: LifeTable | None
) -> PopulationModel:
    """The population average of disease sites ``parts`` (name -> (share, model)) over the
    quadrature points ``profiles`` (PopulationModel fields: ages, sexes, hazard_ratios, ...)."""
    return PopulationModel(
        components=tuple(m for _, m in parts.values()),
        shares=tuple(share for share, _ in parts.values()),
        table=table,
        names=tuple(parts),
        **profiles,
    )


@dataclass(frozen=True)
class PopulationOf:
    """theta -> the phenotype's population-average model (a calibration's ``build``)."""

    sites: Sites
    profiles: Mapping[str, Any]
    table: LifeTable | None

    def __call__(self, theta: np.ndarray) -> PopulationModel:
        return population_model(self.sites(theta), self.profiles, self.table)
