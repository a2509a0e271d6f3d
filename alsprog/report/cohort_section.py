"""The report's "A simulated cohort" section: who the patients are, how long they live, how their
function declines, the stages and milestones they pass, and the left-truncation lesson.

Everything shown is computed from ``context.cohort`` (the default mix of the motor neuron
diseases, followed from onset) and ``context.clinic`` (an ALS clinic cohort entering at
diagnosis), both from ``alsprog.simulate_cohort`` with the report's seed and cohort size.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alsprog.report.page import Context, Figure, Section, Table, percent

KM_TIMES = (0, 3, 6, 9, 12)  # years from onset at which the risk table counts
MILESTONES = (  # the rules: data/simulation.toml (stages), data/course.toml (need, uptake)
    ("gastrostomy_need_time", "needs tube feeding"),
    ("gastrostomy_time", "gastrostomy"),
    ("niv_need_time", "needs non-invasive ventilation"),
    ("niv_time", "non-invasive ventilation"),
    ("tracheostomy_time", "tracheostomy"),
    ("kings_stage_4_time", "King's stage 4"),
    ("mitos_stage_1_time", "MiToS stage 1"),
)
CLINIC_START_YEARS = 0.5  # the clinic curves start here: before it, a handful are at risk
CLINIC_END_YEARS = 8.0  # and are drawn to here, where the ALS curve is near its floor


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
        band=True,
        title="Survival by phenotype: simulated (solid) and calibrated model (dashed)",
    )
    men = float((patients["sex"] == "male").mean())
    ages = patients["age_at_onset"]
    naive, corrected, model = _clinic_curves(clinic.patients, alsprog.phenotype("als").model)
    drawn = int(clinic.summary().loc[0, "n_drawn"])
    start = CLINIC_START_YEARS
    truncation = plots.kaplan_meier_plot(
        {"naive, from onset": naive, "with delayed entry": corrected},
        times=list(range(0, int(CLINIC_END_YEARS - start) + 1)),
        models={"calibrated ALS model": model},
        time_label=f"Years after the first {12 * start:g} months from onset",
        title="A clinic cohort entering at diagnosis",
    )
    medians = pd.DataFrame(
        {
            "curve": ["naive, from onset", "with delayed entry", "calibrated ALS model"],
            "median_years_from_onset": [start + c.median() for c in (naive, corrected, model)],
            "survival_3y_given_alive_at_start": [
                float(c.survival(3.0 - start)) for c in (naive, corrected, model)
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
        "censored. Each curve follows its model to within about two percentage points, with "
        "its 95% band shaded.</p>\n"
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
        "clinic. The curves below start "
        f"{12 * CLINIC_START_YEARS:g} months after onset (before that, only a handful of "
        "patients have been diagnosed, and each death among them moves the corrected curve a "
        "long way). Counting the clinic patients as if they had been watched from onset gives "
        f"a median of {medians.iloc[0, 1]:.2f} years from onset, against the model's "
        f"{medians.iloc[2, 1]:.2f}; counting each patient at risk only from diagnosis "
        f"(delayed entry) gives {medians.iloc[1, 1]:.2f}. What gap remains comes from the "
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
                "Kaplan-Meier survival from onset by phenotype (simulated, alsprog; solid, "
                "with its 95% band, shaded) against each phenotype's calibrated model "
                "(dashed), with the risk table. What to conclude: the simulated curves follow "
                "their models to within about two percentage points, so the simulation "
                "reproduces the calibration; the bands widen where few patients remain (the "
                "rarer phenotypes, late times). Late in the slower phenotypes (PMA, the flail "
                "variants) a dashed line can sit just outside its band: a small real gap "
                "between simulation and model, not sampling error.",
            ),
            "cohort_alsfrs": Figure(
                trajectories,
                "ALSFRS-R total (0-48) of 30 patients (thin lines) and the mean of those still "
                "alive, by phenotype (thick lines). An artefact to read past: late in follow-up "
                "the mean can level off or rise, because the patients who decline fastest "
                "have died and only the slower ones are left to average (survivor bias); a "
                "patient's own score rises only by a point of visit noise (an assumption). Each "
                "patient's course runs on their own progression clock, calibrated to published "
                "figures (next section); only its end stage is tied to the death time.",
                alt="ALSFRS-R total against years from onset: thin lines for 30 simulated "
                "patients falling from 48 towards 0, thick lines for the mean of survivors "
                "by phenotype.",
            ),
            "cohort_kings": Figure(
                stages,
                "Mean months in each King's stage, by phenotype (simulated, alsprog).",
                alt="Bar chart: mean months spent in King's stages 1 to 4 for each phenotype.",
            ),
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
                "Share of patients reaching each milestone before death or the end of "
                "follow-up (simulated, alsprog; need is read from the ALSFRS-R items, the "
                "procedures taken follow uptake shares: <code>alsprog/data/course.toml</code>; "
                "stage rules: <code>alsprog/data/simulation.toml</code>). The CSV adds the "
                "median years from onset among those who reach it.",
                display=milestones.pivot(index="phenotype", columns="milestone", values="share")
                .reindex(columns=[label for _, label in MILESTONES])
                .reset_index(),
                formats={label: percent for _, label in MILESTONES},
            ),
            "cohort_risk_table": Table(
                plots.risk_tables(curves, list(KM_TIMES)),
                "The risk table under the survival figure.",
                show=False,
            ),
            "cohort_truncation": Table(
                medians,
                "Median survival (years from onset) and survival at 3 years from onset, both "
                f"given alive {12 * CLINIC_START_YEARS:g} months after onset: the clinic "
                "cohort's naive and corrected curves, and the model.",
                formats={"survival_3y_given_alive_at_start": percent},
            ),
        },
    )


def _clinic_curves(patients: pd.DataFrame, model):
    """Naive and delayed-entry Kaplan-Meier curves of a clinic cohort, and the model, all on
    the scale of years after ``CLINIC_START_YEARS`` and given alive then; follow-up ends at
    ``CLINIC_END_YEARS`` from onset."""
    import alsprog

    start, end = CLINIC_START_YEARS, CLINIC_END_YEARS
    alive = patients[(patients["time"] > start) & (patients["entry_time"] < end)]
    time = np.minimum(alive["time"], end) - start
    event = alive["event"].where(alive["time"] <= end, 0)
    naive = alsprog.kaplan_meier(time, event)
    corrected = alsprog.kaplan_meier(
        time, event, entry=np.maximum(alive["entry_time"], start) - start
    )
    return naive, corrected, model.conditional(start)
