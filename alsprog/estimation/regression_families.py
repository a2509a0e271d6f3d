"""Each family's covariate scale: where the linear predictor enters, and per-row log f and log S.

A regression's parameters are theta = (ancillary, beta): the family's unbounded parameters
(``family_spec``) with one of them, the *slot*, held at 0, and the coefficients beta of the
design matrix X (intercept first). The linear predictor eta = X beta takes the slot's place:

- ``aft``  (exponential, Weibull, log-normal, log-logistic, generalised gamma): eta is the
  location on log time (R's ``survreg``): S(t | x) = S0(t exp(-eta)), so exp(beta) is a time ratio.
- ``ph``   (exponential, Weibull, Gompertz, piecewise exponential, spline): eta is the log of a
  hazard multiplier: H(t | x) = H0(t) exp(eta), so exp(beta) is a hazard ratio (flexsurv's
  ``weibullPH`` for the Weibull, a Royston-Parmar hazard-scale spline for the spline).
- ``odds`` (spline): the cumulative odds of death are exp(s(log t) + eta), a Royston-Parmar
  odds-scale spline (as the ENCALS model), so exp(beta) is an odds ratio.

With ``anc=`` (flexsurv's name) an AFT family's spread takes covariates too: the entry of theta
that is log sigma up to sign (the Weibull's log shape, the log-normal's log sigma) becomes
a0 + z alpha per row, and rows are evaluated at the standardised log time (log t - eta) / sigma.
On the PH scale the Weibull's log shape or the Gompertz shape does
(``alsprog.estimation.regression_ancillary``).

``RegressionSpec.bind`` returns, for fixed times and covariate rows, the log density (or log
survival) at every row as a function of theta with its Jacobian, from the family's own rows in
``alsprog.estimation.likelihood`` (AFT: at the rescaled times; PH: raised to exp(eta)).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from scipy import special

from alsprog.errors import InputError, as_sequence, check_finite, check_positive
from alsprog.estimation.likelihood import family_rows
from alsprog.estimation.regression_ancillary import PH_SHAPE_ENTRY, ph_shape_rows
from alsprog.models.base import SurvivalModel
from alsprog.models.registry import FamilySpec, family_spec
from alsprog.models.spline import spline_basis

Rows = tuple[np.ndarray, tuple[np.ndarray, ...] | None]
BoundRows = Callable[[np.ndarray, bool], Rows]

# family -> {scale: (slot, sign)}; the first scale listed is the family's natural one.
SCALES: dict[str, dict[str, tuple[int, float]]] = {
    "exponential": {"ph": (0, 1.0), "aft": (0, -1.0)},
    "weibull": {"aft": (1, 1.0), "ph": (1, 1.0)},
    "gompertz": {"ph": (1, 1.0)},
    "lognormal": {"aft": (0, 1.0)},
    "loglogistic": {"aft": (1, 1.0)},
    "generalized_gamma": {"aft": (0, 1.0)},
    "piecewise_exponential": {"ph": (0, 1.0)},
    "spline": {"ph": (0, 1.0), "odds": (0, 1.0)},
}
# AFT families whose spread may take covariates (flexsurv's anc=): the entry of theta that is
# log sigma up to sign (Weibull and log-logistic: log shape = -log sigma).
SPREAD_ENTRY: dict[str, tuple[int, float]] = {
    "weibull": (0, -1.0),
    "lognormal": (1, 1.0),
    "loglogistic": (0, -1.0),
    "generalized_gamma": (1, 1.0),
}
RATIO_NAMES = {"aft": "time ratio", "ph": "hazard ratio", "odds": "odds ratio"}
ETA_LIMIT = 700.0  # |eta| beyond this overflows exp; such a theta scores as invalid


def natural_scale(family: str) -> str:
    """The scale a family's covariates act on when the caller names none."""
    return next(iter(SCALES[family]))


@dataclass(frozen=True, eq=False)
class RegressionSpec:
    """One family on one covariate scale, as the optimiser and the predictions see it.

    family, scale : as above. base : the family's ``FamilySpec``. slot, sign : the entry of the
    family's theta that the linear predictor replaces (for the AFT exponential, the log rate is
    minus the location, hence sign -1). options : knots or breakpoints (years).
    """

    family: str
    scale: str
    base: FamilySpec
    slot: int
    sign: float
    options: dict
    n_spread_covariates: int = 0

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle by name (the family spec holds lambdas): rebuilt on loading."""
        return _rebuild, (self.family, self.scale, self.options, self.n_spread_covariates)

    @property
    def ancillary(self) -> tuple[int, ...]:
        """Indices of the family's theta estimated alongside the coefficients."""
        return tuple(i for i in range(self.base.n_parameters) if i != self.slot)

    @property
    def ancillary_names(self) -> tuple[str, ...]:
        names = [self.base.parameter_names[i] for i in self.ancillary]
        if self.family == "piecewise_exponential":  # rates relative to the first piece's
            return tuple(f"{n}/rate_0" for n in names)
        return tuple(names)

    @property
    def spread_position(self) -> int:
        """Where the entry the anc= covariates move sits in the ancillary vector."""
        table = (
            PH_SHAPE_ENTRY if self.scale == "ph" else {f: e for f, (e, _) in SPREAD_ENTRY.items()}
        )
        return self.ancillary.index(table[self.family])

    def split(self, theta: np.ndarray, xz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per row: the ancillary vector's spread entry moved by the spread covariates (rows x
        ancillary), and the linear predictor eta; xz is the design then the spread columns."""
        m, r = len(self.ancillary), self.n_spread_covariates
        p = xz.shape[1] - r
        ancillary = np.tile(theta[:m], (len(xz), 1))
        if r:
            ancillary[:, self.spread_position] += xz[:, p:] @ theta[m + p :]
        return ancillary, xz[:, :p] @ theta[m : m + p]

    @property
    def ancillary_log_scale(self) -> tuple[bool, ...]:
        return tuple(self.base.log_scale[i] for i in self.ancillary)

    def baseline(self, ancillary: np.ndarray, at: float = 0.0) -> np.ndarray:
        """The family's theta with the slot at ``at``."""
        theta = np.empty(self.base.n_parameters)
        theta[list(self.ancillary)] = ancillary
        theta[self.slot] = at
        return theta

    def family_theta(self, ancillary: np.ndarray, eta: float) -> np.ndarray:
        """The family's theta for one row with linear predictor ``eta`` (not for odds)."""
        if self.scale == "aft":
            return self.baseline(ancillary, self.sign * eta)
        if self.family == "weibull":  # H = t^k e^eta = (t / scale)^k: log scale = -eta / k
            return self.baseline(ancillary, -eta / math.exp(ancillary[0]))
        theta = self.baseline(ancillary, eta)
        if self.family == "piecewise_exponential":
            theta[1:] += eta
        return theta

    def split_start(self, theta: np.ndarray) -> tuple[np.ndarray, float]:
        """(ancillary, intercept) equivalent to the family's theta, for a starting point."""
        theta = np.asarray(theta, dtype=float)
        anc = theta[list(self.ancillary)].copy()
        if self.scale == "aft":
            return anc, self.sign * float(theta[self.slot])
        if self.family == "weibull":
            return anc, -math.exp(theta[0]) * float(theta[1])
        if self.family == "piecewise_exponential":
            return anc - theta[0], float(theta[0])
        if self.scale == "odds":  # odds 1 at the median instead of H = log 2
            return anc, float(theta[0]) - math.log(math.log(2))
        return anc, float(theta[self.slot])

    def model(self, ancillary: np.ndarray, eta: float) -> SurvivalModel:
        """The ordinary alsprog model of one covariate profile (linear predictor ``eta``)."""
        if self.scale == "odds":
            gammas = self.baseline(ancillary, eta)
            return OddsSpline(tuple(self.options["knots"]), tuple(float(g) for g in gammas))
        return self.base.build(self.family_theta(ancillary, eta))

    def bind(self, t: np.ndarray, x: np.ndarray, which: int) -> BoundRows:
        """log f (``which`` 0) or log S (1) at times ``t`` for covariate rows ``x``, as a function
        of theta = (ancillary, beta). With ``jac`` it also gives the derivatives as two parts,
        d/d ancillary (rows x ancillary) and d/d eta (one per row): the Jacobian in beta is
        d/d eta times x (``full_jacobian``), which the gradient never needs to form."""
        t = np.asarray(t, dtype=float)
        m = len(self.ancillary)
        anc_cols = list(self.ancillary)
        if self.n_spread_covariates and self.scale == "ph":
            r, k = self.n_spread_covariates, self.spread_position
            return ph_shape_rows(self.family, t, x, which, m, r, k)
        if self.n_spread_covariates:
            return self._spread_rows(t, x, which)
        if self.scale == "odds":
            return _odds_rows(t, x, which, self.options["knots"], anc_cols)
        if self.scale == "aft":

            def aft(theta: np.ndarray, jac: bool = True) -> Rows:
                eta = x @ theta[m:]
                if np.abs(eta).max(initial=0.0) > ETA_LIMIT:
                    return np.full(t.size, np.nan), None
                rows = family_rows(self.family, t * np.exp(-eta), **self.options)[which]
                value, d = rows(self.baseline(theta[:m]), jac)
                if which == 0:
                    value = value - eta
                if not jac or d is None:
                    return value, None
                return value, (d[:, anc_cols], self.sign * d[:, self.slot])

            return aft
        log_s_rows, log_f_rows = family_rows(self.family, t, **self.options)[::-1]

        def ph(theta: np.ndarray, jac: bool = True) -> Rows:
            eta = x @ theta[m:]
            if np.abs(eta).max(initial=0.0) > ETA_LIMIT:
                return np.full(t.size, np.nan), None
            ratio = np.exp(eta)
            base = self.baseline(theta[:m])
            log_s, d_s = log_s_rows(base, jac)
            if which == 1:
                if not jac or d_s is None:
                    return ratio * log_s, None
                return ratio * log_s, (ratio[:, None] * d_s[:, anc_cols], ratio * log_s)
            log_f, d_f = log_f_rows(base, jac)
            value = log_f - log_s + eta + ratio * log_s
            if not jac or d_s is None or d_f is None:
                return value, None
            d_anc = d_f[:, anc_cols] + (ratio - 1)[:, None] * d_s[:, anc_cols]
            return value, (d_anc, 1 + ratio * log_s)

        return ph

    def _spread_rows(self, t: np.ndarray, xz: np.ndarray, which: int) -> BoundRows:
        """AFT rows with covariates on the spread too: w = (log t - eta) / sigma per row, and the
        family's standard rows (location 0, spread 1) at exp(w); then d/dw = minus the
        location's derivative there, and the chain rule through eta and log sigma."""
        m, r = len(self.ancillary), self.n_spread_covariates
        p = xz.shape[1] - r
        x, z = xz[:, :p], xz[:, p:]
        entry, to_log_sigma = SPREAD_ENTRY[self.family]
        k = self.spread_position
        anc_cols = list(self.ancillary)
        log_t = np.log(t)

        def rows(theta: np.ndarray, jac: bool = True) -> Rows:
            eta = x @ theta[m : m + p]
            log_sigma = to_log_sigma * (theta[k] + z @ theta[m + p :])
            if np.abs(log_sigma).max(initial=0.0) > ETA_LIMIT / 10:
                return np.full(t.size, np.nan), None
            sigma = np.exp(log_sigma)
            w = np.clip((log_t - eta) / sigma, -ETA_LIMIT, ETA_LIMIT)
            standard = self.baseline(theta[:m])
            standard[entry] = 0.0
            value, d = family_rows(self.family, np.exp(w), **self.options)[which](standard, jac)
            if which == 0:
                value = value + w - log_sigma - log_t
            if not jac or d is None:
                return value, None
            slope = -d[:, self.slot]  # d/dw of log S, or of log f0 + w
            d_zeta = to_log_sigma * (-w * slope - (1.0 if which == 0 else 0.0))
            d_anc = d[:, anc_cols].copy()
            d_anc[:, k] = d_zeta
            return value, (d_anc, -slope / sigma, d_zeta)

        return rows


def full_jacobian(parts: tuple[np.ndarray, ...], xz: np.ndarray, n_spread: int = 0) -> np.ndarray:
    """The Jacobian (rows x theta) from the parts ``bind`` returns (xz: design, then the
    spread covariates' columns)."""
    p = xz.shape[1] - n_spread
    columns = [parts[0], parts[1][:, None] * xz[:, :p]]
    if n_spread:
        columns.append(parts[2][:, None] * xz[:, p:])
    return np.hstack(columns)


def _odds_rows(
    t: np.ndarray, x: np.ndarray, which: int, knots: Sequence[float], anc_cols: list[int]
) -> BoundRows:
    log_t = np.log(t)
    basis, slope_basis = spline_basis(log_t, np.log(np.asarray(knots, dtype=float)))
    basis_anc, slope_anc = basis[:, anc_cols], slope_basis[:, anc_cols]
    m = len(anc_cols)

    def rows(theta: np.ndarray, jac: bool = True) -> Rows:
        u = basis_anc @ theta[:m] + x @ theta[m:]
        small = np.exp(-np.abs(u))  # one exponential gives log(1 + e^u) and e^u / (1 + e^u)
        soft = np.maximum(u, 0.0) + np.log1p(small)
        if which == 1:
            if not jac:
                return -soft, None
            p = np.where(u >= 0, 1.0, small) / (1.0 + small)
            return -soft, (-p[:, None] * basis_anc, -p)
        slope = slope_anc @ theta[:m]
        value = u - 2 * soft + np.log(slope) - log_t
        if not jac:
            return value, None
        tilt = 1 - 2 * np.where(u >= 0, 1.0, small) / (1.0 + small)
        return value, (tilt[:, None] * basis_anc + slope_anc / slope[:, None], tilt)

    return rows


def _rebuild(family: str, scale: str, options: dict, spread: int) -> RegressionSpec:
    return regression_spec(family, scale, spread_covariates=spread, **options)


def check_scale(family: str, scale: str | None) -> str:
    """The scale ``family``'s covariates act on, or InputError if it has none such."""
    if family not in SCALES:
        raise InputError(
            f"fit: family {family!r} takes no covariates; choose one of {', '.join(SCALES)}"
        )
    chosen = natural_scale(family) if scale is None else scale
    if chosen not in SCALES[family]:
        raise InputError(
            f"fit: scale {chosen!r} does not suit the {family} family; choose "
            f"{' or '.join(repr(s) for s in SCALES[family])} (or leave scale=None)"
        )
    return chosen


def regression_spec(
    family: str,
    scale: str | None,
    *,
    knots: Sequence[float] = (),
    breakpoints: Sequence[float] = (),
    spread_covariates: int = 0,
) -> RegressionSpec:
    """The ``RegressionSpec`` of ``family`` on ``scale`` (its natural scale when None), with
    ``spread_covariates`` columns acting on an AFT spread or a PH Weibull or Gompertz shape."""
    chosen = check_scale(family, scale)
    ph_shape = chosen == "ph" and family in PH_SHAPE_ENTRY
    if spread_covariates and not ph_shape and (chosen != "aft" or family not in SPREAD_ENTRY):
        raise InputError(
            f"fit: anc= (covariates on the spread or shape) suits the AFT "
            f"{', '.join(SPREAD_ENTRY)} and the PH {' and '.join(PH_SHAPE_ENTRY)} "
            f"families, not {family} on the {chosen} scale; drop anc= or change family"
        )
    options: dict = {}
    if family == "spline":
        options["knots"] = tuple(knots)
    if family == "piecewise_exponential":
        options["breakpoints"] = tuple(breakpoints)
    base = family_spec(family, **options)
    slot, sign = SCALES[family][chosen]
    return RegressionSpec(family, chosen, base, slot, sign, options, spread_covariates)


@dataclass(frozen=True)
class OddsSpline(SurvivalModel):
    """Royston-Parmar odds-scale spline: the log odds of having died by t is a natural cubic
    spline of log t, t in years from onset: log((1 - S(t)) / S(t)) = s(log t).

    knots : years, increasing (boundary knots first and last). gammas : one per knot. With only
    the boundary knots it is a log-logistic with shape gammas[1] and scale exp(-gammas[0] /
    gammas[1]) years.
    """

    knots: tuple[float, ...]
    gammas: tuple[float, ...]
    family: ClassVar[str] = "odds_spline"

    def __post_init__(self) -> None:
        knots = tuple(
            check_positive("OddsSpline knot (years)", k) for k in as_sequence("knots", self.knots)
        )
        gammas = tuple(
            check_finite("OddsSpline gamma", g) for g in as_sequence("gammas", self.gammas)
        )
        object.__setattr__(self, "knots", knots)
        object.__setattr__(self, "gammas", gammas)
        if len(knots) < 2 or len(gammas) != len(knots) or np.any(np.diff(knots) <= 0):
            raise InputError(
                f"OddsSpline: knots {knots} and gammas {gammas}; give two or more increasing "
                "knots and one gamma per knot"
            )
        lo, hi = math.log(knots[0]), math.log(knots[-1])
        _, slope = self._basis(np.concatenate([[lo - 1.0], np.linspace(lo, hi, 201), [hi + 1.0]]))
        if np.any(slope <= 0):
            raise InputError(
                f"OddsSpline: log odds must increase with log time for gammas {gammas}; refit"
            )

    def _basis(self, log_t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        value, slope = spline_basis(log_t, np.log(np.asarray(self.knots)))
        coef = np.asarray(self.gammas)
        return value @ coef, slope @ coef

    def _cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        s, _ = self._basis(np.log(np.where(t > 0, t, np.nan)))
        return np.where(t > 0, np.logaddexp(0.0, s), 0.0)

    def _log_hazard(self, t: np.ndarray) -> np.ndarray:
        log_t = np.log(t)
        s, ds = self._basis(log_t)
        return np.log(special.expit(s)) + np.log(ds) - log_t

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        return np.exp(self._log_hazard(t))

    def _quantile(self, p: np.ndarray) -> np.ndarray:
        if len(self.knots) == 2:  # log-logistic: closed form
            shape, level = self.gammas[1], self.gammas[0]
            return np.exp((np.log(p) - np.log1p(-p) - level) / shape)
        return super()._quantile(p)
