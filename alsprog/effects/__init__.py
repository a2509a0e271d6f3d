"""The public name of the interventions: ``from alsprog.effects import HazardRatio, riluzole``.

The types and presets live in ``alsprog.interventions`` (defined once, right after the models);
this module only re-exports them under the name users know. What an effect does on every scale
(``translate``, the parameter draws, the simulated course measures) is in ``alsprog.outcomes``.
"""

from alsprog.interventions import (
    ANCHORS,
    PRESETS,
    Combined,
    Effect,
    HazardRatio,
    SlopeReduction,
    TimeRatio,
    combine,
    edaravone,
    preset,
    riluzole,
)

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
