"""The report's phenotype section says once what pins each calibrated parameter, in words."""

import html
import re

import pandas as pd

from alsprog import report
from alsprog.disease.library import NAMES, identification
from alsprog.models.exponential import Exponential
from alsprog.models.mixture import Mixture
from alsprog.models.transforms import ProportionalHazards
from alsprog.models.weibull import Weibull
from alsprog.report import labels
from alsprog.report.phenotypes_section import phenotypes_section

RAW = re.compile(r"\bweight_\d|\b\d\.[a-z]\w*|\bhazard_ratio\b|\bpinned_by\b")


def _text(page: str) -> str:
    """The page's visible text (no tags, no code, no CSS)."""
    page = re.sub(r"<(style|script)\b.*?</\1>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_section_gives_each_parameter_once_in_words(tmp_path):
    report.write_report(tmp_path, [phenotypes_section])
    page = (tmp_path / "index.html").read_text("utf-8")
    text = _text(page)
    assert "What the figures pin" in text
    assert "weight of component 2 (slower), share" in text
    assert "component 1 (typical) Weibull scale (years)" in text
    assert "component 2 (slower) exponential rate (per year)" in text
    assert text.count("als, als_limb, als_bulbar") == 1  # one calibration, named once
    assert text.count("component 1 (typical) Weibull shape") == 1
    assert "S(25)\u00a0=\u00a00.05 (a reading)" in text  # distinct information kept
    assert "S(30)\u00a0\u2264\u00a00.01 (a reading)" in text
    assert "nothing: borrowed from pma" in text
    assert "1.75 (SE\u00a00.0944)" in text  # value and standard error in one cell
    assert "pinned by S(5) = 0.562" not in text  # the old list is gone
    # the CSV keeps the machine names, one row per phenotype and parameter
    saved = pd.read_csv(tmp_path / "tables" / "phenotype_identification.csv", keep_default_na=False)
    assert list(dict.fromkeys(saved["phenotype"])) == list(NAMES)
    expected = identification()
    assert list(saved["status"]) == list(expected["status"])
    assert list(saved["parameter"]) == list(expected["parameter"])
    assert "weight_1" in set(saved["parameter"])


def test_no_raw_parameter_name_in_the_report_text(made):
    out, _ = made
    text = _text((out / "index.html").read_text("utf-8"))
    assert RAW.findall(text) == []


def test_the_raw_pattern_catches_what_it_should():
    assert RAW.findall(_text("<td>weight_1</td><td>0.shape</td><p>1.5 years</p>")) == [
        "weight_1",
        "0.shape",
    ]


def test_parameter_labels_come_from_the_model_structure():
    mixed = Mixture((Weibull(2.0, 3.0), Exponential(0.1)), (0.6, 0.4), names=("a", "b"))
    assert labels.parameter("weight_1", mixed) == "weight of component 2 (b), share"
    assert labels.parameter("1.rate", mixed) == "component 2 (b) exponential rate (per year)"
    scaled = ProportionalHazards(mixed, 1.5)
    assert labels.parameter("0.scale", scaled) == "component 1 (a) Weibull scale (years)"
    assert labels.parameter("hazard_ratio", scaled).startswith("hazard ratio")
    assert labels.parameter("shape", Weibull(2.0, 3.0)) == "Weibull shape"
