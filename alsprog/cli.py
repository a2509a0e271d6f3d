"""The ``alsprog`` command line: one entry point, a subcommand per task.

Start-up stays light: numpy, pandas, scipy and lifelines load inside the subcommand that needs
them. Errors print one line on stderr and exit with status 2; results go to stdout as a table,
or as JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alsprog import __version__
from alsprog.errors import AlsprogError


class ArgumentParser(argparse.ArgumentParser):
    """argparse with errors as one line and exit status 2, no usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: error: {message}; see '{self.prog} --help'", file=sys.stderr)
        raise SystemExit(2)


def _clean(value: Any) -> Any:
    """JSON-safe: inf and NaN become None, numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# ----------------------------------------------------------------------------- calibrate
def add_calibrate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "calibrate",
        help="fit survival families to landmark survival figures",
        description="Calibrate a family (or all) to landmark figures S(t). "
        "Default targets: the reference document's ALS landmarks from onset.",
    )
    p.add_argument(
        "--targets",
        type=Path,
        metavar="FILE",
        help="TOML or CSV with columns time (years), survival (0-1), optional "
        "kind (equal/upper/lower) and source",
    )
    p.add_argument(
        "--family",
        default="mixture",
        metavar="NAME",
        help="a family name, or 'all' (default: mixture)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    p.set_defaults(run=run_calibrate, show=show_calibrate)


def run_calibrate(args: argparse.Namespace) -> list[dict]:
    from alsprog.calibration import calibrate, summarise
    from alsprog.models.registry import FAMILIES, check_family
    from alsprog.targets import default_targets, load_targets

    targets = default_targets() if args.targets is None else load_targets(args.targets)
    families = FAMILIES if args.family == "all" else (check_family(args.family),)
    results = [summarise(calibrate(targets, f)) for f in families]
    return sorted(results, key=lambda r: r["aic"])


def show_calibrate(results: list[dict]) -> str:
    lines = []
    for r in results:
        mean = "inf" if r["mean_years"] is None else f"{r['mean_years']:.2f}"
        lines.append(
            f"{r['family']}: max |error| {r['max_abs_error']:.4f}, median "
            f"{r['median_years']:.2f} y, mean {mean} y, S(30) {r['s30']:.4f}, "
            f"AIC {r['aic']:.1f}"
        )
        for lm in r["landmarks"]:
            sign = {"equal": "=", "upper": "<=", "lower": ">="}[lm["kind"]]
            lines.append(
                f"    S({lm['t']:g}) {sign} {lm['target']:.3f}   fitted {lm['fitted']:.4f}"
            )
    return "\n".join(lines)


# ----------------------------------------------------------------------------- main
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [add_calibrate]


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="alsprog",
        description="Calibrated survival models of ALS and the other motor "
        "neuron diseases. Times are in years from symptom onset.",
    )
    parser.add_argument("--version", action="version", version=f"alsprog {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=ArgumentParser)
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        result = args.run(args)
    except AlsprogError as err:
        print(f"alsprog: error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(_clean(result), indent=2))
    else:
        print(args.show(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
