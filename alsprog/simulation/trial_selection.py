"""MCI186-19's selection (the edaravone pivotal trial, Writing Group, Lancet Neurol 2017), its
rules written once, and the weights that give the selected patients the trial's ages.

Two stages read them: the course calibration's placebo arm (``course_moments``) and the
report's check of the edaravone preset (``alsprog.outcomes.course_measures``). Each finds its
patients and scores their visits its own way (the calibration from its stand-in draws, the
report from cohort blocks) and hands the results here:

- ``trial_candidates``: what the patient's history decides before any visit is scored (aged
  20-75 at screening, screened after onset and diagnosis, alive at the end of follow-up);
- ``trial_eligible``: what the screening and baseline visits decide (every item >= 2 and the
  three respiratory items at 4 at screening, ALSFRS-R fallen 1-4 points over the observation
  period, definite or probable ALS by the revised El Escorial criteria).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from alsprog.simulation import study_designs

# MCI186-19's figures (ages, the placebo arm's age, the disease duration, the observation fall,
# the lowest item score) are in data/course_measures.toml [mci186_19], read by
# study_designs.designs(). The selected patients (about 55 on average) are weighted to the
# placebo arm's ages over age_bin_years bins, read as a normal truncated to ages_years with its
# mean and SD (assumption: the shape was not published).
RESPIRATORY_ITEMS = slice(9, 12)  # dyspnoea, orthopnoea, respiratory insufficiency (ITEMS)
FULL_ITEM = 4  # the respiratory items at 4 stand in for FVC >= 80% (no FVC is simulated)
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

    A candidate is aged within the trial's ages (``study_designs``: 20-75) at screening,
    screened after onset and after diagnosis, and alive at the end (the trial's analysis reads
    the 24-week visit).
    """
    low, high = study_designs.designs().mci186_19.ages_years
    with np.errstate(invalid="ignore"):
        keep = (screening >= 0) & (diagnosis <= screening) & (end < death)
        return keep & (age >= low) & (age <= high)


def trial_eligible(items: np.ndarray, totals: np.ndarray, regions: np.ndarray) -> np.ndarray:
    """Whether each candidate passes the rules read at the visits (boolean, shape (n,)).

    Parameters
    ----------
    items : (n, 12) measured item scores (0-4, ITEMS order) at screening.
    totals : (n, k >= 2) measured ALSFRS-R totals (points) at screening and at randomisation
        (the end of the observation period), in that order; later columns are not read.
    regions : (n,) El Escorial regions with signs at screening
        (``course_moments.regions_with_signs``).

    Eligible: every item at least the trial's lowest score (``study_designs``: 2) and the three
    respiratory items at 4 (FVC >= 80%), ALSFRS-R fallen by the trial's observation fall (1-4
    points) over the observation period, and at least MIN_REGIONS regions with signs (probable
    or definite ALS).
    """
    trial = study_designs.designs().mci186_19
    ok = (items.min(axis=1) >= trial.min_item_score) & (
        items[:, RESPIRATORY_ITEMS].min(axis=1) == FULL_ITEM
    )
    fall = totals[:, 0] - totals[:, 1]
    low, high = trial.observation_fall_points
    ok &= (fall >= low) & (fall <= high)
    return ok & (regions >= MIN_REGIONS)


def trial_age_normal() -> tuple[float, float]:
    """Mean and SD (years) of the normal that, truncated to the trial's ages, has the placebo
    arm's age mean and SD (``study_designs``: 20-75, 60.1 and 10)."""
    trial = study_designs.designs().mci186_19
    return _age_normal(trial.ages_years, trial.age_mean_years, trial.age_sd_years)


@cache
def _age_normal(ages: tuple[float, float], mean: float, sd: float) -> tuple[float, float]:
    from scipy.optimize import fsolve
    from scipy.stats import truncnorm

    def gap(p: np.ndarray) -> list[float]:
        mu, scale = float(p[0]), abs(float(p[1]))
        low, high = ((x - mu) / scale for x in ages)
        found = truncnorm(low, high, mu, scale)
        return [found.mean() - mean, found.std() - sd]

    mu, scale = fsolve(gap, [mean, sd])
    return float(mu), abs(float(scale))


def trial_age_weights(age: np.ndarray) -> np.ndarray:
    """Weights that give selected patients (ages at screening, years, within the trial's ages)
    the trial's ages (``trial_age_normal``) over the design's age bins (``study_designs``: 5
    years): each bin's share over its share among ``age`` (a bin with no patient gets none)."""
    from scipy.stats import norm

    trial = study_designs.designs().mci186_19
    (low, high), width = trial.ages_years, trial.age_bin_years
    edges = np.arange(low, high + width / 2, width)
    bin_of = np.clip(np.searchsorted(edges, age, side="right") - 1, 0, edges.size - 2)
    seen = np.bincount(bin_of, minlength=edges.size - 1) / max(age.size, 1)
    wanted = np.diff(norm.cdf(edges, *trial_age_normal()))
    wanted = np.where(seen > 0, wanted, 0.0)
    wanted /= wanted.sum()
    return wanted[bin_of] / seen[bin_of]
