"""A library phenotype recalibrated to other figures, such as a user's register.

``recalibrate(name, targets)`` keeps everything the library's phenotype is made of (onset sites
and their shares, the bulbar hazard ratio, the population, the prognostic factors, the life
table and any borrowed parameter) and sets its free parameters so that its population-average
all-cause survival reproduces ``targets`` instead of the published figures. With
``regression.targets(data)`` (``alsprog.estimation.regression_targets``) the figures are a
fitted regression's standardised survival, so a register's fit becomes a phenotype: its
``model`` drives ``simulate_cohort(model=...)``, its ``patient(...)`` gives one patient's
survival with the prognostic factors, and it takes effects like any model.

The targets are taken as the population average over the phenotype's own population
(``Population.default``): standardise over a frame like it (or over the register, when the
register is the population meant). Not cached: each call calibrates (a fraction of a second).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from alsprog.disease.library import DERIVED, _calibrate, _spec, _table_key, check_phenotype
from alsprog.disease.phenotype import Phenotype
from alsprog.errors import InputError
from alsprog.estimation.targets import Targets
from alsprog.population.lifetable import DEFAULT_TABLE, LifeTable


def recalibrate(
    name: str,
    targets: Targets,
    background: str | Path | LifeTable | None = DEFAULT_TABLE,
) -> Phenotype:
    """Phenotype ``name`` calibrated to ``targets`` (e.g. ``regression.targets(register)``).

    name : a calibrated library phenotype (als, als_flail, pbp, pma, pls); derived ones
        (als_limb, als_bulbar, ppbp) follow the phenotype they derive from, so recalibrate that.
    targets : landmark figures (``Targets``; ``alsprog.load_targets`` for a file).
    background : the life table for ordinary mortality, or None, as in ``phenotype``.

    Returns
    -------
    Phenotype whose ``model.fit_info.landmarks`` compares it with ``targets``, whose
    ``targets`` are the ones given, and whose ``sources`` cite them.
    """
    name = check_phenotype(name)
    spec = None if name in DERIVED else _spec(name)
    if spec is None or spec.structure == "scaled":
        parent = DERIVED[name][0] if spec is None else spec.scaled_from
        raise InputError(
            f"recalibrate: phenotype {name!r} is derived from {parent!r}, not calibrated; "
            f"recalibrate {parent!r} instead"
        )
    if not isinstance(targets, Targets):
        raise InputError(
            f"recalibrate: targets must be Targets (got {type(targets).__name__}); pass "
            "regression.targets(data) or alsprog.load_targets(path)"
        )
    item = _calibrate(name, spec, _table_key(background), targets=targets)
    sources = {
        f"landmark {i + 1}: S({lm.t:g}) {lm.kind} {lm.survival:g}": lm.source
        for i, lm in enumerate(targets.landmarks)
    }
    sources |= {k: v for k, v in item.sources.items() if not k.startswith("landmark ")}
    return replace(
        item,
        description=f"{item.description}; recalibrated to {targets.name}",
        sources=sources,
    )
