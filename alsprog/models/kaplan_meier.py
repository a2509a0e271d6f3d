"""Kaplan-Meier estimate (lifelines' KaplanMeierFitter) as a model with the common interface.

``kaplan_meier`` fits the curve with lifelines, left truncation and weights included, and keeps
the result as a frozen step function: survival, cumulative hazard, quantiles, restricted mean,
conditional survival and samples all come from the steps exactly. lifelines is imported only when
a curve is fitted, so importing this module stays fast.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from alsprog.errors import InputError, as_probabilities, as_times, check_probability
from alsprog.models.base import ArrayLike, SurvivalModel, _shaped
from alsprog.models.survival_data import check_survival_data

__all__ = ["KaplanMeier", "kaplan_meier"]

# quantile(p) is the first step with S <= 1 - p; the slack absorbs the rounding in 1 - (1 - S),
# so that quantile(1 - survival(t)) <= t holds exactly.
_PROBABILITY_SLACK = 1e-12

_ARRAYS = ("times", "estimate", "lower", "upper", "at_risk", "events")


@dataclass(frozen=True, eq=False, repr=False)
class KaplanMeier(SurvivalModel):
    """A Kaplan-Meier curve: survival as a right-continuous step function of time in years.

    Build one with :func:`kaplan_meier`. The estimate says nothing beyond the last time in
    ``times``; this model holds the curve flat there, so a curve that ends above 0 leaves the share
    ``estimate[-1]`` that never dies: ``cure_fraction()`` returns it, ``quantile`` and ``sample``
    give inf for it and ``mean()`` is inf. ``hazard`` and ``density`` raise InputError, since a
    step function has neither.

    Parameters
    ----------
    times : increasing times in years (the unit of the data) where the curve is tabulated:
        lifelines' timeline, i.e. every death, censoring and entry time.
    estimate : survival just after each time (0-1, non-increasing); 1 before ``times[0]``.
    lower, upper : pointwise confidence band at each time (0-1), lifelines' exponential
        Greenwood (log(-log)) band at level ``level``.
    at_risk : number (or total weight) at risk at each time, entrants at that time included.
    events : deaths (or their total weight) at each time.
    level : confidence level of the band, 1 - alpha (e.g. 0.95).
    label : a name for the curve, or None.
    """

    times: np.ndarray
    estimate: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    level: float = 0.95
    label: str | None = None
    family: ClassVar[str] = "kaplan_meier"

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
        check_probability("KaplanMeier level", self.level, open_interval=True)
        object.__setattr__(self, "level", float(self.level))
        # the step function on [edges[j], edges[j+1]) takes values[j]; 1 before the first time
        edges = np.concatenate([[0.0], times])
        values = np.concatenate([[1.0], estimate])
        area = np.concatenate([[0.0], np.cumsum(values[:-1] * np.diff(edges))])
        for name, arr in (("_edges", edges), ("_values", values), ("_area", area)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    # ----------------------------------------------------------------- identity
    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (
            self.level == other.level
            and self.label == other.label
            and all(
                np.array_equal(getattr(self, n), getattr(other, n), equal_nan=True) for n in _ARRAYS
            )
        )

    def __hash__(self) -> int:
        return hash((self.times.tobytes(), self.estimate.tobytes(), self.level, self.label))

    def __repr__(self) -> str:
        label = "" if self.label is None else f"label={self.label!r}, "
        return (
            f"KaplanMeier({label}n_times={self.times.size}, last_time={self.times[-1]:g}, "
            f"last_survival={self.estimate[-1]:.4g}, median={self.median():g}, "
            f"level={self.level:g})"
        )

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

    def _quantile(self, p: np.ndarray) -> np.ndarray:
        target = (1.0 - p) + _PROBABILITY_SLACK
        j = np.searchsorted(-self._values, -target, side="left")
        out = np.full(p.shape, np.inf)
        found = j < self._values.size
        out[found] = self._edges[j[found]]
        return out

    def _rmst(self, horizon: np.ndarray) -> np.ndarray:
        j = self._index(horizon)
        finite = np.isfinite(horizon)
        out = np.full(horizon.shape, self._mean())
        out[finite] = self._area[j[finite]] + self._values[j[finite]] * (
            horizon[finite] - self._edges[j[finite]]
        )
        return out

    def _mean(self) -> float:
        return float(self._area[-1]) if self._values[-1] == 0 else math.inf

    # ----------------------------------------------------------------- public interface
    def cure_fraction(self) -> float:
        """The curve's last value, S(times[-1]): the share this model treats as never dying.

        Kaplan-Meier says nothing after the last follow-up time; holding the curve flat there
        means that share has no death time (quantile and sample give inf, mean is inf). It is 0
        when the curve reaches 0.
        """
        return float(self._values[-1])

    def quantile(self, p: ArrayLike) -> float | np.ndarray:
        """Smallest time (years) with S(t) <= 1 - p; inf where the curve never gets that low.

        p is the probability of having died by then, so ``quantile(0.5)`` is the median as
        lifelines and R report it (R's survfit takes the midpoint instead when the curve sits
        exactly at 0.5 over an interval), and ``quantile(1 - survival(t)) <= t``.
        """
        arr = as_probabilities(p)
        return _shaped(self._quantile(arr.ravel()), arr)

    def mean(self) -> float:
        """Area under the curve to its last time, years, if the curve reaches 0; else inf.

        A curve that ends above 0 leaves a share with no death time, so its mean is undefined
        (inf here); use ``rmst(horizon)`` for a finite summary.
        """
        return self._mean()

    def density(self, t: ArrayLike) -> float | np.ndarray:
        """Not defined: a step function has no density (raises InputError)."""
        as_times(t)
        raise InputError(
            "kaplan_meier: a Kaplan-Meier curve is a step function and has no density; "
            "use survival or sample, or fit a parametric family with alsprog.fit"
        )

    def confidence_band(self, t: ArrayLike) -> pd.DataFrame:
        """The curve and its pointwise confidence band at times ``t`` (years).

        Returns
        -------
        DataFrame, one row per time
            t (years), survival, lower, upper (0-1; both 1 before the first time and held flat
            after the last), level (the band's confidence level, e.g. 0.95).
        """
        arr = as_times(t).ravel()
        j = self._index(arr)
        lower = np.concatenate([[1.0], self.lower])[j]
        upper = np.concatenate([[1.0], self.upper])[j]
        return pd.DataFrame(
            {
                "t": arr,
                "survival": self._values[j],
                "lower": lower,
                "upper": upper,
                "level": self.level,
            }
        )

    def table(self) -> pd.DataFrame:
        """The life table behind the curve, one row per tabulated time.

        Returns
        -------
        DataFrame
            t (years), at_risk (count or total weight at risk at t, entrants at t included),
            events (deaths at t), survival (just after t), lower, upper (the confidence band at
            level ``self.level``).
        """
        return pd.DataFrame(
            {
                "t": self.times,
                "at_risk": self.at_risk,
                "events": self.events,
                "survival": self.estimate,
                "lower": self.lower,
                "upper": self.upper,
            }
        )

    def median_confidence_interval(self) -> tuple[float, float]:
        """Confidence interval of the median (years) at level ``self.level``; inf if not reached.

        Brookmeyer-Crowley style, as lifelines and R's survfit do: the lower limit is the first
        time the lower band reaches 0.5, the upper limit the first time the upper band does
        (lifelines' ``median_survival_times`` applied to the band).

        Returns
        -------
        (lower, upper) : floats, years.
        """
        from lifelines.utils import median_survival_times

        band = pd.DataFrame({"lower": self.lower, "upper": self.upper}, index=self.times)
        medians = median_survival_times(band)
        return float(medians["lower"].iloc[0]), float(medians["upper"].iloc[0])


def kaplan_meier(
    durations: ArrayLike,
    event_observed: ArrayLike,
    entry: ArrayLike | None = None,
    weights: ArrayLike | None = None,
    alpha: float = 0.05,
    label: str | None = None,
) -> KaplanMeier:
    """Kaplan-Meier estimate of survival with a confidence band, via lifelines.

    Parameters
    ----------
    durations : time of death or censoring for each person, years from onset (any unit works;
        every time the model returns is then in that unit).
    event_observed : 1 or True where the person died at ``durations``, 0 or False if censored.
    entry : optional time each person came under observation (left truncation, delayed entry),
        same unit, 0 <= entry <= duration. As in lifelines, someone entering at t is at risk at t.
    weights : optional positive case weights. Whole numbers act as repeated rows; other weights
        give a valid curve but a band that is too narrow (a warning says so).
    alpha : 1 - the confidence level of the band (0.05 gives a 95% band).
    label : optional name of the curve.

    Returns
    -------
    KaplanMeier
        The step function with lifelines' exponential Greenwood band and its life table.
    """
    data = check_survival_data(
        "kaplan_meier", durations, event_observed, entry, weights, positive_weights=True
    )
    check_probability("kaplan_meier alpha", alpha, open_interval=True)
    if label is not None and not isinstance(label, str):
        raise InputError(f"kaplan_meier: label must be a string or None (got {label!r})")

    from lifelines import KaplanMeierFitter
    from lifelines.exceptions import StatError, StatisticalWarning

    fitter = KaplanMeierFitter(alpha=float(alpha))
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            message="It looks like your weights are not integers",
            category=StatisticalWarning,
        )
        try:
            fitter.fit(
                data.durations,
                data.died,
                entry=None if entry is None else data.entry,
                weights=None if weights is None else data.weights,
                label=label,
            )
        except StatError as err:
            raise InputError(
                "kaplan_meier: with these entry times the risk set empties early (lifelines: "
                f"{' '.join(str(err).split())}); start the curve later, e.g. condition on "
                "survival to a later time, or fit a parametric family with alsprog.fit"
            ) from err
    if (np.round(data.weights) != data.weights).any():
        warnings.warn(
            "kaplan_meier: weights are not whole numbers; the curve is right but its band treats "
            "them as counts and is too narrow for e.g. inverse-probability weights; bootstrap it",
            StatisticalWarning,
            stacklevel=2,
        )
    survival = fitter.survival_function_.iloc[:, 0]
    band = fitter.confidence_interval_
    table = fitter.event_table.reindex(survival.index)
    return KaplanMeier(
        times=survival.index.to_numpy(dtype=float),
        estimate=survival.to_numpy(dtype=float),
        lower=band.iloc[:, 0].to_numpy(dtype=float),
        upper=band.iloc[:, 1].to_numpy(dtype=float),
        at_risk=table["at_risk"].to_numpy(dtype=float),
        events=table["observed"].to_numpy(dtype=float),
        level=1.0 - float(alpha),
        label=label,
    )
