"""Calibrate survival families to landmark figures.

Landmarks are treated as grouped, interval-censored data: with effective sample size n and
landmarks S(t_1) > ... > S(t_k), n * (S(t_{j-1}) - S(t_j)) patients die in [t_{j-1}, t_j) and
n * S(t_k) are alive at t_k. The log-likelihood of a model is then multinomial,
n * sum_j share_j * log(pi_j(model)), and its maximum does not depend on n. Bounds (such as
"survival beyond 30 years is rare", S(30) <= 0.01) are inequality constraints.

This is the same likelihood lifelines maximises in ``fit_interval_censoring`` with weights; we
write it directly because it is a dozen lines and a hundred times faster for a few landmarks,
and the tests check the two agree.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, special

from alsprog.errors import FitError, InputError, as_sequence, increasing_times
from alsprog.estimation.targets import Targets, default_targets, load_targets
from alsprog.models.base import SurvivalModel
from alsprog.models.fit_info import FitInfo, fit_info
from alsprog.models.registry import FAMILIES, LOG_SCALE, FamilySpec, check_family, family_spec

PENALTY = 1e6  # objective value for parameters that give no valid model
MAX_PARAMETERS = 25  # limit: knots or breakpoints; 20 spline knots take 2 s, 40 10 s, 200 minutes


def starting_summary(targets: Targets) -> tuple[float, float]:
    """A median (years) and a spread of log time read off the landmarks by a probit line.

    With z_j = probit(1 - S(t_j)), log t_j = mu + sigma * z_j is a log-normal's quantile line;
    least squares through the landmarks gives starting values for every family.
    """
    times = np.array([lm.t for lm in targets.equal])
    z = special.ndtri(1 - np.array([lm.survival for lm in targets.equal]))
    if times.size == 1:
        return float(times[0] * math.exp(-z[0])), 1.0
    sigma, mu = np.polyfit(z, np.log(times), 1)
    return float(math.exp(mu)), float(np.clip(sigma, 0.2, 3.0))


def _as_targets(targets: object) -> Targets:
    """Targets as given, the default when None, or read from a TOML or CSV path."""
    if targets is None:
        return default_targets()
    if isinstance(targets, str | Path):
        return load_targets(targets)
    if not isinstance(targets, Targets):
        raise InputError(
            f"calibrate: targets must be Targets, a path or None (got {type(targets).__name__}); "
            "pass alsprog.load_targets(path), the path itself, or regression.targets(data)"
        )
    return targets


def calibrate(
    targets: Targets | str | Path | None = None,
    family: str = "mixture",
    *,
    components: Sequence[str] = ("weibull", "weibull"),
    knots: Sequence[float] | None = None,
    breakpoints: Sequence[float] | None = None,
) -> SurvivalModel:
    """Fit ``family`` to landmark survival figures; the model's ``fit_info`` holds diagnostics.

    Parameters
    ----------
    targets : landmarks, or the path of a TOML or CSV file of them (``load_targets``); default
        the reference document's ALS figures from onset.
    family : one of alsprog.models.FAMILIES. ``mixture`` mixes ``components`` (default two
        Weibulls); ``spline`` takes ``knots`` and ``piecewise_exponential`` ``breakpoints``
        (years), both placed at the landmark times unless given.

    Returns
    -------
    A model whose ``fit_info.landmarks`` has one row per landmark with columns t (years),
    target, fitted (survival, 0-1), kind (equal, upper, lower) and error (fitted - target);
    ``fit_info.max_abs_error`` is the largest |error| over the equality landmarks.
    """
    targets = _as_targets(targets)
    check_family(family)
    times = [lm.t for lm in targets.equal]  # knots or breakpoints at the landmarks by default
    options: dict = {}
    if family == "piecewise_exponential":
        options["breakpoints"] = times[:-1]
    elif family == "spline":
        options["knots"] = times if len(times) >= 2 else [times[0] / 2, times[0]]
    for name, given in (("knots", knots), ("breakpoints", breakpoints)):
        if given is not None:
            options[name] = increasing_times(f"calibrate: {name}", given)
    if family == "mixture":
        options["components"] = tuple(as_sequence("calibrate: components", components))
        unusable = [c for c in options["components"] if c not in LOG_SCALE]
        if unusable or not options["components"]:
            raise InputError(
                f"calibrate: mixture components {options['components']} must be one or more of "
                f"{', '.join(LOG_SCALE)}; choose among those"
            )
    size = len(options.get("knots", options.get("breakpoints", ())))
    if size > MAX_PARAMETERS:
        raise InputError(
            f"calibrate: a {family} with {size} knots or breakpoints (one per landmark unless "
            f"given) is above the limit of {MAX_PARAMETERS}; pass knots= or breakpoints= with "
            "a few times"
        )
    spec = family_spec(family, **options)
    problem = LandmarkProblem(spec.build, targets)
    best = problem.solve(
        spec.starts(*starting_summary(targets)),
        f"calibrate: no {spec.name} model satisfies the targets {targets.name!r} and their "
        "bounds; try another family",
    )
    model = spec.build(best.x)
    return replace(model, fit_info=_fit_info(model, spec, best, targets, problem.objective))


class LandmarkProblem:
    """The calibration of any model built from a parameter vector to a set of landmarks.

    ``objective(theta)`` is minus the grouped log-likelihood per patient (``PENALTY`` where
    ``build`` gives no valid model, or a cell its probability 0); ``constraint(theta)`` is the
    bound gaps, >= 0 when met. What the landmarks give (times, cell shares, log bounds) is read
    once, here.
    """

    def __init__(self, build: Callable[[np.ndarray], SurvivalModel], targets: Targets) -> None:
        self.build, self.targets = build, targets
        self._times = np.array([lm.t for lm in targets.equal])
        shares = targets.shares
        self._used = shares > 0  # cells with deaths (or survivors) in them
        self._shares = shares[self._used]
        self._bound_times = np.array([lm.t for lm in targets.bounds])
        self._log_bounds = np.log([lm.survival for lm in targets.bounds])
        self._upper = np.array([lm.kind == "upper" for lm in targets.bounds], dtype=bool)

    def _model(self, theta: np.ndarray) -> SurvivalModel | None:
        try:
            return self.build(theta)
        except (ValueError, OverflowError, ZeroDivisionError):
            return None

    def objective(self, theta: np.ndarray) -> float:
        """Minus the multinomial log-likelihood per patient of the landmark cells: the model's
        probability of dying in each interval between landmarks, and of being alive at the
        last (S(t_k), whatever share never dies)."""
        model = self._model(theta)
        if model is None:
            return PENALTY
        with np.errstate(all="ignore"):
            survival = model._survival(self._times)
            probs = -np.diff(np.concatenate([[1.0], survival, [0.0]]))[self._used]
            if np.any(probs <= 0) or not np.all(np.isfinite(probs)):
                return PENALTY
            value = -float(np.sum(self._shares * np.log(probs)))
        return value if math.isfinite(value) else PENALTY

    def constraint(self, theta: np.ndarray) -> np.ndarray:
        model = self._model(theta)
        if model is None:
            return np.full(self._bound_times.size, -1.0)
        with np.errstate(all="ignore"):
            return self.bound_gaps(model._survival(self._bound_times))

    def bound_gaps(self, survival: np.ndarray) -> np.ndarray:
        """For each bound, in order: log s - log S(t) for an upper bound, the reverse for a
        lower one; non-negative when the bound holds. ``survival``: the model at the bound
        times."""
        log_s = np.log(np.maximum(np.asarray(survival, dtype=float), 1e-300))
        gaps = np.where(self._upper, self._log_bounds - log_s, log_s - self._log_bounds)
        return np.where(np.isfinite(gaps), gaps, -1.0)

    def solve(self, starts: Sequence[np.ndarray], failure: str) -> optimize.OptimizeResult:
        """The best feasible optimum over ``starts`` (FitError with ``failure`` if none): from
        each start, BFGS (Nelder-Mead where BFGS finds no valid model); where a bound is then
        broken, SLSQP from there with the bounds as constraints."""
        bounded = bool(self.targets.bounds)
        constraints = [{"type": "ineq", "fun": self.constraint}] if bounded else []
        best: optimize.OptimizeResult | None = None
        for start in starts:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                result = optimize.minimize(self.objective, start, method="BFGS")
                if result.fun >= PENALTY:
                    result = optimize.minimize(
                        self.objective, start, method="Nelder-Mead", options={"maxiter": 4000}
                    )
                if bounded and np.any(self.constraint(result.x) < 0):
                    result = optimize.minimize(
                        self.objective,
                        result.x,
                        method="SLSQP",
                        constraints=constraints,
                        options={"maxiter": 500, "ftol": 1e-12},
                    )
            feasible = not bounded or np.all(self.constraint(result.x) >= -1e-7)
            if feasible and result.fun < PENALTY and (best is None or result.fun < best.fun):
                best = result
        if best is None:
            raise FitError(failure)
        return best


def _fit_info(
    model: SurvivalModel,
    spec: FamilySpec,
    result: optimize.OptimizeResult,
    targets: Targets,
    objective,
) -> FitInfo:
    n = targets.effective_sample_size
    log_lik = -n * result.fun
    covariance = None
    n_cells = len(targets.equal)  # free shares of the multinomial
    if spec.n_parameters <= n_cells:
        from statsmodels.tools.numdiff import approx_hess3

        with np.errstate(all="ignore"):
            hessian = n * approx_hess3(result.x, objective)
        if np.all(np.isfinite(hessian)) and np.all(np.linalg.eigvalsh(hessian) > 1e-9):
            covariance = np.linalg.inv(hessian)
    return fit_info(
        "landmarks",
        spec,
        result.x,
        log_lik,
        n,
        n * (1 - targets.equal[-1].survival),
        build=spec.build,
        covariance=covariance,
        converged=bool(result.success),
        landmarks=landmark_table(model, targets),
    )


def landmark_table(model: SurvivalModel, targets: Targets) -> pd.DataFrame:
    """Fitted against target at each landmark: columns t (years), target, fitted (survival),
    kind (equal, upper, lower) and error (fitted - target)."""
    times = np.array([lm.t for lm in targets.landmarks], dtype=float)
    with np.errstate(all="ignore"):  # landmark times are finite and above 0 (Targets checks)
        fitted = np.asarray(model._survival(times), dtype=float)
    table = pd.DataFrame(
        {
            "t": times,
            "target": [lm.survival for lm in targets.landmarks],
            "fitted": fitted,
            "kind": [lm.kind for lm in targets.landmarks],
        }
    )
    table["error"] = table["fitted"] - table["target"]
    return table


def summarise(model: SurvivalModel) -> dict:
    """One calibrated model as a plain dict (the CLI's JSON shape).

    Keys: family, landmarks (list of {t, target, fitted, kind}), max_abs_error, median_years,
    mean_years (None when infinite), s30 (survival at 30 years), log_likelihood, aic.
    """
    info = model.fit_info
    assert info is not None and info.landmarks is not None
    mean = model.mean()
    return {
        "family": model.family,
        "landmarks": [
            {
                "t": float(r.t),
                "target": float(r.target),
                "fitted": float(r.fitted),
                "kind": str(r.kind),
            }
            for r in info.landmarks.itertuples()
        ],
        "max_abs_error": info.max_abs_error,
        "median_years": model.median(),
        "mean_years": mean if math.isfinite(mean) else None,
        "s30": float(model.survival(30.0)),
        "log_likelihood": info.log_likelihood,
        "aic": info.aic,
    }


def landmark_fits(models: Mapping[str, SurvivalModel]) -> pd.DataFrame:
    """Each calibrated model's fit at each landmark, from its ``fit_info.landmarks``.

    Returns
    -------
    One row per model and landmark, models in the mapping's order, landmarks by time. Columns:
    family (str, the mapping's key), t (years), kind (equal, upper, lower), target and fitted
    (survival, 0-1), error (fitted - target).
    """
    frames = []
    for name, model in models.items():
        info = model.fit_info
        if info is None or info.landmarks is None:
            raise InputError(
                f"landmark_fits: model {name!r} was not calibrated to landmarks; "
                "pass models from alsprog.calibrate"
            )
        table = info.landmarks
        frames.append(
            pd.DataFrame(
                {
                    "family": str(name),
                    "t": table["t"].to_numpy(dtype=float),
                    "kind": table["kind"].astype(str).to_numpy(),
                    "target": table["target"].to_numpy(dtype=float),
                    "fitted": table["fitted"].to_numpy(dtype=float),
                }
            )
        )
    if not frames:
        raise InputError("landmark_fits: no models; pass a dict such as {'weibull': model}")
    out = pd.concat(frames, ignore_index=True)
    out["error"] = out["fitted"] - out["target"]
    return out


def compare_families(
    targets: Targets | None = None, families: Sequence[str] = FAMILIES
) -> pd.DataFrame:
    """Calibrate every family to the landmarks; one row per family, best fit (lowest AIC) first.

    Columns: family (str), n_parameters, max_abs_error (survival, 0-1), bounds_met (bool),
    median_years, mean_years (inf when a fraction never dies), s30 (survival at 30 years),
    log_likelihood, aic.
    """
    targets = _as_targets(targets)
    if isinstance(families, str):
        families = (families,)
    families = tuple(check_family(f) for f in families)
    rows = []
    for family in families:
        model = calibrate(targets, family)
        info = model.fit_info
        assert info is not None and info.landmarks is not None
        bounds = info.landmarks[info.landmarks["kind"] != "equal"]
        met = bool(
            np.all(
                np.where(
                    bounds["kind"] == "upper", bounds["error"] <= 1e-6, bounds["error"] >= -1e-6
                )
            )
        )
        rows.append(
            {
                "family": family,
                "n_parameters": len(info.parameter_names),
                "max_abs_error": info.max_abs_error,
                "bounds_met": met,
                "median_years": model.median(),
                "mean_years": model.mean(),
                "s30": float(model.survival(30.0)),
                "log_likelihood": info.log_likelihood,
                "aic": info.aic,
            }
        )
    table = pd.DataFrame(rows)
    return table.sort_values(["aic", "max_abs_error"], kind="stable").reset_index(drop=True)
