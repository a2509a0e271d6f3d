"""The teaching notebooks as committed: outputs stripped, the lesson's form, linked from the README.

Running them is separate: `make test` passes ``--nbmake notebooks``, so every notebook is executed
top to bottom (answers included) with the project's kernel, and a change that breaks one fails CI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    for index, cell in enumerate(_cells(path)):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} cell {index} holds outputs; strip them"
            assert cell.get("execution_count") is None, f"{path.name} cell {index} was executed"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_opens_with_what_you_learn_and_ends_with_exercises_and_answers(path):
    cells = _cells(path)
    assert cells[0]["cell_type"] == "markdown" and "What you will learn" in _text(cells[0])
    exercises = [c for c in cells if c["cell_type"] == "markdown" and "## Exercises" in _text(c)]
    assert len(exercises) == 1, "one Exercises section"
    numbered = [
        line for line in _text(exercises[0]).splitlines() if line[:2] in {"1.", "2.", "3.", "4."}
    ]
    answers = [c for c in cells if "answer" in c.get("metadata", {}).get("tags", [])]
    assert 2 <= len(numbered) <= 4 and len(answers) == len(numbered)
    assert all(c["metadata"]["jupyter"]["source_hidden"] for c in answers)  # collapsed


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_uses_the_public_api_only(path):
    code = "\n".join(_text(c) for c in _cells(path) if c["cell_type"] == "code")
    private = [line for line in code.splitlines() if "alsprog." in line and "._" in line]
    assert private == [], f"{path.name} reaches private names: {private}"


def test_readme_links_every_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f"(notebooks/{path.name})" in readme, f"README does not link {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stated_conclusions_are_checked_against_the_computed_values(path):
    """Every notebook checks what its text says in code (`assert` against the values it has
    just computed, with their Monte Carlo error where they are simulated), so a change that makes
    the prose wrong fails when `make test` runs the notebook (nbmake)."""
    code = [_text(c) for c in _cells(path) if c["cell_type"] == "code"]
    checks = [c for c in code if "\nassert " in f"\n{c}" or c.lstrip().startswith("assert ")]
    assert checks, f"{path.name}: no cell checks the text's conclusions"


def test_notebook_7_states_power_with_enough_trials_and_its_null():
    code = "\n".join(
        _text(c) for c in _cells(ROOT / "notebooks" / "07_interventions_and_trials.ipynb")
    )
    assert "TRIALS = 1000" in code and "HazardRatio(1.0)" in code
