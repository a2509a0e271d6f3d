"""The patient card (``alsprog prognosis ... --html FILE``): content, self-containment, one A4 page."""

from __future__ import annotations

import base64
import re
from io import BytesIO

import pytest
from PIL import Image

import alsprog
from alsprog import files
from alsprog.cli import main
from alsprog.errors import InputError
from alsprog.report import patient_card

PROFILE = dict(age_at_onset=53.0, years_since_onset=3.0, sex="female", alsfrs_r=40.0)


@pytest.fixture(scope="module")
def outlook():
    return alsprog.prognosis("pls", **PROFILE)


def test_card_shows_the_outlooks_own_numbers_and_embeds_its_figures(outlook):
    page = patient_card.patient_card_html(outlook)
    assert f"{outlook.median_remaining_years:.1f} years" in page
    q25, q75 = outlook.quartiles_remaining_years
    assert f"{q25:.1f} to {q75:.1f} years" in page
    for years, p in outlook.p_alive.items():
        assert f"alive in {years} year" in page and f"{100 * p:.0f}%" in page
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 2  # survival with its band, and the ALSFRS-R course
    for data in images:
        width, height = Image.open(BytesIO(base64.b64decode(data))).size
        assert width > 300 and height > 100
    assert not re.search(r'src="(https?:)?//', page)  # nothing fetched (DOI links are fine)
    assert "not a prediction for one person" in page


def test_without_a_score_the_course_is_the_profiles_and_says_so():
    outlook = alsprog.prognosis("pls", age_at_onset=53.0, years_since_onset=3.0)
    page = patient_card.patient_card_html(outlook)
    assert page.count("data:image/png") == 2
    assert "simulated patients with this profile who are alive then" in page
    assert "today's score" not in page


def test_the_course_comes_from_the_model_with_its_band(outlook):
    from alsprog.outcomes.projection import course_for_prognosis

    course = course_for_prognosis(outlook, months=24.0)
    page = patient_card.patient_card_html(outlook, course=course)
    year = course[course["months_from_now"] == 12.0].iloc[0]
    shown = (
        f"{year['alsfrs_r_median']:.0f} ({year['alsfrs_r_lower']:.0f}-{year['alsfrs_r_upper']:.0f})"
    )
    assert shown in page and "10th to 90th percentile" in page
    assert "not a straight line" in page
    assert patient_card.patient_card_html(outlook) == page  # computed the same way when left out
    with pytest.raises(InputError, match="alsfrs_r_course"):
        patient_card.patient_card_html(outlook, course=course.drop(columns="alive_share"))


def test_no_course_when_nobody_like_the_profile_is_alive():
    outlook = alsprog.prognosis("pbp", age_at_onset=65.0, years_since_onset=8.0, alsfrs_r=20.0)
    page = patient_card.patient_card_html(outlook)
    assert page.count("data:image/png") == 1
    assert "No ALSFRS-R course is shown" in page


def test_the_old_projection_still_works_and_warns():
    from alsprog.disease.functional_course import alsfrs_r_projection

    with pytest.warns(DeprecationWarning, match="alsfrs_r_course"):
        frame = alsfrs_r_projection(40.0, 2.0, months=12.0)
    slope = (48 - 40) / 24  # points per month since onset
    assert frame["alsfrs_r"].iloc[0] == 40.0
    assert frame["alsfrs_r"].iloc[-1] == pytest.approx(40.0 - 12 * slope)


def test_cli_writes_the_card_atomically(tmp_path, capsys):
    card = tmp_path / "card.html"
    args = ["prognosis", "--phenotype", "pls", "--age-at-onset", "53", "--years-since-onset", "3"]
    assert main([*args, "--alsfrs-r", "40", "--html", str(card)]) == 0
    assert "patient card written to" in capsys.readouterr().out
    assert card.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["card.html"]  # no temporary file left
    assert main([*args, "--html", str(tmp_path / "card.txt")]) == 2
    assert "should end in .html" in capsys.readouterr().err


def test_failed_write_leaves_the_previous_card(outlook, tmp_path, monkeypatch):
    card = tmp_path / "card.html"
    card.write_text("previous")

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", broken)
    with pytest.raises(OSError):
        patient_card.write_patient_card(outlook, card)
    assert card.read_text() == "previous" and [p.name for p in tmp_path.iterdir()] == ["card.html"]
