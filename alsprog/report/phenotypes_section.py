"""The report's phenotype section: every named phenotype against its own figures, and what
those figures pin (``alsprog.phenotypes()`` and ``alsprog.identification()``)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from alsprog.report.page import Context, Figure, Section, Table, number, percent, points


def _phenotype_format(column: str) -> Callable[[Any], str]:
    if re.fullmatch(r"s\d+|other_cause_\d+", column):
        return percent
    if column == "max_abs_error":
        return points
    if column == "identified":
        return lambda value: "yes" if bool(value) else "no"
    return number


def _identification_text(table: pd.DataFrame, column: str) -> str:
    """What pins each curve, from the identified / pinned_by / assumed columns."""
    if not {"identified", "pinned_by", "assumed"} <= set(table.columns):
        return ""
    items = []
    for row in table.itertuples():
        name = html.escape(str(getattr(row, column)))
        pinned = html.escape(str(row.pinned_by)) or "no figure of its own"
        text = f"<li><b>{name}</b>: pinned by {pinned}"
        if row.assumed:
            text += f"; assumed: {html.escape(str(row.assumed))}"
        if not row.identified:
            text += " <b>(not identified: the figures leave a parameter open)</b>"
        items.append(text + ".</li>")
    return (
        "<p><b>What the figures pin.</b> A few figures can fix where a curve sits and leave "
        "its spread or tail open; <code>alsprog.identification()</code> measures this at each "
        "calibration's optimum (how far each parameter can move, the others refitted, while "
        "every figure moves by its precision; and the observed information). A parameter the "
        "figures leave free is the optimiser's value, not an estimate, and has no standard "
        "error; where a spread was borrowed from a sourced relative it says so.</p>\n<ul>\n"
        + "\n".join(items)
        + "\n</ul>\n"
    )


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
    ) + _identification_text(table, column)
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
            "survival in percent, max_abs_error in percentage points; sources numbered in the "
            "list above, in full in the CSV (which also has the description and the columns of "
            "the next table).",
            display=table.drop(
                columns=[c for c in ("description", "pinned_by", "assumed") if c in table]
            ),
            formats=formats,
            references=("sources",),
        ),
        "phenotype_curves": Table(
            curves, "The curves in the figure (columns model, t, survival).", show=False
        ),
    }
    if {"pinned_by", "assumed"} <= set(table.columns):
        tables["phenotype_pinning"] = Table(
            table[[column, "identified", "pinned_by", "assumed"]],
            "What pins each phenotype's curve (the list above, as a table; columns of "
            "<code>alsprog.phenotypes()</code>).",
            show=False,
        )
    if "identified" in table.columns:
        audit = alsprog.identification()
        tables["phenotype_identification"] = Table(
            audit,
            "As returned by <code>alsprog.identification()</code>: per parameter, its "
            "estimate, standard error (blank unless pinned), half-width (how far, on its log "
            "or logit scale, the figures let it move), status and the figures that pin it; "
            "the CSV adds the source of each borrowed or free value.",
            display=audit.drop(columns=["source"]),
        )
    return Section("Phenotypes", text, {"phenotype_curves": figure}, tables)
