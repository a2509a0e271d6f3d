"""The folder tree is the flow: a module imports only from its own folder and the folders before it.

Order (STYLE.md section 1): population -> models -> interventions -> effects (its public name)
-> estimation -> disease -> simulation -> trials -> outcomes -> plots -> report -> cli. ``alsprog.errors`` and ``alsprog/data`` are the
ground floor, open to all. Every import counts, including those inside functions (a lazy
import that goes upward is still an upward dependency). Module-level imports must also form no
circle, so any module can be imported first.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "alsprog"
FLOW = (
    "population",
    "models",
    "interventions",
    "effects",
    "estimation",
    "disease",
    "simulation",
    "trials",
    "outcomes",
    "plots",
    "report",
    "cli",
)
GROUND = {"errors", "data", "files", "interrupts", "resources", "threads"}
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _stage(module: str) -> str | None:
    """The folder (or top-level module) a dotted name belongs to; None for the package root."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _rank(stage: str) -> int:
    return -1 if stage in GROUND else FLOW.index(stage)


def _imports(path: Path, *, top_level_only: bool) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = []
    for node in nodes:
        if isinstance(node, ast.If) and top_level_only:
            continue  # `if TYPE_CHECKING:` blocks do not run at import time
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, node.module)]
            # `from alsprog import plots` names a folder, not an attribute
            if node.module == "alsprog":
                found += [(node.lineno, f"alsprog.{a.name}") for a in node.names]
    return [(line, name) for line, name in found if name.split(".")[0] == "alsprog"]


def test_every_stage_is_known():
    stages = {_stage(m) for m in MODULES} - {None}
    assert stages <= set(FLOW) | GROUND, f"folders not in the flow: {stages - set(FLOW) - GROUND}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_goes_up_the_flow(module):
    own = _stage(module)
    if own is None:  # alsprog/__init__.py: the public API may name anything, lazily
        return
    upward = []
    for line, target in _imports(MODULES[module], top_level_only=False):
        if target == "alsprog":  # only `from alsprog import __version__`
            continue
        stage = _stage(target)
        if stage == "__version__":
            continue
        if _rank(stage) > _rank(own):
            upward.append(f"line {line}: {target}")
    assert not upward, f"{module} ({own}) imports from later stages: {upward}"


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if m.startswith("alsprog.trials.analysis"))
)
def test_trial_analysis_imports_no_simulation(module):
    # A user analysing real trial data reads only trials/analysis: it may use the ground floor
    # and itself, nothing that simulates (alsprog.simulation, trials/simulation, the API).
    found = [
        f"line {line}: {target}"
        for line, target in _imports(MODULES[module], top_level_only=False)
        if not (target.startswith("alsprog.trials.analysis") or _stage(target) in GROUND)
    ]
    assert not found, f"{module} imports beyond the analysis half: {found}"


def test_module_level_imports_form_no_circle():
    graph = {
        module: {
            target
            for _, target in _imports(path, top_level_only=True)
            if target in MODULES and target != module
        }
        for module, path in MODULES.items()
    }
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt]
                pytest.fail(f"import circle: {' -> '.join(cycle)}")
            if nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_the_checks_catch_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from alsprog.report import write_report\n")
    targets = [t for _, t in _imports(bad, top_level_only=False)]
    assert targets == ["alsprog.report"]
    assert _rank(_stage(targets[0])) > _rank("models")


FIRST_IMPORT = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "alsprog" or m.startswith("alsprog.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as err:
        failed.append(f"{name}: {type(err).__name__}: {err}")
print("\\n".join(failed))
"""


def test_every_module_imports_first():
    # A circle shows as an ImportError for whichever of its modules is imported first.
    names = sorted(m for m in MODULES if m != "alsprog" and not m.endswith("__main__"))
    run = subprocess.run(
        [sys.executable, "-c", FIRST_IMPORT, *names], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == ""


def test_modules_stay_short_and_folders_say_what_they_hold():
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"
    for folder in {p.parent for p in MODULES.values()} - {PACKAGE}:
        init = folder / "__init__.py"
        assert init.exists() and ast.get_docstring(ast.parse(init.read_text())), folder


@pytest.mark.parametrize(
    "name",
    [
        "fit",
        "kaplan_meier",
        "calibrate",
        "compare_families",
        "load_targets",
        "default_targets",
        "Targets",
        "phenotype",
        "phenotypes",
        "prognosis",
        "background_survival",
        "life_table",
        "models",
    ],
)
def test_public_names_resolve(name):
    alsprog = importlib.import_module("alsprog")
    assert getattr(alsprog, name) is not None
    assert callable(getattr(alsprog, name)) or name == "models"
