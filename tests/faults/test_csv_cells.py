"""Text a spreadsheet would run as a formula is written with a leading quote (OWASP)."""

from __future__ import annotations

import io

import pandas as pd

from alsprog.files import spreadsheet_safe
from alsprog.report.page import csv_bytes
from alsprog.simulation.stream import write_cohort

ATTACK = "=cmd|'/C calc'!A0"


def test_formula_cells_get_a_leading_quote_and_numbers_do_not():
    frame = pd.DataFrame(
        {
            "source": [ATTACK, "+1", "-x", "@SUM(A1)", "\tTab", "\rCR", "Smith 2019", "a=b"],
            "value": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
        }
    )
    assert spreadsheet_safe(frame)["source"].tolist() == [
        "'" + ATTACK, "'+1", "'-x", "'@SUM(A1)", "'\tTab", "'\rCR", "Smith 2019", "a=b",
    ]  # fmt: skip
    without_cr = frame[frame["source"] != "\rCR"]  # (a bare CR would split the line on reading)
    read = pd.read_csv(io.BytesIO(csv_bytes(without_cr)), keep_default_na=False)
    assert read["source"].tolist()[0] == "'" + ATTACK
    assert read["value"].tolist() == without_cr["value"].tolist()


def test_categories_and_clean_frames():
    frame = pd.DataFrame({"kind": pd.Categorical(["=A", "b"]), "n": [1, 2]})
    assert spreadsheet_safe(frame)["kind"].tolist() == ["'=A", "b"]
    assert frame["kind"].tolist() == ["=A", "b"]  # the caller's frame is not changed
    clean = pd.DataFrame({"kind": ["a", "b"]})
    assert spreadsheet_safe(clean) is clean


def test_simulated_csv_text_cells_stay_plain(tmp_path):
    out = tmp_path / "p.csv"
    write_cohort(out, 50, 1)
    text = out.read_text()
    assert "'" not in text  # names such as 'als' and 'disease' need no quoting
