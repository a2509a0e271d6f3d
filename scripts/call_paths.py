"""How far a reader must follow three public calls: modules and functions that actually ran.

    python scripts/call_paths.py

For each path (``alsprog.calibrate()``, ``alsprog.simulate_cohort(10_000, seed=1,
entry="diagnosis")`` and ``alsprog.power`` of the README's design on the log-rank test) the call
is made once to fill the caches (phenotype library, trial context), then again under
``sys.setprofile`` (after dropping the draws a cohort keeps for a repeat of its seed), keeping
only functions whose code lies in the alsprog package. Reported:
modules (files) with a function that ran, distinct functions that ran (every code object:
comprehensions, generator expressions and lambdas too, as Python 3.11 runs them as functions),
the named ones among them (``def``s a reader follows), and crossings between
``trials`` and ``simulation``: distinct caller -> callee pairs whose two functions lie one in
``alsprog/trials`` and the other in ``alsprog/simulation`` (either way), and how often the call
sequence (each function at its first call) switches between those two folders.
``--detail`` lists, per path, each module with the functions of it that ran; ``--map`` prints
the folder map instead: a tree of ``alsprog/`` in the flow's order, one line per module (its
lines and the first line of its docstring).
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import sys
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import alsprog

ROOT = Path(alsprog.__file__).resolve().parent


def _where(code) -> str | None:
    path = Path(code.co_filename).resolve()
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return None


def _folder(module: str) -> str:
    parts = module.split("/")
    return parts[0] if len(parts) > 1 else ""


ANONYMOUS = ("<listcomp>", "<genexpr>", "<dictcomp>", "<setcomp>", "<lambda>")


def _named(qualname: str) -> bool:
    return not any(part in ANONYMOUS for part in qualname.split("."))


def trace(call: Callable[[], object], detail: bool = False) -> dict[str, int]:
    functions: dict[tuple[str, str], None] = {}
    edges: set[tuple[tuple[str, str], tuple[str, str]]] = set()

    def profile(frame, event, arg) -> None:
        if event != "call":
            return
        where = _where(frame.f_code)
        if where is None:
            return
        key = (where, frame.f_code.co_qualname)
        functions.setdefault(key)
        caller = frame.f_back
        while caller is not None and _where(caller.f_code) is None:
            caller = caller.f_back
        if caller is not None:
            edges.add(((_where(caller.f_code), caller.f_code.co_qualname), key))

    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
    pair = {"trials", "simulation"}
    crossing = sum(
        1 for a, b in edges if {_folder(a[0]), _folder(b[0])} == pair and _folder(a[0]) in pair
    )
    sequence = [_folder(m) for m, _ in functions if _folder(m) in pair]
    switches = sum(1 for a, b in pairwise(sequence) if a != b)
    if detail:
        by_module: dict[str, list[str]] = {}
        for module, name in functions:
            by_module.setdefault(module, []).append(name)
        for module, names in by_module.items():
            print(f"    {module} ({len(names)}): {', '.join(names)}")
    return {
        "modules": len({m for m, _ in functions}),
        "functions": len(functions),
        "named functions": sum(1 for _, name in functions if _named(name)),
        "trials<->simulation call pairs": crossing,
        "trials<->simulation switches": switches,
    }


def paths() -> dict[str, Callable[[], object]]:
    from alsprog.interventions import riluzole

    design = alsprog.TrialDesign(
        300,
        effect=riluzole(),
        followup_years=1.5,
        visit_interval_weeks=4,
        eligibility=alsprog.Eligibility(max_disease_duration_years=2, min_item_score=2),
    )
    return {
        "alsprog.calibrate()": lambda: alsprog.calibrate(),
        "alsprog.simulate_cohort(10_000, seed=1, entry='diagnosis')": lambda: (
            alsprog.simulate_cohort(10_000, seed=1, entry="diagnosis")
        ),
        "alsprog.power(design, 20, seed=1, endpoints='logrank')": lambda: alsprog.power(
            design, 20, seed=1, endpoints="logrank"
        ),
    }


def _flow() -> tuple[str, ...]:
    """The folders in the flow's order, as the layout test holds them (one list, kept there)."""
    path = ROOT.parent / "tests" / "test_layout.py"
    spec = importlib.util.spec_from_file_location("test_layout", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return ("", *module.FLOW)


def folder_map() -> list[str]:
    """``alsprog/`` folder by folder (the top level first, then the flow), one line a module:
    its name, lines and the first line of its docstring."""
    flow = _flow()

    def order(path: Path) -> tuple:
        parts = path.relative_to(ROOT).parts
        top = parts[0] if len(parts) > 1 else ""
        return (flow.index(top) if top in flow else len(flow), parts[:-1], parts[-1])

    lines, current = [], None
    for path in sorted(ROOT.rglob("*.py"), key=order):
        folder = path.parent.relative_to(ROOT).as_posix()
        if folder != current:
            lines.append("alsprog/" if folder == "." else f"alsprog/{folder}/")
            current = folder
        text = path.read_text(encoding="utf-8")
        doc = (ast.get_docstring(ast.parse(text)) or "").split("\n")[0]
        indent = "  " * (1 if folder == "." else folder.count("/") + 1)
        lines.append(f"{indent}{path.name:<26} {len(text.splitlines()):>4}  {doc[:80]}")
    return lines


def forget_seed_caches() -> None:
    """Drop what a cohort keeps for the next one with the same seed (a block's random draws
    and the death times found from them), so the path traced is a first call with that seed."""
    from alsprog.simulation import patients

    patients._MEMO.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detail", action="store_true", help="list the functions that ran")
    parser.add_argument("--map", action="store_true", help="print the folder map and stop")
    args = parser.parse_args()
    if args.map:
        print("\n".join(folder_map()))
        return
    for name, call in paths().items():
        call()  # fill the caches first: the path measured is the one a warm call takes
        forget_seed_caches()  # ... but not a repeat with the same seed (its draws are kept)
        if args.detail:
            print(f"{name}:")
        counts = trace(call, args.detail)
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
