"""Redrawn versions of the phenotypes: the parameter uncertainty behind the prognosis band.

``uncertainty_draws(name, background, n, seed)`` gives ``n`` versions of a phenotype, each
recalibrated to its figures redrawn within their uncertainty (``estimation.redraws``). They
are ``n`` distinct members, chosen by ``seed``, of a fixed pool per phenotype (member i: the
figures redrawn from its own stream), shipped by ``draw_cache`` and computed when a shipped
file is missing or stale, so the cache changes the speed and never the numbers.
``alsprog.parameter_draws`` of a phenotype is this function.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from alsprog.disease import draw_cache
from alsprog.disease.library import (
    DEFAULT_TABLE,
    DERIVED,
    MAX_DRAWS,
    _calibrate,
    _phenotype,
    _scaled,
    _site_of,
    _spec,
    _table_key,
    calibration,
    check_phenotype,
)
from alsprog.disease.phenotype import Phenotype
from alsprog.errors import InputError, check_whole
from alsprog.estimation.redraws import recalibrated, redrawn_targets
from alsprog.estimation.targets import Targets
from alsprog.population.covariates import Population, resolve_population
from alsprog.population.lifetable import LifeTable


def uncertainty_draws(
    name: str,
    background: str | Path | LifeTable | None = DEFAULT_TABLE,
    n: int = 60,
    seed: int = 20261124,
    population: str | Population | None = None,
) -> tuple[Phenotype, ...]:
    """``n`` versions of phenotype ``name`` recalibrated to redrawn figures (parameter uncertainty).

    The versions are ``n`` distinct members, chosen by ``seed``, of a fixed pool of
    recalibrations (``draw_cache``: member i is the recalibration to the figures redrawn from
    its own stream, ``estimation.redraws``); the pool ships with the package, and members are
    computed when a shipped file is missing or stale. A derived phenotype (als_limb,
    als_bulbar, ppbp) is rebuilt from redrawn versions of the one it derives from. A redrawn
    set that no model of the family reaches is skipped, so fewer may come back. Cached per
    process. Under a non-default ``population`` (as in ``phenotype``) each member is
    recalibrated to the same redrawn figures over that population, from the default member's
    solution (not shipped: about 30 ms a member for ALS).
    """
    n = check_whole("uncertainty_draws: n", n, 1, MAX_DRAWS)
    seed = check_whole("uncertainty_draws: seed", seed)
    name, table = check_phenotype(name), _table_key(background)
    chosen = resolve_population(population)
    if chosen is None:
        return _uncertainty_draws(name, table, n, seed)
    return _draws_in(name, table, n, seed, chosen)


@cache
def _uncertainty_draws(
    name: str, table: LifeTable | None, n: int, seed: int
) -> tuple[Phenotype, ...]:
    if name in DERIVED:
        parent, site = DERIVED[name]
        return tuple(_site_of(p, name, site) for p in _uncertainty_draws(parent, table, n, seed))
    spec = _spec(name)
    if spec.structure == "scaled":
        return tuple(
            _scaled(name, spec, p) for p in _uncertainty_draws(spec.scaled_from, table, n, seed)
        )
    draws = []
    for index in draw_cache.pool_indices(n, seed):
        member = _pool_member(name, table, int(index))
        if member is not None:
            draws.append(member)
    return tuple(draws)


@cache
def _draws_in(
    name: str, table: LifeTable | None, n: int, seed: int, population: Population
) -> tuple[Phenotype, ...]:
    if name in DERIVED:
        parent, site = DERIVED[name]
        draws = _draws_in(parent, table, n, seed, population)
        return tuple(_site_of(p, name, site) for p in draws)
    spec = _spec(name)
    if spec.structure == "scaled":
        draws = _draws_in(spec.scaled_from, table, n, seed, population)
        return tuple(_scaled(name, spec, p, population) for p in draws)
    out = []
    for index in draw_cache.pool_indices(n, seed):
        targets, theta = pool_solution(name, table, int(index))
        if theta is None:
            continue
        try:
            out.append(_calibrate(name, spec, table, targets, theta, population=population))
        except InputError:  # this redrawn set is out of the family's reach here: skipped
            continue
    return tuple(out)


def pool_solution(
    name: str, table: LifeTable | None, index: int
) -> tuple[Targets, np.ndarray | None]:
    """Pool member ``index`` of a calibrated phenotype: its redrawn figures and its parameter
    vector (None when no model of the family reaches them), from the shipped pool if fresh."""
    info, figures = calibration(_phenotype(name, table))
    targets = redrawn_targets(figures, draw_cache.POOL_SEED, index)
    shipped = draw_cache.cached(name, table)
    if shipped is not None and index < len(shipped["draws"]):
        return targets, draw_cache.as_vector(shipped["draws"][index])
    return targets, recalibrated(info.rebuild, targets, info.unconstrained_estimate)


def _pool_member(name: str, table: LifeTable | None, index: int) -> Phenotype | None:
    targets, theta = pool_solution(name, table, index)
    if theta is None:
        return None
    return _calibrate(name, _spec(name), table, targets, solved=theta)
