"""The report: a self-contained HTML page with its figures (PNG) and tables (CSV).

``page`` is the machinery (section types, HTML, files, atomic writing) and is handed its
sections; ``sections`` and ``prognosis_section`` hold the built-in ones. Uses every folder before
it (population, models, estimation, disease, plots); nothing in alsprog imports the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alsprog.report.cohort_section import cohort_section
from alsprog.report.interventions_section import interventions_section
from alsprog.report.page import (
    Context,
    Figure,
    Section,
    SectionFunction,
    Table,
    number,
    percent,
    png_bytes,
    points,
    render,
)
from alsprog.report.prognosis_section import prognosis_section
from alsprog.report.sections import (
    background_section,
    errors_section,
    families_section,
    landmarks_section,
    phenotypes_section,
)

SECTIONS: tuple[SectionFunction, ...] = (
    landmarks_section,
    families_section,
    errors_section,
    background_section,
    phenotypes_section,
    cohort_section,
    interventions_section,
    prognosis_section,
)

__all__ = [
    "SECTIONS",
    "Context",
    "Figure",
    "Section",
    "SectionFunction",
    "Table",
    "number",
    "percent",
    "png_bytes",
    "points",
    "render",
    "write_report",
]


def write_report(
    out_dir: str | Path,
    sections: Sequence[SectionFunction] | None = None,
    **settings: Any,
) -> list[Path]:
    """Write the report under ``out_dir`` (default sections: ``SECTIONS``); ``settings`` are
    ``targets``, ``seed``, ``n_patients``, ``replicates`` and ``progress``, as documented in
    ``alsprog.report.page.write_report``, which says what is written and how."""
    from alsprog.report import page

    return page.write_report(out_dir, SECTIONS if sections is None else sections, **settings)
