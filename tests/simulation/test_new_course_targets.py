"""The course's calibration targets file: the shipped one validates, its comparisons (other
registers' figures) are read apart from its targets, a user's bad file gets one line naming the
problem and the fix."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from alsprog.errors import InputError
from alsprog.simulation.course_targets import (
    QUANTITIES,
    check_course_targets,
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


COMPARISON = """
[[comparison]]
name = "niv_elsewhere"
quantity = "niv_share"
published = 0.2
se = 0.01
source = "Another et al., A Journal 2021 (another register)"
measured = "share of incident patients taking NIV"
"""


def test_a_comparison_loads_after_the_targets_and_is_never_fitted(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(COMPARISON + GOOD, encoding="utf-8")  # written first, listed last
    table = load_course_targets(path)
    assert list(table["name"]) == ["niv", "niv_elsewhere"]
    assert list(table["kind"]) == ["target", "comparison"]
    assert list(table["calibrate"]) == [True, False]
    # the loader's table goes through the table check unchanged (a comparison keeps its kind)
    pd.testing.assert_frame_equal(check_course_targets(table), table)
    # turned into a target in the table, it is fitted
    turned = check_course_targets(table.assign(kind="target", calibrate=True))
    assert list(turned["calibrate"]) == [True, True]


def test_the_shipped_comparisons_are_the_other_registers():
    table = default_course_targets()
    others = table[table["kind"] == "comparison"]
    assert set(others["name"]) == {
        "niv_share_piemonte",
        "survival_after_niv_piemonte",
        "tracheostomy_share_piemonte",
        "niv_share_berlin",
    }
    assert not others["calibrate"].any()
    assert set(table["kind"]) == {"target", "comparison"}
    # the comparisons come last, after every target, in the file's order
    assert list(table["kind"]) == sorted(table["kind"], key=lambda kind: kind == "comparison")


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda t: t + "calibrate = true\n", r"comparison 1\b.*never fitted.*drop calibrate"),
        (lambda t: t + "calibrate = false\n", r"comparison 1\b.*never fitted.*drop calibrate"),
        (lambda t: t.replace("se = 0.01\n", ""), r"comparison 1\b.*missing field 'se'"),
        (lambda t: t.replace("se = 0.01", "se = 0.0"), r"comparison 1\b.*se must be > 0"),
        (lambda t: t.replace("published = 0.2", "published = 20.0"), r"proportion.*0-1"),
        (lambda t: t.replace('"niv_share"', '"niv_pct"'), r"unknown quantity 'niv_pct'"),
        (lambda t: t.replace('"niv_elsewhere"', '"niv"'), r"name 'niv' appears twice"),
        (lambda t: t.replace("[[comparison]]", "[comparison]"), r"\[\[comparison\]\] tables"),
        (lambda t: t.replace("[[comparison]]", "[[comparisons]]"), r"unknown table 'comparisons'"),
    ],
)
def test_a_bad_comparison_gets_one_line(tmp_path, edit, words):
    path = tmp_path / "mine.toml"
    path.write_text(GOOD + edit(COMPARISON), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_course_targets(path)
    message = str(err.value)
    assert "\n" not in message and "mine.toml" in message
    assert re.search(words, message), message


def test_comparisons_alone_are_not_a_targets_file(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(COMPARISON, encoding="utf-8")
    with pytest.raises(InputError, match=r"no \[\[target\]\] tables; add at least one"):
        load_course_targets(path)


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda t: t.assign(kind=["target", "register"]), r"row 2: kind must be 'target' or"),
        (lambda t: t.assign(calibrate=True), r"row 2 .*comparison is never fitted"),
    ],
)
def test_a_bad_comparison_row_gets_one_line(tmp_path, edit, words):
    path = tmp_path / "mine.toml"
    path.write_text(GOOD + COMPARISON, encoding="utf-8")
    with pytest.raises(InputError, match=words) as err:
        check_course_targets(edit(load_course_targets(path)))
    assert "\n" not in str(err.value)


def test_the_shipped_fingerprint_sees_a_comparison_turned_into_a_target():
    """The shipped fit's table shows each row's kind, so its stamp covers it."""
    from alsprog.simulation.course_shipped import fingerprint

    table = default_course_targets()
    turned = table.assign(kind="target")
    assert fingerprint(targets=turned) != fingerprint(targets=table)
