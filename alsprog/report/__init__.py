"""The report: a self-contained HTML page with its figures (PNG) and tables (CSV), and the
patient card.

``page`` is the machinery (section types, HTML, files) and is handed its sections; ``folder``
swaps a finished report in whole; ``context`` is what sections share; ``defaults`` the settings;
``sections``, ``phenotypes_section``, ``cohort_section``, ``interventions_section`` and
``prognosis_section`` the built-in sections, which ``build`` puts in page order (``SECTIONS``,
``write_report``); ``patient_card`` one patient's page. Uses every folder before it; nothing in
alsprog imports the report. Names resolve on first use, so the command line starts fast.
"""

from __future__ import annotations

import importlib
from typing import Any

_NAMES = {
    "SECTIONS": "alsprog.report.build",
    "write_report": "alsprog.report.build",
    "Context": "alsprog.report.context",
    "Figure": "alsprog.report.page",
    "Section": "alsprog.report.page",
    "SectionFunction": "alsprog.report.page",
    "Table": "alsprog.report.page",
    "number": "alsprog.report.page",
    "percent": "alsprog.report.page",
    "png_bytes": "alsprog.report.page",
    "points": "alsprog.report.page",
    "render": "alsprog.report.page",
}
__all__ = sorted(_NAMES)


def __getattr__(name: str) -> Any:
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'alsprog.report' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
