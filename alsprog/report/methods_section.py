"""The report's "Methods, assumptions and sources" section, read from the data files.

Every figure alsprog uses sits in ``alsprog/data/*.toml`` beside its source, or marked as an
assumption with its reason. This section walks those files: each text whose key names a source
goes to the sources list, each text that says "assumption" to the assumptions table, so the
report can never disagree with the data it was made from.
"""

from __future__ import annotations

import html

import pandas as pd

from alsprog import data
from alsprog.report.page import Context, Section, Table

DATA_FILES = (
    "als_landmarks.toml",
    "phenotypes.toml",
    "life_tables.toml",
    "simulation.toml",
    "effects.toml",
    "trials.toml",
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
    "model; a Gaussian copula ties their ALSFRS-R progression rate to the rank of their "
    "disease death time, so the survival curves stay calibrated. Items decline from the onset "
    "region outwards; stages and milestones follow from the items by the published rules.</p>\n"
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
    """How the models are built, every assumption in the data files, and every source."""
    texts = data_texts()
    assumptions = texts[texts["kind"] == "assumption"].drop(columns="kind")
    sources = sorted(set(texts.loc[texts["kind"] == "source", "text"]))
    listed = "".join(f"<li>{html.escape(s)}</li>" for s in sources)
    text = (
        METHODS
        + f"<h3>Assumptions</h3>\n<p>{len(assumptions)} entries of the data files are marked as "
        "assumptions, each with its reason; the table lists them where they stand.</p>\n"
        "<!-- table:assumptions -->\n"
        f"<h3>Sources</h3>\n<p>The {len(sources)} sources cited in the data files, beside the "
        "figures they support (<code>alsprog/data</code>); the reference document is the MSD "
        f'Manual chapter on ALS and other MNDs (2019).</p>\n<ol class="references">{listed}</ol>\n'
    )
    return Section(
        "Methods, assumptions and sources",
        text,
        {},
        {
            "assumptions": Table(
                assumptions,
                "Every assumption in the data files (file, entry, text).",
                display=pd.DataFrame(
                    {
                        "where": assumptions["file"].str.removesuffix(".toml")
                        + " › "
                        + assumptions["entry"].str.replace(".", " › ", regex=False),
                        "assumption": assumptions["text"],
                    }
                ),
            ),
            "sources": Table(
                texts[texts["kind"] == "source"].drop(columns="kind"),
                "Every source entry of the data files.",
                show=False,
            ),
        },
    )
