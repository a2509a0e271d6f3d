"""Named, calibrated models of ALS and the other motor neuron diseases.

Each phenotype's disease (excess) hazard is calibrated so that the *population average*
all-cause survival reproduces its figures: averaged over the default onset-age, sex and
diagnostic-delay distribution (``alsprog.population.covariates.Population``), with each
patient's hazard ratio from the prognostic factors and ordinary mortality from the life table.
This is marginal calibration: the reference patient is not the average patient, and the
landmarks describe the average. Figures, sources and assumptions: ``data/phenotypes.toml``.

ALS: 70% limb onset (a typical course mixed with slower progressors), 30% bulbar onset with the
published hazard ratio. Where figures cannot pin a parameter (``identification`` audits each),
it is borrowed from a sourced relative (``borrow``: flail takes PMA's spread). Cached per process.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from alsprog import data
from alsprog.data.frozen import FrozenDict
from alsprog.data.records import PhenotypeSpec
from alsprog.disease import draw_cache
from alsprog.disease import identification as audits
from alsprog.disease.phenotype import Phenotype
from alsprog.disease.structure import PopulationOf, Sites, population_model
from alsprog.errors import InputError
from alsprog.estimation.calibration import LandmarkProblem, landmark_table, starting_summary
from alsprog.estimation.targets import Landmark, Targets
from alsprog.models.fit_info import FitInfo, fit_info
from alsprog.models.registry import FamilySpec, family_spec
from alsprog.population.covariates import MAX_AGE, CovariateEffects, Population, resolve_population
from alsprog.population.lifetable import DEFAULT_TABLE, LifeTable, life_table, require_ages

NAMES = ("als", "als_limb", "als_bulbar", "als_flail", "pbp", "pma", "pls", "ppbp")
MAX_DRAWS = 1000  # limit: each draw is a recalibration (60 of ALS take about 10 s on one core)
DERIVED = {"als_limb": ("als", 0), "als_bulbar": ("als", 1)}  # (calibrated parent, site index)


def _spec(name: str) -> PhenotypeSpec:
    return data.phenotypes().phenotype[name]


def check_phenotype(name: str) -> str:
    if not isinstance(name, str) or name not in NAMES:
        raise InputError(f"phenotype {name!r} is unknown; choose one of {', '.join(sorted(NAMES))}")
    return name


def _targets(name: str, spec: PhenotypeSpec) -> Targets:
    landmarks = tuple(Landmark(r.t, r.survival, r.kind, r.source) for r in spec.landmark)
    return Targets(name, landmarks, spec.effective_sample_size, spec.description)


def _table_key(background: str | Path | LifeTable | None) -> LifeTable | None:
    if background is None:
        return None
    return require_ages(life_table(background), MAX_AGE, "the patients' onset ages")


def phenotype(
    name: str,
    background: str | Path | LifeTable | None = DEFAULT_TABLE,
    population: str | Population | None = None,
) -> Phenotype:
    """The calibrated phenotype ``name``.

    background : a life table (name, CSV path or LifeTable) for ordinary mortality, or None for
        the disease alone (for teaching, and to compare with the all-cause model).
    population : the patients the figures are averaged over: None or 'default' (the MSD
        Manual's, data/phenotypes.toml [population]), a name of ``Population.names()`` (e.g.
        'register') or a ``Population``. A phenotype with its own onset age (PLS) keeps it.
        Under a non-default population the disease hazard is calibrated again on first use
        (under a second for ALS), so that all-cause survival meets the same figures.
    Names: als, als_limb, als_bulbar, als_flail, pbp, pma, pls, ppbp.
    """
    return _of(check_phenotype(name), _table_key(background), resolve_population(population))


def _of(name: str, table: LifeTable | None, population: Population | None) -> Phenotype:
    return _phenotype(name, table) if population is None else _phenotype_in(name, table, population)


@cache
def _phenotype_in(name: str, table: LifeTable | None, population: Population) -> Phenotype:
    """``name`` calibrated over a non-default population, from the default's solution."""
    if name in DERIVED:
        parent, site = DERIVED[name]
        return _site_of(_phenotype_in(parent, table, population), name, site)
    spec = _spec(name)
    if spec.structure == "scaled":
        return _scaled(name, spec, _phenotype_in(spec.scaled_from, table, population), population)
    start = calibration(_phenotype(name, table))[0].unconstrained_estimate
    try:  # from the default's solution; if that fails, from the family's starting points
        return _calibrate(name, spec, table, start=start, population=population)
    except InputError:
        return _calibrate(name, spec, table, population=population)


@cache
def _phenotype(name: str, table: LifeTable | None) -> Phenotype:
    if name in DERIVED:
        parent, site = DERIVED[name]
        return _site_of(_phenotype(parent, table), name, site)
    spec = _spec(name)
    if spec.structure == "scaled":
        return _scaled(name, spec, _phenotype(spec.scaled_from, table))
    shipped = draw_cache.cached(name, table)
    solved = None if shipped is None else draw_cache.as_vector(shipped["point"])
    return _calibrate(name, spec, table, solved=solved)


def _population_for(
    spec: PhenotypeSpec, given: Population | None = None
) -> tuple[Population, CovariateEffects]:
    own = spec.onset_age_mean_years  # a phenotype's own onset age (PLS) replaces the mean
    population = Population.default(own) if given is None else given
    population = population if own is None else population.with_onset_age_mean(own)
    return population, CovariateEffects.default(population.onset_age_mean)


def _site_structure(
    spec: PhenotypeSpec, table: LifeTable | None, population: Population | None = None
) -> tuple[FamilySpec, Sites, tuple[audits.Borrowed, ...]]:
    """The free-parameter structure: (spec of the free parameters, function theta -> sites
    dict, the borrowed parameters). A borrowed parameter is fixed at a relative's calibrated
    value (``borrow`` in data/phenotypes.toml) and left out of theta."""
    if spec.structure == "sites":
        full = family_spec("mixture", components=spec.limb_components)
    else:
        full = family_spec(spec.family)
    borrowed = _borrowed(spec, table, population)
    free, _ = audits.with_fixed(full, borrowed)
    if spec.structure != "sites":
        return free, Sites(full, free), borrowed
    return free, Sites(full, free, spec.bulbar_onset_share, spec.bulbar_hazard_ratio), borrowed


def _borrowed(
    spec: PhenotypeSpec, table: LifeTable | None, population: Population | None = None
) -> tuple[audits.Borrowed, ...]:
    """Each ``borrow`` entry of ``spec`` with the relative's calibrated value (over the same
    population)."""
    out = []
    for item in spec.borrow:
        info = calibration(_of(item.from_phenotype, table, population))[0]
        value = info.estimates[info.parameter_names.index(item.from_parameter)]
        out.append(audits.Borrowed(item.parameter, float(value), item.from_phenotype, item.source))
    return tuple(out)


@cache
def _profiles(population: Population, effects: CovariateEffects) -> FrozenDict[str, tuple]:
    """The population's quadrature points with each one's hazard ratio, as model fields
    (cached: the redrawn versions of a phenotype share them)."""
    nodes = population.nodes()
    hazard_ratios = effects.hazard_ratio(
        nodes["age_at_onset"].to_numpy(), nodes["delay_months"].to_numpy()
    )
    return FrozenDict(
        {
            "ages": tuple(nodes["age_at_onset"]),
            "sexes": tuple(nodes["sex"]),
            "hazard_ratios": tuple(hazard_ratios),
            "weights": tuple(nodes["weight"]),
            "delay_months": tuple(nodes["delay_months"]),
        }
    )


def _calibrate(
    name: str,
    spec: PhenotypeSpec,
    table: LifeTable | None,
    targets: Targets | None = None,
    start: np.ndarray | None = None,
    solved: np.ndarray | None = None,
    population: Population | None = None,
) -> Phenotype:
    """Calibrate ``name`` to its figures (or to ``targets``), from the family's starting points
    (or from ``start`` alone, for a quick refit near a known solution); ``solved`` is a known
    solution (from ``draw_cache``), taken as it is; ``population`` None is the default one."""
    targets = _targets(name, spec) if targets is None else targets
    free, sites, _ = _site_structure(spec, table, population)
    population, effects = _population_for(spec, population)
    model_of = PopulationOf(sites, _profiles(population, effects), table)
    problem = LandmarkProblem(model_of, targets)
    if solved is not None:
        best = _Known(x=solved, fun=problem.objective(solved), success=True)
    else:
        starts = free.starts(*starting_summary(targets)) if start is None else [start]
        best = problem.solve(
            starts,
            f"phenotype {name}: no model reproduces its figures; check data/phenotypes.toml",
        )
    model = model_of(best.x)
    n = targets.effective_sample_size
    landmarks = landmark_table(model, targets)
    info = fit_info(
        "landmarks",
        free,
        best.x,
        -n * best.fun,
        n,
        n * (1 - targets.equal[-1].survival),
        build=model_of,
        converged=bool(best.success),
        landmarks=landmarks,
    )
    model = replace(model, fit_info=info)
    parts = sites(best.x)
    disease = {(key or name): m for key, (_, m) in parts.items()}
    shares = {(key or name): s for key, (s, _) in parts.items()}
    return Phenotype(
        name=name,
        description=spec.description,
        model=model,
        disease=disease,
        site_shares=shares,
        population=population,
        effects=effects,
        table=table,
        targets=targets,
        sources=_sources(spec),
    )


def calibration(item: Phenotype) -> tuple[FitInfo, Targets]:
    """A calibrated (not derived) phenotype's fit and figures."""
    info, targets = item.model.fit_info, item.targets
    if info is None or targets is None:
        raise ValueError(f"phenotype {item.name} is derived from another, not calibrated")
    return info, targets


@dataclass(frozen=True)
class _Known:
    """A solution taken from the shipped cache, shaped like an optimiser's result."""

    x: np.ndarray
    fun: float
    success: bool


def _sources(spec: PhenotypeSpec) -> dict[str, str]:
    out = dict(spec.notes)
    for i, lm in enumerate(spec.landmark):
        out[f"landmark {i + 1}: S({lm.t:g}) {lm.kind} {lm.survival:g}"] = lm.source
    for item in spec.borrow:
        out[f"borrowed: {item.parameter} from {item.from_phenotype}"] = item.source
    return out


def _site_of(parent: Phenotype, name: str, site: int) -> Phenotype:
    """One onset site of a site-mixture phenotype (its own population average)."""
    key = list(parent.disease)[site]
    model = replace(
        parent.model, components=(parent.disease[key],), shares=(1.0,), names=(key,), fit_info=None
    )
    descriptions = {
        "als_limb": "ALS with limb (spinal) onset",
        "als_bulbar": "ALS with bulbar onset: faster",
    }
    return replace(
        parent,
        name=name,
        description=descriptions[name],
        model=model,
        disease={key: parent.disease[key]},
        site_shares={key: 1.0},
        targets=None,
    )


def _scaled(
    name: str, spec: PhenotypeSpec, parent: Phenotype, population: Population | None = None
) -> Phenotype:
    """A phenotype whose disease hazard is the parent's times a hazard ratio (an assumption)."""
    population, effects = _population_for(spec, population)
    (parent_disease,) = parent.disease.values()
    disease = {name: parent_disease.with_hazard_ratio(spec.hazard_ratio)}
    model = population_model(
        {name: (1.0, disease[name])}, _profiles(population, effects), parent.table
    )
    return Phenotype(
        name=name,
        description=spec.description,
        model=model,
        disease=disease,
        site_shares={name: 1.0},
        population=population,
        effects=effects,
        table=parent.table,
        targets=None,
        sources=_sources(spec),
    )


def phenotypes(background: str | Path | LifeTable | None = DEFAULT_TABLE) -> pd.DataFrame:
    """Every phenotype in one table, one row each.

    Columns: name, description, median_years (population median survival from onset),
    s1, s3, s5, s10, s25 (survival at 1, 3, 5, 10 and 25 years), other_cause_10, other_cause_25
    (share of deaths by 10 and by 25 years that are from other causes; 0 without background),
    max_abs_error (largest miss of the phenotype's own figures; NaN when derived), identified
    (True when the figures pin every parameter that was not borrowed), pinned_by (the figures
    that pin the curve, ' ; '-joined), assumed (what was borrowed and from where, any
    parameter the figures leave free, and figures that are readings marked as assumptions;
    from ``identification``), sources (the figures' sources, joined by ' | ').
    """
    rows = []
    for name in NAMES:
        item = phenotype(name, background)
        audit_table = identification(name, background)
        model = item.model
        survival = np.asarray(model.survival(np.array([1.0, 3.0, 5.0, 10.0, 25.0])))
        causes = model.cause_of_death(np.array([10.0, 25.0]))
        died = causes["disease"] + causes["other"]
        info = model.fit_info
        rows.append(
            {
                "name": name,
                "description": item.description,
                "median_years": model.median(),
                "s1": survival[0],
                "s3": survival[1],
                "s5": survival[2],
                "s10": survival[3],
                "s25": survival[4],
                "other_cause_10": causes["other"][0] / died[0],
                "other_cause_25": causes["other"][1] / died[1],
                "max_abs_error": info.max_abs_error if info is not None else math.nan,
                **audits.summary(audit_table, _read_figures(name, background)),
                "sources": " | ".join(item.sources.values()),
            }
        )
    return pd.DataFrame(rows)


def _read_figures(name: str, background) -> list[str]:
    """The figures ``name`` is calibrated to (its own, or those of the phenotype it derives
    from) whose source marks them as an assumption, such as a reading of words."""
    while phenotype(name, background).targets is None:
        name = DERIVED[name][0] if name in DERIVED else _spec(name).scaled_from
    targets = calibration(phenotype(name, background))[1]
    return [
        audits.figure_label(lm) for lm in targets.landmarks if "assumption" in lm.source.lower()
    ]


def identification(
    name: str | None = None,
    background: str | Path | LifeTable | None = DEFAULT_TABLE,
) -> pd.DataFrame:
    """Which parameters each phenotype's figures pin, which they leave free, what is borrowed.

    name : one phenotype, or None for all (in ``NAMES`` order).

    Returns
    -------
    One row per phenotype and parameter. Columns: phenotype, then those of
    ``alsprog.disease.identification.audit``: parameter, estimate, standard_error, halfwidth,
    status (pinned, bound, free, borrowed), pinned_by, source. A derived phenotype repeats the
    rows of the one it derives from (ppbp adds its borrowed hazard ratio).
    """
    names = NAMES if name is None else (check_phenotype(name),)
    table = _table_key(background)
    frames = [_identification(n, table).assign(phenotype=n) for n in names]
    out = pd.concat(frames, ignore_index=True)
    return out[["phenotype", *out.columns[:-1]]]


@cache
def _identification(name: str, table: LifeTable | None) -> pd.DataFrame:
    if name in DERIVED:
        return _identification(DERIVED[name][0], table)
    spec = _spec(name)
    if spec.structure == "scaled":
        ratio = audits.Borrowed("hazard_ratio", spec.hazard_ratio, "", spec.hazard_ratio_source)
        parent = _identification(spec.scaled_from, table)
        return pd.concat([parent, audits.borrowed_rows([ratio])], ignore_index=True)
    info, targets = calibration(_phenotype(name, table))
    free, _, borrowed = _site_structure(spec, table)
    return audits.audit(info.rebuild, info.unconstrained_estimate, targets, free, borrowed)


def __getattr__(name: str):
    """``uncertainty_draws`` lives in ``alsprog.disease.draws`` (it builds on this module);
    reached through here for the callers that import it from the library."""
    if name == "uncertainty_draws":
        from alsprog.disease.draws import uncertainty_draws

        return uncertainty_draws
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
