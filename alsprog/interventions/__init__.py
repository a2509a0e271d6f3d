"""Interventions: what a treatment does, defined once, before every stage that uses it.

``core`` (``HazardRatio``, ``TimeRatio``, ``SlopeReduction``; ``&`` and lists combine them into
a ``Combined``; each effect's ``apply(model)`` is what ``model.with_effect`` calls) and
``presets`` (``riluzole()``, ``edaravone()``, from ``data/effects.toml``; ``preset(name)``).
Each elementary effect carries its anchor, the time its ``start_years`` counts from:
``"onset"``, ``"diagnosis"`` or ``"enrolment"`` (a trial's). ``piecewise``: an effect over each
patient's own time (``multiplier``, ``time_ratio``), what simulated death times read.
Estimation, disease, simulation, trials and outcomes take these types as they are. Uses
population and models only.
"""

from alsprog.interventions.checks import ANCHORS
from alsprog.interventions.core import (
    Combined,
    Effect,
    HazardRatio,
    SlopeReduction,
    TimeRatio,
    combine,
)
from alsprog.interventions.presets import PRESETS, edaravone, preset, riluzole

__all__ = [
    "ANCHORS",
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
