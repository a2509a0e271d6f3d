"""A fitted survival regression as a cohort's survival source: each patient from their own
covariate profile.

``RegressionSource`` pairs a fitted ``RegressionModel`` with where each patient's covariates
come from: a user's frame (one row per patient, drawn by a uniform of the block's own row
stream, ``random_streams.row_generator``) or the patient's own drawn demographics
('population': age_at_onset, sex, onset_site, diagnosis_delay_months, when the model's
covariates carry those names). A patient's disease death time is the model's quantile of its
row at p = 1 - exp(-E), E the sampler's Exp(1) draw, so the copula link of the progression
rate to the death time is the plain model's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from alsprog.errors import InputError
from alsprog.estimation.regression_model import RegressionModel
from alsprog.models.base import SurvivalModel
from alsprog.population.covariates import Population
from alsprog.population.lifetable import SEXES
from alsprog.simulation.random_streams import row_generator
from alsprog.simulation.settings import SITES

POPULATION = "population"
POPULATION_COLUMNS = ("age_at_onset", "sex", "onset_site", "diagnosis_delay_months")
CURVE_ROWS = 4096  # population rows the 'population' source's average curve is taken over
BELOW_ONE = float(np.nextafter(1.0, 0.0))


@dataclass(frozen=True, eq=False)
class RegressionSource:
    """A regression and its covariate rows (``frame``; None: the patients' own demographics)."""

    model: RegressionModel
    variables: tuple[str, ...]
    frame: pd.DataFrame | None

    def curve(self, population: Population, site_shares: dict[str, float]) -> SurvivalModel:
        """The survival the patients follow on average: the regression's marginal over the
        frame, or over a fixed sample of the population (seed 0)."""
        if self.frame is not None:
            return self.model.marginal(self.frame)
        rng = np.random.default_rng(0)
        people = population.sample(CURVE_ROWS, rng)
        sites = list(site_shares)
        shares = np.array([site_shares[s] for s in sites], dtype=float)
        site = rng.choice(sites, CURVE_ROWS, p=shares / shares.sum())
        rows = pd.DataFrame(
            {
                "age_at_onset": people["age_at_onset"].to_numpy(),
                "sex": people["sex"].to_numpy(),
                "onset_site": site,
                "diagnosis_delay_months": people["delay_months"].to_numpy(),
            }
        )
        return self.model.marginal(rows[list(self.variables)])

    def disease_times(
        self,
        seed: int,
        block: int,
        block_size: int,
        e_disease: np.ndarray,
        patients: dict[str, np.ndarray],
    ) -> np.ndarray:
        """Each patient's disease death time (years from onset) from its own row.

        patients : the block's age_at_onset, sex (codes of SEXES), onset_site (codes of SITES)
            and diagnosis_delay_months, for the 'population' source.
        """
        size = e_disease.size
        if self.frame is None:
            rows = pd.DataFrame(
                {
                    "age_at_onset": patients["age_at_onset"],
                    "sex": np.asarray(SEXES, dtype=object).take(patients["sex"]),
                    "onset_site": np.asarray(SITES, dtype=object).take(patients["onset_site"]),
                    "diagnosis_delay_months": patients["diagnosis_delay_months"],
                }
            )[list(self.variables)]
        else:
            u = row_generator(seed, block).random(block_size)[:size]
            index = np.minimum((u * len(self.frame)).astype(np.intp), len(self.frame) - 1)
            rows = self.frame.iloc[index].reset_index(drop=True)
        p = np.minimum(-np.expm1(-e_disease), BELOW_ONE)
        return self.model.quantile_rows(rows, p)


def regression_source(model: object, covariates: object) -> RegressionSource | None:
    """The checked source of a ``simulate_cohort(model=..., covariates=...)`` request (None
    when ``model`` is not a regression; one-line InputError naming the column and the fix)."""
    if not isinstance(model, RegressionModel):
        if covariates is not None:
            raise InputError(
                "simulate_cohort covariates: given without a fitted regression; pass "
                "model=alsprog.fit(family, data, covariates=[...]) or drop covariates="
            )
        return None
    variables = list(model.design.variables)
    if model.spread_design is not None:
        variables += [v for v in model.spread_design.variables if v not in variables]
    needed = tuple(variables)
    if covariates is None:
        raise InputError(
            "simulate_cohort covariates: a fitted regression needs each patient's covariates; "
            f"pass covariates=<DataFrame with {', '.join(needed)}> or covariates='population'"
        )
    if isinstance(covariates, str):
        if covariates != POPULATION:
            raise InputError(
                f"simulate_cohort covariates: {covariates!r} is unknown; pass a DataFrame or "
                "'population'"
            )
        missing = [v for v in needed if v not in POPULATION_COLUMNS]
        if missing:
            raise InputError(
                f"simulate_cohort covariates='population': the population has no column "
                f"{', '.join(missing)} (it has {', '.join(POPULATION_COLUMNS)}); pass "
                "covariates=<DataFrame> holding the model's columns"
            )
        return RegressionSource(model, needed, None)
    if not isinstance(covariates, pd.DataFrame):
        raise InputError(
            f"simulate_cohort covariates: {type(covariates).__name__} is not a DataFrame; pass "
            "a DataFrame with the model's covariate columns or 'population'"
        )
    if covariates.empty:
        raise InputError("simulate_cohort covariates: the frame has no rows; pass one per profile")
    for name in needed:
        if name not in covariates.columns:
            raise InputError(
                f"simulate_cohort covariates: no column {name!r}, which the model needs; add it "
                f"(the model's covariates: {', '.join(needed)})"
            )
        if covariates[name].isna().any():
            raise InputError(
                f"simulate_cohort covariates: column {name!r} has NaN; fill or drop those rows"
            )
    frame = covariates[list(needed)].reset_index(drop=True)
    model.matrix(frame, caller="simulate_cohort covariates")  # levels the fit never saw: refuse
    return RegressionSource(model, needed, frame)
