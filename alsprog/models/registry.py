"""The family table: each family's parameters on an unbounded scale, for fitting and calibration.

A ``FamilySpec`` maps a vector theta of real numbers to a model (positive parameters through
exp, weights through a softmax), back again, and proposes starting points from two summaries
of the data: a median (years) and the spread of log time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

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

FAMILIES = (
    "exponential",
    "weibull",
    "gompertz",
    "lognormal",
    "loglogistic",
    "generalized_gamma",
    "piecewise_exponential",
    "spline",
    "mixture",
)
LN2 = math.log(2)
# Which entries of theta are logs of the model's parameters, for the fixed-size families.
LOG_SCALE = {
    "exponential": (True,),
    "weibull": (True, True),
    "gompertz": (False, True),
    "lognormal": (False, True),
    "loglogistic": (True, True),
    "generalized_gamma": (False, True, False),
}


@dataclass(frozen=True)
class FamilySpec:
    """One family as the optimisers see it."""

    name: str
    parameter_names: tuple[str, ...]
    build: Callable[[np.ndarray], SurvivalModel]
    starts: Callable[[float, float], list[np.ndarray]]
    log_scale: tuple[bool, ...]  # which entries of theta are logs of the model's parameters
    n_logits: int = 0  # leading entries that are mixture-weight logits (first weight: reference)

    @property
    def n_parameters(self) -> int:
        return len(self.parameter_names)

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


def check_family(name: str) -> str:
    """Return ``name`` if it is a known family, else raise an InputError listing them."""
    if name not in FAMILIES:
        raise InputError(f"family {name!r} is unknown; choose one of {', '.join(FAMILIES)}")
    return name


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(np.concatenate([[0.0], z]) - max(0.0, float(np.max(z, initial=0.0))))
    return e / e.sum()


def family_spec(
    name: str,
    *,
    breakpoints: Sequence[float] = (),
    knots: Sequence[float] = (),
    components: Sequence[str] = ("weibull", "weibull"),
) -> FamilySpec:
    """The spec of family ``name``; piecewise_exponential needs ``breakpoints`` (years), spline
    needs ``knots`` (years, boundary knots first and last), mixture takes ``components``."""
    check_family(name)
    if name == "exponential":
        return FamilySpec(
            name,
            ("rate",),
            lambda th: Exponential(math.exp(th[0])),
            lambda med, spread: [np.array([math.log(LN2 / med)])],
            LOG_SCALE[name],
        )
    if name == "weibull":

        def weibull_starts(med: float, spread: float) -> list[np.ndarray]:
            return [
                np.array([math.log(k), math.log(med / LN2 ** (1 / k))])
                for k in (1.0 / max(spread, 0.2), 1.0, 2.0)
            ]

        return FamilySpec(
            name,
            ("shape", "scale"),
            lambda th: Weibull(math.exp(th[0]), math.exp(th[1])),
            weibull_starts,
            LOG_SCALE[name],
        )
    if name == "gompertz":

        def gompertz_starts(med: float, spread: float) -> list[np.ndarray]:
            out = []
            for b in (-0.5 / med, 0.01 / med, 0.5 / med):
                rate = LN2 * b / math.expm1(b * med)
                out.append(np.array([b, math.log(rate)]))
            return out

        return FamilySpec(
            name,
            ("shape", "rate"),
            lambda th: Gompertz(float(th[0]), math.exp(th[1])),
            gompertz_starts,
            LOG_SCALE[name],
        )
    if name == "lognormal":
        return FamilySpec(
            name,
            ("mu", "sigma"),
            lambda th: LogNormal(float(th[0]), math.exp(th[1])),
            lambda med, spread: [np.array([math.log(med), math.log(spread)])],
            LOG_SCALE[name],
        )
    if name == "loglogistic":
        return FamilySpec(
            name,
            ("shape", "scale"),
            lambda th: LogLogistic(math.exp(th[0]), math.exp(th[1])),
            lambda med, spread: [np.array([math.log(1.8 / spread), math.log(med)])],
            LOG_SCALE[name],
        )
    if name == "generalized_gamma":

        def gg_starts(med: float, spread: float) -> list[np.ndarray]:
            return [np.array([math.log(med), math.log(spread), q]) for q in (0.5, 1.0, -0.5)]

        return FamilySpec(
            name,
            ("mu", "sigma", "q"),
            lambda th: GeneralizedGamma(float(th[0]), math.exp(th[1]), float(th[2])),
            gg_starts,
            LOG_SCALE[name],
        )
    if name == "piecewise_exponential":
        cuts = tuple(float(b) for b in breakpoints)
        names = tuple(f"rate_{j}" for j in range(len(cuts) + 1))
        return FamilySpec(
            name,
            names,
            lambda th: PiecewiseExponential(cuts, tuple(np.exp(th))),
            lambda med, spread: [np.full(len(names), math.log(LN2 / med))],
            (True,) * len(names),
        )
    if name == "spline":
        if len(knots) < 2:
            raise InputError("spline: give at least two knots (years)")
        knot_years = tuple(float(k) for k in knots)
        names = tuple(f"gamma_{j}" for j in range(len(knot_years)))

        def spline_starts(med: float, spread: float) -> list[np.ndarray]:
            out = []
            for slope in (1.0 / max(spread, 0.2), 1.5, 3.0):
                theta = np.zeros(len(names))
                theta[0], theta[1] = math.log(LN2) - slope * math.log(med), slope
                out.append(theta)
            return out

        return FamilySpec(
            name,
            names,
            lambda th: Spline(knot_years, tuple(th)),
            spline_starts,
            (False,) * len(names),
        )
    # mixture: the first component's weight is the softmax reference
    specs = [family_spec(c) for c in components]
    sizes = [s.n_parameters for s in specs]
    names = tuple(f"weight_{k}" for k in range(1, len(specs))) + tuple(
        f"{k}.{p}" for k, s in enumerate(specs) for p in s.parameter_names
    )

    def build_mixture(th: np.ndarray) -> Mixture:
        n_w = len(specs) - 1
        weights = _softmax(th[:n_w])
        parts, at = [], n_w
        for spec, size in zip(specs, sizes, strict=True):
            parts.append(spec.build(th[at : at + size]))
            at += size
        return Mixture(tuple(parts), tuple(weights))

    def mixture_starts(med: float, spread: float) -> list[np.ndarray]:
        out = []
        for share_slow, fast, slow in ((0.3, 0.7, 3.0), (0.15, 0.8, 4.0), (0.5, 0.5, 2.0)):
            logits = [math.log(share_slow / (1 - share_slow))] * (len(specs) - 1)
            pieces = [
                spec.starts(med * (fast if k == 0 else slow), spread * 0.7)[0]
                for k, spec in enumerate(specs)
            ]
            out.append(np.concatenate([logits, *pieces]))
        return out

    n_logits = len(specs) - 1
    log_scale = (False,) * n_logits + tuple(f for spec in specs for f in spec.log_scale)
    return FamilySpec("mixture", names, build_mixture, mixture_starts, log_scale, n_logits)
