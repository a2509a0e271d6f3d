"""The course's calibration targets file: the shipped one validates, a user's bad file gets one
line naming the problem and the fix."""

from __future__ import annotations

import re

import pytest

from alsprog.errors import InputError
from alsprog.simulation.course_targets import (
    QUANTITIES,
    default_course_targets,
    load_course_targets,
)

GOOD = """
[[target]]
name = "niv"
quantity = "niv_share"
published = 0.3
se = 0.03
source = "Someone et al., A Journal 2020"
measured = "share of incident patients taking NIV"
"""


def test_the_shipped_targets_validate_and_cover_the_brief():
    table = default_course_targets()
    assert table["name"].is_unique
    assert (table["se"] > 0).all()
    assert set(table["quantity"]) <= set(QUANTITIES)
    covered = set(table["quantity"])
    for needed in (
        "dfs_at_diagnosis_median",
        "dfs_at_diagnosis_quartile_ratio",
        "slope_ratio_second_to_first_year",
        "mci186_19_change_24_weeks",
        "kings_stage_1_duration_median",
        "kings_stage_4_standardised_median",
        "alsfrs_r_decline_24_months_mean",
        "alsfrs_r_decline_24_months_p975",
        "pma_bulbar_signs_share",
        "alsfrs_r_at_diagnosis_median",
        "niv_share",
        "gastrostomy_share",
        "tracheostomy_share",
        "survival_after_niv_median",
        "survival_after_gastrostomy_median",
        "survival_after_tracheostomy_median",
        "dfs_hazard_ratio",
        "pls_slope_per_year",
        "pma_change_18_months",
    ):
        assert needed in covered
    # every source names a year; proportions in 0-1
    assert table["source"].str.contains(r"(?:19|20)\d\d").all()
    shares = table["unit"] == "proportion"
    assert table.loc[shares, "published"].between(0, 1).all()


def test_a_users_good_file_loads(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(GOOD, encoding="utf-8")
    table = load_course_targets(path)
    assert list(table["name"]) == ["niv"] and bool(table["calibrate"].iloc[0])


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda t: t.replace("se = 0.03\n", ""), r"missing field 'se'.*add it"),
        (lambda t: t.replace("se = 0.03", "se = 0"), r"se must be > 0.*standard error"),
        (lambda t: t.replace("se = 0.03", "se = -1.0"), r"se must be > 0"),
        (lambda t: t.replace("published = 0.3", "published = 30.0"), r"proportion.*0-1.*0\.243"),
        (
            lambda t: t.replace('"niv_share"', '"niv_percent"'),
            r"unknown quantity 'niv_percent'.*use one of",
        ),
        (
            lambda t: t.replace("published = 0.3", 'published = "0.3"'),
            r"published must be a finite number",
        ),
        (lambda t: t + t, r"appears twice"),
        (
            lambda t: t.replace(
                'measured = "share of incident patients taking NIV"', 'measured = ""'
            ),
            r"measured must be non-empty",
        ),
        (lambda t: t + "colour = 1\n", r"unknown field 'colour'"),
        (lambda t: t.replace("[[target]]", "[[targets]]"), r"unknown table 'targets'"),
        (lambda t: t.replace("se = 0.03", "se = "), r"not valid TOML"),
        (lambda t: t + "calibrate = 1\n", r"calibrate must be true or false"),
    ],
)
def test_bad_input_gets_one_line(tmp_path, edit, words):
    path = tmp_path / "mine.toml"
    path.write_text(edit(GOOD), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_course_targets(path)
    message = str(err.value)
    assert "\n" not in message
    assert "mine.toml" in message
    assert re.search(words, message), message


def test_a_missing_file_and_a_wrong_suffix_get_one_line(tmp_path):
    for path in (tmp_path / "absent.toml", tmp_path / "mine.csv"):
        with pytest.raises(InputError) as err:
            load_course_targets(path)
        assert "\n" not in str(err.value)
