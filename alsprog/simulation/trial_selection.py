"""MCI186-19's selection (the edaravone pivotal trial, Writing Group, Lancet Neurol 2017), its
rules written once, and the weights that give the selected patients the trial's ages.

Two stages read them: the course calibration's placebo arm (``course_moments``) and the
report's check of the edaravone preset (``alsprog.outcomes.course_measures``). Each finds its
patients and scores their visits its own way (the calibration from its stand-in draws, the
report from cohort blocks) and hands the results here:

- ``trial_candidates``: what the patient's history decides before any visit is scored (aged
  TRIAL_AGES at screening, screened after onset and diagnosis, alive at the end of follow-up);
- ``trial_eligible``: what the screening and baseline visits decide (every item >= 2 and the
  three respiratory items at 4 at screening, ALSFRS-R fallen 1-4 points over the observation
  period, definite or probable ALS by the revised El Escorial criteria).
"""

from __future__ import annotations

from functools import cache

import numpy as np

# MCI186-19: randomised at a disease duration of at most 2 years (the two stages draw it
# uniform over 0-2 years from onset: mean about 1.1 years, the trial's placebo arm about 1.06)
TRIAL_DURATION_YEARS = 2.0
TRIAL_AGES = (20.0, 75.0)  # MCI186-19's ages at consent (years)
# the placebo arm's age at entry, mean 60.1 (SD 10) [@writinggroup2017]: the selected patients
# (about 55 on average) are weighted to it over TRIAL_AGE_BIN-year bins, read as a normal
# truncated to TRIAL_AGES with that mean and SD (assumption: the shape was not published)
TRIAL_AGE_MEAN, TRIAL_AGE_SD, TRIAL_AGE_BIN = 60.1, 10.0, 5.0
MIN_ITEM_SCORE = 2  # every ALSFRS-R item at screening
RESPIRATORY_ITEMS = slice(9, 12)  # dyspnoea, orthopnoea, respiratory insufficiency (ITEMS)
FULL_ITEM = 4  # the respiratory items at 4 stand in for FVC >= 80% (no FVC is simulated)
OBSERVATION_FALL = (1, 4)  # ALSFRS-R points lost over the 12-week observation period
MIN_REGIONS = 2  # El Escorial regions with signs: 2 probable, 3 definite


def trial_candidates(
    age: np.ndarray,
    diagnosis: np.ndarray,
    screening: np.ndarray,
    end: np.ndarray,
    death: np.ndarray,
) -> np.ndarray:
    """Whether each patient passes the rules read from their history (boolean, shape (n,)).

    Parameters
    ----------
    age : age at screening, years.
    diagnosis, screening, end, death : years from onset: the diagnosis (NaN: never), the
        screening (the start of the 12-week observation period), the end of follow-up (24
        weeks after randomisation) and death from any cause.

    A candidate is aged TRIAL_AGES at screening, screened after onset and after diagnosis, and
    alive at the end (the trial's analysis reads the 24-week visit).
    """
    with np.errstate(invalid="ignore"):
        keep = (screening >= 0) & (diagnosis <= screening) & (end < death)
        return keep & (age >= TRIAL_AGES[0]) & (age <= TRIAL_AGES[1])


def trial_eligible(items: np.ndarray, totals: np.ndarray, regions: np.ndarray) -> np.ndarray:
    """Whether each candidate passes the rules read at the visits (boolean, shape (n,)).

    Parameters
    ----------
    items : (n, 12) measured item scores (0-4, ITEMS order) at screening.
    totals : (n, k >= 2) measured ALSFRS-R totals (points) at screening and at randomisation
        (the end of the observation period), in that order; later columns are not read.
    regions : (n,) El Escorial regions with signs at screening
        (``course_moments.regions_with_signs``).

    Eligible: every item at least MIN_ITEM_SCORE and the three respiratory items at 4 (FVC >=
    80%), ALSFRS-R fallen by OBSERVATION_FALL points over the observation period, and at least
    MIN_REGIONS regions with signs (probable or definite ALS).
    """
    ok = (items.min(axis=1) >= MIN_ITEM_SCORE) & (
        items[:, RESPIRATORY_ITEMS].min(axis=1) == FULL_ITEM
    )
    fall = totals[:, 0] - totals[:, 1]
    ok &= (fall >= OBSERVATION_FALL[0]) & (fall <= OBSERVATION_FALL[1])
    return ok & (regions >= MIN_REGIONS)


@cache
def trial_age_normal() -> tuple[float, float]:
    """Mean and SD (years) of the normal that, truncated to TRIAL_AGES, has the trial's mean
    TRIAL_AGE_MEAN and SD TRIAL_AGE_SD."""
    from scipy.optimize import fsolve
    from scipy.stats import truncnorm

    def gap(p: np.ndarray) -> list[float]:
        mu, sd = float(p[0]), abs(float(p[1]))
        low, high = ((x - mu) / sd for x in TRIAL_AGES)
        ages = truncnorm(low, high, mu, sd)
        return [ages.mean() - TRIAL_AGE_MEAN, ages.std() - TRIAL_AGE_SD]

    mu, sd = fsolve(gap, [TRIAL_AGE_MEAN, TRIAL_AGE_SD])
    return float(mu), abs(float(sd))


def trial_age_weights(age: np.ndarray) -> np.ndarray:
    """Weights that give selected patients (ages at screening, years, within TRIAL_AGES) the
    trial's ages (``trial_age_normal``) over TRIAL_AGE_BIN-year bins: each bin's share over
    its share among ``age`` (a bin with no patient gets none)."""
    from scipy.stats import norm

    edges = np.arange(TRIAL_AGES[0], TRIAL_AGES[1] + TRIAL_AGE_BIN / 2, TRIAL_AGE_BIN)
    bin_of = np.clip(np.searchsorted(edges, age, side="right") - 1, 0, edges.size - 2)
    seen = np.bincount(bin_of, minlength=edges.size - 1) / max(age.size, 1)
    wanted = np.diff(norm.cdf(edges, *trial_age_normal()))
    wanted = np.where(seen > 0, wanted, 0.0)
    wanted /= wanted.sum()
    return wanted[bin_of] / seen[bin_of]
