"""Survival regression on one row per patient: ``fit(family, data, covariates=...)``.

The covariates act on the family's scale (``alsprog.estimation.regression_families``): log time
for accelerated failure time, log hazard for proportional hazards, log odds of death for the
Royston-Parmar odds-scale spline. Data are right-censored, optionally left-truncated (entry
after onset) and weighted (frequency weights). The result is a frozen ``RegressionModel``: its
``fit_info.summary()`` has one row per coefficient, named as the formula names its column, and
one per family parameter; ``at(profile)`` is the ordinary alsprog model of one covariate profile;
``predict`` and ``standardise`` (``alsprog.estimation.regression_predict``) give per-row and
population-averaged survival, hazard, quantiles and restricted means with delta-method intervals.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from alsprog.errors import FitError, InputError
from alsprog.estimation.fitting import (
    FINITE_HAZARD_AT_ZERO,
    SE_LIMIT,
    _median_and_spread,
    _options,
)
from alsprog.estimation.formula import Design, as_frame, design
from alsprog.estimation.regression_families import RegressionSpec, check_scale, regression_spec
from alsprog.estimation.regression_likelihood import (
    RegressionLikelihood,
    maximum_likelihood,
    standardising_map,
)
from alsprog.estimation.regression_model import (
    ConvergenceWarning,
    RegressionFitInfo,
    RegressionModel,
)
from alsprog.models.survival_data import check_survival_data

# ONE_BLAS_THREAD: the likelihood's products are a vector times a (rows x few) matrix, which
# BLAS threads slow down (on 2 busy cores, a 10^5-row dot product took 20 ms threaded and
# 0.04 ms on one thread); the fit holds BLAS to one thread while it searches.


def fit(
    family: str,
    data: Any,
    events: Any = None,
    entry: Any = None,
    weights: Any = None,
    *,
    duration: str = "time",
    event: str = "event",
    covariates: Sequence[str] | None = None,
    formula: str | None = None,
    scale: str | None = None,
    reference: Mapping[str, str] | None = None,
    knots: Sequence[float] | None = None,
    breakpoints: Sequence[float] | None = None,
    components: Sequence[str] = ("weibull", "weibull"),
    anc: str | None = None,
) -> Any:
    """``alsprog.fit``: a family fitted by maximum likelihood, with or without covariates.

    With a DataFrame, ``fit(family, data, duration=..., event=..., entry=..., covariates=... or
    formula=..., scale=..., weights=...)`` returns a ``RegressionModel`` (see
    ``fit_regression``; entry and weights are then column names). With arrays, the original
    form ``fit(family, durations, events, entry, weights, knots=..., breakpoints=...,
    components=...)`` returns the family's model (``alsprog.estimation.fitting.fit``).
    """
    if isinstance(data, pd.DataFrame):
        if events is not None:
            raise InputError(
                "fit: with a DataFrame, name the event column by event='...' instead of "
                "passing events; drop the third argument"
            )
        return fit_regression(
            family,
            data,
            duration=duration,
            event=event,
            entry=entry,
            covariates=covariates,
            formula=formula,
            scale=scale,
            weights=weights,
            reference=reference,
            knots=knots,
            breakpoints=breakpoints,
            anc=anc,
        )
    if covariates is not None or formula is not None or scale is not None or anc is not None:
        raise InputError(
            "fit: covariates, formula, scale and anc need the data as a DataFrame; pass "
            "fit(family, frame, covariates=[...])"
        )
    from alsprog.estimation.fitting import fit as fit_arrays

    return fit_arrays(
        family,
        data,
        events,
        entry,
        weights,
        knots=knots,
        breakpoints=breakpoints,
        components=components,
    )


def _column(data: pd.DataFrame, name: str | None, argument: str) -> np.ndarray | None:
    if name is None:
        return None
    if not isinstance(name, str) or name not in data.columns:
        shown = ", ".join(map(str, list(data.columns)[:12]))
        raise InputError(
            f"fit: {argument}={name!r} is not a column of data (columns: {shown}); "
            f"pass the name of the {argument} column"
        )
    values = pd.to_numeric(data[name], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"fit: column {name!r} ({argument}) has {data[name].iloc[i]!r} at row {i}; give "
            "finite numbers (drop or fill missing rows first)"
        )
    return values


def fit_regression(
    family: str,
    data: pd.DataFrame,
    *,
    duration: str = "time",
    event: str = "event",
    entry: str | None = None,
    covariates: Sequence[str] | None = None,
    formula: str | None = None,
    scale: str | None = None,
    weights: str | None = None,
    reference: Mapping[str, str] | None = None,
    knots: Sequence[float] | None = None,
    breakpoints: Sequence[float] | None = None,
    anc: str | None = None,
) -> RegressionModel:
    """Fit ``family`` with covariates by maximum likelihood to one row per patient.

    Parameters
    ----------
    family : exponential, weibull, gompertz, lognormal, loglogistic, generalized_gamma,
        piecewise_exponential or spline.
    data : DataFrame, one row per patient.
    duration, event : columns of years from onset to death or censoring, and 1/0 (died).
    entry : column of years from onset at which each patient came under observation (left
        truncation, e.g. diagnosis); None when everyone is followed from onset.
    covariates : column names (numbers as they are, text as categories), or
    formula : a right-hand side, ``"~ age + sex + C(site)"`` (formulaic's syntax).
    scale : 'aft', 'ph' or 'odds' (spline only); None for the family's natural scale (AFT for
        the Weibull, log-normal, log-logistic and generalised gamma; PH otherwise).
    weights : column of frequency weights (>= 0).
    reference : reference level per text column, ``{"site": "limb"}``.
    knots, breakpoints : for the spline and piecewise exponential, as in ``fit``.
    anc : a formula for covariates on the spread of an AFT family (flexsurv's ``anc``), e.g.
        ``"~ sex"``: the log of the Weibull or log-logistic shape, or of the log-normal or
        generalised gamma sigma, is linear in them; their rows are named ``shape:sex[T.male]``.
        On the PH scale, the Weibull's log shape or the Gompertz shape (per year) is linear in
        them (flexsurv's ``weibullPH`` and ``gompertz``); the hazards are then proportional
        only between rows of the same shape.

    Returns
    -------
    RegressionModel

    Raises
    ------
    InputError
        For a missing, empty, constant or text-as-number column, a formula naming an unknown
        column, no deaths, an entry after its exit, or a covariate level with no deaths
        (separation), each naming the column.
    FitError
        When no starting point gives a finite likelihood.

    Warns
    -----
    ConvergenceWarning
        When the search stops before the gradient vanishes; ``fit_info.converged`` is False.
    """
    check_scale(family, scale)
    frame = as_frame("fit", data)
    spec_design = design("fit", frame, covariates, formula, reference)
    t = _column(frame, duration, "duration")
    died = _column(frame, event, "event")
    start = _column(frame, entry, "entry")
    w = _column(frame, weights, "weights")
    if start is not None and t is not None and (start > t).any():
        i = int(np.flatnonzero(start > t)[0])
        raise InputError(
            f"fit: entry column {entry!r} is after duration column {duration!r} at row {i} "
            f"({start[i]:g} > {t[i]:g} years); entry must not exceed the exit time"
        )
    checked = check_survival_data("fit", t, died, start, w)
    t, dead, e, w = checked.durations, checked.died, checked.entry, checked.weights
    if not (w[dead] > 0).any():
        raise InputError(
            f"fit: no deaths in column {event!r} (all 0, or their weights are 0); a fit needs "
            "at least one death"
        )
    if (dead & (t == 0)).any() and family not in FINITE_HAZARD_AT_ZERO:
        i = int(np.flatnonzero(dead & (t == 0))[0])
        raise InputError(
            f"fit: death at duration 0 at row {i} (column {duration!r}); a {family} hazard is 0 "
            "or infinite at onset, so drop the row or give its time (e.g. 1 day)"
        )
    options = _options(family, t[dead & (w > 0)], w[dead & (w > 0)], knots, breakpoints, ())
    spread_design = None if anc is None else design("fit (anc)", frame, formula=anc)
    n_spread = 0 if spread_design is None else len(spread_design.names) - 1
    spec = regression_spec(
        family,
        scale,
        knots=options.get("knots", ()),
        breakpoints=options.get("breakpoints", ()),
        spread_covariates=n_spread,
    )
    x = spec_design.fitted if spec_design.fitted is not None else spec_design.matrix(frame)
    _check_separation(spec_design.names, x, dead, w)
    if spread_design is not None:
        x = np.hstack([x, spread_design.matrix(frame, caller="fit")[:, 1:]])
    position = spec.spread_position if n_spread else 0
    z, to_original = standardising_map(x, len(spec.ancillary), n_spread, position)
    nll = RegressionLikelihood(spec, t, dead, e, w, z)
    median, spread = _median_and_spread(t, dead, e, w)
    starts = []
    for theta in spec.base.starts(median, spread):
        start_anc, intercept = spec.split_start(theta)
        beta = np.zeros(x.shape[1])  # design coefficients, then spread ones
        beta[0] = intercept
        starts.append(np.concatenate([start_anc, beta]))
    with threadpool_limits(limits=1, user_api="blas"):  # see ONE_BLAS_THREAD
        found = maximum_likelihood(nll, starts, probe=len(spec.ancillary) + 1)
    if found is None:
        raise FitError(
            f"fit: none of {len(starts)} starting points gives a finite {family} likelihood "
            "with these covariates; check the data or try another family"
        )
    theta = to_original @ found.theta
    covariance = None
    if found.hessian is not None:
        try:
            covariance = to_original @ np.linalg.inv(found.hessian) @ to_original.T
        except np.linalg.LinAlgError:
            covariance = None
    if covariance is not None and not np.all(np.diag(covariance) > 0):
        covariance = None
    names = (*spec_design.names, *_spread_names(spec, spread_design))
    _check_identified(names, len(spec.ancillary), found.hessian)
    if not found.converged:
        warnings.warn(
            f"fit: the {family} regression did not converge ({found.message}); "
            "fit_info.converged is False, so treat the estimates with care: rescale "
            "covariates or choose a simpler family",
            ConvergenceWarning,
            stacklevel=2,
        )
    info = _fit_info(spec, names, theta, covariance, found, w, dead)
    columns = (duration, event, entry, weights)
    return RegressionModel(spec, spec_design, theta, info, columns, spread_design)


def _spread_names(spec: RegressionSpec, spread: Design | None) -> tuple[str, ...]:
    """The spread covariates' names: the spread entry's name and the column's, ``shape:sex``."""
    if spread is None:
        return ()
    entry = spec.base.parameter_names[spec.ancillary[spec.spread_position]]
    return tuple(f"{entry}:{name}" for name in spread.names[1:])


def _fit_info(
    spec: RegressionSpec,
    names: tuple[str, ...],
    theta: np.ndarray,
    covariance: np.ndarray | None,
    found: Any,
    w: np.ndarray,
    dead: np.ndarray,
) -> RegressionFitInfo:
    m = len(spec.ancillary)
    logged = np.asarray(spec.ancillary_log_scale, dtype=bool)
    anc = np.where(logged, np.exp(theta[:m]), theta[:m])
    se = np.full(theta.size, np.nan) if covariance is None else np.sqrt(np.diag(covariance))
    anc_se = np.where(logged, anc * se[:m], se[:m])
    k = theta.size
    log_likelihood = -float(found.minus_log_likelihood)
    n = float(w.sum())
    return RegressionFitInfo(
        family=spec.family,
        scale=spec.scale,
        parameter_names=(*names, *spec.ancillary_names),
        estimates=(*map(float, theta[m:]), *map(float, anc)),
        standard_errors=(*map(float, se[m:]), *map(float, anc_se)),
        log_scale=(False,) * (k - m) + tuple(bool(b) for b in logged),
        n_coefficients=k - m - spec.n_spread_covariates,
        log_likelihood=log_likelihood,
        aic=2 * k - 2 * log_likelihood,
        bic=k * math.log(n) - 2 * log_likelihood,
        n_observations=n,
        n_events=float(w[dead].sum()),
        converged=found.converged,
        message=found.message,
        iterations=found.iterations,
        covariance=covariance,
    )


def _check_separation(
    names: tuple[str, ...], x: np.ndarray, dead: np.ndarray, w: np.ndarray
) -> None:
    """A 0/1 column with no deaths on one side has an infinite coefficient: refuse it."""
    for j, name in enumerate(names[1:], start=1):
        column = x[:, j]
        if not np.isin(column, (0.0, 1.0)).all():
            continue
        for value in (1.0, 0.0):
            rows = (column == value) & (w > 0)
            if rows.any() and not (dead & rows).any():
                raise InputError(
                    f"fit: no deaths among the {int(rows.sum())} rows with {name} = {value:g}, "
                    f"so its coefficient is infinite (separation); merge that level with "
                    "another or drop the covariate"
                )


def _check_identified(names: tuple[str, ...], m: int, hessian: np.ndarray | None) -> None:
    """Refuse coefficients the data cannot pin down (on the standardised scale)."""
    if hessian is None:
        return
    try:
        variance = np.diag(np.linalg.inv(hessian))
    except np.linalg.LinAlgError:
        variance = np.full(hessian.shape[0], np.inf)
    for j, name in enumerate(names):
        if not (variance[m + j] < SE_LIMIT**2):
            raise InputError(
                f"fit: the data do not identify the coefficient of {name} (its likelihood is "
                "flat: a covariate that predicts death perfectly, or columns that duplicate "
                "each other); drop or merge that covariate"
            )
