"""A calibrated phenotype: its population model, its disease models by onset site, and the
patients it describes (``Phenotype.patient``). Built by ``alsprog.disease.library``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from alsprog.data.frozen import FrozenDict
from alsprog.errors import InputError, check_flag, check_number
from alsprog.estimation.targets import Targets
from alsprog.models.base import SurvivalModel
from alsprog.models.population import PopulationModel
from alsprog.population.covariates import CovariateEffects, Population
from alsprog.population.lifetable import LifeTable


@dataclass(frozen=True)
class Phenotype:
    """A calibrated phenotype.

    It answers the model interface itself (survival, hazard, quantile, median, mean, rmst,
    conditional, sample, ...) through ``model``.

    name, description : identity.
    model : the population-average all-cause model (a ``PopulationModel``; disease only when
        ``background`` is None); its ``fit_info`` holds the landmark diagnostics.
    disease : the reference patient's disease-only model for each onset site, by site name.
    site_shares : the share of each site (summing to 1).
    disease, site_shares and sources are read-only mappings (``FrozenDict``).
    population, effects : the default patients and the prognostic factors.
    table : the life table, or None.
    targets : the calibration figures (None for a phenotype derived from another).
    sources : figure -> source text.
    """

    name: str
    description: str
    model: PopulationModel
    disease: Mapping[str, SurvivalModel] = field(compare=False)
    site_shares: Mapping[str, float] = field(compare=False)
    population: Population
    effects: CovariateEffects
    table: LifeTable | None
    targets: Targets | None
    sources: Mapping[str, str] = field(compare=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("disease", "site_shares", "sources"):  # read-only: phenotypes are cached
            object.__setattr__(self, name, FrozenDict(getattr(self, name)))

    _MODEL_INTERFACE = frozenset(
        {
            "survival",
            "cumulative_hazard",
            "hazard",
            "density",
            "quantile",
            "median",
            "mean",
            "rmst",
            "conditional",
            "sample",
            "cure_fraction",
            "fit_info",
            "with_hazard_ratio",
            "with_time_ratio",
            "with_effect",
            "cause_of_death",
        }
    )

    def __getattr__(self, name: str):
        """The population model's interface, so ``phenotype("als").survival(3)`` works."""
        if name in Phenotype._MODEL_INTERFACE:
            return getattr(self.model, name)
        raise AttributeError(f"'Phenotype' object has no attribute {name!r}")

    def patient(
        self,
        age_at_onset: float,
        sex: str | None = None,
        delay_months: float | None = None,
        progression_rate: float | None = None,
        fvc_percent: float | None = None,
        ftd: bool = False,
    ) -> PopulationModel:
        """All-cause model of one patient (years from onset).

        An unknown sex averages over men and women with the population's share of men; any
        other factor left as None is set to the reference patient's value (the median delay,
        the reference progression rate and FVC), not averaged over the population.
        """
        age_at_onset = check_number("patient: age_at_onset", age_at_onset)
        for name, value in (
            ("delay_months", delay_months),
            ("progression_rate", progression_rate),
            ("fvc_percent", fvc_percent),
        ):
            if value is not None:
                check_number(f"patient: {name}", value)
        ftd = check_flag("patient: ftd", ftd)
        if sex is not None and not isinstance(sex, str):
            raise InputError(f"patient: sex must be 'male', 'female' or None (got {sex!r})")
        hr = float(
            self.effects.hazard_ratio(
                age_at_onset, delay_months, progression_rate, fvc_percent, ftd
            )
        )
        sexes: tuple[str, ...]
        weights: tuple[float, ...]
        if sex is None:
            sexes, weights = (
                ("male", "female"),
                (self.population.male_share, 1 - self.population.male_share),
            )
        else:
            sexes, weights = (sex,), (1.0,)
        return PopulationModel(
            components=tuple(self.disease.values()),
            shares=tuple(self.site_shares.values()),
            ages=(float(age_at_onset),) * len(sexes),
            sexes=sexes,
            hazard_ratios=(hr,) * len(sexes),
            weights=weights,
            table=self.table,
            names=tuple(self.disease),
            delay_months=(
                self.effects.reference_delay_months if delay_months is None else delay_months,
            )
            * len(sexes),
        )
