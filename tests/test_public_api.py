"""The public API keeps working: every name a package lists in ``__all__`` resolves."""

import importlib
import types

import pytest

import alsprog

PACKAGES = (
    "alsprog",
    "alsprog.models",
    "alsprog.data",
    "alsprog.plots",
    "alsprog.interventions",
    "alsprog.effects",
    "alsprog.trials",
)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_listed_name_resolves(package):
    module = importlib.import_module(package)
    missing = [name for name in module.__all__ if getattr(module, name, None) is None]
    assert not missing, f"{package}.__all__ names that do not resolve: {missing}"


def test_the_top_level_names_are_the_documented_ones():
    assert {"phenotype", "calibrate", "fit", "simulate_cohort", "power"} <= set(alsprog.__all__)
    assert set(dir(alsprog)) >= set(alsprog.__all__)
    for name in alsprog.__all__:
        value = getattr(alsprog, name)
        if name in alsprog._SUBPACKAGES:
            assert isinstance(value, types.ModuleType)
        elif name != "__version__":
            assert callable(value), name


def test_the_effect_types_have_one_definition():
    effects = importlib.import_module("alsprog.effects")
    interventions = importlib.import_module("alsprog.interventions")
    for name in effects.__all__:
        assert getattr(effects, name) is getattr(interventions, name)
