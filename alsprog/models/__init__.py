"""Survival models of time from symptom onset (years), all with one interface.

survival, cumulative_hazard, hazard, density, quantile, median, mean, rmst, conditional,
sample, with_hazard_ratio, with_time_ratio, with_effect.
"""

from alsprog.models.background import WithBackground, with_background_population
from alsprog.models.base import SurvivalModel
from alsprog.models.exponential import Exponential
from alsprog.models.fit_info import FitInfo
from alsprog.models.generalized_gamma import GeneralizedGamma
from alsprog.models.gompertz import Gompertz
from alsprog.models.kaplan_meier import KaplanMeier, kaplan_meier
from alsprog.models.loglogistic import LogLogistic
from alsprog.models.lognormal import LogNormal
from alsprog.models.mixture import Mixture
from alsprog.models.piecewise_exponential import PiecewiseExponential
from alsprog.models.population import PopulationModel
from alsprog.models.registry import FAMILIES, family_spec
from alsprog.models.spline import Spline
from alsprog.models.transforms import Conditional, ProportionalHazards, TimeScaled
from alsprog.models.weibull import Weibull

__all__ = [
    "FAMILIES",
    "Conditional",
    "Exponential",
    "FitInfo",
    "GeneralizedGamma",
    "Gompertz",
    "KaplanMeier",
    "LogLogistic",
    "LogNormal",
    "Mixture",
    "PiecewiseExponential",
    "PopulationModel",
    "ProportionalHazards",
    "Spline",
    "SurvivalModel",
    "TimeScaled",
    "Weibull",
    "WithBackground",
    "family_spec",
    "kaplan_meier",
    "with_background_population",
]
