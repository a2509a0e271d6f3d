"""The family table: each family's parameters on an unbounded scale, for fitting and calibration.

``FAMILY_TABLE`` has one row per family. A family of fixed size declares its parameters
(``declared_parameters``: name, domain, unit) and its starting points (``starts``) in its own
file, and its row is just its class: a ``positive`` parameter is fitted as its logarithm, a
``real`` one as it is. The three families whose size depends on options (breakpoints, knots,
components) name their builder and starting points here.

A ``FamilySpec`` is plain data (a name, options, fixed parameters), so it pickles: it maps a
vector theta of real numbers to a model, back again, and proposes starting points from two
summaries of the data, a median (years) and the spread of log time.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cache

import numpy as np

from alsprog.data.frozen import FrozenDict
from alsprog.errors import InputError
from alsprog.models.base import SurvivalModel
from alsprog.models.exponential import Exponential
from alsprog.models.generalized_gamma import GeneralizedGamma
from alsprog.models.gompertz import Gompertz
from alsprog.models.loglogistic import LogLogistic
from alsprog.models.lognormal import LogNormal
from alsprog.models.mixture import Mixture
from alsprog.models.piecewise_exponential import PiecewiseExponential
from alsprog.models.spline import Spline
from alsprog.models.weibull import Weibull

LN2 = math.log(2)
Starts = Callable[["FamilySpec", float, float], list[np.ndarray]]
Build = Callable[["FamilySpec", np.ndarray], SurvivalModel]


@dataclass(frozen=True)
class FamilySpec:
    """One family as the optimisers see it.

    parameter_names, log_scale : the free parameters, in theta's order, and which of them are
        logarithms of the model's parameters.
    n_logits : leading entries that are mixture-weight logits (first weight: reference).
    breakpoints, knots, components : the options of the families that take them.
    fixed : (index, value) of parameters held fixed on theta's scale (``with_fixed``); theta
        then holds only the others.
    """

    name: str
    parameter_names: tuple[str, ...]
    log_scale: tuple[bool, ...]
    n_logits: int = 0
    breakpoints: tuple[float, ...] = ()
    knots: tuple[float, ...] = ()
    components: tuple[str, ...] = ()
    fixed: tuple[tuple[int, float], ...] = ()

    @property
    def n_parameters(self) -> int:
        return len(self.parameter_names)

    def expand(self, theta: np.ndarray) -> np.ndarray:
        """The full theta (fixed parameters put back) from the free one."""
        if not self.fixed:
            return np.asarray(theta, dtype=float)
        full = np.empty(self.n_parameters + len(self.fixed))
        full[self._kept()] = theta
        for i, value in self.fixed:
            full[i] = value
        return full

    def _kept(self) -> list[int]:
        held = {i for i, _ in self.fixed}
        return [i for i in range(self.n_parameters + len(self.fixed)) if i not in held]

    def build(self, theta: np.ndarray) -> SurvivalModel:
        """The model at ``theta``."""
        return _ROWS[self.name].build(self, self.expand(theta) if self.fixed else theta)

    def starts(self, median: float, spread: float) -> list[np.ndarray]:
        """Starting points from a median (years) and the spread of log time."""
        row = _ROWS[self.name]
        if row.starts is None:  # a fixed-size family: its class's own starting points
            points = row.model.starts(median, spread)
        else:
            points = row.starts(self, median, spread)
        if not self.fixed:
            return points
        keep = self._kept()
        return [np.asarray(s)[keep] for s in points]

    def with_fixed(self, fixed: Mapping[int, float]) -> FamilySpec:
        """This spec with the parameters at the given indices held at the given values."""
        if not fixed:
            return self
        if self.fixed:
            raise ValueError(f"{self.name}: parameters are fixed already; fix them all at once")
        keep = [i for i in range(self.n_parameters) if i not in fixed]
        return replace(
            self,
            parameter_names=tuple(self.parameter_names[i] for i in keep),
            log_scale=tuple(self.log_scale[i] for i in keep),
            fixed=tuple(sorted(fixed.items())),
        )

    def natural(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The model's parameters (in ``parameter_names`` order) and their Jacobian in theta,
        for delta-method standard errors."""
        theta = np.asarray(theta, dtype=float)
        log_scale = np.array(self.log_scale, dtype=bool)
        values = np.where(log_scale, np.exp(np.where(log_scale, theta, 0.0)), theta)
        jacobian = np.diag(np.where(log_scale, values, 1.0))
        k = self.n_logits
        if k:
            shares = _softmax(theta[:k])[1:]
            values[:k] = shares
            jacobian[:k, :k] = np.diag(shares) - np.outer(shares, shares)
        return values, jacobian


# --------------------------------------------------------------------------- builders
def _build_declared(spec: FamilySpec, theta: np.ndarray) -> SurvivalModel:
    """A fixed-size family from its declared parameters (exp of the positive ones), in the
    order of the model's fields."""
    row = _ROWS[spec.name]
    numbers = np.asarray(theta).tolist()  # the same doubles as Python floats: faster to map
    return row.model(*map(operator.call, row.converters, numbers))


def _build_piecewise(spec: FamilySpec, theta: np.ndarray) -> SurvivalModel:
    return PiecewiseExponential(spec.breakpoints, tuple(np.exp(theta)))


def _starts_piecewise(spec: FamilySpec, median: float, spread: float) -> list[np.ndarray]:
    return [np.full(len(spec.breakpoints) + 1, math.log(LN2 / median))]


def _build_spline(spec: FamilySpec, theta: np.ndarray) -> SurvivalModel:
    return Spline(spec.knots, tuple(theta))


def _starts_spline(spec: FamilySpec, median: float, spread: float) -> list[np.ndarray]:
    out = []
    for slope in (1.0 / max(spread, 0.2), 1.5, 3.0):
        theta = np.zeros(len(spec.knots))
        theta[0], theta[1] = math.log(LN2) - slope * math.log(median), slope
        out.append(theta)
    return out


def _build_mixture(spec: FamilySpec, theta: np.ndarray) -> SurvivalModel:
    parts_specs = [_plain_spec(c) for c in spec.components]
    n_w = len(parts_specs) - 1
    weights = _softmax(theta[:n_w])
    parts, at = [], n_w
    for part in parts_specs:
        size = part.n_parameters
        parts.append(part.build(theta[at : at + size]))
        at += size
    return Mixture(tuple(parts), tuple(weights))


def _starts_mixture(spec: FamilySpec, median: float, spread: float) -> list[np.ndarray]:
    parts_specs = [_plain_spec(c) for c in spec.components]
    out = []
    for share_slow, fast, slow in ((0.3, 0.7, 3.0), (0.15, 0.8, 4.0), (0.5, 0.5, 2.0)):
        logits = [math.log(share_slow / (1 - share_slow))] * (len(parts_specs) - 1)
        pieces = [
            part.starts(median * (fast if k == 0 else slow), spread * 0.7)[0]
            for k, part in enumerate(parts_specs)
        ]
        out.append(np.concatenate([logits, *pieces]))
    return out


@dataclass(frozen=True)
class Family:
    """A row of the family table: the model class, how theta builds it and where to start
    (None: the class's own ``starts``). ``option`` names what sizes theta (None: the declared
    parameters)."""

    model: type[SurvivalModel]
    build: Build = _build_declared
    starts: Starts | None = None
    option: str | None = None
    log_scale: tuple[bool, ...] = field(init=False, default=())
    converters: tuple[Callable[[float], float], ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        declared = self.model.declared_parameters
        object.__setattr__(self, "log_scale", tuple(p.log_scale for p in declared))
        convert = tuple(math.exp if p.log_scale else float for p in declared)
        object.__setattr__(self, "converters", convert)
        if self.option is None:  # theta in the order of the model's own fields
            names = tuple(p.name for p in declared)
            own = tuple(f.name for f in fields(self.model) if not f.kw_only)[: len(names)]
            if not names or names != own:
                raise TypeError(f"{self.model.__name__}: declared parameters {names} != {own}")


_ROWS: dict[str, Family] = {
    "exponential": Family(Exponential),
    "weibull": Family(Weibull),
    "gompertz": Family(Gompertz),
    "lognormal": Family(LogNormal),
    "loglogistic": Family(LogLogistic),
    "generalized_gamma": Family(GeneralizedGamma),
    "piecewise_exponential": Family(
        PiecewiseExponential, _build_piecewise, _starts_piecewise, "breakpoints"
    ),
    "spline": Family(Spline, _build_spline, _starts_spline, "knots"),
    "mixture": Family(Mixture, _build_mixture, _starts_mixture, "components"),
}
FAMILY_TABLE: FrozenDict[str, Family] = FrozenDict(_ROWS)
FAMILIES = tuple(FAMILY_TABLE)
# Which entries of theta are logs of the model's parameters, for the fixed-size families.
LOG_SCALE = FrozenDict(
    {
        name: tuple(p.log_scale for p in row.model.declared_parameters)
        for name, row in FAMILY_TABLE.items()
        if row.option is None
    }
)


def check_family(name: str) -> str:
    """Return ``name`` if it is a known family, else raise an InputError listing them."""
    if name not in FAMILIES:
        raise InputError(f"family {name!r} is unknown; choose one of {', '.join(FAMILIES)}")
    return name


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(np.concatenate([[0.0], z]) - max(0.0, float(np.max(z, initial=0.0))))
    return e / e.sum()


@cache
def _plain_spec(name: str) -> FamilySpec:
    return family_spec(name)


def family_spec(
    name: str,
    *,
    breakpoints: Sequence[float] = (),
    knots: Sequence[float] = (),
    components: Sequence[str] = ("weibull", "weibull"),
) -> FamilySpec:
    """The spec of family ``name``; piecewise_exponential needs ``breakpoints`` (years), spline
    needs ``knots`` (years, boundary knots first and last), mixture takes ``components``."""
    row = FAMILY_TABLE[check_family(name)]
    if row.option is None:
        names = tuple(p.name for p in row.model.declared_parameters)
        return FamilySpec(name, names, LOG_SCALE[name])
    if row.option == "breakpoints":
        cuts = tuple(float(b) for b in breakpoints)
        names = tuple(f"rate_{j}" for j in range(len(cuts) + 1))
        return FamilySpec(name, names, (True,) * len(names), breakpoints=cuts)
    if row.option == "knots":
        if len(knots) < 2:
            raise InputError("spline: give at least two knots (years)")
        knot_years = tuple(float(k) for k in knots)
        names = tuple(f"gamma_{j}" for j in range(len(knot_years)))
        return FamilySpec(name, names, (False,) * len(names), knots=knot_years)
    # mixture: the first component's weight is the softmax reference
    parts = [_plain_spec(check_family(c)) for c in components]
    n_logits = len(parts) - 1
    names = tuple(f"weight_{k}" for k in range(1, len(parts))) + tuple(
        f"{k}.{p}" for k, s in enumerate(parts) for p in s.parameter_names
    )
    log_scale = (False,) * n_logits + tuple(f for s in parts for f in s.log_scale)
    return FamilySpec(name, names, log_scale, n_logits, components=tuple(components))
