"""The report's "Methods, assumptions and references" section, read from the data files.

Every figure alsprog uses sits in ``alsprog/data/*.toml`` beside its source, or marked as an
assumption with its reason. This section walks those files: each text whose key names a source
goes to the sources CSV (its citations to the reference list), each text that says
"assumption" to the assumptions table, so the report can never disagree with the data it was
made from.
"""

from __future__ import annotations

import pandas as pd

from alsprog import data
from alsprog.report.bibliography import LIST_MARK, references
from alsprog.report.page import Context, Section, Table

DATA_FILES = (
    "als_landmarks.toml",
    "phenotypes.toml",
    "life_tables.toml",
    "simulation.toml",
    "course.toml",
    "course_targets.toml",
    "course_measures.toml",
    "effects.toml",
    "trials.toml",
)
# every data file a reader may open, one line each (in alsprog/data; the TOML files among them
# are walked for sources and assumptions as DATA_FILES says)
FILE_LINES = (
    ("als_landmarks.toml", "the survival figures of ALS from onset that the families reproduce"),
    ("phenotypes.toml", "each phenotype's figures, the default population, prognostic factors"),
    ("life_tables.toml", "the life tables of ordinary mortality (their CSV files beside them)"),
    ("simulation.toml", "the cohort's figures beside the course: visits, noise, stage rules"),
    ("course.toml", "the progression-clock course: its start values, fixed figures, uptake"),
    (
        "course_targets.toml",
        "the published figures the course is calibrated to, and how each is measured; other "
        "registers' figures it is compared with, never fitted",
    ),
    (
        "course_measures.toml",
        "the designs of the targets' studies (inclusion, follow-up, visits), which the "
        "simulated cohort reads to measure each target like for like",
    ),
    (
        "course_calibration.json",
        "the shipped fit of <code>alsprog.calibrate_course</code>, stamped with a "
        "fingerprint of its inputs (a stale file is recomputed, never used)",
    ),
    ("effects.toml", "what riluzole and edaravone do"),
    ("trials.toml", "the figures of simulated trials"),
    ("health_economics.toml", "utilities and costs by stage, and the illustrative prices"),
    ("references.toml", "the bibliography"),
)
METHODS = (
    "<p><b>Calibration.</b> Published landmark figures (survival at given times, medians) are "
    "treated as grouped data: with an effective sample size n, n times the drop in survival "
    "between landmarks died in each interval, and each model's multinomial likelihood is "
    "maximised, with statements such as 'survival beyond 30 years is rare' as constraints. "
    "Each phenotype's disease hazard is calibrated so that the average all-cause survival over "
    "the default population (onset age, sex, diagnostic delay, each with its prognostic hazard "
    "ratio, plus ordinary mortality from the life table) reproduces its figures. Where figures "
    "cannot pin a parameter it is borrowed from a sourced relative, and the identification "
    "table says so.</p>\n"
    "<p><b>Uncertainty.</b> Bands and intervals come from recalibrating to the figures redrawn "
    "as grouped counts of their effective sample size (a parametric bootstrap), or from a "
    "fit's covariance.</p>\n"
    "<p><b>Simulation.</b> Each patient's death time is drawn exactly from their own all-cause "
    "model; a Gaussian copula ties their progression rate to the rank of their disease death "
    "time, so the survival curves stay calibrated. The rate runs the patient's own progression "
    "clock: regions become involved and items decline, point by point, as the clock advances, "
    "from the onset region outwards. Only the end stage (respiratory, or bulbar in the bulbar "
    "forms) is tied to the death time. Need for a gastrostomy or ventilation is read from the "
    "items; the procedures taken follow uptake shares. Stages follow from the items by the "
    "published rules. The course's parameters are fitted by "
    "<code>alsprog.calibrate_course</code> to published figures (the section on the course "
    "shows each beside its simulated value).</p>\n"
    "<p><b>Effects and trials.</b> A hazard ratio acts on the disease hazard only, from a start "
    "time; a slope reduction slows the functional decline. Trials enrol from the simulated "
    "prevalent population, give both arms the same random draws, and analyse each trial with "
    "the log-rank test, a Cox model, ANCOVA of the week-24 change, the ALSFRS-R slope and "
    "CAFS.</p>\n"
)


def data_texts() -> pd.DataFrame:
    """Every text entry of the data files that names a source or an assumption.

    Returns columns file, entry (the dotted path of the key), kind ("source" or
    "assumption"), text.
    """
    rows: list[dict] = []
    for name in DATA_FILES:
        if data.exists(name):
            _walk(name, "", data.thaw(data.table(name)), rows)
    return pd.DataFrame(rows, columns=["file", "entry", "kind", "text"])


def _walk(file: str, where: str, value: object, rows: list[dict]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _walk(file, f"{where}.{key}" if where else str(key), item, rows)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(file, f"{where}[{index}]", item, rows)
    elif isinstance(value, str):
        key = where.rsplit(".", 1)[-1].split("[")[0]
        if key.endswith(("source", "sources")):
            rows.append({"file": file, "entry": where, "kind": "source", "text": value})
        if "assumption" in value.lower():
            rows.append({"file": file, "entry": where, "kind": "assumption", "text": value})


def methods_section(context: Context) -> Section:
    """How the models are built, every assumption in the data files, and the references."""
    texts = data_texts()
    assumptions = texts[texts["kind"] == "assumption"].drop(columns="kind")
    text = (
        METHODS
        + f"<h3>Assumptions</h3>\n<p>{len(assumptions)} entries of the data files are marked as "
        "assumptions, each with its reason; the table lists them where they stand.</p>\n"
        "<!-- table:assumptions -->\n"
        "<h3>References</h3>\n<p>Every published source of the data files: those cited on this "
        "page first, numbered in order of first citation, then the rest. The reference "
        "document is the MSD Manual (Rubin, 2019) [@rubin2019].</p>\n"
        + LIST_MARK
        + "\n<!-- table:references -->\n"
    )
    files = "".join(
        f"<li><code>{name}</code>: {what}.</li>" for name, what in FILE_LINES if data.exists(name)
    )
    text = text.replace(
        "<h3>Assumptions</h3>",
        f"<h3>Data files</h3>\n<p>Every figure is read from a file in "
        f"<code>alsprog/data</code>:</p>\n<ul>{files}</ul>\n<h3>Assumptions</h3>",
        1,
    )
    return Section(
        "Methods, assumptions and references",
        text,
        {},
        {
            "assumptions": Table(
                assumptions,
                "Every assumption in the data files (file, entry, text).",
                display=pd.DataFrame(
                    {
                        "Where": assumptions["file"].str.removesuffix(".toml")
                        + " › "
                        + assumptions["entry"].str.replace(".", " › ", regex=False),
                        "Assumption": assumptions["text"],
                    }
                ),
            ),
            "sources": Table(
                texts[texts["kind"] == "source"].drop(columns="kind"),
                "Every source entry of the data files, with its citation keys.",
                show=False,
            ),
            "references": Table(
                pd.DataFrame([vars(r) for r in references().values()]),
                "The whole bibliography (data/references.toml), one row a source.",
                show=False,
            ),
        },
    )
