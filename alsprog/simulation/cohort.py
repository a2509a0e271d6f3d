"""``simulate_cohort`` and the frozen ``Cohort`` it returns."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from alsprog.disease.phenotype import Phenotype
from alsprog.errors import InputError
from alsprog.estimation.regression_model import RegressionModel
from alsprog.models.base import SurvivalModel
from alsprog.models.kaplan_meier import KaplanMeier, kaplan_meier
from alsprog.population.lifetable import DEFAULT_TABLE
from alsprog.simulation.blocks import Block, Plan, collect, plan
from alsprog.simulation.patient_course import VISIT_COLUMNS
from alsprog.simulation.subgroups import cohort_phenotype


@dataclass(frozen=True, eq=False)
class Cohort:
    """A simulated cohort (frozen). Times in years from symptom onset.

    patients : one row per patient, columns PATIENT_COLUMNS (see ``simulate_cohort``).
    visits : one row per clinic visit (computed on first use), columns VISIT_COLUMNS.
    models : the model each phenotype's patients follow on average, by phenotype name (the
        all-cause population model of the phenotype, or the user's model).
    settings : the request (n, seed, entry, follow-up, ...) and n_drawn, the patients drawn
        to get n (more than n with entry at diagnosis).
    """

    patients: pd.DataFrame
    models: dict[str, SurvivalModel] = field(repr=False)
    settings: dict
    _plan: Plan = field(repr=False)
    _blocks: tuple[Block, ...] = field(repr=False)

    @cached_property
    def visits(self) -> pd.DataFrame:
        """One row per visit: patient_id, time (years from onset), months_since_entry, the 12
        items (0-4), the domains bulbar, fine_motor, gross_motor, respiratory (0-12),
        alsfrs_r (0-48), kings_stage (1-4; 4 = 4A or 4B), mitos_stage (0-4)."""
        frames = [b.visits(self._plan) for b in self._blocks]
        if not frames:
            return pd.DataFrame(columns=list(VISIT_COLUMNS))
        return pd.concat(frames, ignore_index=True)

    def __reduce__(self) -> tuple:
        """Pickled as its tables (the visits computed first) and its models, so a Cohort
        round-trips through the standard library's pickle; the unpickled one has no blocks
        to recompute from, which it does not need. A model whose fitting record does not
        pickle travels without it (``fit_info`` None; the parameters are what a cohort uses)."""
        models = {name: _portable(model) for name, model in self.models.items()}
        return (_restored, (self.patients, models, self.settings, self.visits))

    def kaplan_meier(self, by: str | None = None) -> KaplanMeier | dict[str, KaplanMeier]:
        """Kaplan-Meier of observed survival from onset with entry times (left truncation).

        by : None for one curve, or a column of ``patients`` (phenotype, sex, onset_site...):
            a dict {group value as str: KaplanMeier}.
        """
        p = self.patients
        if by is None:
            return _km(p, None)
        if by not in p.columns:
            raise InputError(
                f"Cohort.kaplan_meier by: {by!r} is not a patients column; use one of "
                f"{', '.join(p.columns)}"
            )
        return {
            str(k): _km(g, str(k))
            for k, g in p.groupby(p[by].astype(str), sort=False, observed=True)
        }

    def summary(self) -> pd.DataFrame:
        """One row for the whole cohort (group 'all'), then one per phenotype.

        Columns: group, n (patients in the cohort), n_drawn (patients drawn to get them; more
        than n with entry at diagnosis, 'all' row only, NaN per phenotype), male_share,
        mean_age_at_onset (years), median_delay_months, median_progression_rate (points per
        month), deaths (observed), disease_deaths, other_deaths (of the observed deaths),
        censored, median_survival_years (Kaplan-Meier from onset with entry times; inf if not
        reached), gastrostomy_share, niv_share, tracheostomy_share (of patients, the procedure
        taken before death).
        """
        p = self.patients
        groups = [("all", p)] + [
            (str(k), g) for k, g in p.groupby("phenotype", sort=False, observed=True)
        ]
        rows = []
        for name, g in groups:
            died = g["event"] == 1
            rows.append(
                {
                    "group": name,
                    "n": len(g),
                    "n_drawn": self.settings["n_drawn"] if name == "all" else np.nan,
                    "male_share": float((g["sex"] == "male").mean()),
                    "mean_age_at_onset": float(g["age_at_onset"].mean()),
                    "median_delay_months": float(g["diagnosis_delay_months"].median()),
                    "median_progression_rate": float(g["progression_rate"].median()),
                    "deaths": int(died.sum()),
                    "disease_deaths": int((died & (g["death_cause"] == "disease")).sum()),
                    "other_deaths": int((died & (g["death_cause"] == "other")).sum()),
                    "censored": int((~died).sum()),
                    "median_survival_years": _km(g, None).median(),
                    "gastrostomy_share": float(g["gastrostomy_time"].notna().mean()),
                    "niv_share": float(g["niv_time"].notna().mean()),
                    "tracheostomy_share": float(g["tracheostomy_time"].notna().mean()),
                }
            )
        return pd.DataFrame(rows)


def _portable(model: SurvivalModel) -> SurvivalModel:
    try:
        pickle.dumps(model)
    except (pickle.PicklingError, AttributeError, TypeError):
        return replace(model, fit_info=None)
    return model


def _restored(patients, models, settings, visits) -> Cohort:
    cohort = Cohort(patients, models, settings, _plan=None, _blocks=())  # type: ignore[arg-type]
    cohort.__dict__["visits"] = visits  # the cached property, already computed
    return cohort


def _km(p: pd.DataFrame, label: str | None) -> KaplanMeier:
    return kaplan_meier(
        p["time"].to_numpy(), p["event"].to_numpy(), entry=p["entry_time"].to_numpy(), label=label
    )


def simulate_cohort(
    n: int,
    seed: int,
    *,
    phenotype: str | dict[str, float] | Phenotype = "als",
    model: SurvivalModel | RegressionModel | None = None,
    covariates: pd.DataFrame | str | None = None,
    entry: str = "onset",
    followup_years: float | None = None,
    dropout_per_year: float = 0.0,
    visit_interval_months: float = 3.0,
    copula_correlation: float | None = None,
    background=DEFAULT_TABLE,
    effect: object = None,
    course: object = None,
    uptake: dict | None = None,
    population: object = None,
) -> Cohort:
    """Simulate ``n`` patients, each with a course and an exactly calibrated death time.

    Parameters
    ----------
    n : patients in the cohort (with ``entry="diagnosis"``: patients alive at diagnosis;
        candidates are drawn, block by block, until n have entered).
    seed : the seed; the same seed gives the same cohort.
    phenotype : a name from ``alsprog.phenotypes()`` (default 'als'), a dict {name: share}
        (shares sum to 1) for a mixed cohort, or 'mnd' for the default MND mix
        (``data/simulation.toml``), or a ``Phenotype`` object itself, e.g. a redrawn version
        from ``alsprog.disease.draws.uncertainty_draws`` (its own life table is used).
    model : a ``SurvivalModel`` used as every patient's all-cause survival from onset
        (e.g. ``alsprog.calibrate(my_targets)``); demographics and course as for ALS, every
        death counted as a disease death, ``background`` not added. Or a fitted regression
        (``alsprog.fit(family, data, covariates=[...])``): each patient's survival is that of
        their own covariate row (``covariates=``), and the prognostic-factor hazard ratios of
        the phenotypes are not applied on top (the regression's covariates replace them).
    covariates : with a fitted regression only: a DataFrame holding the model's covariate
        columns, one row drawn per patient (uniformly, from the block's own stream), or
        'population' for the patients' own drawn age_at_onset, sex, onset_site and
        diagnosis_delay_months (when the model's covariates carry those names). With a
        frame, the patients table gains ``covariate_row`` (each patient's row position,
        ``frame.iloc[covariate_row]``), and its age_at_onset, sex, onset_site and
        diagnosis_delay_months are the row's where the frame has those columns (sex and
        site as text labels; a 0/1 code stays a covariate only; the delay then sets the
        diagnosis that effects and entry count from), else the population's.
    entry : 'onset' (everyone enters at onset) or 'diagnosis' (left truncation: who dies
        before diagnosis never enters).
    followup_years : administrative end of study, years after entry (None: no end).
    dropout_per_year : constant rate of loss to follow-up, per person-year after entry.
    visit_interval_months : months between clinic visits, from entry.
    copula_correlation : normal-scores correlation of progression rate and disease death time
        (default: the course settings', ``data/course.toml``, calibrated with the course to
        the published dFS hazard ratio), strictly between -1 and 1.
    background : life table for ordinary mortality; None turns it off.
    effect : None, or an effect of ``alsprog.interventions`` (hazard ratio, time ratio, slope
        reduction, anchored at onset or diagnosis), or a list of them; with the same seed
        treated and untreated cohorts share every draw. With a fitted regression it acts on
        each patient's own curve (a hazard ratio m from onset gives S(t | x) ** m).
    course : the course's settings (``alsprog.calibrate_course(...).settings``, a
        ``ProgressionSettings``); None: the shipped ones (``data/course.toml``).
    uptake : the shares of patients who take a procedure once they need it (NIV, gastrostomy)
        or a tracheostomy, e.g. ``{'niv': 0.6, 'gastrostomy': {'bulbar': 0.8, 'limb': 0.5},
        'tracheostomy': 0.1}`` (shares 0-1; NIV and gastrostomy by onset site if a dict);
        None or left out: the course settings' shares.
    population : None or 'default' (data/phenotypes.toml [population]), 'register' or a
        ``Population``: the patients' demographics, with one phenotype name calibrated over them.

    Returns
    -------
    Cohort
        ``patients`` columns: patient_id, sex ('male'/'female'), age_at_onset (years),
        phenotype (a phenotype name or 'model'), onset_site ('limb', 'bulbar'; 'other' is
        reserved), diagnosis_delay_months, diagnosis_time (NaN if death came first),
        progression_rate (latent, ALSFRS-R points per month), alsfrs_r_at_diagnosis (true
        score, NaN if not diagnosed), death_time, death_cause ('disease'/'other'),
        entry_time, time (death or censoring), event (1 death, 0 censored),
        gastrostomy_need_time and niv_need_time (the disease brings the swallowing item to 1,
        the respiratory insufficiency item to 3), gastrostomy_time, niv_time,
        tracheostomy_time (the procedures taken: uptake), kings_stage_2_time ..._4_time,
        mitos_stage_1_time ..._4_time (true times of first reaching the stage or a higher
        one); each NaN unless before death; and last, with a regression's covariates frame,
        covariate_row. All times in years from onset.
    """
    request = plan(
        n,
        seed,
        phenotype=cohort_phenotype(phenotype, population, background, model),
        model=model,
        covariates=covariates,
        entry=entry,
        followup_years=followup_years,
        dropout_per_year=dropout_per_year,
        visit_interval_months=visit_interval_months,
        copula_correlation=copula_correlation,
        background=background,
        effect=effect,
        course=course,
        uptake=uptake,
    )
    patients, parts = collect(request)
    settings = {
        "n": request.n,
        "n_drawn": int(sum(b.drawn for b in parts)),
        "seed": request.seed,
        "phenotypes": {a.name: a.share for a in request.subgroups},
        "entry": request.entry,
        "followup_years": request.followup_years,
        "dropout_per_year": request.dropout_per_year,
        "visit_interval_months": request.visit_interval_months,
        "copula_correlation": request.correlation,
        "effect": [getattr(c, "kind", "?") for c in request.parts],
        "uptake": {name: share.tolist() for name, share in request.uptake.by_site.items()}
        | {"tracheostomy_share": request.uptake.settings.tracheostomy_share},
    }
    return Cohort(
        patients=patients,
        models={a.name: a.curve for a in request.subgroups},
        settings=settings,
        _plan=request,
        _blocks=parts,
    )


def simulated_patients(
    n: int,
    seed: int,
    *,
    stagings: tuple[str, ...],
    phenotype: object = "als",
    entry: str = "onset",
    effect: object = None,
    course: object = None,
) -> pd.DataFrame:
    """The patients table of ``simulate_cohort(n, seed, phenotype=, entry=, effect=, course=)``
    with only what a stage-based account reads: the stage times of ``stagings`` ('kings',
    'mitos'; the other staging's columns NaN) and alsfrs_r_at_diagnosis NaN, neither found.
    Every other column is the cohort's, bit for bit; made faster, for the runs of a PSA."""
    request = plan(
        n,
        seed,
        phenotype=phenotype,
        entry=entry,
        effect=effect,
        course=course,
    )
    lean = replace(request, stagings=tuple(stagings), scores_at_diagnosis=False)
    return collect(lean)[0]
