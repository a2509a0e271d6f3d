"""Every name the package lists in ``alsprog.__all__`` resolves, and to what it says."""

from __future__ import annotations

import importlib
import types

import alsprog


def test_every_public_name_resolves():
    for name in alsprog.__all__:
        value = getattr(alsprog, name)
        assert value is not None, name
        if name in alsprog._SUBPACKAGES:
            assert isinstance(value, types.ModuleType)
        elif name != "__version__":
            assert callable(value), name


def test_the_effect_types_have_one_definition():
    effects = importlib.import_module("alsprog.effects")
    interventions = importlib.import_module("alsprog.interventions")
    for name in effects.__all__:
        assert getattr(effects, name) is getattr(interventions, name)
