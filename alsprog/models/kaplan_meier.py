"""Kaplan-Meier estimate as R's survfit reports it, as a model with the common interface.

R's survival package (3.5) is the reference: the risk sets (with entry times, someone entering
at t is not at risk for deaths at t), the Greenwood or, for weights that are not whole numbers,
infinitesimal-jackknife variance, the pointwise bands (``conf_type`` "log", R's default,
"log-log", lifelines' default, or "plain"), quantiles with R's flat-segment rule and their
confidence limits, the restricted mean and its standard error, and survminer's numbers at risk.
The estimate is numpy's (in ``kaplan_meier_summaries``, with the rules): lifelines' curve is
R's, but its event table counts an entrant at t as at risk at t, and it has no robust variance
for weights that are not whole numbers, so it cannot give R's numbers throughout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from alsprog.errors import InputError, as_probabilities, as_times, check_probability
from alsprog.models.base import ArrayLike, SurvivalModel, _shaped
from alsprog.models.kaplan_meier_summaries import (
    check_conf_type,
    check_level,
    confidence_limits,
    estimate_checked,
    find_quantile,
    first_time_at_or_below,
    restricted_mean_se,
    risk_counts,
)
from alsprog.models.survival_data import check_survival_data

__all__ = ["KaplanMeier", "kaplan_meier"]

_ARRAYS = ("times", "estimate", "std_err", "at_risk", "events", "censored")


@dataclass(frozen=True, eq=False, repr=False)
class KaplanMeier(SurvivalModel):
    """A Kaplan-Meier curve: survival as a right-continuous step function of time in years.

    Build one with :func:`kaplan_meier`. Its numbers are R's ``survfit(Surv(...) ~ 1)``. The
    estimate says nothing beyond the last time in ``times``; this model holds the curve flat
    there, so a curve that ends above 0 leaves the share ``estimate[-1]`` that never dies:
    ``cure_fraction()`` returns it, ``quantile`` and ``sample`` give inf for it and ``mean()``
    is inf. ``hazard`` and ``density`` raise InputError, since a step function has neither.
    ``sample`` and ``conditional(t)``'s quantiles invert the steps plainly (the first time S
    <= 1 - p); only ``quantile``, ``median`` and their intervals use R's midpoint rule.

    Parameters
    ----------
    times : increasing times in years (the unit of the data) where the curve is tabulated:
        every distinct death or censoring time (R's ``fit$time``).
    estimate : survival just after each time (0-1, non-increasing); 1 before ``times[0]``.
    std_err : standard error of log survival at each time (R's ``fit$std.err``): Greenwood's,
        or the infinitesimal jackknife's (``variance="robust"``); inf where survival is 0.
    at_risk : number (or total weight) at risk at each time (R's ``n.risk``).
    events, censored : deaths and censorings (or their total weight) at each time.
    level : confidence level of the band ``lower``, ``upper`` (e.g. 0.95).
    conf_type : the band's scale: "log" (R's default), "log-log" or "plain".
    variance : "greenwood", or "robust" (R's choice when a weight is not a whole number).
    label : a name for the curve, or None.
    """

    times: np.ndarray
    estimate: np.ndarray
    std_err: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    censored: np.ndarray
    level: float = 0.95
    conf_type: str = "log"
    variance: str = "greenwood"
    label: str | None = None
    family: ClassVar[str] = "kaplan_meier"
    if TYPE_CHECKING:  # derived in __post_init__, read-only
        _edges: np.ndarray = field(init=False)
        _values: np.ndarray = field(init=False)
        _area: np.ndarray = field(init=False)
        _lower: np.ndarray = field(init=False)
        _upper: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        arrays = {}
        for name in _ARRAYS:
            arr = np.array(getattr(self, name), dtype=float).ravel()
            arr.setflags(write=False)
            arrays[name] = arr
            object.__setattr__(self, name, arr)
        sizes = {name: arr.size for name, arr in arrays.items()}
        if len(set(sizes.values())) != 1 or sizes["times"] == 0:
            raise InputError(
                f"KaplanMeier: arrays must be non-empty and of one length (got {sizes}); "
                "build the curve with alsprog.kaplan_meier"
            )
        times, estimate = arrays["times"], arrays["estimate"]
        if not (np.isfinite(times).all() and times[0] >= 0 and (np.diff(times) > 0).all()):
            raise InputError(
                "KaplanMeier: times must be finite, >= 0 and strictly increasing (years); "
                "build the curve with alsprog.kaplan_meier"
            )
        if not ((estimate >= 0).all() and (estimate <= 1).all() and (np.diff(estimate) <= 0).all()):
            raise InputError(
                "KaplanMeier: estimate must lie in [0, 1] and never increase; "
                "build the curve with alsprog.kaplan_meier"
            )
        object.__setattr__(self, "level", check_level("KaplanMeier", self.level))
        check_conf_type("KaplanMeier", self.conf_type)
        if self.variance not in ("greenwood", "robust"):
            raise InputError(
                f"KaplanMeier: variance {self.variance!r} is unknown; choose greenwood or robust"
            )
        # the step function on [edges[j], edges[j+1]) takes values[j]; 1 before the first time
        edges = np.concatenate([[0.0], times])
        values = np.concatenate([[1.0], estimate])
        area = np.concatenate([[0.0], np.cumsum(values[:-1] * np.diff(edges))])
        lower, upper = confidence_limits(estimate, self.std_err, self.level, self.conf_type)
        derived = {"_edges": edges, "_values": values, "_area": area}
        derived |= {"_lower": lower, "_upper": upper}
        for name, arr in derived.items():
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    # ----------------------------------------------------------------- identity
    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        same = ("level", "conf_type", "variance", "label")
        return all(getattr(self, n) == getattr(other, n) for n in same) and all(
            np.array_equal(getattr(self, n), getattr(other, n), equal_nan=True) for n in _ARRAYS
        )

    def __hash__(self) -> int:
        return hash((self.times.tobytes(), self.estimate.tobytes(), self.level, self.label))

    def __repr__(self) -> str:
        label = "" if self.label is None else f"label={self.label!r}, "
        return (
            f"KaplanMeier({label}n_times={self.times.size}, last_time={self.times[-1]:g}, "
            f"last_survival={self.estimate[-1]:.4g}, median={self.median():g}, "
            f"level={self.level:g}, conf_type={self.conf_type!r})"
        )

    @property
    def lower(self) -> np.ndarray:
        """Lower limit of the pointwise band at each time (NaN where survival is 0, as R)."""
        return self._lower

    @property
    def upper(self) -> np.ndarray:
        """Upper limit of the pointwise band at each time (NaN where survival is 0, as R)."""
        return self._upper

    # ----------------------------------------------------------------- formulas
    def _index(self, t: np.ndarray) -> np.ndarray:
        return np.searchsorted(self._edges, t, side="right") - 1

    def _survival(self, t: np.ndarray) -> np.ndarray:
        return self._values[self._index(t)]

    def _cumulative_hazard(self, t: np.ndarray) -> np.ndarray:
        return -np.log(self._survival(t)) + 0.0  # + 0.0 turns -0.0 into 0.0; inf where S = 0

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        raise InputError(
            "kaplan_meier: a Kaplan-Meier curve is a step function and has no hazard rate; "
            "use cumulative_hazard, or fit a parametric family with alsprog.fit"
        )

    def _step_quantile(self, p: np.ndarray) -> np.ndarray:
        return first_time_at_or_below(self._edges, self._values, 1.0 - p)

    def _quantile(self, p: np.ndarray) -> np.ndarray:
        q = find_quantile(p, self._edges, 1.0 - self._values)
        return np.where(np.isnan(q), np.inf, q)

    def _time_at_cumulative_hazard(self, target: np.ndarray) -> np.ndarray:
        return self._step_quantile(-np.expm1(-np.asarray(target, dtype=float)))

    def _sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self._step_quantile(rng.random(n))

    def _rmst(self, horizon: np.ndarray) -> np.ndarray:
        j = self._index(horizon)
        finite = np.isfinite(horizon)
        out = np.full(horizon.shape, self._mean())
        out[finite] = self._area[j[finite]] + self._values[j[finite]] * (
            horizon[finite] - self._edges[j[finite]]
        )
        return out

    def _mean(self) -> float:
        return float(self._area[-1]) if self._values[-1] == 0 else np.inf

    def _band(self, level: float | None, conf_type: str | None, where: str):
        level = self.level if level is None else check_level(where, level)
        conf_type = self.conf_type if conf_type is None else check_conf_type(where, conf_type)
        if level == self.level and conf_type == self.conf_type:
            return self._lower, self._upper
        return confidence_limits(self.estimate, self.std_err, level, conf_type)

    # ----------------------------------------------------------------- public interface
    def cure_fraction(self) -> float:
        """The curve's last value, S(times[-1]): the share this model treats as never dying.

        Kaplan-Meier says nothing after the last follow-up time; holding the curve flat there
        means that share has no death time (quantile and sample give inf, mean is inf). It is 0
        when the curve reaches 0.
        """
        return float(self._values[-1])

    def quantile(self, p: ArrayLike) -> float | np.ndarray:
        """Time (years) by which a fraction p has died, as R's ``quantile(survfit, p)``.

        The first time the curve falls to 1 - p or below; where it sits at exactly 1 - p
        (within 1.5e-8) over an interval, the interval's midpoint (so an uncensored sample gets
        its ordinary sample median), and where that flat ends the curve, the midpoint of its
        start and the last time. inf where the curve never gets that low (R's NA).
        """
        arr = as_probabilities(p)
        return _shaped(self._quantile(arr.ravel()), arr)

    def quantile_ci(
        self, p: ArrayLike, level: float | None = None, conf_type: str | None = None
    ) -> tuple[Any, Any]:
        """Confidence limits (years) of ``quantile(p)``, as R's ``quantile(survfit, p)``.

        R's method: the lower limit is where the lower band first reaches 1 - p, the upper
        limit where the upper band does, with the same flat-segment rule. A limit the band
        never reaches is NaN (R's NA), e.g. the upper limit when the last observation is
        censored high up.

        level : confidence level (default the curve's, 0.95 unless fitted otherwise).
        conf_type : "log" (R's default), "log-log" or "plain" (default the curve's).

        Returns
        -------
        (lower, upper) : floats for a scalar p, else arrays of p's shape.
        """
        arr = as_probabilities(p)
        lower, upper = self._band(level, conf_type, "quantile_ci")
        limits = []
        for band in (lower, upper):
            y = np.concatenate([[0.0], 1.0 - band])
            limits.append(_shaped(find_quantile(arr.ravel(), self._edges, y), arr))
        return limits[0], limits[1]

    def median_ci(
        self, level: float | None = None, conf_type: str | None = None
    ) -> tuple[float, float]:
        """Confidence interval of the median (years), R's 0.95LCL and 0.95UCL; NaN if never
        reached. See ``quantile_ci``."""
        return self.quantile_ci(0.5, level=level, conf_type=conf_type)

    def median_confidence_interval(self) -> tuple[float, float]:
        return self.median_ci()  # the older name

    def mean(self) -> float:
        """Area under the curve to its last time, years, if the curve reaches 0; else inf.

        A curve that ends above 0 leaves a share with no death time, so its mean is undefined
        (inf here); use ``rmst(horizon)`` for a finite summary.
        """
        return self._mean()

    def rmst_se(self, horizon: ArrayLike) -> float | np.ndarray:
        """Standard error (years) of ``rmst(horizon)``, as R's ``print(survfit, rmean=horizon)``.

        Greenwood's terms weighted by the squared area after each death time (R's survmean,
        also for a robust-variance curve). NaN for an infinite horizon.
        """
        arr = as_times(horizon, "horizon")
        values = [
            restricted_mean_se(self.times, self.estimate, self.at_risk, self.events, h)
            if np.isfinite(h)
            else np.nan
            for h in arr.ravel()
        ]
        return _shaped(np.array(values, dtype=float), arr)

    def density(self, t: ArrayLike) -> float | np.ndarray:
        """Not defined: a step function has no density (raises InputError)."""
        as_times(t)
        raise InputError(
            "kaplan_meier: a Kaplan-Meier curve is a step function and has no density; "
            "use survival or sample, or fit a parametric family with alsprog.fit"
        )

    def confidence_band(
        self, t: ArrayLike, level: float | None = None, conf_type: str | None = None
    ) -> pd.DataFrame:
        """The curve and its pointwise confidence band at times ``t`` (years).

        level, conf_type : as in ``quantile_ci`` (default the curve's own).

        Returns
        -------
        DataFrame, one row per time
            t (years), survival, lower, upper (0-1; both 1 before the first time, held flat
            after the last, NaN where survival is 0 as R's NA), level (e.g. 0.95).
        """
        arr = as_times(t).ravel()
        lower, upper = self._band(level, conf_type, "confidence_band")
        j = self._index(arr)
        return pd.DataFrame(
            {
                "t": arr,
                "survival": self._values[j],
                "lower": np.concatenate([[1.0], lower])[j],
                "upper": np.concatenate([[1.0], upper])[j],
                "level": self.level if level is None else float(level),
            }
        )

    def table(self) -> pd.DataFrame:
        """The life table behind the curve, one row per tabulated time (R's summary(fit)).

        Returns
        -------
        DataFrame
            t (years), at_risk (count or total weight at risk at t), events (deaths at t),
            censored (censorings at t), survival (just after t), std_err (of log survival),
            lower, upper (the band at ``self.level`` on ``self.conf_type``).
        """
        return pd.DataFrame(
            {
                "t": self.times,
                "at_risk": self.at_risk,
                "events": self.events,
                "censored": self.censored,
                "survival": self.estimate,
                "std_err": self.std_err,
                "lower": self._lower,
                "upper": self._upper,
            }
        )

    def risk_table(self, times: ArrayLike) -> pd.DataFrame:
        """Numbers at risk, and events and censorings so far, at ``times`` (years).

        As survminer's risk table (R's ``summary(fit, times = times)``): at_risk is the number
        (total weight) at risk at the first tabulated time at or after t, i.e. just before t,
        0 after the last time; events and censored are cumulative totals at times <= t.

        Returns
        -------
        DataFrame, one row per time
            group (the curve's label, "all" if it has none), time (years), at_risk, events,
            censored.
        """
        at = as_times(times, "risk_table times").ravel()
        counts = risk_counts(self.times, self.at_risk, self.events, self.censored, at)
        group = "all" if self.label is None else self.label
        whole = {k: v.astype(np.int64) for k, v in counts.items() if np.all(v == np.round(v))}
        return pd.DataFrame({"group": group, "time": at, **counts, **whole})  # 2000, not 2000.0


def kaplan_meier(
    durations: ArrayLike,
    event_observed: ArrayLike,
    entry: ArrayLike | None = None,
    weights: ArrayLike | None = None,
    alpha: float = 0.05,
    label: str | None = None,
    conf_type: str = "log",
) -> KaplanMeier:
    """Kaplan-Meier estimate of survival with a confidence band, as R's ``survfit``.

    R: ``survfit(Surv(entry, durations, event_observed) ~ 1, weights = weights,
    conf.int = 1 - alpha, conf.type = conf_type)``.

    Parameters
    ----------
    durations : time of death or censoring for each person, years from onset (any unit works;
        every time the model returns is then in that unit).
    event_observed : 1 or True where the person died at ``durations``, 0 or False if censored.
    entry : optional time each person came under observation (left truncation, delayed entry),
        same unit, 0 <= entry <= duration. As in R, someone entering at t is at risk only
        after t (not for deaths at t); a row with entry equal to its duration is never at risk
        and is left out with a warning (R makes it NA).
    weights : optional positive case weights. Whole numbers act as repeated rows (Greenwood
        variance); otherwise the variance is R's robust (infinitesimal jackknife) one.
    alpha : 1 - the confidence level of the band (0.05 gives a 95% band). label : a name.
    conf_type : the band's scale, "log" (R's default), "log-log" (lifelines') or "plain".

    Returns a KaplanMeier: the step function, its standard errors, band and life table.
    """
    data = check_survival_data(
        "kaplan_meier", durations, event_observed, entry, weights, positive_weights=True
    )
    check_probability("kaplan_meier alpha", alpha, open_interval=True)
    check_conf_type("kaplan_meier", conf_type)
    if label is not None and not isinstance(label, str):
        raise InputError(f"kaplan_meier: label must be a string or None (got {label!r})")
    curve: dict[str, Any] = estimate_checked(data, truncated=entry is not None)
    variance = "robust" if curve.pop("robust") else "greenwood"
    level = 1.0 - float(alpha)
    return KaplanMeier(**curve, level=level, conf_type=conf_type, variance=variance, label=label)
