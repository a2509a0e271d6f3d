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

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from alsprog.errors import InputError
from alsprog.simulation.course_moments import simulated_moments, stand_in_draws
from alsprog.simulation.course_targets import (
    check_course_targets,
    default_course_targets,
    load_course_targets,
)
from alsprog.simulation.progression_settings import ProgressionSettings

# the fitted fields and their transform: "log" (> 0), "logit" (0-1), "half" (0-0.5), "corr"
# (-0.95-0.95), "id"
FITTED: dict[str, str] = {
    "rate_median": "log",
    "rate_log_sd": "log",
    "copula_correlation": "corr",
    "curvature": "id",
    "clock_deceleration": "log",
    "clock_scale_years": "log",
    "domain_span_points": "log",
    "later_span_factor": "log",
    "item_stagger": "half",
    "item_pace_log_sd": "log",
    "respiratory_span_factor": "log",
    "second_region_points": "log",
    "third_region_points": "log",
    "respiratory_points": "log",
    "gap_log_sd": "log",
    "end_stage_months": "log",
    "niv_share": "logit",
    "niv_end_stage_months": "log",
    "swallowing_clock_cap": "logit",
    "gastrostomy_share": "logit",
    "tracheostomy_share": "logit",
    "tracheostomy_survival_months": "log",
    "niv_delay_months": "log",
    "gastrostomy_delay_months": "log",
    "rate_median_pls": "log",
    "rate_median_pma": "log",
    "sign_lead_points": "log",
    "pma_bulbar_share": "logit",
}
# fitted figures that live in PMA's own course (ProgressionSettings.pma): name -> PmaCourse field
PMA_FIELDS = {"pma_bulbar_share": "bulbar_share"}
# Bounds on the fitted figures (in their own units; None: open), so the fit stays inside the
# model the course describes: fast decliners die sooner (a negative copula correlation), each
# patient's decline never speeds up with time (clock deceleration <= 1), patients differ in
# rate (log-SD >= 0.2; assumption: without it the fit trades the rate's spread for the items')
BOUNDS: dict[str, tuple[float | None, float | None]] = {
    # assumption: the link is loose (at -0.94, where the fit went, the rate all but fixed the
    # death time: Spearman correlation of rate and death time below -0.8, where clinic
    # cohorts see patients of one rate die years apart)
    "copula_correlation": (-0.8, 0.0),
    "clock_deceleration": (0.2, 1.0),
    "rate_log_sd": (0.2, 1.5),
    "item_pace_log_sd": (None, 1.0),
    "clock_scale_years": (0.25, 10.0),
    # assumption: PMA's clock keeps moving (Visser et al., Arch Neurol 2007: muscle strength and
    # the number of affected limb regions fell relentlessly over 18 months); without a bound an
    # earlier fit drove it to 0.04 and PMA patients sat near 47 until their end stage. At 0.16
    # (the last bound, "no slower than PLS's 1.92 points a year", which Visser's own 1.23 a
    # year contradicts) PMA overshot Visser's decline and bent the shared spans instead
    "rate_median_pma": (0.1, None),
    # assumption: the respiratory domain is involved on the clock after onset and declines on it
    # more slowly than the onset domain but not more than 5 times (PRO-ACT's respiratory subscore
    # declines least steeply, Muscle Nerve 2018): few targets read it, and without these bounds
    # the fit left it out of the clock altogether (involved at 0, span 1e13), so that nobody's
    # dyspnoea or orthopnoea fell before the end stage
    "respiratory_points": (5.0, None),
    "respiratory_span_factor": (1.0, 5.0),
    # assumption: a disease death's respiratory failure runs over at least 3 months at the median
    # (a fit without this bound went under 2 months, a cliff before death that no clinic sees;
    # Chen's King's stage 4, from the need for NIV or a gastrostomy to death, is 4.1 months)
    "end_stage_months": (3.0, None),
    # assumption: a gastrostomy comes at least a week (on average) after the need for it is
    # recorded (referral and scheduling); unbounded, the fit drove the delay to 0
    "gastrostomy_delay_months": (0.25, None),
    # assumption: the spread between patients of the gaps between regions stays below a factor
    # of e^2 (about 7) at one SD
    "gap_log_sd": (None, 2.0),
}
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
        low, high = _free_bounds(self.settings, self.fitted)
        x = np.clip(x, low, high)  # a draw stays inside the model (BOUNDS)
        return tuple(_from_free(row, self.settings, self.fitted) for row in x)

    def standard_errors(self) -> pd.DataFrame:
        """Each fitted field: value, SE in the free coordinates, and the 2.5% and 97.5% points."""
        se = np.sqrt(np.diag(self.covariance))
        rows = []
        for j, name in enumerate(self.fitted):
            low = _from_free(self.free - 1.96 * se * np.eye(len(se))[j], self.settings, self.fitted)
            high = _from_free(
                self.free + 1.96 * se * np.eye(len(se))[j], self.settings, self.fitted
            )
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


def fitted_value(settings: ProgressionSettings, name: str) -> float:
    """The value of the fitted figure ``name`` (a ``FITTED`` name) in ``settings``."""
    if name in PMA_FIELDS:
        return float(getattr(settings.pma, PMA_FIELDS[name]))
    return float(getattr(settings, name))


def with_fitted(base: ProgressionSettings, values: dict[str, float]) -> ProgressionSettings:
    """``base`` with the fitted figures ``values`` (``FITTED`` names) set."""
    pma = {PMA_FIELDS[k]: v for k, v in values.items() if k in PMA_FIELDS}
    top: dict[str, Any] = {k: v for k, v in values.items() if k not in PMA_FIELDS}
    if pma:
        if base.pma is None:
            raise InputError("calibrate_course: PMA figures need a course with PMA's own course")
        top["pma"] = replace(base.pma, **pma)
    return replace(base, **top)


def _to_free(settings: ProgressionSettings, names: tuple[str, ...]) -> np.ndarray:
    out = []
    for name in names:
        kind = FITTED[name]
        v = fitted_value(settings, name)
        if kind == "log":
            out.append(math.log(v))
        elif kind == "logit":
            out.append(math.log(v / (1.0 - v)))
        elif kind == "half":
            out.append(math.log(v / (0.5 - v)))
        elif kind == "corr":
            out.append(math.atanh(v / 0.95))
        else:
            out.append(v)
    return np.array(out)


def _from_free(
    x: np.ndarray, base: ProgressionSettings, names: tuple[str, ...]
) -> ProgressionSettings:
    values: dict[str, Any] = {}
    for v, name in zip(x, names, strict=True):
        kind = FITTED[name]
        v = float(np.clip(v, -30.0, 30.0))
        if kind == "log":
            values[name] = math.exp(v)
        elif kind == "logit":
            values[name] = 1.0 / (1.0 + math.exp(-v))
        elif kind == "half":
            values[name] = 0.5 / (1.0 + math.exp(-v))
        elif kind == "corr":
            values[name] = 0.95 * math.tanh(v)
        else:
            values[name] = v
    return with_fitted(base, values)


def _free_bounds(base: ProgressionSettings, names: tuple[str, ...]) -> tuple:
    """BOUNDS in the free coordinates (-inf / inf where open)."""
    low, high = np.full(len(names), -np.inf), np.full(len(names), np.inf)
    for j, name in enumerate(names):
        for k, value in enumerate(BOUNDS.get(name, (None, None))):
            if value is None:
                continue
            free = _to_free(with_fitted(base, {name: value}), (name,))[0] if value != 0.0 else 0.0
            (low if k == 0 else high)[j] = free
    return low, high


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
        moments = simulated_moments(_from_free(x, base, names), cohorts)
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

    x = _to_free(base, names)
    low, high = _free_bounds(base, names)
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
    best = _from_free(x, base, names)
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
