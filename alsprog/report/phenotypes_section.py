"""The report's phenotype section: every named phenotype against its own figures, and what
those figures pin (``alsprog.phenotypes()`` and ``alsprog.identification()``)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from alsprog.report import labels
from alsprog.report.page import Context, Figure, Section, Table, number, percent, points


def _phenotype_format(column: str) -> Callable[[Any], str]:
    if re.fullmatch(r"s\d+|other_cause_\d+", column):
        return percent
    if column == "max_abs_error":
        return points
    if column == "identified":
        return lambda value: "yes" if bool(value) else "no"
    return number


_INTRO = (
    "<p><b>What the figures pin.</b> A few figures can fix where a curve sits and leave "
    "its spread or tail open; <code>alsprog.identification()</code> measures this at each "
    "calibration's optimum (how far each parameter can move, the others refitted, while "
    "every figure moves by its precision; and the observed information). The table "
    "below gives each calibrated parameter once, with its value and what pins it; "
    "phenotypes that share a calibration share its rows. A parameter the figures leave "
    "free is the optimiser's value, not an estimate, and has no standard error; a figure "
    "marked 'a reading' is itself an assumption (its source says how it was read).</p>\n"
)


def _pins(row: Any, readings: set[str]) -> str:
    """What pins one parameter, in words (from status, pinned_by and source)."""
    figures = [f"{f} (a reading)" if f in readings else f for f in row.pinned_by.split(" ; ")]
    # one figure never breaks across lines; '<=' as a reader writes it
    shown = ", ".join(_figure(f) for f in figures if f)
    if row.status == "pinned":
        return shown
    if row.status == "bound":
        return f"only a bound the curve sits on: {shown}"
    if row.status == "borrowed":
        where = str(row.source).split(":")[0]
        return (
            f"nothing: borrowed {where}" if where.startswith("from ") else "nothing: an assumption"
        )
    return "nothing: the optimiser's value (free)"


def _value(estimate: float, standard_error: float) -> str:
    """'1.75 (SE 0.0944)', or '3.12' where the figures give no standard error."""
    shown = number(estimate)
    return f"{shown} (SE\u00a0{number(standard_error)})" if math.isfinite(standard_error) else shown


def _figure(text: str) -> str:
    """'S(30) <= 0.01' as 'S(30) \u2264 0.01' with no-break spaces inside the figure."""
    figure, _, note = text.partition(" (")
    shown = figure.replace("<=", "\u2264").replace(">=", "\u2265").replace(" ", "\u00a0")
    return f"{shown} ({note}" if note else shown


def identification_table(audit: pd.DataFrame, phenotypes: pd.DataFrame) -> pd.DataFrame:
    """``alsprog.identification()`` for a reader: one row per parameter of each calibration
    (phenotypes that share one are joined), the parameter in words (``labels.parameter``)
    and what pins it in one column; ``phenotypes`` (``alsprog.phenotypes()``) marks the
    figures that are readings."""
    import alsprog

    marker = " (a reading, assumption)"
    readings = {
        item.removesuffix(marker)
        for text in phenotypes["assumed"]
        for item in str(text).split(" ; ")
        if item.endswith(marker)
    }
    key = ["parameter", "estimate", "status", "pinned_by", "source"]
    grouped = audit.assign(
        phenotypes=audit.groupby(key, sort=False, dropna=False)["phenotype"].transform(
            lambda names: ", ".join(names)
        )
    ).drop_duplicates(key)
    rows, previous = [], None
    for row in grouped.itertuples():
        first = str(row.phenotypes).split(", ")[0]
        model = next(iter(alsprog.phenotype(first).disease.values()))
        rows.append(
            {  # the phenotypes named on the first of their rows only
                "phenotypes": "" if row.phenotypes == previous else row.phenotypes,
                "parameter": labels.parameter(str(row.parameter), model),
                "value": _value(row.estimate, row.standard_error),
                "pins": _pins(row, readings),
            }
        )
        previous = row.phenotypes
    return pd.DataFrame(rows)


def phenotypes_section(context: Context) -> Section:
    """The named phenotypes (``alsprog.phenotypes()``), each against its own figures, with what
    those figures pin (``alsprog.identification()``)."""
    import alsprog
    from alsprog import plots
    from alsprog.models.base import SurvivalModel

    table = alsprog.phenotypes()
    column = next((c for c in ("name", "phenotype") if c in table.columns), table.columns[0])
    models, marks = {}, []
    for name in map(str, table[column]):
        item = alsprog.phenotype(name)
        models[name] = item if isinstance(item, SurvivalModel) else item.model
        targets = getattr(item, "targets", None)
        for lm in getattr(targets, "landmarks", ()):
            marks.append({"model": name, "t": lm.t, "target": lm.survival, "kind": lm.kind})
    curves = plots.model_curves(models)
    landmarks = pd.DataFrame(marks, columns=["model", "t", "target", "kind"]) if marks else None
    text = (
        "<p>The named phenotypes of ALS and the other motor neuron diseases, as "
        "<code>alsprog.phenotypes()</code> gives them: each is calibrated to its own figures, "
        "whose sources are in the table. In the figure, points are a phenotype's own figures; "
        "a phenotype derived from another has none.</p>\n"
    ) + (_INTRO if "identified" in table.columns else "")
    formats = {c: _phenotype_format(str(c)) for c in table.columns}
    figure = Figure(
        plots.survival_curves(curves, landmarks, "Survival by phenotype", facet=True),
        "Each phenotype's calibrated model (alsprog); points: its calibration figures "
        "(sources in the table).",
    )
    tables = {
        "phenotypes": Table(
            table,
            "As returned by <code>alsprog.phenotypes()</code>; "
            "survival in percent, the largest miss of its own figures in percentage points; "
            "sources numbered in the list above, in full in the CSV (which also has the "
            "description and, per phenotype, whether its figures identify it and what pins "
            "it).",
            display=table.drop(
                columns=[
                    c for c in ("description", "identified", "pinned_by", "assumed") if c in table
                ]
            ),
            formats=formats,
            references=("sources",),
        ),
        "phenotype_curves": Table(
            curves, "The curves in the figure (columns model, t, survival).", show=False
        ),
    }
    if "identified" in table.columns:
        audit = alsprog.identification()
        tables["phenotype_identification"] = Table(
            audit,
            "What pins each parameter (from <code>alsprog.identification()</code>): its "
            "value (in the unit named) with its standard error (SE) where the figures pin it, and "
            "the figures that pin it. The CSV has one row per phenotype and parameter, with "
            "machine names, the half-width (how far, on its log or logit scale, the figures "
            "let it move), the status and the source of each borrowed or free value.",
            display=identification_table(audit, table),
            formats={"phenotypes": str, "parameter": str, "value": str, "pins": str},
            stack=True,  # four columns of words: a block per parameter on a phone
        )
    return Section("Phenotypes", text, {"phenotype_curves": figure}, tables)
