"""A patient's expected ALSFRS-R course from today, read off the simulated course.

``alsfrs_r_course`` simulates a cohort of the patient's phenotype through the public
``simulate_cohort`` (so it follows whatever course the simulation runs), keeps the patients
alive today and weights them towards the patient's profile, then reads their ALSFRS-R totals
at the months asked for: the weighted median and a band (by default the 10th to 90th
percentile) among those still alive, and the weighted share alive.

The weights:

- age at onset and the diagnostic delay (on the log scale), each a Gaussian kernel divided by
  the simulated population's own density there (a normal fitted to the simulated values), so
  the weighted patients are centred on the patient's values rather than pulled towards the
  population's mode;
- sex and onset site, when given, by exact match;
- today's ALSFRS-R, when given: the patients whose simulated visit score today lies within the
  narrowest window (0, 1, 2 or 3 points either side, ``SCORE_WINDOWS``) that keeps
  ``TARGET_EFFECTIVE`` weighted patients; each one's course is then moved by their gap, so
  every course starts from today's score (clipped to 0-48).

Scores are those a clinic visit would measure (the simulation's visit noise included), as
today's score was measured. The visit grid runs from onset with today on it; between two
visits a patient's score is interpolated linearly. How many patients are simulated follows
from a pilot of ``PILOT_PATIENTS`` (their share that carries weight), at most ``VISIT_ROWS``
visits. When too few simulated patients carry weight (``effective_patients`` below
``MIN_EFFECTIVE``), the row's scores are NaN. The frame's ``attrs`` record the patients
simulated, the visit spacing (months) and the score window (points).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from alsprog.errors import InputError, check_range, check_whole
from alsprog.interventions.presets import treatment_effect
from alsprog.population.lifetable import DEFAULT_TABLE

SCORE_MAX = 48.0
AGE_BANDWIDTH_YEARS = 6.0  # assumption: under the population's SD of about 10 years
DELAY_BANDWIDTH_LOG = 0.35  # assumption: about +-35% of the delay, under its log-SD
SCORE_WINDOWS = (0, 1, 2, 3)  # points either side of today's score, narrowest first
VISIT_MONTHS = 3.0  # assumption: a clinic's spacing, read; the months between are interpolated
MAX_VISITS = 45  # visits from onset to the horizon at most (the spacing widens beyond)
VISIT_ROWS = 120_000  # limit: simulated visits read (about half a second)
PILOT_PATIENTS = 2_000  # patients simulated (without visits) to count visits per patient
MAX_PATIENTS = 40_000
TARGET_EFFECTIVE = 200  # assumption: enough weighted patients for a 10th-90th band
SCORE_SHARE = 0.05  # assumption: about the share of patients alive today within a point of a score
MIN_EFFECTIVE = 20.0  # below this many weighted patients alive, no quantiles are given
MAX_MONTHS = 120.0
COLUMNS = (
    "months_from_now",
    "alsfrs_r_median",
    "alsfrs_r_lower",
    "alsfrs_r_upper",
    "alive_share",
    "effective_patients",
)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The smallest value whose weighted cumulative share reaches ``q`` (numpy's
    ``inverted_cdf`` on values repeated by their weights); NaN when no weight."""
    keep = weights > 0
    if not keep.any():
        return math.nan
    order = np.argsort(values[keep], kind="stable")
    v, w = values[keep][order], weights[keep][order]
    share = np.cumsum(w) / w.sum()
    return float(v[min(int(np.searchsorted(share, q - 1e-12)), v.size - 1)])


def effective_size(weights: np.ndarray) -> float:
    """Kish's effective sample size, (sum w)^2 / sum w^2 (0 without weight)."""
    total = float(weights.sum())
    return total * total / float(np.square(weights).sum()) if total > 0 else 0.0


def _kernel(values: np.ndarray, centre: float, bandwidth: float) -> np.ndarray:
    """A Gaussian kernel at ``centre`` over the values' own normal density (their weighted
    distribution becomes the kernel, not the kernel times the population)."""
    mean, sd = float(values.mean()), float(values.std())
    kernel = np.exp(-0.5 * ((values - centre) / bandwidth) ** 2)
    if sd > 0:
        kernel /= np.exp(-0.5 * ((values - mean) / sd) ** 2)
    return kernel


def _check(profile: dict, months: float, step_months: float, level: float) -> None:
    check_range("alsfrs_r_course: years_since_onset", profile["years_since_onset"], 0, 120,
                "give years from onset to today")  # fmt: skip
    if profile["age_at_onset"] is not None:
        check_range("alsfrs_r_course: age_at_onset", profile["age_at_onset"], 0, 110,
                    "give the age at onset in years")  # fmt: skip
    if profile["alsfrs_r"] is not None:
        check_range("alsfrs_r_course: alsfrs_r", profile["alsfrs_r"], 0, SCORE_MAX,
                    "ALSFRS-R totals run from 0 to 48")  # fmt: skip
    delay = profile["diagnosis_delay_months"]
    if delay is not None:
        check_range("alsfrs_r_course: diagnosis_delay_months", delay, 1e-6,
                    max(12 * profile["years_since_onset"], 1e-6),
                    "diagnosis comes after onset and by today")  # fmt: skip
    check_range("alsfrs_r_course: months", months, 1e-9, MAX_MONTHS, "give months ahead")
    check_range("alsfrs_r_course: step_months", step_months, 1e-3, months, "give a step <= months")
    check_range("alsfrs_r_course: level", level, 1e-6, 1 - 1e-6, "give a level such as 0.8")
    for name, allowed in (("sex", ("male", "female")), ("onset_site", ("limb", "bulbar"))):
        if profile[name] is not None and profile[name] not in allowed:
            raise InputError(
                f"alsfrs_r_course: {name} {profile[name]!r} is unknown; use "
                f"{' or '.join(map(repr, allowed))} (or leave it out)"
            )


def alsfrs_r_course(
    phenotype: str = "als",
    *,
    years_since_onset: float,
    age_at_onset: float | None = None,
    sex: str | None = None,
    onset_site: str | None = None,
    diagnosis_delay_months: float | None = None,
    alsfrs_r: float | None = None,
    treatment: object | None = None,
    background: object = DEFAULT_TABLE,
    months: float = 24.0,
    step_months: float = 1.0,
    level: float = 0.8,
    seed: int = 0,
    n: int | None = None,
) -> pd.DataFrame:
    """Expected ALSFRS-R total from today, with a band, among simulated patients like this one.

    Parameters
    ----------
    phenotype : a phenotype name (``alsprog.phenotypes()``): als, als_limb, als_bulbar, ...
    years_since_onset : years from symptom onset to today (>= 0); only patients alive then
        count.
    age_at_onset : years; None averages over the phenotype's population.
    sex : 'male', 'female' or None (both, as the population has them).
    onset_site : 'limb', 'bulbar' or None (as the phenotype has them).
    diagnosis_delay_months : months from onset to diagnosis; None averages over the
        population.
    alsfrs_r : today's ALSFRS-R total (0-48); None conditions on being alive only.
    treatment : None, an effect or a preset's name ('riluzole', 'edaravone'), as in
        ``alsprog.prognosis``; from each simulated patient's diagnosis.
    background : life table for ordinary mortality (None: the disease alone).
    months : how far ahead (months, up to 120).
    step_months : spacing of the returned rows (months).
    level : the band's central share (0.8: the 10th to the 90th percentile).
    seed : the simulation's seed; the same seed gives the same frame.
    n : patients simulated (None: enough for about ``TARGET_EFFECTIVE`` weighted patients
        alive today, judged from a pilot, within ``VISIT_ROWS`` simulated visits).

    Returns
    -------
    DataFrame with columns months_from_now (months), alsfrs_r_median, alsfrs_r_lower,
    alsfrs_r_upper (points, 0-48, among the weighted patients alive then; NaN when fewer than
    ``MIN_EFFECTIVE`` effective patients are), alive_share (weighted share of today's patients
    alive then, 0-1) and effective_patients (Kish's effective number of weighted patients
    alive then).
    """
    profile = dict(
        years_since_onset=years_since_onset, age_at_onset=age_at_onset, sex=sex,
        onset_site=onset_site, diagnosis_delay_months=diagnosis_delay_months, alsfrs_r=alsfrs_r,
    )  # fmt: skip
    _check(profile, months, step_months, level)
    effect = treatment_effect(treatment)
    from alsprog.simulation.cohort import simulate_cohort

    today = float(years_since_onset)
    step = _visit_step(12.0 * today, months)
    first = round(12.0 * today / step)  # today's visit
    last = first + math.ceil(months / step - 1e-9)
    options: dict[str, Any] = dict(
        phenotype=phenotype, entry="onset", followup_years=(last * step + 1e-6) / 12.0,
        visit_interval_months=step, background=background, effect=effect,
    )  # fmt: skip
    if n is None:
        n = _patients(simulate_cohort(PILOT_PATIENTS, seed, **options).patients, profile, step)
    else:
        n = check_whole("alsfrs_r_course: n", n, 100, 10**6)
    cohort = simulate_cohort(n, seed, **options)
    p, v = cohort.patients, cohort.visits
    weight = _profile_weight(p, profile)
    # the visit totals on one grid: a row per patient, a column per visit from onset
    scores = np.full((len(p), last + 1), np.nan)
    row = pd.Index(p["patient_id"]).get_indexer(v["patient_id"])
    column = np.rint(v["months_since_entry"].to_numpy() / step).astype(np.intp)
    inside = column <= last
    scores[row[inside], column[inside]] = v["alsfrs_r"].to_numpy()[inside]
    window = math.nan
    if alsfrs_r is not None:
        today_scores = scores[:, first]
        gap = np.abs(np.nan_to_num(today_scores - alsfrs_r, nan=np.inf))
        for window in SCORE_WINDOWS:
            if effective_size(weight * (gap <= window + 1e-9)) >= TARGET_EFFECTIVE:
                break
        weight = weight * (gap <= window + 1e-9)
        # each patient's course moved by their gap, so it starts from today's score
        shift = np.where(np.isfinite(today_scores), alsfrs_r - today_scores, 0.0)
        scores = np.clip(scores + shift[:, None], 0.0, SCORE_MAX)
    frame = _read(scores, weight, p["death_time"].to_numpy(), today, first, last, step,
                  months, step_months, level)  # fmt: skip
    frame.attrs.update(patients=n, visit_months=step, score_window=window)
    return frame


def _visit_step(today_months: float, months: float) -> float:
    """Months between visits, so that one visit falls on today: about ``VISIT_MONTHS``, wider
    when more than ``MAX_VISITS`` would run from onset to the horizon."""
    wanted = max(VISIT_MONTHS, (today_months + months) / MAX_VISITS)
    if today_months <= 0:
        return wanted
    return today_months / max(1, round(today_months / wanted))


def _patients(pilot: pd.DataFrame, profile: dict, step: float) -> int:
    """Patients to simulate: enough for ``TARGET_EFFECTIVE`` weighted patients by the pilot's
    share of them (``SCORE_SHARE`` of those near today's score, when it is given), at most as
    many as ``VISIT_ROWS`` visits allow."""
    visits = np.ceil(pilot["time"].to_numpy() * 12.0 / step + 1e-9).mean()
    share = effective_size(_profile_weight(pilot, profile)) / len(pilot)
    if profile["alsfrs_r"] is not None:
        share *= SCORE_SHARE
    most = min(MAX_PATIENTS, VISIT_ROWS / visits)
    if share * most < MIN_EFFECTIVE:  # too few like this alive today even then: do not try
        return PILOT_PATIENTS
    n = min(most, max(PILOT_PATIENTS, 2.0 * TARGET_EFFECTIVE / share))
    return int(math.ceil(n / 100.0) * 100)


def _profile_weight(p: pd.DataFrame, profile: dict) -> np.ndarray:
    """Each simulated patient's weight: alive today, and like the profile."""
    weight = (p["death_time"].to_numpy() > profile["years_since_onset"]).astype(float)
    if profile["age_at_onset"] is not None:
        ages = p["age_at_onset"].to_numpy()
        weight *= _kernel(ages, profile["age_at_onset"], AGE_BANDWIDTH_YEARS)
    if profile["diagnosis_delay_months"] is not None:
        logs = np.log(p["diagnosis_delay_months"].to_numpy())
        weight *= _kernel(logs, math.log(profile["diagnosis_delay_months"]), DELAY_BANDWIDTH_LOG)
    for name in ("sex", "onset_site"):
        if profile[name] is not None:
            weight *= (p[name].astype(str) == profile[name]).to_numpy()
    return weight


def _read(scores, weight, death, today, first, last, step, months, step_months, level):
    """The frame (COLUMNS): weighted quantiles and share alive at each asked month."""
    total = weight.sum()
    tail = (1.0 - level) / 2.0
    rows = []
    for m in np.arange(0.0, months + 1e-9, step_months):
        at = first + m / step
        lo = min(math.floor(at + 1e-9), last)
        hi = min(lo + 1, last)
        share = at - lo
        later = np.where(np.isnan(scores[:, hi]), scores[:, lo], scores[:, hi])
        value = (1.0 - share) * scores[:, lo] + share * later
        alive = weight * ((death > today + m / 12.0) & ~np.isnan(value))
        effective = effective_size(alive)
        quantiles = [math.nan] * 3
        if effective >= MIN_EFFECTIVE:
            quantiles = [weighted_quantile(value, alive, q) for q in (0.5, tail, 1.0 - tail)]
        alive_share = float(alive.sum() / total) if total > 0 else math.nan
        rows.append([float(m), *quantiles, alive_share, effective])
    return pd.DataFrame(rows, columns=list(COLUMNS))


def course_for_prognosis(outlook: object, **options: object) -> pd.DataFrame:
    """``alsfrs_r_course`` for the profile of an ``alsprog.prognosis(...)`` result: its
    phenotype, time since onset, age, sex, delay, today's score, treatment and life table.
    ``options`` go to ``alsfrs_r_course`` and override those (months, step_months, level, seed,
    n; treatment, when the outlook's is an effect object rather than a preset's name)."""
    inputs = getattr(outlook, "inputs", None)
    if not isinstance(inputs, dict):
        raise InputError(
            "course_for_prognosis: expected the result of alsprog.prognosis(...) "
            f"(got {type(outlook).__name__})"
        )
    profile: dict[str, object] = {
        "years_since_onset": inputs["years_since_onset"],
        "age_at_onset": inputs["age_at_onset"],
        "sex": inputs.get("sex"),
        "diagnosis_delay_months": inputs.get("diagnosis_delay_months"),
        "alsfrs_r": inputs.get("alsfrs_r"),
        "treatment": inputs.get("treatment"),
        "background": inputs.get("background"),
    }
    profile.update(options)
    return alsfrs_r_course(inputs["phenotype"], **profile)  # type: ignore[arg-type]
