"""Interventions and what they do on every scale.

``core`` (HazardRatio, TimeRatio, SlopeReduction, ``&`` and lists to combine; each effect's
``apply(model)`` is what ``model.with_effect`` calls), ``presets`` (``riluzole()``,
``edaravone()``, from ``data/effects.toml``), ``draws`` (``parameter_draws``,
``survival_draws``: models drawn from an estimate's uncertainty, and the long tables a
probabilistic sensitivity analysis reads), ``translate`` (one effect as a table on every scale),
``course_measures`` (the ALSFRS-R and King's staging measures, from cohort simulation).
Uses population, models, estimation, disease and (lazily) simulation.
"""

from alsprog.effects.core import Combined, Effect, HazardRatio, SlopeReduction, TimeRatio, combine
from alsprog.effects.presets import PRESETS, edaravone, preset, riluzole

__all__ = [
    "PRESETS",
    "Combined",
    "Effect",
    "HazardRatio",
    "SlopeReduction",
    "TimeRatio",
    "combine",
    "edaravone",
    "preset",
    "riluzole",
]
