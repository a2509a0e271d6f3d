"""The public API keeps working: every name a package lists in ``__all__`` resolves."""

import importlib

import pytest

import alsprog

PACKAGES = ("alsprog", "alsprog.models", "alsprog.data", "alsprog.plots")


@pytest.mark.parametrize("package", PACKAGES)
def test_every_listed_name_resolves(package):
    module = importlib.import_module(package)
    missing = [name for name in module.__all__ if getattr(module, name, None) is None]
    assert not missing, f"{package}.__all__ names that do not resolve: {missing}"


def test_the_top_level_names_are_the_documented_ones():
    assert {"phenotype", "calibrate", "fit", "simulate_cohort", "power"} <= set(alsprog.__all__)
    assert set(dir(alsprog)) >= set(alsprog.__all__)
