"""What the analysis gives: the one result table every endpoint returns (a row per replicate,
tidy columns), and the power those rows show.

Power from analysed replicates is the share rejecting at alpha. Beside it, Schoenfeld's closed
forms for the log-rank test (Biometrika 1981; Biometrics 1983): with a share p of patients on
treatment, the log-rank statistic is approximately normal with mean log(HR) sqrt(D p (1 - p))
after D deaths, so a two-sided level-alpha test has power Phi(|log HR| sqrt(D p (1 - p)) -
z_(1 - alpha/2)), and reaching power 1 - beta needs D = (z_(1 - alpha/2) + z_(1 - beta))^2 /
(p (1 - p) log(HR)^2) deaths; the sample size divides D by the probability that a patient dies
during the trial.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special  # not scipy.stats: a second to load

from alsprog.errors import InputError, check_positive, check_probability

RESULT_COLUMNS = (
    "replicate",
    "endpoint",
    "estimate",
    "lower",
    "upper",
    "statistic",
    "p_value",
    "n_events",
    "n_analysed",
)


def endpoint_frame(
    endpoint: str,
    replicates: np.ndarray,
    *,
    estimate: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    statistic: np.ndarray,
    p_value: np.ndarray,
    n_events: np.ndarray,
    n_analysed: np.ndarray,
) -> pd.DataFrame:
    """One row per replicate of ``endpoint`` with the columns of ``RESULT_COLUMNS``."""
    return pd.DataFrame(
        {
            "replicate": replicates,
            "endpoint": endpoint,
            "estimate": np.asarray(estimate, dtype=float),
            "lower": np.asarray(lower, dtype=float),
            "upper": np.asarray(upper, dtype=float),
            "statistic": np.asarray(statistic, dtype=float),
            "p_value": np.asarray(p_value, dtype=float),
            "n_events": np.asarray(n_events, dtype=np.int64),
            "n_analysed": np.asarray(n_analysed, dtype=np.int64),
        },
        columns=list(RESULT_COLUMNS),
    )


def normal_quantile(alpha: float) -> float:
    """The two-sided normal critical value z_(1 - alpha/2)."""
    return float(-special.ndtri(alpha / 2))


POWER_COLUMNS = ("endpoint", "power", "power_se", "mean_events", "mean_estimate", "replicates")


def power_from_results(results: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Monte Carlo power of each endpoint: the share of replicates rejecting at ``alpha``.

    Parameters
    ----------
    results : the output of ``analyse`` (columns replicate, endpoint, estimate, p_value,
        n_events at least), one row per replicate and endpoint.
    alpha : two-sided level; a replicate rejects when p_value < alpha. A NaN p-value (an
        endpoint that could not be computed, e.g. no deaths) counts as not rejecting.

    Returns
    -------
    DataFrame, one row per endpoint in order of first appearance: endpoint, power (0-1),
    power_se (binomial Monte Carlo standard error sqrt(power (1 - power) / replicates)),
    mean_events (deaths per replicate), mean_estimate (mean of the finite estimates; for the
    hazard-ratio endpoints the geometric mean), replicates. Under the null hypothesis power
    is the type I error rate.
    """
    check_probability("power_from_results: alpha", alpha, open_interval=True)
    needed = ("endpoint", "estimate", "p_value", "n_events")
    if not isinstance(results, pd.DataFrame) or any(c not in results for c in needed):
        raise InputError(
            "power_from_results: results needs columns "
            f"{', '.join(needed)}; pass the output of analyse()"
        )
    if len(results) == 0:
        raise InputError("power_from_results: results has no rows; analyse some replicates")
    rows = []
    for endpoint, group in results.groupby("endpoint", sort=False):
        reject = (group["p_value"].to_numpy(dtype=float) < alpha).astype(float)
        count = reject.size
        share = reject.mean()
        estimate = group["estimate"].to_numpy(dtype=float)
        if endpoint in ("logrank", "cox"):
            positive = estimate[np.isfinite(estimate) & (estimate > 0)]
            mean_estimate = float(np.exp(np.mean(np.log(positive)))) if positive.size else np.nan
        else:
            finite = estimate[np.isfinite(estimate)]
            mean_estimate = float(finite.mean()) if finite.size else np.nan
        rows.append(
            (
                endpoint,
                share,
                math.sqrt(share * (1 - share) / count),
                float(group["n_events"].mean()),
                mean_estimate,
                count,
            )
        )
    return pd.DataFrame(rows, columns=list(POWER_COLUMNS))


def _check_schoenfeld(hazard_ratio: float, alpha: float, allocation: float) -> float:
    check_positive("schoenfeld: hazard_ratio", hazard_ratio)
    if hazard_ratio == 1:
        raise InputError("schoenfeld: hazard_ratio 1 has no power to find; pass a ratio != 1")
    check_probability("schoenfeld: alpha", alpha, open_interval=True)
    check_positive("schoenfeld: allocation (treatment per control patient)", allocation)
    share = allocation / (1 + allocation)
    return share * (1 - share)


def schoenfeld_events(
    hazard_ratio: float, alpha: float = 0.05, power: float = 0.8, allocation: float = 1.0
) -> float:
    """Deaths a two-sided log-rank test needs for ``power`` (Schoenfeld's formula).

    Parameters
    ----------
    hazard_ratio : treatment against control (e.g. 0.75). alpha : two-sided level.
    power : target power, 0-1. allocation : treatment patients per control patient.

    Returns
    -------
    float, the number of deaths (round up for a design): e.g. 379.4 (380) for HR 0.75,
    alpha 0.05, power 0.8, 1:1.
    """
    spread = _check_schoenfeld(hazard_ratio, alpha, allocation)
    check_probability("schoenfeld_events: power", power, open_interval=True)
    z = -special.ndtri(alpha / 2) + special.ndtri(power)
    return float(z**2 / (spread * math.log(hazard_ratio) ** 2))


def schoenfeld_power(
    events: float, hazard_ratio: float, alpha: float = 0.05, allocation: float = 1.0
) -> float:
    """Power of a two-sided log-rank test after ``events`` deaths (Schoenfeld's formula)."""
    spread = _check_schoenfeld(hazard_ratio, alpha, allocation)
    check_positive("schoenfeld_power: events", events)
    drift = abs(math.log(hazard_ratio)) * math.sqrt(events * spread)
    return float(special.ndtr(drift + special.ndtri(alpha / 2)))


@dataclass(frozen=True)
class SchoenfeldSize:
    """A log-rank design from Schoenfeld's formula.

    events : deaths needed (unrounded). n_total, n_control, n_treatment : patients (rounded up
    so each arm keeps the allocation). event_probability : the share dying during the trial.
    """

    events: float
    event_probability: float
    n_control: int
    n_treatment: int

    @property
    def n_total(self) -> int:
        return self.n_control + self.n_treatment


def schoenfeld_sample_size(
    hazard_ratio: float,
    event_probability: float,
    alpha: float = 0.05,
    power: float = 0.8,
    allocation: float = 1.0,
) -> SchoenfeldSize:
    """Patients a two-sided log-rank test needs: Schoenfeld's deaths / the chance of dying.

    Parameters
    ----------
    hazard_ratio, alpha, power, allocation : as ``schoenfeld_events``.
    event_probability : the probability that a patient dies during the trial (pooled over
        the arms), 0-1 exclusive of 0.
    """
    events = schoenfeld_events(hazard_ratio, alpha, power, allocation)
    check_probability("schoenfeld_sample_size: event_probability", event_probability)
    if event_probability == 0:
        raise InputError(
            "schoenfeld_sample_size: event_probability 0 means no deaths; pass a value above 0"
        )
    total = events / event_probability
    control = math.ceil(total / (1 + allocation) - 1e-9)
    return SchoenfeldSize(events, event_probability, control, math.ceil(control * allocation))


@dataclass(frozen=True)
class SampleSizeSearch:
    """The smallest n per arm whose power reaches a target, and every n evaluated on the way.

    n_per_arm : the smallest n found reaching ``target_power``. power : its power.
    evaluated : DataFrame with columns n_per_arm, power, sorted by n_per_arm.
    """

    n_per_arm: int
    power: float
    target_power: float
    evaluated: pd.DataFrame


def smallest_sample_size(
    power_at: Callable[[int], float],
    target_power: float = 0.8,
    *,
    n_min: int = 10,
    n_max: int = 5000,
) -> SampleSizeSearch:
    """Bisection for the smallest n per arm with ``power_at(n) >= target_power``.

    ``power_at`` should be monotone in n: with simulated power, use common random numbers
    across n (the same seed for every n, so larger trials extend smaller ones) or the
    bisection may land on a noise crossing. About log2(n_max - n_min) + 2 evaluations.

    Raises InputError when even ``n_max`` falls short of the target.
    """
    check_probability("smallest_sample_size: target_power", target_power, open_interval=True)
    if not (isinstance(n_min, int) and isinstance(n_max, int) and 1 <= n_min < n_max):
        raise InputError(
            f"smallest_sample_size: n_min {n_min!r}, n_max {n_max!r}; pass integers "
            "with 1 <= n_min < n_max"
        )
    seen: dict[int, float] = {}

    def power(n: int) -> float:
        if n not in seen:
            seen[n] = float(power_at(n))
        return seen[n]

    if power(n_max) < target_power:
        raise InputError(
            f"smallest_sample_size: power {seen[n_max]:.3f} at n_max {n_max} is below the "
            f"target {target_power:g}; raise n_max"
        )
    low, high = n_min, n_max
    if power(n_min) >= target_power:
        high = n_min
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if power(middle) >= target_power else (middle, high)
    table = pd.DataFrame(sorted(seen.items()), columns=["n_per_arm", "power"])
    return SampleSizeSearch(high, seen[high], target_power, table)
