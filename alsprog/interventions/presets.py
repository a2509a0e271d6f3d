"""The intervention presets, built from ``data/effects.toml`` (their one definition).

``riluzole()``: the Cochrane trial hazard ratio on the disease hazard, from each patient's
diagnosis, for life. ``edaravone()``: an ALSFRS-R slope reduction computed from the pivotal
trial's two 24-week changes, with no survival effect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from alsprog import data
from alsprog.errors import InputError
from alsprog.interventions.core import Effect, HazardRatio, SlopeReduction

PRESETS = ("riluzole", "edaravone")


def effect_data() -> Mapping[str, Any]:
    """``data/effects.toml`` whole, frozen (the presets' figures: ``alsprog.data.effects()``)."""
    return data.table("effects.toml")


def riluzole() -> HazardRatio:
    """Riluzole: disease hazard ratio 0.84 (95% CI 0.698-0.997; Miller et al., Cochrane 2012),
    from each patient's diagnosis, for life."""
    spec = data.effects().riluzole
    return HazardRatio(
        spec.hazard_ratio,
        start_years=spec.start_years,
        duration_years=spec.duration_years,
        from_diagnosis=spec.from_diagnosis,
        interval=spec.interval,
    )


def edaravone_fraction() -> float:
    """1 - (treated change) / (control change) over 24 weeks in MCI186-19: 1 - 5.01/7.50."""
    spec = data.effects().edaravone
    return 1.0 - spec.treated_change_24_weeks / spec.control_change_24_weeks


def edaravone() -> SlopeReduction:
    """Edaravone: ALSFRS-R decline slowed by 33.2% (MCI186-19, Lancet Neurol 2017), from
    diagnosis, no survival effect (none has been shown)."""
    spec = data.effects().edaravone
    return SlopeReduction(
        edaravone_fraction(),
        duration_years=spec.duration_years,
        start_years=spec.start_years,
        from_diagnosis=spec.from_diagnosis,
    )


def preset(name: str) -> Effect:
    """The preset called ``name`` (riluzole, edaravone)."""
    if name == "riluzole":
        return riluzole()
    if name == "edaravone":
        return edaravone()
    raise InputError(
        f"intervention {name!r} is unknown; choose one of {', '.join(PRESETS)}, or give an "
        "effect such as a hazard ratio"
    )


def sources(name: str) -> dict[str, str]:
    """The preset's figures' sources and notes, by key (from ``data/effects.toml``)."""
    preset(name)
    spec = data.table("effects.toml")[name]
    return {k: str(v) for k, v in spec.items() if k.endswith(("source", "note", "arithmetic"))}


def treatment_effect(treatment: object) -> object:
    """The effect a treatment argument names: None, an effect, or a preset's name."""
    if treatment is None or not isinstance(treatment, str):
        return treatment
    if treatment not in PRESETS:
        raise InputError(
            f"prognosis: treatment {treatment!r} is unknown; choose one of {', '.join(PRESETS)}"
        )
    return preset(treatment)
