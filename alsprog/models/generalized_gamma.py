"""Generalised gamma survival (Prentice's parameterisation, as in flexsurv and lifelines)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import special

from alsprog.errors import check_finite, check_positive
from alsprog.models.base import SurvivalModel
from alsprog.models.lognormal import LogNormal
from alsprog.models.parameters import Parameter

# Below this |q| the family is numerically the log-normal, its q -> 0 limit.
Q_LOGNORMAL = 1e-5
HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def expm1_minus_x(x: np.ndarray) -> np.ndarray:
    """expm1(x) - x without cancellation near 0."""
    series = (
        x
        * x
        * (
            1 / 2
            + x
            * (
                1 / 6
                + x
                * (
                    1 / 24
                    + x * (1 / 120 + x * (1 / 720 + x * (1 / 5040 + x * (1 / 40320 + x / 362880))))
                )
            )
        )
    )
    return np.where(np.abs(x) < 0.1, series, np.expm1(x) - x)


def log_density_standardised(w: np.ndarray, q: float) -> np.ndarray:
    """Log density of W = (log T - mu) / sigma under the generalised gamma, stable as q -> 0."""
    if abs(q) < Q_LOGNORMAL:
        return -0.5 * w * w - HALF_LOG_2PI
    g = 1.0 / q**2
    if g < 30:
        constant = math.log(abs(q)) + g * math.log(g) - g - special.gammaln(g)
    else:  # log|q| + g log g - g - lgamma(g) by Stirling's series (log|q| + log(g) / 2 = 0)
        constant = (
            -HALF_LOG_2PI
            - (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * g * g)) / (g * g)) / (g * g)) / g
        )
    return constant - g * expm1_minus_x(q * w)


@dataclass(frozen=True)
class GeneralizedGamma(SurvivalModel):
    """Generalised gamma survival, t in years from onset.

    With w = (log t - mu) / sigma, g = 1 / q**2 and u = g * exp(q * w), S(t) = Q(g, u) for q > 0
    and P(g, u) for q < 0 (regularised incomplete gamma functions). Nests the Weibull (q = 1),
    the log-normal (q = 0) and the gamma (q = sigma). lifelines calls q ``lambda_``.

    mu : location on log years.  sigma : scale on log time (> 0).  q : shape, any real.
    """

    mu: float
    sigma: float
    q: float
    family: ClassVar[str] = "generalized_gamma"
    declared_parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("mu", "real", "log years"),
        Parameter("sigma", "positive", "log years"),
        Parameter("q", "real", "dimensionless"),
    )

    @staticmethod
    def starts(median: float, spread: float) -> list[np.ndarray]:
        """Starting points on the fitting scale (``declared_parameters``) from a median (years)
        and the spread of log time."""
        return [np.array([math.log(median), math.log(spread), q]) for q in (0.5, 1.0, -0.5)]

    def __post_init__(self) -> None:
        object.__setattr__(self, "mu", check_finite("GeneralizedGamma mu (log years)", self.mu))
        object.__setattr__(self, "sigma", check_positive("GeneralizedGamma sigma", self.sigma))
        object.__setattr__(self, "q", check_finite("GeneralizedGamma q", self.q))

    @property
    def _lognormal(self) -> LogNormal | None:
        return LogNormal(self.mu, self.sigma) if abs(self.q) < Q_LOGNORMAL else None

    def _shape_and_u(self, t: np.ndarray) -> tuple[float, np.ndarray]:
        g = 1.0 / self.q**2
        w = (np.log(t) - self.mu) / self.sigma
        return g, g * np.exp(np.clip(self.q * w, -700, 700))

    def _survival(self, t: np.ndarray) -> np.ndarray:
        if (ln := self._lognormal) is not None:
            return ln._survival(t)
        g, u = self._shape_and_u(t)
        return special.gammaincc(g, u) if self.q > 0 else special.gammainc(g, u)

    def _cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        return -self._log_survival(t)

    def _log_survival(self, t: np.ndarray) -> np.ndarray:
        if (ln := self._lognormal) is not None:
            return -ln._cumulative_hazard(t)
        g, u = self._shape_and_u(t)
        if self.q > 0:
            upper = special.gammaincc(g, u)
            # Far in the tail Q underflows; use its leading asymptotic term there.
            tail = (g - 1) * np.log(u) - u - special.gammaln(g) + np.log1p((g - 1) / u)
            return np.where(upper > 1e-280, np.log(np.maximum(upper, 1e-300)), tail)
        lower = special.gammainc(g, u)
        small = g * np.log(u) - u - special.gammaln(g + 1)  # leading term of P as u -> 0
        return np.where(lower > 1e-280, np.log(np.maximum(lower, 1e-300)), small)

    def _log_density(self, t: np.ndarray) -> np.ndarray:
        w = (np.log(t) - self.mu) / self.sigma
        return log_density_standardised(w, self.q) - np.log(self.sigma * t)

    def _log_hazard(self, t: np.ndarray) -> np.ndarray:
        if (ln := self._lognormal) is not None:
            return ln._log_hazard(t)
        return self._log_density(t) - self._log_survival(t)

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        return np.exp(self._log_hazard(t))

    def _quantile(self, p: np.ndarray) -> np.ndarray:
        if (ln := self._lognormal) is not None:
            return ln._quantile(p)
        g = 1.0 / self.q**2
        u = special.gammainccinv(g, 1 - p) if self.q > 0 else special.gammaincinv(g, 1 - p)
        return np.exp(self.mu + self.sigma / self.q * np.log(u / g))

    def _mean(self) -> float:
        if (ln := self._lognormal) is not None:
            return ln._mean()
        g, power = 1.0 / self.q**2, self.sigma / self.q
        if g + power <= 0:
            return math.inf
        # T = exp(mu) * (G / g) ** (sigma / q) with G ~ Gamma(g)
        log_mean = self.mu - power * math.log(g) + special.gammaln(g + power) - special.gammaln(g)
        return math.exp(log_mean)
