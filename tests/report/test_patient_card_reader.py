"""The patient card as a neurologist would hand it on: it warns off the model's range, claims
only what was entered, reaches the 75th percentile, dates itself reproducibly, cites its
sources, and shows the treatment against no treatment."""

from __future__ import annotations

import json
import re

import pytest

import alsprog
from alsprog.cli import main
from alsprog.report import patient_card
from alsprog.report.patient_card import ALIVE_THRESHOLD, calibration_warnings

PLS = ["prognosis", "--phenotype", "pls", "--age-at-onset", "50", "--years-since-onset", "1"]


def test_warns_when_the_model_puts_the_patient_nearly_certainly_dead_today():
    late = alsprog.prognosis("pbp", age_at_onset=60.0, years_since_onset=8.0)
    assert late.inputs["probability_alive_today_from_onset"] < ALIVE_THRESHOLD
    assert any("extrapolation" in w for w in calibration_warnings(late))
    assert "Outside the model's range" in patient_card.patient_card_html(late)
    typical = alsprog.prognosis("als", age_at_onset=55.0, years_since_onset=1.0)
    assert typical.inputs["probability_alive_today_from_onset"] > ALIVE_THRESHOLD
    assert calibration_warnings(typical) == []


def test_warns_on_an_onset_age_outside_the_calibration_population():
    young = alsprog.prognosis("als", age_at_onset=15.0, years_since_onset=1.0)
    assert any("Onset at age 15" in w for w in calibration_warnings(young))


def test_claims_as_given_only_what_was_entered():
    bare = alsprog.prognosis("als", age_at_onset=55.0, years_since_onset=1.0)
    page = patient_card.patient_card_html(bare)
    entered = re.search(r"from what was entered \(([^)]*)\)", page).group(1)
    assert entered == "age at onset"
    assert "reference patient's diagnostic delay" in page
    full = alsprog.prognosis(
        "als", age_at_onset=55.0, years_since_onset=1.0, alsfrs_r=40.0,
        diagnosis_delay_months=10.0, fvc_percent=70.0, ftd=True,
    )  # fmt: skip
    page = patient_card.patient_card_html(full)
    assert "where nothing was entered" not in page
    assert "1 year since onset" in page and not re.search(r"(?<![.\d])1 years", page)


def test_the_cli_card_reaches_the_75th_percentile_and_is_dated_reproducibly(tmp_path, capsys):
    card = tmp_path / "card.html"
    assert main([*PLS, "--html", str(card), "--date", "2026-01-31", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    q75 = answer["quartiles_remaining_years"][1]
    assert q75 > 10  # PLS: the default ten years would stop short of it
    assert answer["band"][-1]["years_from_now"] >= q75
    page = card.read_text("utf-8")
    assert "Made on 2026-01-31 by alsprog" in page and answer["warnings"] == []
    first = card.read_bytes()
    assert main([*PLS, "--html", str(card), "--date", "2026-01-31"]) == 0
    assert card.read_bytes() == first  # same inputs, same bytes
    assert main([*PLS, "--html", str(card), "--date", "31/01/2026"]) == 2
    assert "--date" in capsys.readouterr().err


def test_source_date_epoch_sets_the_date(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767139200")  # 2025-12-31 00:00 UTC
    card = tmp_path / "card.html"
    assert main([*PLS, "--html", str(card)]) == 0
    assert "Made on 2025-12-31" in card.read_text("utf-8")


def test_a_treated_card_shows_the_untreated_outlook_and_cites_the_trial(tmp_path, capsys):
    card = tmp_path / "card.html"
    assert main([*PLS, "--treatment", "riluzole", "--html", str(card), "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    untreated = answer["untreated"]
    assert untreated["median_remaining_years"] < answer["median_remaining_years"]
    page = card.read_text("utf-8")
    assert "without treatment" in page and "untreated" in page
    assert "Cochrane" in page and "MSD Manual" in page and "[@" not in page
    assert len(re.findall(r'<li id="ref-', page)) == 4


@pytest.mark.parametrize("since, words", [(1.0, "1 year since onset"), (2.0, "2 years since")])
def test_years_are_singular_or_plural(since, words):
    outlook = alsprog.prognosis("als", age_at_onset=55.0, years_since_onset=since)
    assert words in patient_card.patient_card_html(outlook)
