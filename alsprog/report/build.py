"""The built report: the sections in page order (``SECTIONS``) and ``write_report``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alsprog.report.cohort_section import cohort_section
from alsprog.report.course_section import course_section
from alsprog.report.economics_section import economics_section
from alsprog.report.interventions_section import interventions_section
from alsprog.report.methods_section import methods_section
from alsprog.report.page import (
    SectionFunction,
)
from alsprog.report.prognosis_section import prognosis_section
from alsprog.report.sections import (
    background_section,
    errors_section,
    families_section,
    landmarks_section,
    phenotypes_section,
)
from alsprog.report.trials_section import trials_section

SECTIONS: tuple[SectionFunction, ...] = (
    landmarks_section,
    families_section,
    errors_section,
    background_section,
    phenotypes_section,
    cohort_section,
    course_section,
    interventions_section,
    trials_section,
    economics_section,
    prognosis_section,
    methods_section,
)


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
