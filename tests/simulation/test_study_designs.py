"""The course targets' study designs (``data/course_measures.toml``): every figure has a source
or an assumption, the measurements read the file's figures (a figure changed in a copy moves the
measure), and bad content gets one line naming the problem."""

from __future__ import annotations

import dataclasses
import re
import tomllib

import numpy as np
import pytest

from alsprog import data
from alsprog.errors import InputError
from alsprog.report.bibliography import cited_keys, references
from alsprog.simulation import course_decline, study_designs, trial_selection
from alsprog.simulation.course_moments import simulated_moments, stand_in_draws
from alsprog.simulation.progression_settings import ProgressionSettings
from alsprog.simulation.study_designs import StudyDesigns, designs, designs_from_text

TEXT = data.read_text(study_designs.FILE)


def _edited(table: str, figure: str, value: str, text: str = TEXT) -> str:
    """``text`` (the shipped file) with ``figure = ...`` of ``[table]`` set to ``value``."""
    head, rest = text.split(f"[{table}]\n", 1)
    body, sep, tail = rest.partition("\n[")
    body, count = re.subn(rf"(?m)^{figure} = .*$", f"{figure} = {value}", body)
    assert count == 1
    return f"{head}[{table}]\n{body}{sep}{tail}"


def _use(monkeypatch: pytest.MonkeyPatch, text: str) -> StudyDesigns:
    found = designs_from_text(text, "a copy")
    monkeypatch.setattr(study_designs, "designs", lambda: found)
    return found


def test_the_file_parses_into_every_study():
    found = designs()
    raw = tomllib.loads(TEXT)
    assert set(raw) == {f.name for f in dataclasses.fields(StudyDesigns)}
    for study in dataclasses.fields(StudyDesigns):
        design = getattr(found, study.name)
        for figure in dataclasses.fields(design):
            value = raw[study.name][figure.name]
            assert getattr(design, figure.name) == (
                tuple(value) if isinstance(value, list) else value
            )


def test_every_figure_has_a_source_or_an_assumption():
    known = set(references())
    for study, table in tomllib.loads(TEXT).items():
        for figure in (key for key in table if not key.endswith("_source")):
            source = table.get(f"{figure}_source", "")
            assert source, f"[{study}] {figure} has no source"
            keys = cited_keys(source)
            assert source.startswith("Assumption: ") or keys, f"[{study}] {figure}: {source}"
            assert set(keys) <= known, f"[{study}] {figure} cites an unknown key"


def test_a_figure_without_its_source_is_refused():
    text = re.sub(r"(?m)^study_size_source = .*\n", "", TEXT)
    with pytest.raises(InputError, match="study_size has no study_size_source"):
        designs_from_text(text, "a copy")


def test_the_measures_read_the_files_figures(monkeypatch):
    draws = stand_in_draws(1200, 5)
    settings = ProgressionSettings.default()
    before = simulated_moments(settings, draws)
    # Elamin's study size sets how many patients each simulated Cox study holds
    _use(monkeypatch, _edited("elamin2015", "study_size", "300"))
    after = simulated_moments(settings, draws)
    assert after["dfs_hazard_ratio"] != before["dfs_hazard_ratio"]
    assert after["pls_slope_per_year"] == before["pls_slope_per_year"]


def test_the_pls_and_pma_windows_come_from_the_file(monkeypatch):
    draws = stand_in_draws(1200, 5)
    settings = ProgressionSettings.default()
    before = simulated_moments(settings, draws)
    # Lester's window and Visser's follow-up set the PLS and PMA declines
    text = _edited("lester2025", "follow_up_years", "2.0")
    _use(monkeypatch, _edited("visser2007", "follow_up_years", "1.0", text))
    after = simulated_moments(settings, draws)
    assert after["pls_slope_per_year"] != before["pls_slope_per_year"]
    # a shorter PMA follow-up loses fewer points
    assert after["pma_change_18_months"] < before["pma_change_18_months"]


def test_the_trial_and_population_figures_come_from_the_file(monkeypatch):
    age = np.array([19.0, 30.0, 74.0, 76.0])
    zeros = np.zeros(4)
    assert trial_selection.trial_candidates(
        age, zeros, zeros + 1, zeros + 1, zeros + 9
    ).tolist() == [
        False,
        True,
        True,
        False,
    ]
    _use(monkeypatch, _edited("mci186_19", "ages_years", "[18.0, 80.0]"))
    assert trial_selection.trial_candidates(age, zeros, zeros + 1, zeros + 1, zeros + 9).all()
    _use(monkeypatch, _edited("vaneijk2025", "follow_up_months", "12.0"))
    _, months = course_decline.population_visits(np.array([1.0]))
    assert months.tolist() == [0, 3, 6, 9, 12]


def test_the_edaravone_check_reads_the_endpoint(monkeypatch):
    from alsprog.effects import edaravone
    from alsprog.outcomes.course_measures import selected_trial_population

    before = selected_trial_population(edaravone(), 60, 3)
    _use(monkeypatch, _edited("mci186_19", "endpoint_weeks", "36.0"))
    after = selected_trial_population(edaravone(), 60, 3)
    # the same screening and baseline visits, a longer endpoint: more points lost
    assert after["control_change"].mean() < before["control_change"].mean()


BAD = [
    ("not toml", "mci186_19 = [", "not valid TOML"),
    ("missing table", TEXT.replace("[elamin2015]", "[elamin]"), "missing table [elamin2015]"),
    ("unknown figure", TEXT + "\n[balendra2022.x]\n", "unknown figures"),
    ("missing figure", re.sub(r"(?m)^min_visits = .*\n", "", TEXT), "missing figure 'min_visits'"),
    ("text", _edited("elamin2015", "study_size", '"117"'), "expected a whole number"),
    ("fraction", _edited("elamin2015", "study_size", "117.5"), "expected a whole number"),
    ("negative", _edited("visser2007", "onset_years_max", "-4.0"), "positive finite"),
    ("nan", _edited("lester2025", "follow_up_years", "nan"), "positive finite"),
    ("reversed", _edited("mci186_19", "ages_years", "[75.0, 20.0]"), "not below"),
    ("one end", _edited("mci186_19", "ages_years", "[20.0]"), "a list of two numbers"),
    ("endpoint", _edited("mci186_19", "endpoint_weeks", "30.0"), "not a whole number"),
    ("item", _edited("mci186_19", "min_item_score", "5"), "at most 4"),
    ("visits", _edited("vaneijk2025", "min_visits", "2"), "at least 3"),
]


@pytest.mark.parametrize(("case", "text", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_content_gets_one_line(case, text, message):
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        designs_from_text(text, "my_measures.toml")
    assert "\n" not in str(caught.value) and "my_measures.toml" in str(caught.value)
