"""The report's "The course against published figures" section: every target of the disease
course (``data/course_targets.toml``) beside what the shipped calibration simulates for it.

The numbers are read from the shipped calibration (``data/course_calibration.json``, the fit of
``alsprog.calibrate_course()`` at its defaults, recomputed if stale) when the report is built,
never written here; so are the words about which targets are met. The targets file's own notes
(how each figure is measured, what reading it assumes) are shown beside them. Its comparisons,
other registers' figures that are never fitted, get a small table of their own.
"""

from __future__ import annotations

import html
import math
import re

import pandas as pd

from alsprog.report.bibliography import cited_keys, references
from alsprog.report.page import Context, Figure, Section, Table, number, percent

# the targets table's CSV columns
TARGET_COLUMNS = ["target", "quantity", "published", "se", "simulated", "z", "calibrate", "source"]
BAND = 2.0  # a target is met when |z| <= BAND (within two standard errors)
TRAJECTORY_PATIENTS = 20
LOW_SCORE = 3  # ALSFRS-R points: "near 0" in the trajectories' caption
# each quantity of the targets file in words (alsprog.simulation.course_targets.QUANTITIES)
WORDS = {
    "dfs_at_diagnosis_median": "Progression rate at diagnosis (dFS, points a month), median",
    "dfs_at_diagnosis_quartile_ratio": "Progression rate at diagnosis, upper over lower quartile",
    "slope_ratio_second_to_first_year": "ALSFRS-R slope, second year over first",
    "alsfrs_r_decline_24_months_mean": "ALSFRS-R decline over 24 months from diagnosis "
    "(points a month), mean",
    "alsfrs_r_decline_24_months_p025": "ALSFRS-R decline over 24 months from diagnosis "
    "(points a month), patients' 2.5th percentile",
    "alsfrs_r_decline_24_months_p975": "ALSFRS-R decline over 24 months from diagnosis "
    "(points a month), patients' 97.5th percentile",
    "alsfrs_r_at_diagnosis_median": "ALSFRS-R at diagnosis, median",
    "mci186_19_change_24_weeks": "MCI186-19 placebo arm, ALSFRS-R change over 24 weeks",
    "mci186_19_alsfrs_r_at_screening": "MCI186-19 placebo arm, ALSFRS-R at screening",
    "mci186_19_alsfrs_r_at_baseline": "MCI186-19 placebo arm, ALSFRS-R at randomisation",
    "mci186_19_definite_share": "MCI186-19 placebo arm, share with definite ALS (El Escorial)",
    "kings_stage_1_duration_median": "King's stage 1, median months",
    "kings_stage_2_duration_median": "King's stage 2, median months",
    "kings_stage_3_duration_median": "King's stage 3, median months",
    "kings_stage_4_duration_median": "King's stage 4 to death, median months",
    "kings_stage_2_standardised_median": "King's stage 2 reached, share of disease duration",
    "kings_stage_3_standardised_median": "King's stage 3 reached, share of disease duration",
    "kings_stage_4_standardised_median": "King's stage 4 reached, share of disease duration",
    "niv_share": "Share who receive non-invasive ventilation",
    "gastrostomy_share": "Share who receive a gastrostomy",
    "tracheostomy_share": "Share who receive a tracheostomy",
    "survival_after_niv_median": "Survival after starting ventilation, median months",
    "survival_after_gastrostomy_median": "Survival after gastrostomy, median months",
    "survival_after_tracheostomy_median": "Survival after tracheostomy, median months",
    "dfs_hazard_ratio": "Hazard ratio of death per point a month of dFS at diagnosis",
    "pls_slope_per_year": "PLS, ALSFRS-R points lost a year",
    "pma_change_18_months": "PMA, ALSFRS-R points lost over 18 months",
    "pma_bulbar_signs_share": "PMA, share with bulbar signs at diagnosis",
}
# what leans on each quantity, for the words on a target the course misses
LEANS_ON = {
    "mci186_19_change_24_weeks": "the decline of a simulated trial's control arm, and so the "
    "power and sample size of every ALSFRS-R endpoint",
    "mci186_19_alsfrs_r_at_screening": "the scores at which simulated trials enrol",
    "kings_stage_2_standardised_median": "the stage a simulated trial's patients enter at",
    "kings_stage_3_standardised_median": "the stage a simulated trial's patients enter at",
    "kings_stage_4_standardised_median": "the stage a simulated trial's patients enter at",
    "kings_stage_1_duration_median": "the years in each stage, and so the costs and QALYs of "
    "the health economics",
    "kings_stage_2_duration_median": "the years in each stage, and so the costs and QALYs of "
    "the health economics",
    "kings_stage_3_duration_median": "the years in each stage, and so the costs and QALYs of "
    "the health economics",
    "kings_stage_4_duration_median": "the time in the last stage, the costliest, in the health "
    "economics",
    "niv_share": "the use and costs of ventilation",
    "gastrostomy_share": "the use and costs of tube feeding",
    "tracheostomy_share": "the use of tracheostomy and the survival that follows it",
    "dfs_at_diagnosis_median": "the progression rate of every simulated patient",
    "dfs_at_diagnosis_quartile_ratio": "how far patients differ in progression rate",
    "slope_ratio_second_to_first_year": "slopes measured over a trial's follow-up",
    "alsfrs_r_decline_24_months_mean": "the decline of every simulated patient after diagnosis, "
    "and so the scores a register or a trial sees",
    "alsfrs_r_decline_24_months_p975": "how fast the fastest patients decline",
    "dfs_hazard_ratio": "how strongly fast decline and early death go together",
}
# how the targets file names a source (a regular expression) -> its entry in the bibliography;
# a source text that carries its own citation (a citation of its own) is taken as it is
SOURCES = (
    (r"Labra\b.*2016", "[@labra2016]"),
    (r"Gordon\b.*2010", "[@gordon2010]"),
    (r"PRO-ACT trajectories", "[@proact2018]"),
    (r"Writing Group|MCI186-19", "[@writinggroup2017]"),
    (r"Chen et al\..*2018", "[@chen2018]"),
    (r"Balendra\b.*2022", "[@balendra2022]"),
    (r"Modena|mus\.24187", "[@modena2014]"),
    (r"Chio et al\..*2012", "[@chio2012]"),
    (r"Spittel\b.*2021", "[@spittel2021]"),
    (r"Elamin\b.*2015", "[@elamin2015]"),
    (r"Lester\b.*2025", "[@lester2025]"),
    (r"Visser\b.*2007", "[@visser2007]"),
)


def citations(source: str) -> str:
    """The citations of a targets file's source text as one citation of its keys, or ''."""
    keys = cited_keys(source) or [
        key for pattern, cite in SOURCES if re.search(pattern, source) for key in cited_keys(cite)
    ]
    if not keys:  # a source SOURCES does not know: its first author and year, if listed
        keys = [
            key
            for key, entry in references().items()
            if entry.authors
            and re.search(rf"\b{re.escape(entry.short.split()[0])}\b", source)
            and str(entry.year) in source
        ]
    return "[" + "; ".join(f"@{key}" for key in dict.fromkeys(keys)) + "]" if keys else ""


def _shown_text(shown: pd.DataFrame) -> str:
    """A sentence on the targets shown beside the fit and not fitted ('' if none)."""
    if shown.empty:
        return ""
    count = "One target is" if len(shown) == 1 else f"{len(shown)} targets are"
    return (
        f"<p>{count} shown beside the fit and not fitted: a figure the fit already holds in "
        "another form (the table of readings says why for each).</p>\n"
    )


def _target_words(row: pd.Series) -> str:
    words = WORDS.get(row["quantity"], str(row["quantity"]).replace("_", " "))
    if row["calibrate"]:
        return words
    last = str(row["target"]).rsplit("_", 1)[-1]  # a comparison's register: niv_share_berlin
    if last not in row["quantity"]:
        return f"{words} ({last.title()})"
    return words if row["kind"] == "comparison" else f"{words} (not fitted)"


def in_sentence(label: str) -> str:
    """A label inside a sentence: its first letter lower case unless it starts a name."""
    if label.startswith(("King", "MCI", "PLS", "PMA", "ALSFRS")):
        return label
    return label[:1].lower() + label[1:]


def _named(text: object, labels: dict[str, str]) -> str:
    """A note of the targets file with every target name in it replaced by its words."""
    if not isinstance(text, str):
        return ""
    for name, label in labels.items():
        if "_" not in name:  # a plain word ('curvature') stays a word
            continue
        text = re.sub(rf"\b{re.escape(name)}\b", f"'{in_sentence(label)}'", text)
    return text


def _value(value: float, unit: str) -> str:
    if pd.isna(value):
        return "not measured"
    return percent(value) if unit == "proportion" else number(value)


def course_rows(table: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The calibration table joined with the targets' notes, one row per target or comparison.

    Columns: the calibration's (target, quantity, published, se, simulated, z, source,
    calibrate, kind: "target" or "comparison") and label (the target in words), unit,
    measured, assumption, citation (its citations, or '' for a figure without a verified
    source), met (|z| <= BAND).
    """
    notes = targets.set_index("name")[["unit", "measured", "assumption"]]
    out = table.join(notes, on="target")
    out["label"] = [_target_words(row) for _, row in out.iterrows()]
    repeated = out["label"].duplicated(keep=False)
    out.loc[repeated, "label"] += " [" + out.loc[repeated, "target"].str.replace("_", " ") + "]"
    out["citation"] = [citations(str(s)) for s in out["source"]]
    out["met"] = out["z"].abs() <= BAND
    return out


def _display(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Target": rows["label"],
            "Published (SE)": [
                f"{_value(p, u)} ({_value(s, u)})"
                for p, s, u in zip(rows["published"], rows["se"], rows["unit"], strict=True)
            ],
            "Simulated": [
                _value(v, u) for v, u in zip(rows["simulated"], rows["unit"], strict=True)
            ],
            "z": [f"{z:+.1f}" if pd.notna(z) else "" for z in rows["z"]],
            "Fitted": ["yes" if c else "no, shown beside" for c in rows["calibrate"]],
            "Source": [c or s for c, s in zip(rows["citation"], rows["source"], strict=True)],
        }
    )


def _listing(labels: list[str]) -> str:
    shown = [html.escape(in_sentence(label)) for label in labels]
    return "; ".join(shown)  # a label has commas of its own


def _miss_text(rows: pd.DataFrame) -> str:
    missed = rows[rows["calibrate"] & ~rows["met"]]
    if missed.empty:
        shown = rows[~rows["calibrate"]]
        if not shown.empty and shown["met"].all():
            return "The targets shown beside the fit are met too."
        return ""
    parts = []
    for _, row in missed.iterrows():
        side = "above" if row["z"] > 0 else "below"
        why = LEANS_ON.get(row["quantity"])
        part = (
            f"{html.escape(in_sentence(row['label']))}"
            f" (simulated {_value(row['simulated'], row['unit'])} against "
            f"{_value(row['published'], row['unit'])}, {abs(row['z']):.1f} SE {side})"
        )
        parts.append(part + (f", which sets {why}" if why else ""))
    return f"The course misses {len(missed)}: " + "; ".join(parts) + "."


def _comparisons_text(others: pd.DataFrame, rows: pd.DataFrame) -> str:
    """The words before the table of other registers' figures ('' when there are none)."""
    if others.empty:
        return ""
    fitted = rows[rows["calibrate"] & rows["quantity"].isin(others["quantity"])]
    cite = citations(" ".join(fitted["source"]))  # the fitted register's figures of the same kind
    z = others["z"].abs().dropna()
    far = f" (here {z.min():.0f} to {z.max():.0f})" if len(z) else ""
    return (
        "<h3>Other registers</h3>\n"
        f"<p>{len(others)} figures come from other registers, whose practice differs from that "
        f"of the register the course is fitted to{' ' + cite if cite else ''}: how services are "
        "organised changes who takes ventilation or a tracheostomy, and when. They are "
        "comparisons, not targets: the course is never fitted to them, and where one measures "
        "what a fitted target measures no course can meet both, so they may sit many standard "
        f"errors from the simulated values{far}. Read that distance as the registers' "
        "difference in practice, beside the fitted register's figure of the same kind in the "
        "table above, not as a failure of the course. To calibrate the course to one of these "
        "registers, copy the targets file and turn its comparisons into targets.</p>\n"
        "<!-- table:course_comparisons -->\n"
    )


def _after_tracheostomy(visits: pd.DataFrame, patients: pd.DataFrame) -> float:
    """The share of visits at LOW_SCORE or fewer points that follow the patient's
    tracheostomy (NaN when no visit is that low)."""
    low = visits.loc[visits["alsfrs_r"] <= LOW_SCORE, ["patient_id", "time"]]
    low = low.merge(patients[["patient_id", "tracheostomy_time"]], on="patient_id")
    return float((low["time"] >= low["tracheostomy_time"]).mean()) if len(low) else math.nan


def course_section(context: Context) -> Section:
    """The calibration table (each target in words, published with its SE, simulated, z,
    fitted or not, its source), the z figure, and 20 simulated ALS patients' courses."""
    from alsprog import plots
    from alsprog.simulation.course_shipped import shipped_calibration
    from alsprog.simulation.course_targets import default_course_targets
    from alsprog.simulation.subgroups import CohortSettings

    calibration = shipped_calibration()
    every = course_rows(calibration.table, default_course_targets())
    rows = every[every["kind"] == "target"].reset_index(drop=True)
    others = every[every["kind"] == "comparison"].reset_index(drop=True)
    fitted = rows[rows["calibrate"]]
    shown = rows[~rows["calibrate"]]
    met = fitted[fitted["met"]]
    assumed = rows[rows["assumption"].fillna("").str.len() > 0]
    clinic = context.clinic
    noise = CohortSettings.default().visit_noise_sd
    ventilated = _after_tracheostomy(clinic.visits, clinic.patients)
    text = (
        "<p>The course of function is each patient's own progression clock: regions become "
        "involved and ALSFRS-R items decline as the patient's clock runs, faster for fast "
        "decliners; the end stage (respiratory, or bulbar in the bulbar forms) is keyed to "
        "the death time, which stays on the calibrated survival curves. Its parameters are "
        "estimated by <code>alsprog.calibrate_course()</code>, by simulated moments: each "
        "published figure is measured in a simulated cohort selected as the source selected "
        f"its patients, and the sum of squared z scores is minimised (cohort of {calibration.n:,} "
        f"ALS patients, seed {calibration.seed}). Of {len(rows)} targets, {len(fitted)} are "
        f"fitted and {len(met)} of them are met within two standard errors. "
        + _miss_text(rows)
        + "</p>\n"
        + _shown_text(shown)
        + "<p>A user calibrates the course to their own register by passing their own "
        "targets file to <code>alsprog.calibrate_course</code>.</p>\n"
        "<!-- table:course_targets -->\n<!-- figure:course_z -->\n"
        + _comparisons_text(others, rows)
        + f"<h3>Readings</h3>\n<p>{len(assumed)} of the targets rest on a reading that is an "
        "<strong>assumption</strong> (how a published cut-off, a trial's selection or a "
        "register's staging is read); the table below says how each figure is measured and "
        "what is assumed, as the targets file states it.</p>\n"
        "<!-- table:course_readings -->\n<!-- figure:course_patients -->\n"
    )
    display = _display(rows)
    assumption_words = _listing(list(assumed["label"]))
    names = dict(zip(every["target"], every["label"], strict=True))
    comparisons = _display(others).drop(columns="Fitted")
    comparisons.insert(4, "How it is measured", [_named(t, names) for t in others["measured"]])
    comparisons = comparisons.rename(columns={"Target": "Other register's figure"})
    return Section(
        "The course against published figures",
        text,
        {
            "course_z": Figure(
                plots.calibration_z_plot(
                    rows.assign(fitted=rows["calibrate"]), "The course against each target"
                ),
                "Each target's z score: the simulated figure minus the published one, in "
                "standard errors (shipped calibration of <code>alsprog.calibrate_course</code>; "
                "the shaded band is within two standard errors). What to conclude: a fitted "
                f"target (black) inside the band is met; {len(fitted) - len(met)} fitted "
                "targets fall outside, named in the text with what leans on them. Orange dots are "
                "targets shown beside the fit, not fitted. Other registers' figures are not "
                "drawn: they are comparisons, not targets, in their own table below. A "
                "triangle marks a "
                f"z beyond the axis. The readings behind {len(assumed)} targets are assumptions, "
                f"each stated in the table of readings below: {assumption_words}.",
                alt="Dot plot: one row per course target, its z score on a horizontal axis "
                "from -6 to 6, with the band from -2 to 2 shaded.",
            ),
            "course_patients": Figure(
                plots.patient_trajectories(
                    clinic.visits,
                    clinic.patients,
                    TRAJECTORY_PATIENTS,
                    context.seed,
                    f"ALSFRS-R of {TRAJECTORY_PATIENTS} simulated ALS patients from diagnosis",
                ),
                f"The ALSFRS-R total of {TRAJECTORY_PATIENTS} ALS patients drawn at random from "
                "the simulated clinic cohort (alsprog), at visits every three months from "
                "diagnosis; a cross marks the last visit of those who died. The course comes "
                "from each patient's progression clock: scores fall one item point at a time, "
                "at each patient's own pace, and the score at death varies between patients, "
                "because only the end stage is tied to the death time. Lines that stay near 0 "
                "for years are patients living on a tracheostomy (in the clinic cohort, "
                f"{percent(ventilated, 0)} of the visits at {LOW_SCORE} points or fewer follow "
                "one). The small rises are "
                "visit noise, an <strong>assumption</strong> (each item is measured with normal "
                f"noise of SD {noise:g} points, <code>alsprog/data/simulation.toml</code>). The "
                "clock's pace and shape are the calibrated parameters above, "
                "so their misses and assumed readings carry over to these lines.",
                alt=f"ALSFRS-R against years from onset for {TRAJECTORY_PATIENTS} simulated "
                "ALS patients, each a line falling from its score at diagnosis, crosses at the "
                "last visits of those who died.",
            ),
        },
        {
            "course_targets": Table(
                rows[TARGET_COLUMNS],
                "Each target of the course (<code>alsprog/data/course_targets.toml</code>) "
                "beside its simulated value in the shipped calibration "
                "(<code>alsprog/data/course_calibration.json</code>); z = (simulated - "
                "published) / SE. The CSV keeps the targets' names and full source texts.",
                display=display,
                formats={c: str for c in display.columns},
                stack=True,
            ),
            "course_comparisons": Table(
                others[["target", "quantity", "published", "se", "simulated", "z", "source"]],
                "Other registers: each comparison of the targets file beside the value the "
                "fitted course simulates for it, measured as the comparison says; never fitted. "
                "z = (simulated - published) / SE.",
                display=comparisons,
                formats={c: str for c in comparisons.columns},
                stack=True,
            ),
            "course_readings": Table(
                rows[["target", "measured", "assumption"]],
                "How each figure is measured in the simulation, like for like with its "
                "source, and the assumption in reading it (the targets file's notes).",
                display=pd.DataFrame(
                    {
                        "Target": rows["label"],
                        "How it is measured": [_named(t, names) for t in rows["measured"]],
                        "Assumption": [_named(t, names) for t in rows["assumption"]],
                    }
                ),
                formats=dict.fromkeys(("Target", "How it is measured", "Assumption"), str),
                stack=True,
            ),
        },
    )
