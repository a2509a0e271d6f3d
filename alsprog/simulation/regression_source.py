"""A fitted survival regression as a cohort's survival source: each patient from their own
covariate profile.

``RegressionSource`` pairs a fitted ``RegressionModel`` with where each patient's covariates
come from: a user's frame (one row per patient, drawn by a uniform of the block's own row
stream, ``random_streams.row_generator``) or the patient's own drawn demographics
('population': age_at_onset, sex, onset_site, diagnosis_delay_months, when the model's
covariates carry those names). A patient's disease death time T solves H_i(T) = E, with H_i
the cumulative hazard of the patient's row and E the sampler's Exp(1) draw (the model's
quantile of the row at p = 1 - exp(-E)), so the copula link of the progression rate to the
death time is the plain model's.

With a frame, a patient's age_at_onset, sex, onset_site and diagnosis_delay_months are the
row's own where the frame has those columns (sex and site as text labels: a numeric code is a
covariate only; the population's draws otherwise), and the row's
position in the frame is kept (``TakenRows.row``, the patients table's ``covariate_row``).
Effects act on each patient's own cumulative hazard, H_i(t) = -log S(t | x_i) (``RowHazard``,
the ``sampler.DiseaseHazard`` interface), so a hazard ratio from onset or diagnosis, or a time
ratio, applies to a regression cohort exactly as to a phenotype's: with a hazard ratio m from
onset, a patient's treated survival is S(t | x_i) ** m.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from alsprog.errors import InputError
from alsprog.estimation.regression_model import RegressionModel
from alsprog.estimation.regression_predict import log_survival_rows, solve_times
from alsprog.models.base import SurvivalModel
from alsprog.population.covariates import Population
from alsprog.population.lifetable import SEXES
from alsprog.simulation.random_streams import row_generator
from alsprog.simulation.sampler import DiseaseHazard
from alsprog.simulation.settings import SITES

POPULATION = "population"
POPULATION_COLUMNS = ("age_at_onset", "sex", "onset_site", "diagnosis_delay_months")
CURVE_ROWS = 4096  # population rows the 'population' source's average curve is taken over
CODES = {"sex": SEXES, "onset_site": SITES}  # demographic columns held as codes


@dataclass(frozen=True, eq=False)
class RowHazard(DiseaseHazard):
    """Each patient's disease cumulative hazard from their own covariate row,
    H_i(t) = hr_i * -log S(t / time_ratio | x_i) (t in years from onset), and its inverse.

    The ``DiseaseHazard`` interface that ``sampler.treated_disease_times`` reads (``cell`` and
    ``models`` unused; ``hazard_ratio`` all ones for a regression, whose covariates replace
    the prognostic factors). model : the fitted regression. x : its design rows, one per
    patient.
    """

    model: RegressionModel
    x: np.ndarray

    @classmethod
    def of(cls, model: RegressionModel, x: np.ndarray) -> RowHazard:
        size = len(x)
        return cls(np.zeros(size, dtype=np.intp), (), np.ones(size), 1.0, model, x)

    def cumulative(self, t: np.ndarray, rows: np.ndarray) -> np.ndarray:
        scaled = np.asarray(t, dtype=float) / self.time_ratio
        out = np.where(scaled > 0, np.inf, 0.0)  # 0 at onset, inf at an open end
        inside = (scaled > 0) & np.isfinite(scaled)
        with np.errstate(all="ignore"):
            log_s = log_survival_rows(self.model, scaled[inside], self.x[rows[inside]])
        out[inside] = -log_s * self.hazard_ratio[rows[inside]]
        return out

    def inverse(self, y: np.ndarray, rows: np.ndarray) -> np.ndarray:
        y = np.asarray(y, dtype=float)
        out = np.zeros(y.shape)
        positive = y > 0
        chosen = rows[positive]
        target = -y[positive] / self.hazard_ratio[chosen]
        out[positive] = self.time_ratio * solve_times(self.model, self.x[chosen], target)
        return out


@dataclass(frozen=True, eq=False)
class TakenRows:
    """A block's patients as their covariate rows make them (arrays over patients).

    row : position of each patient's row in the user's frame (``frame.iloc[row]``), or None
        for the 'population' source. age_at_onset (years), sex (codes of SEXES), onset_site
        (codes of SITES), diagnosis_delay_months : the row's where the frame has the column,
        else the population's draws. hazard : each patient's ``RowHazard``. untreated : the
        disease death time without effect, years from onset.
    """

    row: np.ndarray | None
    age_at_onset: np.ndarray
    sex: np.ndarray
    onset_site: np.ndarray
    diagnosis_delay_months: np.ndarray
    hazard: RowHazard
    untreated: np.ndarray

    @property
    def demographics(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(age_at_onset, sex, onset_site, diagnosis_delay_months)."""
        return self.age_at_onset, self.sex, self.onset_site, self.diagnosis_delay_months


@dataclass(frozen=True, eq=False)
class RegressionSource:
    """A regression and its covariate rows (``frame``; None: the patients' own demographics);
    ``carried``: the frame's columns the patients table takes (of POPULATION_COLUMNS)."""

    model: RegressionModel
    variables: tuple[str, ...]
    frame: pd.DataFrame | None
    carried: tuple[str, ...] = ()

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

    def take(
        self,
        seed: int,
        block: int,
        block_size: int,
        e_disease: np.ndarray,
        patients: dict[str, np.ndarray],
    ) -> TakenRows:
        """Each patient's covariate row, the demographics it carries, and the disease death
        time from it (years from onset).

        patients : the block's drawn age_at_onset, sex (codes of SEXES), onset_site (codes of
            SITES) and diagnosis_delay_months (POPULATION_COLUMNS).
        """
        size = e_disease.size
        drawn = {name: patients[name] for name in POPULATION_COLUMNS}
        index: np.ndarray | None = None
        if self.frame is None:
            rows = pd.DataFrame({name: _decoded(name, drawn[name]) for name in POPULATION_COLUMNS})[
                list(self.variables)
            ]
        else:
            u = row_generator(seed, block).random(block_size)[:size]
            index = np.minimum((u * len(self.frame)).astype(np.intp), len(self.frame) - 1)
            rows = self.frame.iloc[index].reset_index(drop=True)
            for name in self.carried:
                drawn[name] = _encoded(name, rows[name].to_numpy(), drawn[name].dtype)
        hazard = RowHazard.of(self.model, self.model.matrix(rows, caller="simulate_cohort"))
        untreated = hazard.inverse(e_disease, np.arange(size))  # H_i(T) = E, as an effect's
        return TakenRows(
            index,
            drawn["age_at_onset"],
            drawn["sex"],
            drawn["onset_site"],
            drawn["diagnosis_delay_months"],
            hazard,
            untreated,
        )


def _decoded(name: str, values: np.ndarray) -> np.ndarray:
    if name in CODES:
        return np.asarray(CODES[name], dtype=object).take(values)
    return values


def _encoded(name: str, values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    if name in CODES:
        levels = pd.Index(CODES[name])
        return levels.get_indexer(values.astype(str)).astype(dtype)
    return values.astype(dtype)


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
    extra = [c for c in POPULATION_COLUMNS if c in covariates.columns and c not in needed]
    frame = covariates[[*needed, *extra]].reset_index(drop=True)
    model.matrix(frame, caller="simulate_cohort covariates")  # levels the fit never saw: refuse
    carried = tuple(c for c in POPULATION_COLUMNS if c in frame and _carried(c, frame[c]))
    return RegressionSource(model, needed, frame, carried)


def _carried(name: str, values: pd.Series) -> bool:
    """Whether the patients table takes a frame's demographic column: yes for numbers of age
    or delay and for sex or onset_site as text; a numeric code of sex or site (0/1) stays a
    covariate only. A column that cannot be taken as it is: one-line InputError."""
    where = f"simulate_cohort covariates: column {name!r}"
    if name in CODES:
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            return False
        unknown = sorted(set(values.astype(str)) - set(CODES[name]))
        if unknown:
            raise InputError(
                f"{where} has {', '.join(map(repr, unknown[:3]))}, not one of "
                f"{', '.join(CODES[name])}; recode it (or rename the column to keep it as a "
                "covariate only)"
            )
        return True
    number = pd.to_numeric(values, errors="coerce")
    if number.isna().any() or not np.isfinite(number).all() or (number < 0).any():
        raise InputError(
            f"{where} needs finite numbers >= 0 ({'years' if name == 'age_at_onset' else 'months'}"
            "); fix those rows (or rename the column to keep it as a covariate only)"
        )
    return True
