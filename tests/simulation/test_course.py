"""The ALSFRS-R course, visits, stages and milestones."""

from __future__ import annotations

import numpy as np
from scipy import stats

import alsprog
from alsprog import data
from alsprog.simulation.calibration import slope_hazard_ratio, study_hazard_ratios
from alsprog.simulation.cohort import simulate_cohort
from alsprog.simulation.settings import DOMAINS, ITEMS, CourseSettings
from alsprog.simulation.staging import kings_stage, mitos_stage

SETTINGS = CourseSettings.default()


def test_scores_are_in_range_and_domains_are_item_sums(visits_cohort):
    v = visits_cohort.visits
    assert len(v) > 10 * len(visits_cohort.patients)
    assert v[list(ITEMS)].isin(range(5)).all().all()
    for d, domain in enumerate(DOMAINS):
        items = list(ITEMS[3 * d : 3 * d + 3])
        assert (v[domain] == v[items].sum(axis=1)).all()
        assert v[domain].between(0, 12).all()
    assert (v["alsfrs_r"] == v[list(DOMAINS)].sum(axis=1)).all()
    assert v["kings_stage"].between(1, 4).all() and v["mitos_stage"].between(0, 4).all()


def test_visits_run_from_entry_every_interval_while_alive_and_followed(visits_cohort):
    v, p = visits_cohort.visits, visits_cohort.patients.set_index("patient_id")
    first = v.groupby("patient_id")["time"].min()
    assert np.allclose(first, p.loc[first.index, "entry_time"])
    assert set(np.unique(np.diff(v["months_since_entry"]))) <= {3.0} | set(
        -np.unique(v["months_since_entry"])
    )
    merged = v.join(p[["time", "event"]].rename(columns={"time": "exit"}), on="patient_id")
    assert (merged["time"] < merged["exit"] + 1e-9).all()
    last = merged.groupby("patient_id").agg(time=("time", "max"), exit=("exit", "first"))
    assert (last["exit"] - last["time"] <= 0.25 + 1e-9).all()


def test_stages_never_go_back(visits_cohort):
    v = visits_cohort.visits
    for stage in ("kings_stage", "mitos_stage"):
        steps = v.groupby("patient_id")[stage].diff().dropna()
        assert (steps >= 0).all()
    # ... though visit noise does move single items up now and then
    assert (v.groupby("patient_id")["speech"].diff().dropna() > 0).any()


def test_the_onset_region_declines_first(visits_cohort):
    v = visits_cohort.visits.merge(visits_cohort.patients[["patient_id", "onset_site"]])
    early = v[(v["time"] > 0.4) & (v["time"] < 1.0)]
    loss = 12 - early.groupby("onset_site", observed=True)[list(DOMAINS)].mean()
    assert loss.loc["bulbar"].idxmax() == "bulbar"
    limb = loss.loc["limb"]
    assert max(limb["fine_motor"], limb["gross_motor"]) > 2 * limb["bulbar"]


def test_the_respiratory_domain_declines_least_and_falls_near_the_end(visits_cohort):
    v = visits_cohort.visits
    loss = 12 - v[list(DOMAINS)].mean()
    assert loss.idxmin() == "respiratory"
    p = visits_cohort.patients.set_index("patient_id")
    share = v["time"] / p.loc[v["patient_id"], "death_time"].to_numpy()
    early, late = v[share < 0.3], v[share > 0.9]
    assert (12 - early["respiratory"]).mean() < 0.5 < (12 - late["respiratory"]).mean()


def test_a_disease_death_comes_with_respiratory_failure(als_cohort):
    p = als_cohort.patients
    disease = p[p["death_cause"] == "disease"]
    assert disease["niv_time"].notna().all()
    assert (disease["niv_time"] < disease["death_time"]).all()
    assert disease["kings_stage_4_time"].notna().all()
    share = disease["tracheostomy_time"].notna().mean()
    expected = data.simulation().milestones.tracheostomy_share
    assert abs(share - expected) < 4 * np.sqrt(expected * (1 - expected) / len(disease))


def test_milestones_are_ordered_and_before_death(als_cohort):
    p = als_cohort.patients
    for columns in (
        [f"kings_stage_{k}_time" for k in (2, 3, 4)],
        [f"mitos_stage_{k}_time" for k in (1, 2, 3, 4)],
    ):
        times = p[columns].to_numpy()
        earlier, later = times[:, :-1], times[:, 1:]
        # a stage reached before death comes after every lower stage, which was reached too
        reached = ~np.isnan(later)
        assert not np.isnan(earlier[reached]).any()
        assert (earlier[reached] <= later[reached]).all()
    milestones = [c for c in p.columns if c.endswith("_time") and c not in ("death_time",)]
    milestones = [c for c in milestones if c not in ("diagnosis_time", "entry_time")]
    for column in milestones:
        known = p[column].notna()
        assert (p.loc[known, column] < p.loc[known, "death_time"]).all()
    stage_4 = p[["gastrostomy_time", "niv_time"]].min(axis=1)
    assert (p["kings_stage_4_time"].fillna(np.inf) <= stage_4.fillna(np.inf) + 1e-12).all()


def test_kings_stage_follows_the_balendra_mapping():
    rows = np.full((7, 12), 4)
    i = {name: k for k, name in enumerate(ITEMS)}
    rows[1, i["speech"]] = 3  # bulbar only
    rows[2, [i["speech"], i["handwriting"]]] = 3  # bulbar and upper limb
    rows[3, [i["speech"], i["cutting_food"], i["walking"]]] = 3  # three regions
    rows[4, i["respiratory_insufficiency"]] = 3  # NIV: 4B
    rows[5, i["swallowing"]] = 1  # tube feeding: 4A
    rows[6, i["climbing_stairs"]] = 2  # item 9 is not in the mapping
    assert kings_stage(rows, SETTINGS).tolist() == [1, 1, 2, 3, 4, 4, 1]


def test_mitos_stage_follows_chio_2015():
    rows = np.full((6, 12), 4)
    i = {name: k for k, name in enumerate(ITEMS)}
    rows[1, i["swallowing"]] = 1
    rows[2, [i["speech"]]] = 1  # communication needs speech AND handwriting
    rows[3, [i["speech"], i["handwriting"], i["dressing"]]] = 1
    rows[4, [i["respiratory_insufficiency"]]] = 2
    rows[5] = 0
    assert mitos_stage(rows).tolist() == [0, 1, 0, 2, 1, 4]


def test_progression_rate_and_death_time_are_linked_by_the_copula():
    rho = -0.5
    cohort = simulate_cohort(20_000, 31, copula_correlation=rho, background=None)
    p = cohort.patients
    als = alsprog.phenotype("als", background=None)
    hr = als.effects.hazard_ratio(p["age_at_onset"], p["diagnosis_delay_months"])
    site = p["onset_site"].map({"limb": "als_limb", "bulbar": "als_bulbar"}).to_numpy()
    h = np.empty(len(p))
    for key, disease in als.disease.items():
        mine = site == key
        h[mine] = disease.cumulative_hazard(p["death_time"].to_numpy()[mine])
    rank = 1 - np.exp(-hr * h)  # the death time's rank in the patient's own distribution
    rho_s = stats.spearmanr(p["progression_rate"], rank).statistic
    assert abs(rho_s - 6 / np.pi * np.arcsin(rho / 2)) < 0.02
    assert stats.spearmanr(p["progression_rate"], p["death_time"]).statistic < -0.3
    positive = simulate_cohort(5_000, 31, copula_correlation=0.5, background=None).patients
    assert stats.spearmanr(positive["progression_rate"], positive["death_time"]).statistic > 0.3


def test_progression_rate_has_its_sourced_distribution(als_cohort):
    rate = als_cohort.patients["progression_rate"]
    low, high = np.quantile(rate, [0.25, 0.75])
    assert abs(low - 0.47) < 0.01 and abs(high - 1.11) < 0.02  # Labra et al. 2016 cut-offs


def test_cox_on_dfs_at_diagnosis_gives_the_published_hazard_ratio():
    # Elamin et al., J Neurol 2015: HR 2.8 per point per month in 117 patients. Simulated
    # studies of that size (another seed than the calibration's) give it on average.
    logs = study_hazard_ratios(None, 60, seed=2027)
    se = logs.std(ddof=1) / np.sqrt(logs.size)
    assert abs(logs.mean() - np.log(2.8)) < 3 * se
    # in one large clinic cohort, the same fit through slope_hazard_ratio
    cohort = simulate_cohort(3_000, 2028, entry="diagnosis")
    ratio, lower, upper = slope_hazard_ratio(cohort)
    assert lower < ratio < upper and ratio > 1.5
    assert cohort.patients["alsfrs_r_at_diagnosis"].between(0, 48).all()
