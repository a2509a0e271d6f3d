"""Simulated moments of the progression-clock course, measured as each target measures them.

STAND-IN: until the single patient sampler (issue 25) exists, ``stand_in_draws`` draws its own
cohort here: onset site from the ALS phenotype's site shares, disease death times by inverting
``alsprog.phenotype(...).disease`` models (no prognostic factors, no other-cause deaths: every
death is a disease death), a log-normal diagnostic delay (median 12, mean 17 months, a commonly
quoted summary),
and the progression rate from the Gaussian copula on the death time's rank as
``simulation/patients.py`` does. The draws are fixed for a seed (common random numbers), so the
moments are a deterministic function of the course settings. The next session replaces this
cohort by the sampler's; the quantities stay.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from scipy.special import ndtri

from alsprog.simulation.progression import build_course
from alsprog.simulation.progression_settings import ProgressionSettings, harness_draws
from alsprog.simulation.uptake import item_scores, procedures, stage_times

DELAY_MEDIAN_MONTHS = 12.0
DELAY_LOG_SD = math.sqrt(2.0 * math.log(17.0 / 12.0))  # log-normal with mean 17 months
STUDY_SIZE = 117  # Elamin et al., J Neurol 2015: training sub-cohort
WEEK = 7.0 / 365.25


def stand_in_draws(n: int, seed: int) -> dict[str, dict[str, np.ndarray]]:
    """The stand-in cohorts' fixed draws: ``als`` (n patients), ``pls`` and ``pma`` (n // 5
    each). Each holds the course draws (``DRAWS``), u_death, z_rate, site, delay (years),
    u_screen and the untreated disease death time."""
    from alsprog.disease.library import phenotype

    out = {}
    for k, (name, size) in enumerate(
        (("als", n), ("pls", max(n // 5, 50)), ("pma", max(n // 5, 50)))
    ):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(26, k)))
        draws = harness_draws(size, seed * 7 + k)
        pheno = phenotype(name)
        shares = pheno.site_shares
        u_site = rng.random(size)
        u_death = rng.random(size)
        cut = np.cumsum(list(shares.values()))[:-1] / sum(shares.values())
        cell = np.searchsorted(cut, u_site, side="right")
        death = np.empty(size)
        for c, model in enumerate(pheno.disease.values()):
            mine = cell == c
            death[mine] = model.quantile(u_death[mine])
        bulbar = np.array([key.endswith("bulbar") or key in ("pbp", "ppbp") for key in shares])
        draws.update(
            u_death=u_death,
            z_rate=rng.standard_normal(size),
            site=bulbar[cell].astype(np.int8),  # SITES: 0 limb, 1 bulbar
            death=death,
            delay=DELAY_MEDIAN_MONTHS / 12.0 * np.exp(DELAY_LOG_SD * rng.standard_normal(size)),
            u_screen=rng.random(size),
        )
        out[name] = draws
    return out


def _rate(draws: dict, median: float, settings: ProgressionSettings) -> np.ndarray:
    """Points per month, log-normal; its normal score correlated with the death rank's."""
    rho = settings.copula_correlation
    z = rho * ndtri(draws["u_death"]) + math.sqrt(1.0 - rho * rho) * draws["z_rate"]
    return median * np.exp(settings.rate_log_sd * z)


def _cohort(settings: ProgressionSettings, draws: dict, median: float, floor_cap: bool = True):
    course = build_course(
        settings,
        rate=_rate(draws, median, settings),
        site=draws["site"],
        death=draws["death"],
        draws=draws,
        floor_cap=np.full(draws["death"].size, floor_cap),
    )
    return course, procedures(course, draws)


def _totals(course, done, t: np.ndarray) -> np.ndarray:
    return item_scores(course, done, t).sum(axis=-1, dtype=np.int64)


def simulated_moments(settings: ProgressionSettings, cohorts: dict) -> dict[str, float]:
    """Every quantity of ``course_targets.QUANTITIES`` on the stand-in cohorts."""
    out: dict[str, float] = {}
    draws = cohorts["als"]
    course, done = _cohort(settings, draws, settings.rate_median)
    death, delay = course.death, draws["delay"]
    diagnosed = delay < death
    t = np.stack([delay, delay + 1.0, delay + 2.0], axis=1)
    totals = _totals(course, done, t)
    dfs = (48.0 - totals[:, 0]) / (12.0 * delay)
    q25, q50, q75 = np.quantile(dfs[diagnosed], [0.25, 0.5, 0.75])
    out["dfs_at_diagnosis_median"] = q50
    out["dfs_at_diagnosis_quartile_ratio"] = q75 / max(q25, 1e-9)
    out["alsfrs_r_at_diagnosis_median"] = float(np.median(totals[diagnosed, 0]))
    both = delay + 2.0 < death
    first = (totals[both, 0] - totals[both, 1]).mean()
    out["slope_ratio_second_to_first_year"] = (totals[both, 1] - totals[both, 2]).mean() / max(
        first, 1e-9
    )
    out.update(_trial_arm(course, done, draws))
    out.update(_stages(course, done, death))
    out.update(_uptake(done, death, diagnosed))
    out["dfs_hazard_ratio"] = _study_hazard_ratio(dfs[diagnosed], (death - delay)[diagnosed])
    for name, quantity, years in (
        ("pls", "pls_slope_per_year", 3.0),
        ("pma", "pma_change_18_months", 1.5),
    ):
        other = cohorts[name]
        median = settings.rate_median_pls if name == "pls" else settings.rate_median_pma
        c, d = _cohort(settings, other, median, floor_cap=name != "pls")
        alive = other["delay"] + years < c.death
        tt = np.stack([other["delay"], other["delay"] + years], axis=1)[alive]
        sub = _subset(c, d, alive)
        loss = np.diff(-_totals(sub[0], sub[1], tt), axis=1)[:, 0].mean()
        out[quantity] = loss / years if name == "pls" else loss
    return {k: float(v) for k, v in out.items()}


def _subset(course, done, rows: np.ndarray):
    """The course and procedures of patients ``rows`` (a boolean mask)."""
    fields = (
        "rate",
        "death",
        "item_start",
        "item_span",
        "end_domain",
        "end_start",
        "end_length",
        "tracheostomy_time",
    )
    c = replace(course, **{f: getattr(course, f)[rows] for f in fields})
    d = type(done)(**{f: getattr(done, f)[rows] for f in done.__dataclass_fields__})
    return c, d


def _trial_arm(course, done, draws) -> dict[str, float]:
    """MCI186-19 placebo arm: screened at a time uniform on the first 2 years (after diagnosis),
    12-week observation, every item >= 2 and the respiratory items at 4 at screening and
    baseline, 1-4 points lost over the observation; change over the next 24 weeks."""
    screen = 2.0 * draws["u_screen"]
    baseline, end = screen + 12 * WEEK, screen + 36 * WEEK
    rows = (screen >= draws["delay"]) & (end < course.death)
    c, d = _subset(course, done, rows)
    scores = item_scores(c, d, np.stack([screen[rows], baseline[rows], end[rows]], axis=1))
    ok = (scores[:, :2].min(axis=(1, 2)) >= 2) & (scores[:, :2, 9:].min(axis=(1, 2)) == 4)
    total = scores.sum(axis=-1, dtype=np.int64)
    fell = total[:, 0] - total[:, 1]
    ok &= (fell >= 1) & (fell <= 4)
    if not ok.any():
        return {"mci186_19_change_24_weeks": 0.0, "mci186_19_alsfrs_r_at_screening": 48.0}
    return {
        "mci186_19_change_24_weeks": (total[ok, 2] - total[ok, 1]).mean(),
        "mci186_19_alsfrs_r_at_screening": total[ok, 0].mean(),
    }


def _median(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else float("nan")


def _stages(course, done, death) -> dict[str, float]:
    st = stage_times(course, done)
    t2, t3, t4 = (st[f"kings_stage_{k}_time"] for k in (2, 3, 4))
    out = {
        "kings_stage_1_duration_median": _median(12.0 * t2),
        "kings_stage_2_duration_median": _median(12.0 * (t3 - t2)),
        "kings_stage_3_duration_median": _median(12.0 * (t4 - t3)),
        "kings_stage_4_duration_median": _median(12.0 * (death - t4)),
    }
    for k, tk in ((2, t2), (3, t3), (4, t4)):
        out[f"kings_stage_{k}_standardised_median"] = _median(tk / death)
    return out


def _uptake(done, death, diagnosed) -> dict[str, float]:
    out = {}
    for name in ("niv", "gastrostomy", "tracheostomy"):
        when = getattr(done, f"{name}_time")[diagnosed]
        taken = ~np.isnan(when)
        out[f"{name}_share"] = taken.mean()
        out[f"survival_after_{name}_median"] = _median(12.0 * (death[diagnosed] - when)[taken])
    return out


def _study_hazard_ratio(dfs: np.ndarray, years: np.ndarray) -> float:
    """Geometric mean of the Cox hazard ratios of dFS in consecutive studies of STUDY_SIZE
    patients (every patient dies: no censoring), by Newton's method on the partial likelihood,
    all studies at once."""
    k = dfs.size // STUDY_SIZE
    if k == 0:
        return float("nan")
    x = dfs[: k * STUDY_SIZE].reshape(k, STUDY_SIZE)
    t = years[: k * STUDY_SIZE].reshape(k, STUDY_SIZE)
    order = np.argsort(-t, axis=1)  # latest first: cumulative sums are risk sets
    x = np.take_along_axis(x, order, axis=1)
    beta = np.zeros((k, 1))
    for _ in range(30):
        w = np.exp(np.clip(beta * x, -50, 50))
        s0, s1, s2 = (np.cumsum(w * x**p, axis=1) for p in (0, 1, 2))
        mean = s1 / s0
        gradient = (x - mean).sum(axis=1, keepdims=True)
        information = (s2 / s0 - mean**2).sum(axis=1, keepdims=True)
        step = np.clip(gradient / np.maximum(information, 1e-12), -1.0, 1.0)
        beta += step
        if np.abs(step).max() < 1e-8:
            break
    return float(np.exp(beta.mean()))
