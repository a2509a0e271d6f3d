"""The report's phenotype section says what each curve's figures pin."""

import pandas as pd

from alsprog import report
from alsprog.disease.library import NAMES, identification
from alsprog.report.phenotypes_section import phenotypes_section


def test_the_section_lists_what_pins_each_curve(tmp_path):
    report.write_report(tmp_path, [phenotypes_section])
    page = (tmp_path / "index.html").read_text("utf-8")
    assert "What the figures pin" in page
    assert "<b>als_flail</b>: pinned by S(5) = 0.562 ; S(5.32) = 0.5; assumed: sigma = " in page
    assert "<b>als</b>: pinned by" in page and "(not identified" in page
    assert "<b>pma</b>: pinned by S(4.67) = 0.5 ; S(25) = 0.05; assumed: S(25) = 0.05 (a" in page
    saved = pd.read_csv(tmp_path / "tables" / "phenotype_identification.csv", keep_default_na=False)
    assert list(dict.fromkeys(saved["phenotype"])) == list(NAMES)
    expected = identification()
    assert list(saved["status"]) == list(expected["status"])
    assert list(saved["parameter"]) == list(expected["parameter"])
