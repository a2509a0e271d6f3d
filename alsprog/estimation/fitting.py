"""Maximum-likelihood fits of a survival family to individual patient data.

``fit`` takes one row per patient (years from symptom onset to death or censoring, whether the
patient died, optionally the time they came under observation and a case weight) and returns the
family's model with a ``FitInfo`` attached: estimates, standard errors, log-likelihood, AIC.
The likelihood and its gradient live in ``alsprog.estimation.likelihood``.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Sequence

import numpy as np
from scipy import optimize
from statsmodels.tools.numdiff import approx_hess3

from alsprog.errors import FitError, InputError, UnidentifiedFitWarning, as_times
from alsprog.estimation.likelihood import INVALID, NegativeLogLikelihood
from alsprog.models.base import SurvivalModel
from alsprog.models.fit_info import fit_info
from alsprog.models.registry import LOG_SCALE, FamilySpec, check_family, family_spec
from alsprog.models.survival_data import check_survival_data

# Families whose log hazard is finite at t = 0, so a death at exactly 0 years is usable.
FINITE_HAZARD_AT_ZERO = ("exponential", "gompertz", "piecewise_exponential")
OPTIONS = {"maxiter": 2000, "ftol": 1e-12, "gtol": 1e-8}
GRADIENT_TOLERANCE = 1e-5  # per unit weight: an optimum the line search could not polish
# A standard error above this on the optimiser's scale (log scale for positive parameters, a
# factor of e**10 = 22,000) means the data do not identify the parameter: unidentified, warned.
SE_LIMIT = 10.0
MAX_YEARS = 150.0  # limit: no one lives longer; a larger duration is another unit or an error
MAX_PARAMETERS = 25  # limit: spline knots and breakpoints (each a parameter); a fit slows as k**3


def fit(
    family: str,
    durations: Sequence[float] | np.ndarray,
    event_observed: Sequence[bool] | np.ndarray,
    entry: Sequence[float] | np.ndarray | None = None,
    weights: Sequence[float] | np.ndarray | None = None,
    *,
    knots: Sequence[float] | None = None,
    breakpoints: Sequence[float] | None = None,
    components: Sequence[str] = ("weibull", "weibull"),
) -> SurvivalModel:
    """A model of ``family`` fitted by maximum likelihood to right-censored, left-truncated rows.

    Parameters
    ----------
    family : one of ``alsprog.models.registry.FAMILIES``.
    durations : years from symptom onset to death or censoring, one per patient, >= 0.
    event_observed : 1 or True where the patient died at ``durations``, 0 or False if censored.
    entry : years from onset at which each patient came under observation (left truncation,
        delayed entry), each <= its duration; default 0 for everyone.
    weights : frequency (case) weights, >= 0, as lifelines' ``weights=``; default 1.
    knots : spline only; knot times in years, boundary knots first and last. Default: the
        minimum, median and maximum of the death times (lifelines' convention).
    breakpoints : piecewise_exponential only; years where the hazard may change. Default: the
        tertiles of the death times.
    components : mixture only; the component families (the first is the weight reference).

    Returns
    -------
    SurvivalModel
        The fitted model; ``model.fit_info`` holds estimates and standard errors on the model's
        own scale (delta method from the unbounded scale; NaN when the Hessian is singular), the
        log-likelihood (lifelines' definition), AIC = 2k - 2 logL, the weighted number of rows and
        of deaths, and what ``FitInfo.draw_models`` needs.

    Raises
    ------
    InputError
        For malformed data (see the messages) and for options that do not suit the family.
    FitError
        When no starting point reaches a converged, finite likelihood, or when there are fewer
        distinct death times than parameters (the likelihood then has no maximum).

    Warns
    -----
    UnidentifiedFitWarning
        When the Hessian at the optimum is singular or a standard error on the optimiser's scale
        exceeds ``SE_LIMIT``; ``fit_info.identified`` and ``fit_info.converged`` are then False.
    """
    check_family(family)
    data = check_survival_data("fit", durations, event_observed, entry, weights)
    t, dead, e, w = data.durations, data.died, data.entry, data.weights
    if (t > MAX_YEARS).any():
        i = int(np.flatnonzero(t > MAX_YEARS)[0])
        raise InputError(
            f"fit: duration {t[i]:g} at position {i} is above {MAX_YEARS:g} years, longer than a "
            "life; durations are years since onset (convert days or months to years)"
        )
    if not (w[dead] > 0).any():
        raise InputError(
            f"fit: no deaths among the {t.size} rows (event_observed is all 0 or "
            "their weights are 0); a fit needs at least one death"
        )
    _check_deaths_at_zero(family, t, dead, components)
    options = _options(family, t[dead & (w > 0)], w[dead & (w > 0)], knots, breakpoints, components)
    spec = family_spec(family, **options)
    _check_identifiable(family, spec, t[dead & (w > 0)])
    nll = _objective(spec, t, dead, e, w, options)
    median, spread = _median_and_spread(t, dead, e, w)
    starts = _starts(family, spec, (t, dead, e, w), options, median, spread)
    result = _solve(nll, starts)
    if result is None:
        raise FitError(
            f"fit: none of {len(starts)} starting points reached a converged, finite "
            f"{family} likelihood; check the data or try another family"
        )
    theta = np.asarray(result.x, dtype=float)
    covariance = _covariance(nll, theta)
    values, _ = spec.natural(theta)
    identified = covariance is not None and bool(np.all(np.sqrt(np.diag(covariance)) < SE_LIMIT))
    if not identified:
        warnings.warn(
            f"fit: the data do not identify the {family} parameters (the likelihood is flat or "
            f"singular at the optimum, {_listed(values)}); the estimates are arbitrary, so use a "
            "family with fewer parameters or more deaths",
            UnidentifiedFitWarning,
            stacklevel=2,
        )
    log_likelihood = -nll.value(theta)
    info = fit_info(
        "individual",
        spec,
        theta,
        log_likelihood,
        float(w.sum()),
        float(w[dead].sum()),
        build=spec.build,
        covariance=covariance,
        converged=identified,
        identified=identified,
    )
    return dataclasses.replace(spec.build(theta), fit_info=info)


# ----------------------------------------------------------------------------- input checks
def _check_identifiable(family: str, spec: FamilySpec, death_times: np.ndarray) -> None:
    """Refuse a fit with fewer distinct death times than parameters, before optimising.

    With one death time a two-parameter family's likelihood has no maximum (a Weibull's grows
    without bound as its shape goes to infinity with the scale at that time), so whatever the
    optimiser returns is an artefact; in general k parameters need k distinct death times.
    """
    distinct = int(np.unique(death_times).size)
    k = spec.n_parameters
    if k > MAX_PARAMETERS:
        raise InputError(
            f"fit: a {family} model with {k} parameters is above the limit of "
            f"{MAX_PARAMETERS}; pass fewer knots or breakpoints"
        )
    if distinct < k:
        raise FitError(
            f"fit: {distinct} distinct death time{'s' if distinct != 1 else ''} cannot identify "
            f"the {k} parameters of a {family} model (its likelihood has no maximum); give more "
            "deaths or choose a family with fewer parameters (exponential has 1)"
        )


def _check_deaths_at_zero(
    family: str, t: np.ndarray, dead: np.ndarray, components: Sequence[str]
) -> None:
    at_zero = dead & (t == 0)
    names = tuple(components) if family == "mixture" else (family,)
    if at_zero.any() and not set(names) <= set(FINITE_HAZARD_AT_ZERO):
        i = int(np.flatnonzero(at_zero)[0])
        raise InputError(
            f"fit: death at duration 0 at position {i}; a {family} hazard is 0 or "
            "infinite at onset, so drop the row or give its time (e.g. 1 day)"
        )


def _listed(values: np.ndarray) -> str:
    return ", ".join(f"{v:g}" for v in np.ravel(values))


def _options(
    family: str,
    death_times: np.ndarray,
    death_weights: np.ndarray,
    knots: Sequence[float] | None,
    breakpoints: Sequence[float] | None,
    components: Sequence[str],
) -> dict:
    """knots, breakpoints and components for ``family_spec``, defaults filled in and checked."""
    if knots is not None and family != "spline":
        raise InputError(
            f"fit: knots apply to the spline family only (got {family!r}); "
            "drop knots= or choose family='spline'"
        )
    if breakpoints is not None and family != "piecewise_exponential":
        raise InputError(
            f"fit: breakpoints apply to piecewise_exponential only (got "
            f"{family!r}); drop breakpoints= or choose that family"
        )
    options = {"components": tuple(components)}
    if family == "mixture":
        unusable = [c for c in options["components"] if c not in LOG_SCALE]
        if unusable or not options["components"]:
            raise InputError(
                f"fit: mixture components {options['components']} must be one or "
                f"more of {', '.join(LOG_SCALE)}; choose among those"
            )
    if family == "spline":
        chosen = np.percentile(death_times, [0, 50, 100]) if knots is None else knots
        cuts = as_times(chosen, "fit: knots")
        if (
            cuts.ndim != 1
            or cuts.size < 2
            or not np.all(np.isfinite(cuts) & (cuts > 0))
            or np.any(np.diff(cuts) <= 0)
        ):
            raise InputError(
                f"fit: spline knots ({_listed(cuts)}) must be two or more "
                "increasing times above 0 years; pass knots= or add death times"
            )
        options["knots"] = tuple(cuts)
    if family == "piecewise_exponential":
        if breakpoints is None:
            cuts = np.unique(np.percentile(death_times, [100 / 3, 200 / 3]))
            cuts = cuts[cuts > 0]
        else:
            cuts = as_times(breakpoints, "fit: breakpoints")
        if (
            cuts.ndim != 1
            or not np.all(np.isfinite(cuts) & (cuts > 0))
            or np.any(np.diff(cuts) <= 0)
        ):
            raise InputError(
                f"fit: breakpoints ({_listed(cuts)}) must be increasing times "
                "above 0 years; pass them sorted, without 0 or inf"
            )
        edges = np.concatenate([[0.0], cuts, [np.inf]])
        piece = np.searchsorted(edges, death_times, side="right") - 1
        counts = np.bincount(piece, weights=death_weights, minlength=cuts.size + 1)
        if (counts <= 0).any():
            j = int(np.flatnonzero(counts <= 0)[0])
            raise InputError(
                f"fit: no deaths between {edges[j]:g} and {edges[j + 1]:g} years, "
                "so that piece's rate cannot be estimated; move or drop breakpoints"
            )
        options["breakpoints"] = tuple(cuts)
    return options


# ----------------------------------------------------------------------------- optimisation
def _objective(
    spec: FamilySpec, t: np.ndarray, dead: np.ndarray, e: np.ndarray, w: np.ndarray, options: dict
) -> NegativeLogLikelihood:
    keep = w > 0
    censored = keep & ~dead & (t > 0)
    late = keep & (e > 0)
    return NegativeLogLikelihood(
        spec,
        (t[keep & dead], w[keep & dead]),
        (t[censored], w[censored]),
        (e[late], w[late]),
        total_weight=float(w.sum()),
        **options,
    )


def _solve(nll: NegativeLogLikelihood, starts: list[np.ndarray]) -> optimize.OptimizeResult | None:
    """The best converged L-BFGS-B result over ``starts``, or None if none converged.

    Each run works on theta = start + scale * z, with scale the inverse square root of the
    diagonal curvature at the start, so that ill-scaled directions (a spline's interior-knot
    coefficients, say) do not stall the line search. ``result.x`` is theta at the optimum.
    """
    best = None
    for start in starts:
        start = np.asarray(start, dtype=float)
        if nll(start)[0] >= INVALID:
            continue
        scale = _curvature_scale(nll, start)

        def scaled(
            z: np.ndarray, start: np.ndarray = start, scale: np.ndarray = scale
        ) -> tuple[float, np.ndarray]:
            value, gradient = nll(start + scale * z)
            return value, gradient * scale

        result = optimize.minimize(
            scaled, np.zeros(start.size), jac=True, method="L-BFGS-B", options=OPTIONS
        )
        converged = result.success or np.max(np.abs(result.jac)) < GRADIENT_TOLERANCE
        if converged and result.fun < INVALID and (best is None or result.fun < best.fun):
            result.x = start + scale * result.x
            best = result
    return best


def _curvature_scale(nll: NegativeLogLikelihood, theta: np.ndarray) -> np.ndarray:
    """1 / sqrt of each diagonal second derivative per unit weight at theta (a rough central
    difference of values); 1 where the curvature is not positive, clipped to [1e-3, 1e3]."""
    scale, step = np.ones(theta.size), 1e-3
    centre = nll.value(theta)
    for i in range(theta.size):
        shift = np.zeros(theta.size)
        shift[i] = step
        curvature = (nll.value(theta + shift) - 2 * centre + nll.value(theta - shift)) / (
            step**2 * nll.total_weight
        )
        if math.isfinite(curvature) and curvature > 0:
            scale[i] = np.clip(1 / math.sqrt(curvature), 1e-3, 1e3)
    return scale


def _median_and_spread(
    t: np.ndarray, dead: np.ndarray, e: np.ndarray, w: np.ndarray
) -> tuple[float, float]:
    """Product-limit median (years) and the spread of log death times, to place the starts."""
    times, index = np.unique(t[dead], return_inverse=True)
    deaths = np.bincount(index, weights=w[dead], minlength=times.size)

    def weight_from(x: np.ndarray) -> np.ndarray:  # total weight with x >= each death time
        order = np.argsort(x)
        cum = np.concatenate([[0.0], np.cumsum(w[order])])
        return cum[-1] - cum[np.searchsorted(x[order], times, side="left")]

    at_risk = weight_from(t) - weight_from(e)
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.clip(np.where(at_risk > 0, deaths / at_risk, 0.0), 0.0, 1.0)
    below = np.flatnonzero(np.cumprod(1 - step) <= 0.5)
    median = float(times[below[0]]) if below.size else 0.0
    if not median > 0:  # fewer than half die: the exponential median instead
        median = math.log(2) * float(w @ (t - e)) / float(w[dead].sum())
    positive = dead & (t > 0) & (w > 0)
    log_t = np.log(t[positive])
    spread = math.sqrt(np.cov(log_t, aweights=w[positive])) if log_t.size > 1 else 1.0
    return max(median, 1e-6), max(spread, 0.2) if math.isfinite(spread) else 1.0


def _starts(
    family: str,
    spec: FamilySpec,
    data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    options: dict,
    median: float,
    spread: float,
) -> list[np.ndarray]:
    """Starting points: the spec's; for the generalised gamma and the spline, the nested fits
    instead (Weibull: q = 1, or zero interior coefficients; log-normal: q near 0), best first,
    with the spec's only if no nested fit converged."""
    own = [np.asarray(s, dtype=float) for s in spec.starts(median, spread)]
    if family not in ("generalized_gamma", "spline"):
        return own
    nested = []
    for name in ("weibull", "lognormal") if family == "generalized_gamma" else ("weibull",):
        sub = family_spec(name)
        result = _solve(_objective(sub, *data, options), sub.starts(median, spread))
        if result is not None:
            nested.append((result.fun, name, result.x))
    starts = []
    for _, name, x in sorted(nested, key=lambda item: item[0]):
        if family == "spline":
            shape = math.exp(x[0])
            starts.append(np.concatenate([[-shape * x[1], shape], np.zeros(spec.n_parameters - 2)]))
        elif name == "weibull":  # Weibull(shape, scale) = GG(log scale, 1 / shape, 1)
            starts.append(np.array([x[1], -x[0], 1.0]))
        else:
            starts.append(np.array([x[0], x[1], 0.05]))
    return starts or own


# ----------------------------------------------------------------------------- uncertainty
def _covariance(nll: NegativeLogLikelihood, theta: np.ndarray) -> np.ndarray | None:
    """Inverse Hessian of minus the log-likelihood at theta, or None if not positive definite."""
    refused = []

    def total(th: np.ndarray) -> float:
        value = nll.value(th)
        if not math.isfinite(value):
            refused.append(th)
            return 0.0
        return value

    hessian = approx_hess3(theta, total)
    if refused or not np.all(np.isfinite(hessian)):
        return None
    hessian = (hessian + hessian.T) / 2
    try:
        np.linalg.cholesky(hessian)
        covariance = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        return None
    diagonal = np.diag(covariance)
    if not (np.all(np.isfinite(covariance)) and np.all(diagonal > 0)):
        return None
    return covariance
