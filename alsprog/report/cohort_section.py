"""The report's "A simulated cohort" section: who the patients are, how long they live, how their
function declines, the stages and milestones they pass, and the left-truncation lesson.

Everything shown is computed from ``context.cohort`` (the default mix of the motor neuron
diseases, followed from onset) and ``context.clinic`` (an ALS clinic cohort entering at
diagnosis), both from ``alsprog.simulate_cohort`` with the report's seed and cohort size.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alsprog.report.page import Context, Figure, Section, Table, number, percent

KM_TIMES = (0, 3, 6, 9, 12)  # years from onset at which the risk table counts
MILESTONES = (
    ("gastrostomy_time", "gastrostomy"),
    ("niv_time", "non-invasive ventilation"),
    ("tracheostomy_time", "tracheostomy"),
    ("kings_stage_4_time", "King's stage 4"),
    ("mitos_stage_1_time", "MiToS stage 1"),
)


def milestone_table(patients: pd.DataFrame) -> pd.DataFrame:
    """Share reaching each milestone before death, and the median time to it among those who do.

    Returns one row per phenotype and milestone: phenotype, milestone, share (0-1),
    median_years_from_onset (NaN when nobody reaches it).
    """
    rows = []
    for name, group in patients.groupby("phenotype", sort=False, observed=True):
        for column, label in MILESTONES:
            reached = group[column].dropna()
            rows.append(
                {
                    "phenotype": str(name),
                    "milestone": label,
                    "share": len(reached) / len(group),
                    "median_years_from_onset": float(reached.median()) if len(reached) else np.nan,
                }
            )
    return pd.DataFrame(rows)


def cohort_section(context: Context) -> Section:
    """Demographics, survival by phenotype with the risk table, ALSFRS-R, stages, milestones,
    and naive against corrected survival for a clinic cohort."""
    import alsprog
    from alsprog import plots

    cohort, clinic = context.cohort, context.clinic
    patients, visits = cohort.patients, cohort.visits
    summary = cohort.summary()
    curves = cohort.kaplan_meier(by="phenotype")
    survival = plots.kaplan_meier_plot(
        curves,
        times=list(KM_TIMES),
        models=cohort.models,
        band=False,
        title="Survival by phenotype: simulated (solid) and calibrated model (dashed)",
    )
    men = float((patients["sex"] == "male").mean())
    ages = patients["age_at_onset"]
    naive = alsprog.kaplan_meier(clinic.patients["time"], clinic.patients["event"])
    corrected = alsprog.kaplan_meier(
        clinic.patients["time"], clinic.patients["event"], entry=clinic.patients["entry_time"]
    )
    als = alsprog.phenotype("als")
    drawn = int(clinic.summary().loc[0, "n_drawn"])
    truncation = plots.kaplan_meier_plot(
        {"naive, from onset": naive, "with delayed entry": corrected},
        times=[0, 1, 2, 3, 4, 5, 6],
        models={"calibrated ALS model": als},
        title="A clinic cohort entering at diagnosis",
    )
    medians = pd.DataFrame(
        {
            "curve": ["naive, from onset", "with delayed entry", "calibrated ALS model"],
            "median_years": [naive.median(), corrected.median(), als.median()],
            "survival_3y": [
                float(naive.survival(3.0)),
                float(corrected.survival(3.0)),
                float(als.survival(3.0)),
            ],
        }
    )
    milestones = milestone_table(patients)
    stages = plots.kings_stage_time(patients, "Months spent in each King's stage")
    trajectories = plots.alsfrs_trajectories(
        visits, patients, n_patients=30, seed=context.seed, title="ALSFRS-R over time"
    )
    text = (
        f"<p>A cohort of {len(patients):,} simulated patients with the default mix of the "
        "motor neuron diseases, each with their own sex, age at onset, diagnostic delay, "
        "onset site, progression rate, ALSFRS-R course and death time, drawn from the "
        f"calibrated models (<code>alsprog.simulate_cohort(n, seed, phenotype='mnd')</code>). "
        f"{percent(men)} are men; the median age at onset is {ages.median():.0f} years "
        f"(middle half {ages.quantile(0.25):.0f} to {ages.quantile(0.75):.0f}).</p>\n"
        "<!-- figure:cohort_demographics -->\n"
        "<p>Kaplan-Meier curves of the simulated patients by phenotype (solid), each against "
        "its phenotype's calibrated model (dashed), with the numbers at risk, deaths and "
        "censorings below. Patients are followed from onset for "
        f"{cohort.settings['followup_years']:g} years; those alive then are "
        "censored. Each curve follows its model within sampling error: that is how the "
        "simulation is built and tested.</p>\n"
        "<!-- figure:cohort_survival -->\n"
        "<p>Function declines from the region where the disease starts and spreads; the "
        "ALSFRS-R total falls from 48 towards 0, faster in the faster phenotypes. Thin lines "
        "are single patients at their visits every three months, thick lines the mean of "
        "those still alive. Stages follow from the item scores (King's: regions involved, "
        "then gastrostomy or ventilation need; MiToS: domains of independence lost).</p>\n"
        "<!-- figure:cohort_alsfrs -->\n<!-- figure:cohort_kings -->\n"
        "<!-- table:cohort_milestones -->\n"
        f"<h3>The left-truncation lesson</h3>\n<p>A clinic sees patients only from diagnosis. "
        f"To find {len(clinic.patients):,} ALS patients alive at diagnosis the simulation drew "
        f"{drawn:,}: the other {drawn - len(clinic.patients):,} died first and never reach a "
        "clinic. Counting the clinic patients' time from onset as if they had been watched "
        f"from onset gives a median of {naive.median():.2f} years against the model's "
        f"{als.median():.2f}; counting each patient at risk only from diagnosis (delayed "
        f"entry) gives {corrected.median():.2f}. The small gap that remains comes from the "
        "diagnostic delay being itself prognostic (patients diagnosed quickly have faster "
        "disease), which delayed entry alone does not remove.</p>\n"
        "<!-- figure:cohort_truncation -->\n<!-- table:cohort_truncation -->\n"
    )
    return Section(
        "A simulated cohort",
        text,
        {
            "cohort_demographics": Figure(
                plots.onset_age_by_sex(patients, "Age at onset by sex"),
                "Share of simulated patients by five-year band of age at onset (alsprog; "
                "population figures in <code>alsprog/data/phenotypes.toml</code>).",
            ),
            "cohort_survival": Figure(
                survival,
                "Kaplan-Meier survival from onset by phenotype (simulated, alsprog), with the "
                "risk table.",
            ),
            "cohort_alsfrs": Figure(
                trajectories, "ALSFRS-R total (0-48) of 30 patients and the mean by phenotype."
            ),
            "cohort_kings": Figure(stages, "Mean months in each King's stage, by phenotype."),
            "cohort_truncation": Figure(
                truncation,
                "Naive (from onset) and corrected (delayed entry) Kaplan-Meier curves of a "
                "simulated ALS clinic cohort, against the calibrated model.",
            ),
        },
        {
            "cohort_summary": Table(
                summary, "Cohort summary (<code>Cohort.summary()</code>).", show=False
            ),
            "cohort_demographics": Table(
                plots.onset_age_counts(patients), "Patients by sex and age band.", show=False
            ),
            "cohort_milestones": Table(
                milestones,
                "Share of patients reaching each milestone before death, and the median years "
                "from onset among those who do (simulated, alsprog).",
                formats={"share": percent, "median_years_from_onset": number},
            ),
            "cohort_risk_table": Table(
                plots.risk_tables(curves, list(KM_TIMES)),
                "The risk table under the survival figure.",
                show=False,
            ),
            "cohort_truncation": Table(
                medians,
                "Median survival (years from onset) and survival at 3 years: the clinic "
                "cohort's naive and corrected curves, and the model.",
                formats={"survival_3y": percent},
            ),
        },
    )
