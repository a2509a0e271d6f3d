"""Simulated moments of the progression-clock course, measured as each target measures them.

The cohort (``stand_in_draws``) is drawn with the single sampler's own functions
(``sampler``): each phenotype's population (age, sex, diagnostic delay), onset site and
prognostic hazard ratio (``phenotype_cells``), the disease death time from the Exp(1) draw
(``DiseaseHazard``), the other-cause death from the life table (``other_cause_times``) and the
progression rate from the Gaussian copula on the disease draw (``progression_rate``). Only the
random numbers differ from a cohort's (one numpy generator here, the block streams there), so
the moments are the same quantities the wired cohort gives. The draws are fixed for a seed
(common random numbers): the moments are a deterministic function of the course settings.

Like for like (``data/course_targets.toml`` says how each figure was measured): dFS at
diagnosis; the population-based decline from diagnosis (``course_decline``); the MCI186-19
placebo arm selected by that trial's rules; Chen's King's stage
durations from the clinical milestones (need for a gastrostomy or NIV); Balendra's
standardised stage times from ALSFRS-R items read at visits; survival after a procedure from
its start to death from any cause; PMA's bulbar signs at inclusion as the trial's selection
reads signs (``domains_with_signs``).
"""

from __future__ import annotations

import numpy as np

from alsprog.simulation import study_designs
from alsprog.simulation.course_build import build_course
from alsprog.simulation.course_decline import population_decline, population_visits
from alsprog.simulation.progression_settings import ProgressionSettings, harness_draws
from alsprog.simulation.sampler import (
    DiseaseHazard,
    other_cause_times,
    phenotype_cells,
    progression_rate,
)
from alsprog.simulation.subgroups import CohortSettings
from alsprog.simulation.trial_selection import (
    trial_age_weights,
    trial_candidates,
    trial_eligible,
)
from alsprog.simulation.uptake import item_scores, procedures, received, stage_times

# bump when a measurement below changes: the shipped calibration's fingerprint reads it
MOMENTS_VERSION = 7
# The studies' designs (inclusion, follow-up, visits, study size) are in
# data/course_measures.toml beside their sources, read by study_designs.designs()
WEEK = 7.0 / 365.25
# the cohort's visit noise (data/simulation.toml [items] visit_noise_sd: latent points per item)
VISIT_NOISE_SD = CohortSettings.default().visit_noise_sd
# Balendra's standardised stage times (trial and registry patients who died in follow-up):
# ALSFRS-R read every [balendra2022] visit_months from entry, entry at a time uniform between
# diagnosis and death, followed to death (assumption: the pooled trial and registry cohorts
# entered patients at every point of their course and the standardised times are over the
# deceased, each at the first visit at the stage or beyond)
PHENOTYPES = ("als", "pls", "pma")
# Visser et al., Arch Neurol 2007 scored the original ALSFRS (Cedarbaum and Stambler, 1996): the
# nine bulbar and limb items of the ALSFRS-R and a single breathing item, read here as the
# dyspnoea item (assumption: both score breathlessness 4-0); the ALSFRS-R's orthopnoea and
# respiratory insufficiency items are not in it
ALSFRS_ITEMS = 10


def stand_in_draws(n: int, seed: int, survival=None) -> dict[str, dict[str, np.ndarray]]:
    """The fixed draws of the calibration cohorts: ``als`` (n patients), ``pls`` and ``pma``
    (n // 5 each, at least 50). Each holds the course draws (``DRAWS``), e_disease and z_rate
    (the copula's inputs), site, delay (years to diagnosis), disease (the untreated disease
    death time), other (the other-cause death time), death (the earlier of the two), age (at
    onset, years), u_screen (MCI186-19's screening), z_visit (its visits' noise) and u_entry
    (Balendra's study entry). ``survival`` (optional): a model in place of the ALS phenotype's
    survival, as ``simulate_cohort(model=)`` takes it."""
    from alsprog.simulation.subgroups import resolve_subgroups

    settings = CohortSettings.default()
    out = {}
    for k, name in enumerate(PHENOTYPES):
        size = n if name == "als" else max(n // 5, 50)
        # the start values, not the shipped fit: the fit is built from these draws (a stale
        # shipped file would otherwise recompute itself from inside its own calibration)
        model = survival if name == "als" else None
        (subgroup,) = resolve_subgroups(
            name, model, "us_ssa_2007", settings, course=ProgressionSettings.start()
        )
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(26, k)))
        frame = subgroup.population.sample(size, rng)
        age = frame["age_at_onset"].to_numpy()
        sex = (frame["sex"].to_numpy() != "male").astype(np.int8)
        delay_months = frame["delay_months"].to_numpy()
        u_site, e_disease = rng.random(size), rng.exponential(size=size)
        e_other = rng.exponential(size=size)
        z_rate, u_screen, u_entry = rng.standard_normal(size), rng.random(size), rng.random(size)
        z_visit = rng.standard_normal((size, 3, 12))  # MCI186-19's three visits, every item
        of = np.zeros(size, dtype=np.intp)
        cell_of, cells, site, hazard_ratio, _ = phenotype_cells(
            (subgroup,), of, u_site, age, delay_months
        )
        disease = DiseaseHazard(cell_of, cells, hazard_ratio, 1.0).inverse(
            e_disease, np.arange(size)
        )
        other = other_cause_times((subgroup,), of, age, sex, e_other)
        draws = harness_draws(size, seed * 7 + k)
        draws.update(
            e_disease=e_disease,
            z_rate=z_rate,
            site=site,
            bulbar_end=np.zeros(size, dtype=bool),
            limb_form=np.full(size, subgroup.limb_form),
            disease=disease,
            other=other,
            death=np.minimum(disease, other),
            delay=delay_months / 12.0,
            u_screen=u_screen,
            u_entry=u_entry,
            z_visit=z_visit,
            age=age,
        )
        out[name] = draws
    return out


def _cohort(
    settings: ProgressionSettings,
    draws: dict,
    median: float,
    floor_cap: bool = True,
    niv_share: float | None = None,
):
    rate = progression_rate(
        draws["e_disease"], draws["z_rate"], median, settings.copula_correlation, settings
    )
    course = build_course(
        settings,
        rate=rate,
        site=draws["site"],
        death=draws["disease"],
        draws=draws,
        bulbar_end=draws["bulbar_end"],
        floor_cap=np.full(rate.size, floor_cap),
        limb_form=draws["limb_form"],
        niv_share=niv_share,
    )
    return course, _observed(procedures(course, draws), draws["death"])


def _observed(done, death: np.ndarray):
    """Procedures taken before death from any cause (a course runs to the disease death)."""
    fields = {}
    for name in done.__dataclass_fields__:
        when = getattr(done, name)
        with np.errstate(invalid="ignore"):
            fields[name] = np.where(when < death, when, np.nan)
    return type(done)(**fields)


def _totals(course, done, t: np.ndarray) -> np.ndarray:
    return item_scores(course, done, t).sum(axis=-1, dtype=np.int64)


def simulated_moments(settings: ProgressionSettings, cohorts: dict) -> dict[str, float]:
    """Every quantity of ``course_targets.QUANTITIES`` on the calibration cohorts."""
    out: dict[str, float] = {}
    draws = cohorts["als"]
    course, done = _cohort(settings, draws, settings.rate_median)
    death, delay = draws["death"], draws["delay"]
    diagnosed = delay < death
    t = np.stack([delay, delay + 1.0, delay + 2.0], axis=1)
    totals = _totals(course, done, t)
    dfs = (48.0 - totals[:, 0]) / (12.0 * delay)
    q25, q50, q75 = np.quantile(dfs[diagnosed], [0.25, 0.5, 0.75])
    out["dfs_at_diagnosis_median"] = q50
    out["dfs_at_diagnosis_quartile_ratio"] = q75 / max(q25, 1e-9)
    out["alsfrs_r_at_diagnosis_median"] = float(np.median(totals[diagnosed, 0]))
    # Mandrioli's yearly declines: each year's over the patients followed through it (alive at
    # its end)
    first_year, second_year = delay + 1.0 < death, delay + 2.0 < death
    first = (totals[first_year, 0] - totals[first_year, 1]).mean()
    second = (totals[second_year, 1] - totals[second_year, 2]).mean()
    out["slope_ratio_second_to_first_year"] = second / max(first, 1e-9)
    out.update(_population_decline(course, done, draws))
    out.update(_trial_arm(course, done, draws))
    chen = _cohort(settings, draws, settings.rate_median, niv_share=0.0)
    out.update(_stages(course, done, draws, chen))
    out.update(_uptake(done, death, diagnosed))
    out["dfs_hazard_ratio"] = _study_hazard_ratio(dfs[diagnosed], (death - delay)[diagnosed])
    design = study_designs.designs()
    onset_max = design.visser2007.onset_years_max
    for name, quantity, years in (
        ("pls", "pls_slope_per_year", design.lester2025.follow_up_years),
        ("pma", "pma_change_18_months", design.visser2007.follow_up_years),
    ):
        other = cohorts[name]
        median = settings.rate_median_pls if name == "pls" else settings.rate_median_pma
        c, d = _cohort(settings, other, median, floor_cap=name != "pls")
        alive = other["delay"] + years < other["death"]
        if name == "pma":  # Visser's inclusion: newly diagnosed, onset of weakness < 4 years
            alive &= other["delay"] < onset_max
        tt = np.stack([other["delay"], other["delay"] + years], axis=1)[alive]
        sub = _subset(c, d, alive)
        if name == "pls":
            totals = _totals(sub[0], sub[1], tt)
        else:  # Visser's ALSFRS: items 1-9 and one breathing item (dyspnoea stands for it)
            items = item_scores(sub[0], sub[1], tt)[:, :, :ALSFRS_ITEMS]
            totals = items.sum(axis=-1, dtype=np.int64)
        loss = np.diff(-totals, axis=1)[:, 0].mean()
        out[quantity] = loss / years if name == "pls" else loss
        if name == "pma":  # Visser's inclusion: alive at diagnosis within 4 years of onset
            seen = (other["delay"] < other["death"]) & (other["delay"] < onset_max)
            out["pma_bulbar_signs_share"] = domains_with_signs(c, other["delay"])[seen, 0].mean()
    return {k: float(v) for k, v in out.items()}


def _subset(course, done, rows: np.ndarray):
    """The course and procedures of patients ``rows`` (a boolean mask)."""
    return course.take(rows), done.take(rows)


def _population_decline(course, done, draws) -> dict[str, float]:
    """van Eijk et al.'s population-based decline (``course_decline``): every patient alive at
    diagnosis (the first assessment) scored from it up to death or 24 months (noise-free
    observed totals: the joint model's patient rates are free of visit noise)."""
    rows = draws["delay"] < draws["death"]
    t, months = population_visits(draws["delay"][rows])
    sub_course, sub_done = _subset(course, done, rows)
    scores = _totals(sub_course, sub_done, t)
    return population_decline(scores, months, t < draws["death"][rows, None])


def _trial_arm(course, done, draws) -> dict[str, float]:
    """MCI186-19 placebo arm, selected by the trial's rules (``trial_selection``: aged 20-75
    and screened, the start of its 12-week observation period, after diagnosis; at screening
    every item >= 2, the respiratory items at 4 and definite or probable ALS by the revised El
    Escorial criteria; ALSFRS-R fell 1-4 points over the observation period), the regions with
    signs read from the course (``regions_with_signs``: a domain's signs come
    ``sign_lead_points`` clock points before its first item starts to fall); randomised
    (baseline) at a disease duration uniform over 0-2 years (``study_designs``); change from
    baseline (randomisation) to 24 weeks in those alive then; each visit scored with the
    cohort's visit noise, as alsprog.outcomes.course_measures.selected_trial_population scores
    it; every mean weighted to the trial's ages (``trial_age_weights``)."""
    delay, trial = draws["delay"], study_designs.designs().mci186_19
    baseline = trial.disease_duration_max_years * draws["u_screen"]
    screen = baseline - trial.observation_weeks * WEEK
    end = baseline + trial.endpoint_weeks * WEEK
    age = draws["age"] + screen
    rows = trial_candidates(age, delay, screen, end, draws["death"])
    c, d = _subset(course, done, rows)
    # scored as a trial's visits are: latent score plus the visit noise, rounded, as received
    t = np.stack([screen[rows], baseline[rows], end[rows]], axis=1)
    latent = c.latent_scores(t) + VISIT_NOISE_SD * draws["z_visit"][rows]
    scores = received(np.clip(np.floor(latent + 0.5), 0, 4).astype(np.int8), d, t)
    total = scores.sum(axis=-1, dtype=np.int64)
    regions = regions_with_signs(c, t[:, 0])
    ok = trial_eligible(scores[:, 0], total, regions)
    if not ok.any():
        return {
            "mci186_19_change_24_weeks": 0.0,
            "mci186_19_alsfrs_r_at_screening": 48.0,
            "mci186_19_alsfrs_r_at_baseline": 48.0,
            "mci186_19_definite_share": 0.0,
        }
    w = trial_age_weights(age[rows][ok])
    return {
        "mci186_19_change_24_weeks": np.average(total[ok, 2] - total[ok, 1], weights=w),
        "mci186_19_alsfrs_r_at_screening": np.average(total[ok, 0], weights=w),
        "mci186_19_alsfrs_r_at_baseline": np.average(total[ok, 1], weights=w),
        "mci186_19_definite_share": np.average(regions[ok] >= 3, weights=w),
    }


def domains_with_signs(course, t: np.ndarray) -> np.ndarray:
    """(n, 3) whether the bulbar, fine motor and gross motor domains (El Escorial's bulbar,
    cervical and lumbosacral regions) show signs at times ``t`` (n,): the clock has come
    within ``sign_lead_points`` of the domain's first item start."""
    clock = course.clock(t) + course.settings.sign_lead_points
    first = course.item_start.reshape(-1, 4, 3)[:, :3].min(axis=2)  # ITEMS: 3 per domain
    return clock[:, None] >= first


def regions_with_signs(course, t: np.ndarray) -> np.ndarray:
    """How many of the three domains show signs at times ``t`` (``domains_with_signs``)."""
    return domains_with_signs(course, t).sum(axis=1)


def _median(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else float("nan")


def _stages(course, done, draws, chen) -> dict[str, float]:
    """Chen's durations from the clinical milestones (regions from the items; stage 4 at the
    need for a gastrostomy or NIV, or dyspnoea 0) in the same patients without NIV (``chen``:
    few in that cohort took it), in patients who died of ALS, each stage's
    median over the patients who passed through it (stage 4 may follow stage 2); Balendra's
    standardised times as pooled trial and registry data give them: patients enter at a time
    uniform between diagnosis and death and are followed to death, the observed items read every
    visit_months (``study_designs``, [balendra2022]), each at the first visit at the stage or
    beyond (at entry if already there) over the disease duration."""
    death, disease = draws["death"], draws["disease"]
    died_of_als = disease <= draws["other"]
    st = stage_times(*chen, by_need=True)
    t2, t3, t4 = (st[f"kings_stage_{k}_time"] for k in (2, 3, 4))

    def keep(months: np.ndarray) -> np.ndarray:  # patients who died of ALS and were in it
        with np.errstate(invalid="ignore"):
            return np.where(died_of_als & (months > 0), months, np.nan)

    out = {
        "kings_stage_1_duration_median": _median(keep(12.0 * t2)),
        "kings_stage_2_duration_median": _median(keep(12.0 * (t3 - t2))),
        "kings_stage_3_duration_median": _median(keep(12.0 * (t4 - t3))),
        "kings_stage_4_duration_median": _median(keep(12.0 * (chen[0].death - t4))),
    }
    observed = stage_times(course, done)
    delay, step = draws["delay"], study_designs.designs().balendra2022.visit_months / 12.0
    entry = delay + np.maximum(death - delay, 0.0) * draws["u_entry"]
    died = delay < death
    for k in (2, 3, 4):
        tk = observed[f"kings_stage_{k}_time"]
        with np.errstate(invalid="ignore"):
            visit = entry + step * np.ceil(np.maximum(tk - entry, 0.0) / step)
            seen = died & (visit < death)
        out[f"kings_stage_{k}_standardised_median"] = _median(np.where(seen, visit / death, np.nan))
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
    """Geometric mean of the Cox hazard ratios of dFS in consecutive studies of Elamin's size
    (``study_designs``, [elamin2015]: 117 patients; every patient dies: no censoring), by
    Newton's method on the partial likelihood, all studies at once."""
    size = study_designs.designs().elamin2015.study_size
    k = dfs.size // size
    if k == 0:
        return float("nan")
    x = dfs[: k * size].reshape(k, size)
    t = years[: k * size].reshape(k, size)
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
