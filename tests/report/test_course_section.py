"""The report's "The course against published figures": every target of the course beside the
shipped calibration's value, in words, with its source as a numbered citation; other registers'
figures (comparisons) in a table of their own."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest
from plotnine import ggplot

from alsprog.errors import InputError
from alsprog.plots.course import LABEL_WIDTH, PRINT_ASPECT, Z_LIMIT, calibration_z_plot
from alsprog.report import write_report
from alsprog.report.bibliography import cited_keys, references
from alsprog.report.build import SECTIONS
from alsprog.report.context import Context
from alsprog.report.course_section import BAND, citations, course_section
from alsprog.simulation.course_shipped import shipped_calibration
from alsprog.simulation.course_targets import default_course_targets

SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")  # a machine name: dfs_median, niv_share
RAW = re.compile(r"\bweight_\d|\b\d\.[a-z]\w*|\bhazard_ratio\b|\bpinned_by\b")


@pytest.fixture(scope="module")
def section():
    return course_section(Context(n_patients=600, replicates=10, seed=3))


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("course")
    write_report(out, [course_section], n_patients=600, replicates=10, seed=3)
    return (out / "index.html").read_text("utf-8")


def _visible(page: str) -> str:
    """What a reader reads: no tags, no styles, no code (function and file names)."""
    page = re.sub(r"<(style|script|code)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<img [^>]*alt="[^"]*"[^>]*>', " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_it_is_registered_after_the_cohort_and_before_the_interventions():
    names = [f.__name__ for f in SECTIONS]
    assert names.index("cohort_section") < names.index("course_section")
    assert names.index("course_section") < names.index("interventions_section")


@pytest.mark.parametrize(
    "kind, name", [("target", "course_targets"), ("comparison", "course_comparisons")]
)
def test_every_target_and_comparison_is_a_row_with_the_shipped_calibrations_numbers(
    section, kind, name
):
    every = default_course_targets()
    targets = every[every["kind"] == kind]
    shipped = shipped_calibration().table
    shipped = shipped[shipped["kind"] == kind]
    assert len(targets) >= 4
    table = section.tables[name]
    assert list(table.data["target"]) == list(targets["name"]) == list(shipped["target"])
    for column in ("published", "se", "simulated", "z"):
        np.testing.assert_array_equal(table.data[column], shipped[column])
    # z is (simulated - published) / se, as the calibration defines it
    np.testing.assert_allclose(
        table.data["z"], (shipped["simulated"] - shipped["published"]) / shipped["se"]
    )
    shown = table.display
    assert len(shown) == len(targets) and shown.iloc[:, 0].is_unique
    if kind == "target":
        assert list(shown["Fitted"] == "yes") == list(targets["calibrate"])
        readings = section.tables["course_readings"].data
        assert list(readings["target"]) == list(targets["name"])
    else:  # never fitted, each labelled with its register
        assert "Fitted" not in shown and not shipped["calibrate"].any()
        assert list(shown["Other register's figure"].str.extract(r"\((\w+)\)$")[0]) == [
            n.rsplit("_", 1)[-1].title() for n in targets["name"]
        ]


def test_the_other_registers_are_comparisons_apart_from_the_targets(section):
    shipped = shipped_calibration().table
    others = shipped[shipped["kind"] == "comparison"]
    text = html.unescape(section.html)
    assert "<h3>Other registers</h3>" in text and "comparisons, not targets" in text
    assert text.index("<!-- figure:course_z -->") < text.index("<h3>Other registers</h3>")
    assert text.index("<h3>Other registers</h3>") < text.index("<!-- table:course_comparisons -->")
    lowest, highest = others["z"].abs().min(), others["z"].abs().max()
    assert f"(here {lowest:.0f} to {highest:.0f})" in text
    assert "never fitted" in section.tables["course_comparisons"].caption
    # counted apart: the targets' words and the z figure know nothing of them
    targets = shipped[shipped["kind"] == "target"]
    assert f"Of {len(targets)} targets, {int(targets['calibrate'].sum())} are fitted" in text
    assert len(section.figures["course_z"].plot.data) == targets["z"].notna().sum()
    assert "Other registers' figures are not drawn" in section.figures["course_z"].caption


def test_the_words_name_every_missed_target_and_count_the_met_ones(section):
    shipped = shipped_calibration().table
    fitted = shipped[shipped["calibrate"]]
    met = int((fitted["z"].abs() <= BAND).sum())
    assert f"{len(fitted)} are fitted and {met} of them are met" in section.html
    labels = dict(zip(section.tables["course_targets"].data["target"],
                      section.tables["course_targets"].display["Target"], strict=True))  # fmt: skip
    text = html.unescape(section.html)
    for _, row in fitted.iterrows():
        label = labels[row["target"]]
        named = label in text or (label[:1].lower() + label[1:]) in text
        assert named == (abs(row["z"]) > BAND), row["target"]
    caption = section.figures["course_z"].caption
    assert "assumption" in caption and "two standard errors" in caption
    assert "progression clock" in section.figures["course_patients"].caption
    assert "<strong>assumption</strong>" in section.figures["course_patients"].caption


def test_every_source_is_a_numbered_citation_of_the_right_entry(section):
    rows = section.tables["course_targets"]
    for source, shown in zip(rows.data["source"], rows.display["Source"], strict=True):
        if source.startswith("No verified"):  # said as the targets file says it
            assert shown == source
            continue
        keys = cited_keys(shown)
        assert keys and set(keys) <= set(references()), source
        if cited_keys(source):  # the targets file cites it itself
            assert keys == cited_keys(source)
            continue
        for key in keys:  # the entry's year and its author, register, journal or DOI are there
            entry = references()[key]
            assert str(entry.year) in source, (key, source)
            marks = [entry.short.split()[0], entry.doi or "-", entry.journal.split()[0]]
            assert any(m in source for m in marks), (key, source)


def test_a_source_keeps_its_own_citation():
    assert citations("Piemonte register [@chio2010]") == "[@chio2010]"
    assert citations("Chio et al., JNNP 2012 (Piemonte register)") == "[@chio2012]"
    assert citations("a figure nobody published") == ""
    assert citations("Rooney et al., PLoS One 2013 (Irish register)") == "[@rooney2013]"
    two = "Gordon et al., J Neurol 2010; PRO-ACT trajectories, Muscle Nerve 2018"
    assert citations(two) == "[@gordon2010; @proact2018]"  # one citation: [2, 3] on the page


def test_the_page_renders_the_citations_and_no_machine_name(page):
    assert "[@" not in page and page.count('class="cite"') >= 20
    text = _visible(page)
    assert SNAKE.findall(text) == [] and RAW.findall(text) == []
    assert "The course against published figures" in text
    assert page.count('src="data:image/png;base64,') == 2
    assert "Other registers" in text and "Other register's figure" in text


def test_the_z_figure_keeps_far_targets_on_its_axis():
    table = pd.DataFrame(
        {"label": ["a", "b", "c"], "z": [0.5, -30.0, 9.0], "fitted": [True, True, False]}
    )
    plot = calibration_z_plot(table)
    assert isinstance(plot, ggplot)
    drawn = plot.data.set_index("where")
    assert list(plot.data["z"]) == [0.5, -Z_LIMIT, Z_LIMIT]
    assert list(drawn.index) == ["on the axis", "beyond the axis", "beyond the axis"]
    with pytest.raises(InputError, match="labels repeat"):
        calibration_z_plot(table.assign(label="a"))
    with pytest.raises(InputError, match="missing column"):
        calibration_z_plot(table.drop(columns="fitted"))


def test_the_z_figure_wraps_long_labels_and_grows_with_them():
    long = "ALSFRS-R decline over 24 months from diagnosis (points a month), 97.5th percentile (not fitted)"
    table = pd.DataFrame({"label": ["short", long], "z": [0.0, 1.0], "fitted": [True, False]})
    plot = calibration_z_plot(table)
    drawn = [line for label in plot.scales.get_scales("y").labels for line in label.split("\n")]
    assert max(len(line) for line in drawn) <= LABEL_WIDTH and len(drawn) >= 3
    assert " ".join(drawn).replace("short ", "", 1) == long
    width, height = plot.theme.themeables.property("figure_size")
    assert height / width <= PRINT_ASPECT
    many = pd.DataFrame({"label": [f"{long} {k}" for k in range(40)], "z": 0.0, "fitted": True})
    width, height = calibration_z_plot(many).theme.themeables.property("figure_size")
    assert height > 11.7 and height / width == pytest.approx(PRINT_ASPECT)  # taller than A4
    assert (
        height
        > calibration_z_plot(table.assign(label=["short", "other"])).theme.themeables.property(
            "figure_size"
        )[1]
    )


def test_the_share_of_low_visits_after_a_tracheostomy_is_counted_by_hand():
    from alsprog.report.course_section import _after_tracheostomy

    visits = pd.DataFrame(
        {"patient_id": [1, 1, 1, 2, 2], "time": [1.0, 2.0, 3.0, 1.0, 2.0],
         "alsfrs_r": [2, 1, 0, 3, 20]}
    )  # fmt: skip
    patients = pd.DataFrame({"patient_id": [1, 2], "tracheostomy_time": [2.0, np.nan]})
    # low visits: patient 1 at 1, 2, 3 (the last two on or after the tracheostomy), patient 2 at 1
    assert _after_tracheostomy(visits, patients) == pytest.approx(2 / 4)
    assert np.isnan(_after_tracheostomy(visits.assign(alsfrs_r=40), patients))


def test_every_course_quantity_has_its_words():
    from alsprog.report.course_section import WORDS
    from alsprog.simulation.course_targets import QUANTITIES

    assert sorted(set(QUANTITIES) - set(WORDS)) == []
