"""``alsprog.prognosis``: one patient's outlook, with a treatment given by its preset's name.

``alsprog.disease.prognosis.prognosis`` takes the treatment as an effect object (the disease
folder comes before the effects folder and cannot know the presets); this is the same function
with ``treatment`` also accepting ``"riluzole"`` or ``"edaravone"``, resolved by
``alsprog.effects.presets``, the presets' one definition. The CLI and the report call it.
"""

from __future__ import annotations

from typing import Any

from alsprog.disease.prognosis import Prognosis
from alsprog.disease.prognosis import prognosis as disease_prognosis
from alsprog.effects.presets import PRESETS, effect_data, preset
from alsprog.errors import InputError

__all__ = ["effect_data", "prognosis", "treatment_effect"]


def treatment_effect(treatment: Any) -> Any:
    """The effect a treatment argument names: None, an effect, or a preset's name."""
    if treatment is None or not isinstance(treatment, str):
        return treatment
    if treatment not in PRESETS:
        raise InputError(
            f"prognosis: treatment {treatment!r} is unknown; choose one of {', '.join(PRESETS)}"
        )
    return preset(treatment)


def prognosis(phenotype_name: str = "als", *, treatment: Any = None, **kwargs: Any) -> Prognosis:
    """``alsprog.disease.prognosis.prognosis`` (see there for every argument), with
    ``treatment`` None, an effect, or a preset's name (riluzole, edaravone)."""
    name = treatment if isinstance(treatment, str) else kwargs.pop("treatment_name", None)
    return disease_prognosis(
        phenotype_name, treatment=treatment_effect(treatment), treatment_name=name, **kwargs
    )
