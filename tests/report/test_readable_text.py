"""What a reader can read names no working note and no file that is not there.

Scanned: the data files, the package's own text (docstrings a user reads with help()), the
notebooks, the README, and the built report page. A working note is "[verify" or a
reference to the developers' notes (facts.md, shared/...); a file reference must name a file of
the repository. Every citation key names an entry of data/references.toml, and every entry is
cited somewhere.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from alsprog.report.bibliography import CITATION, cite_plain, cited_keys, link_citations, references

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "alsprog"
NOTES = re.compile(r"\[verify|facts\.md|shared/|STYLE\.md|DESIGN\.md|msd-manual-als-mnd", re.I)
FILE = re.compile(r"(?<![\w/.-])((?:alsprog/)?(?:data|notebooks|scripts|tests|alsprog)/[\w./-]*\w)")


def _readable() -> dict[str, str]:
    found = {str(p.relative_to(ROOT)): p.read_text("utf-8") for p in PACKAGE.rglob("*.toml")}
    found |= {str(p.relative_to(ROOT)): p.read_text("utf-8") for p in PACKAGE.rglob("*.py")}
    found |= {
        str(p.relative_to(ROOT)): p.read_text("utf-8") for p in ROOT.glob("notebooks/*.ipynb")
    }
    found["README.md"] = (ROOT / "README.md").read_text("utf-8")
    return found


READABLE = _readable()


@pytest.mark.parametrize("name", sorted(READABLE))
def test_no_working_notes(name):
    hits = [m.group(0) for m in NOTES.finditer(READABLE[name])]
    assert hits == [], f"{name}: {hits}"


@pytest.mark.parametrize("name", sorted(n for n in READABLE if not n.endswith(".py")))
def test_every_file_named_exists(name):
    for match in FILE.finditer(READABLE[name]):
        path = match.group(1).rstrip(".")
        if path.endswith("_"):  # a file-name pattern such as draws_<name>_<table>.json
            continue
        here = [ROOT / path, PACKAGE / path]
        assert any(p.exists() for p in here) or "*" in path, f"{name} names {path}"


def test_the_detectors_fire_on_what_they_are_for():
    assert NOTES.search("a figure [verify authors]") and NOTES.search("see ../shared/facts.md")
    assert [m.group(1) for m in FILE.finditer("see data/phenotypes.toml.")] == [
        "data/phenotypes.toml"
    ]


def test_every_citation_names_an_entry_and_every_entry_is_cited():
    texts = [
        p.read_text("utf-8") for p in (PACKAGE / "data").glob("*.toml") if p.stem != "references"
    ]
    texts += [p.read_text("utf-8") for p in (PACKAGE / "report").glob("*_section.py")]
    texts += [
        (PACKAGE / "report" / name).read_text("utf-8") for name in ("context.py", "patient_card.py")
    ]
    keys = {k for text in texts for k in cited_keys(text)}
    assert keys <= set(references()), keys - set(references())
    assert set(references()) <= keys, set(references()) - keys


def test_references_carry_what_a_reader_needs_and_each_source_once():
    entries = tomllib.loads((PACKAGE / "data" / "references.toml").read_text("utf-8"))
    titles = [e["title"].lower() for e in entries.values() if "title" in e]
    assert len(titles) == len(set(titles))
    dois = [e["doi"] for e in entries.values() if "doi" in e]
    assert len(dois) == len(set(dois))
    assert all(re.fullmatch(r"10\.\d{4,5}/\S+", d) for d in dois)
    for key, entry in entries.items():
        assert isinstance(entry["year"], int) and 1900 < entry["year"] < 2100, key
        assert "journal" in entry, key


def test_citations_render_as_numbers_in_order_and_as_author_year():
    page = "a [@rooney2013] b [@miller2012; @rooney2013] c <!-- bibliography -->"
    out = link_citations(page)
    assert (
        '[<a href="#ref-1">1</a>]' in out
        and '<a href="#ref-2">2</a>, <a href="#ref-1">1</a>' in out
    )
    assert out.index('id="ref-1"') < out.index('id="ref-2"') and "Rooney J" in out
    assert not CITATION.search(out)
    assert cite_plain("x [@rubin2019]") == "x (Rubin, 2019)"
    assert (
        cite_plain("[@miller2012; @writinggroup2017]")
        == "(Miller et al., 2012; Writing Group, 2017)"
    )


def test_the_report_page_has_no_working_notes_and_a_real_reference_list(made):
    page = (made[0] / "index.html").read_text("utf-8")
    assert NOTES.search(page) is None
    assert "[@" not in page
    assert page.count('<li id="ref-') >= 15
    assert "MSD Manual (Rubin, 2019)" in page
