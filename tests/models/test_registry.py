"""The family table: each row builds its family from the parameters the family declares."""

import dataclasses
import math
import pickle

import numpy as np
import pytest

from alsprog.models import FAMILIES
from alsprog.models.parameters import DOMAINS, Parameter
from alsprog.models.registry import FAMILY_TABLE, LOG_SCALE, family_spec

OPTIONS = {"piecewise_exponential": {"breakpoints": (1.0, 3.0)}, "spline": {"knots": (0.5, 2, 8)}}


@pytest.mark.parametrize("name", FAMILIES)
def test_every_family_declares_named_parameters_with_domain_and_unit(name):
    row = FAMILY_TABLE[name]
    assert row.model.family == name
    declared = row.model.declared_parameters
    assert declared and all(p.domain in DOMAINS and p.unit for p in declared)
    if row.option is None:  # a fixed-size family: its spec is its declaration
        spec = family_spec(name)
        assert spec.parameter_names == tuple(p.name for p in declared)
        assert spec.log_scale == LOG_SCALE[name] == tuple(p.domain == "positive" for p in declared)


@pytest.mark.parametrize("name", FAMILIES)
def test_theta_maps_to_the_declared_parameters(name):
    spec = family_spec(name, **OPTIONS.get(name, {}))
    theta = spec.starts(3.0, 0.8)[0]
    model = spec.build(theta)
    values, _ = spec.natural(theta)
    if FAMILY_TABLE[name].option is None:  # exp of the positive ones, the real ones as they are
        assert [getattr(model, n) for n in spec.parameter_names] == pytest.approx(values, 1e-15)
    assert pickle.loads(pickle.dumps(spec)) == spec
    assert pickle.loads(pickle.dumps(spec)).build(theta) == model


def test_a_fixed_parameter_is_held_and_left_out_of_theta():
    full = family_spec("lognormal")
    held = full.with_fixed({1: math.log(0.9)})
    assert held.parameter_names == ("mu",) and held.n_parameters == 1
    assert held.build(np.array([1.2])) == full.build(np.array([1.2, math.log(0.9)]))
    assert [s.tolist() for s in held.starts(3.0, 0.8)] == [[s[0]] for s in full.starts(3.0, 0.8)]
    assert pickle.loads(pickle.dumps(held)).build(np.array([1.2])).sigma == pytest.approx(0.9)


def test_a_declaration_that_does_not_match_the_fields_is_refused():
    @dataclasses.dataclass(frozen=True)
    class Wrong(FAMILY_TABLE["weibull"].model):
        declared_parameters = (Parameter("scale", "positive", "years"),)

    with pytest.raises(TypeError, match="declared parameters"):
        dataclasses.replace(FAMILY_TABLE["weibull"], model=Wrong)
    with pytest.raises(ValueError, match="domain"):
        Parameter("rate", "negative", "per year")
