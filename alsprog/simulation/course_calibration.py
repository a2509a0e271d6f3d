"""``calibrate_course``: the course parameters and the copula correlation, estimated jointly by
simulated moments against published figures (``data/course_targets.toml`` or a user's file).

The residuals are the z scores (simulated - published) / se of the targets marked
``calibrate`` (a comparison, another register's figure, is never fitted), the simulated
figures measured like for like on a fixed cohort drawn by the sampler's functions
(``course_moments``: common random numbers, so the residuals are a
deterministic function of the parameters for a seed). scipy's ``least_squares`` (trust region
reflective within BOUNDS, forward differences of an absolute STEP in the free coordinates: log
for positive figures, logit for shares and for the stagger (0-0.5), a scaled atanh for the
correlation)
minimises their sum of squares. The
Gauss-Newton covariance of the free coordinates, (J'J + PRIOR_PRECISION I)^-1 from the final
Jacobian, carries the targets' SEs to the parameters (the ridge keeps the directions no target
pins at a stated spread): ``CourseCalibration.draws`` samples it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alsprog.errors import InputError
from alsprog.simulation.course_moments import simulated_moments, stand_in_draws
from alsprog.simulation.course_parameters import (
    FITTED,
    fitted_value,
    free_bounds,
    from_free,
    to_free,
)
from alsprog.simulation.course_targets import (
    check_course_targets,
    default_course_targets,
    load_course_targets,
)
from alsprog.simulation.progression_settings import ProgressionSettings

STEP = 0.08  # forward-difference step in the free coordinates (log: 8%), wide enough to see
# through the steps of integer scores and medians on a finite cohort
MISSING_Z = 10.0  # the residual of a figure the simulation cannot measure (no patient in it)
# The covariance is (J'J + PRIOR_PRECISION I)^-1: with more fitted figures than calibrated
# targets some directions are pinned by nothing, and there the draws keep an SD of 0.5 in the
# free coordinates (a factor of about 1.6 either way; an assumption, not a result)
PRIOR_PRECISION = 4.0
TABLE_COLUMNS = ("target", "quantity", "published", "se", "simulated", "z", "source")


@dataclass(frozen=True, eq=False)
class CourseCalibration:
    """What ``calibrate_course`` returns.

    settings : the fitted ``ProgressionSettings`` (frozen).
    table : one row per target, then per comparison (TABLE_COLUMNS, plus ``calibrate`` and
        ``kind``, "target" or "comparison": another register's figure, never fitted, shown
        beside its simulated value): z = (simulated - published) / se.
    objective : the sum of squared z over the calibrated targets at the fit.
    evaluations : cohort simulations used (Jacobians included). seed, n : the cohort's.
    fitted : the names of the fitted fields; free : their free coordinates at the fit;
    covariance : the Gauss-Newton covariance of ``free``.
    """

    settings: ProgressionSettings
    table: pd.DataFrame
    objective: float
    evaluations: int
    seed: int
    n: int
    fitted: tuple[str, ...] = ()
    free: np.ndarray = field(default_factory=lambda: np.zeros(0))
    covariance: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    def draws(self, k: int, seed: int = 0) -> tuple[ProgressionSettings, ...]:
        """``k`` settings drawn from the fit's parameter uncertainty: the free coordinates
        from a normal with the Gauss-Newton covariance, held inside BOUNDS, mapped back (same
        seed, same draws)."""
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
            raise InputError(f"CourseCalibration.draws: k must be a whole number >= 1 (got {k!r})")
        rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(26, 1)))
        if not self.fitted:
            return (self.settings,) * int(k)
        x = rng.multivariate_normal(self.free, self.covariance, size=int(k), method="eigh")
        low, high = free_bounds(self.settings, self.fitted)
        x = np.clip(x, low, high)  # a draw stays inside the model (BOUNDS)
        return tuple(from_free(row, self.settings, self.fitted) for row in x)

    def standard_errors(self) -> pd.DataFrame:
        """Each fitted field: value, SE in the free coordinates, and the 2.5% and 97.5% points."""
        se = np.sqrt(np.diag(self.covariance))
        rows = []
        for j, name in enumerate(self.fitted):
            low = from_free(self.free - 1.96 * se * np.eye(len(se))[j], self.settings, self.fitted)
            high = from_free(self.free + 1.96 * se * np.eye(len(se))[j], self.settings, self.fitted)
            a, b = fitted_value(low, name), fitted_value(high, name)
            rows.append(
                {
                    "parameter": name,
                    "value": fitted_value(self.settings, name),
                    "free_se": se[j],
                    "lower": min(a, b),
                    "upper": max(a, b),
                }
            )
        return pd.DataFrame(rows)


def course_table(targets: pd.DataFrame, moments: dict[str, float]) -> pd.DataFrame:
    """The targets and comparisons beside their simulated values (TABLE_COLUMNS,
    ``calibrate`` and ``kind``; a table without ``kind`` is all targets)."""
    simulated = targets["quantity"].map(moments).astype(float)
    return pd.DataFrame(
        {
            "target": targets["name"],
            "quantity": targets["quantity"],
            "published": targets["published"],
            "se": targets["se"],
            "simulated": simulated,
            "z": (simulated - targets["published"]) / targets["se"],
            "source": targets["source"],
            "calibrate": targets["calibrate"],
            "kind": targets["kind"] if "kind" in targets else "target",
        }
    ).reset_index(drop=True)


def _whole(value: object, name: str, least: int, example: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise InputError(
            f"calibrate_course: {name} must be a whole number >= {least} (got {value!r}); "
            f"pass {name}={example}"
        )


def calibrate_course(
    targets: str | pd.DataFrame | None = None,
    *,
    seed: int = 2026,
    n: int = 12_000,
    max_evaluations: int = 60,
    rounds: int = 3,
    start: ProgressionSettings | None = None,
    fit: tuple[str, ...] | None = None,
    survival: Any = None,
    covariates: pd.DataFrame | None = None,
) -> CourseCalibration:
    """Fit the course to published figures by simulated moments.

    targets : None (the shipped ``data/course_targets.toml``), a path to a user's file in that
        format, or a table from ``load_course_targets``. Its comparisons (other registers'
        figures) are never fitted: they come back in ``table`` beside their simulated values.
    seed, n : the calibration cohort (n ALS patients, n // 5 PLS and PMA); the same seed gives
        the same fit, bit for bit.
    max_evaluations : least_squares' budget of residual evaluations per round, Jacobians not
        counted (each Jacobian costs one evaluation per fitted field).
    rounds : least_squares runs, each started from the previous one's end.
    start : the settings to start from (default: ``data/course.toml``'s start values).
    fit : the fields to fit (default: every field of ``FITTED``); the others stay as ``start``.
    survival : the ALS cohort's survival from onset, in place of the ALS phenotype's: any
        alsprog model (e.g. ``alsprog.calibrate(my_targets)``, ``regression.at(profile)``) or a
        fitted regression with ``covariates=`` (a frame of the register's rows: its
        ``marginal`` over them). As ``simulate_cohort(model=)``: every death a disease death,
        no life table added, prognostic factors not applied (the regression's covariates hold
        them). PLS and PMA keep their phenotypes.
    """
    names = tuple(FITTED) if fit is None else tuple(fit)
    unknown = [name for name in names if name not in FITTED]
    if unknown or not names:
        raise InputError(
            f"calibrate_course: cannot fit {unknown[0] if unknown else 'nothing'!r}; "
            f"choose among {', '.join(FITTED)}"
        )
    if targets is None:
        table = default_course_targets()
    elif isinstance(targets, pd.DataFrame):
        table = check_course_targets(targets)
    else:
        table = load_course_targets(targets)
    _whole(n, "n", 500, 12_000)
    _whole(rounds, "rounds", 1, 3)
    _whole(max_evaluations, "max_evaluations", 1, 60)
    fitted = table[table["calibrate"] & (table["kind"] == "target")]
    if fitted.empty:
        raise InputError("calibrate_course: no target has calibrate = true; mark at least one")
    base = ProgressionSettings.start() if start is None else start
    cohorts = stand_in_draws(n, seed, survival=_survival_source(survival, covariates))
    published = fitted["published"].to_numpy(float)
    se = fitted["se"].to_numpy(float)
    quantities = list(fitted["quantity"])
    calls = [0]
    last: dict[str, np.ndarray] = {}

    def residuals(x: np.ndarray) -> np.ndarray:
        calls[0] += 1
        moments = simulated_moments(from_free(x, base, names), cohorts)
        z = (np.array([moments[q] for q in quantities]) - published) / se
        last["x"], last["z"] = x.copy(), np.where(np.isfinite(z), z, MISSING_Z)
        return last["z"]

    def forward_differences(x: np.ndarray) -> np.ndarray:
        """The Jacobian by forward steps of STEP in each free coordinate (backward where a
        bound is nearer): an absolute step, since scipy's diff_step is relative to x and near
        x = 0 (a share near one half, a figure near 1) shrinks below what the finite cohort's
        whole-number scores can show."""
        z0 = last["z"] if "x" in last and np.array_equal(last["x"], x) else residuals(x)
        out = np.empty((z0.size, x.size))
        for j in range(x.size):
            step = STEP if x[j] + STEP <= high[j] else -STEP
            moved = x.copy()
            moved[j] += step
            out[:, j] = (residuals(moved) - z0) / step
        return out

    from scipy.optimize import least_squares  # imported here: loading a fit needs no optimiser

    x = to_free(base, names)
    low, high = free_bounds(base, names)
    x = np.clip(x, low + 1e-9, high - 1e-9)
    jacobian = None
    for _ in range(rounds):
        # each round works in coordinates shifted to start at 1: trf's first trust region is as
        # wide as the start (|x|), which near 0 is too narrow to see the finite cohort change
        shift = 1.0 - x
        result = least_squares(
            lambda y, shift=shift: residuals(y - shift),
            x + shift,
            method="trf",
            jac=lambda y, shift=shift: forward_differences(y - shift),
            bounds=(low + shift, high + shift),
            x_scale=1.0,
            max_nfev=max_evaluations,
            xtol=1e-8,
            ftol=1e-6,
        )
        x, jacobian = result.x - shift, result.jac
    best = from_free(x, base, names)
    moments = simulated_moments(best, cohorts)
    out = course_table(table, moments)
    objective = float((out.loc[out["calibrate"], "z"].fillna(MISSING_Z) ** 2).sum())
    assert jacobian is not None
    information = jacobian.T @ jacobian + PRIOR_PRECISION * np.eye(len(names))
    return CourseCalibration(
        settings=best,
        table=out,
        objective=objective,
        evaluations=calls[0] + 1,
        seed=seed,
        n=n,
        fitted=names,
        free=x,
        covariance=np.linalg.inv(information),
    )


def _survival_source(survival: Any, covariates: pd.DataFrame | None) -> Any:
    """``calibrate_course``'s survival= as one model (a regression's marginal over the rows)."""
    from alsprog.estimation.regression_model import RegressionModel
    from alsprog.models.base import SurvivalModel

    if isinstance(survival, RegressionModel):
        if not isinstance(covariates, pd.DataFrame):
            raise InputError(
                "calibrate_course: a fitted regression needs covariates= (a frame of the rows to "
                "average over), or pass regression.at(profile) as survival="
            )
        return survival.marginal(covariates)
    if covariates is not None:
        raise InputError("calibrate_course: covariates= goes with a fitted regression as survival=")
    if survival is not None and not isinstance(survival, SurvivalModel):
        raise InputError(
            f"calibrate_course: survival= must be an alsprog model or a fitted regression (got "
            f"{type(survival).__name__})"
        )
    return survival
