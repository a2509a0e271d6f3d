"""The shipped utilities and costs, and the checks on a user's own table."""

from __future__ import annotations

import pytest

from alsprog.data import table
from alsprog.errors import InputError
from alsprog.outcomes.economic_inputs import (
    default_economic_inputs,
    economic_inputs,
    instrument_floors,
    load_economic_inputs,
)

KINGS = {"1": 0.8, "2": 0.7, "3": 0.6, "4": 0.5}


def test_every_shipped_row_has_a_source_or_an_assumption():
    data = table("health_economics.toml")
    for kind in ("utility", "stage_cost", "event_cost"):
        for row in data[kind]:
            assert row.get("source") or row.get("assumption", "").startswith("Assumption"), row
            if "interval" in row:
                low, high = row["interval"]
                assert low <= row["value"] <= high, row


def test_sourced_figures_are_the_published_ones():
    # Moore, Young and Hughes, Value in Health 2019 (abstract): King's 1 0.76, King's 4 0.50,
    # MiToS 0 0.71, MiToS 2 0.25; costs GBP 1,096 and 3,311 (King's 1, 4) read as 3-month costs
    kings, mitos = default_economic_inputs("kings"), default_economic_inputs("mitos")
    assert (kings.utilities["1"], kings.utilities["4"]) == (0.76, 0.50)
    assert (mitos.utilities["0"], mitos.utilities["2"]) == (0.71, 0.25)
    assert (kings.stage_costs["1"], kings.stage_costs["4"]) == (4 * 1096.0, 4 * 3311.0)
    assert "utility 2" in kings.assumptions and "utility 1" not in kings.assumptions


def test_interpolated_assumptions_follow_their_stated_arithmetic():
    k = default_economic_inputs("kings")
    step = (k.stage_costs["4"] - k.stage_costs["1"]) / 3
    assert k.stage_costs["2"] == pytest.approx(k.stage_costs["1"] + step, abs=1)
    assert k.stage_costs["3"] == pytest.approx(k.stage_costs["1"] + 2 * step, abs=1)
    ustep = (k.utilities["4"] - k.utilities["1"]) / 3
    assert k.utilities["2"] == pytest.approx(k.utilities["1"] + ustep, abs=0.005)


def test_a_users_table_replaces_the_library_and_its_assumptions():
    mine = economic_inputs("kings", utilities=KINGS, costs={1: 10, 2: 20, 3: 30, 4: 40})
    assert mine.utilities == KINGS and mine.event_costs["niv"] == 0.0
    assert mine.assumptions == ()
    assert instrument_floors()["EQ-5D-3L"] == -0.594


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"utilities": {**KINGS, "4": 1.2}}, "utility for stage 4 is 1.2, above 1"),
        ({"utilities": {**KINGS, "4": -0.4}}, "below the EQ-5D-5L floor -0.285"),
        (
            {"utilities": {**KINGS, "4": -0.4}, "instrument": "EQ-5D-9L"},
            "instrument 'EQ-5D-9L' is unknown",
        ),
        ({"utilities": {"1": 0.8, "2": 0.7, "3": 0.6}}, "utilities: stage 4 is missing"),
        ({"utilities": {**KINGS, "5": 0.1}}, "utilities: 5 is not a stage"),
        ({"costs": {"1": 1, "2": 2, "3": -3, "4": 4}}, "cost per year for 3 is -3, negative"),
        ({"costs": {"1": 1, "2": 2, "3": 3, "4": 4, "niv": -1}}, "one-off cost for niv is -1"),
        ({"costs": {"1": 1, "2": 2, "3": 3, "4": "x"}}, "costs for 4 must be a number"),
    ],
)
def test_bad_tables_get_one_line(kwargs, message):
    with pytest.raises(InputError, match=message) as err:
        economic_inputs("kings", **kwargs)
    assert "\n" not in str(err.value)


def test_a_users_toml_file(tmp_path):
    good = tmp_path / "mine.toml"
    rows = "\n".join(
        f'[[utility]]\nstaging = "kings"\nstage = "{s}"\nvalue = {u}\ninstrument = "EQ-5D-3L"\n'
        f'[[stage_cost]]\nstaging = "kings"\nstage = "{s}"\nvalue_per_year = {100 * int(s)}\n'
        for s, u in KINGS.items()
    )
    good.write_text(rows + '[[event_cost]]\nevent = "niv"\nvalue = 50.0\n')
    mine = load_economic_inputs(good, "kings")
    assert mine.instrument == "EQ-5D-3L" and mine.stage_costs["3"] == 300
    assert mine.event_costs["niv"] == 50.0
    bad = tmp_path / "bad.toml"
    bad.write_text(rows.replace("value = 0.5", "value = -0.7"))
    with pytest.raises(InputError, match=r"below the EQ-5D-3L floor -0\.594"):
        load_economic_inputs(bad, "kings")
    with pytest.raises(InputError, match="not valid TOML"):
        bad.write_text("[[utility]\n")
        load_economic_inputs(bad, "kings")
    with pytest.raises(InputError, match="cannot be read"):
        load_economic_inputs(tmp_path / "absent.toml")
