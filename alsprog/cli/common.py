"""What every subcommand shares: the one-line-error parser, JSON cleaning, the background flags."""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any


class ArgumentParser(argparse.ArgumentParser):
    """argparse with errors as one line and exit status 2, no usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: error: {message}; see '{self.prog} --help'", file=sys.stderr)
        raise SystemExit(2)


def json_safe(value: Any) -> Any:
    """JSON-safe: inf and NaN become None, numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def add_background_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--life-table",
        default="us_ssa_2007",
        metavar="NAME|CSV",
        help="life table for ordinary mortality (default us_ssa_2007; a CSV with "
        "columns age, sex, qx works too)",
    )
    p.add_argument(
        "--no-background",
        action="store_true",
        help="leave ordinary mortality out (the disease alone)",
    )


def background_argument(args: argparse.Namespace) -> str | None:
    return None if args.no_background else args.life_table


def add_effect_flags(p: argparse.ArgumentParser, time_ratio_help: str) -> None:
    """The one required choice of effect: a preset, a hazard ratio, a time ratio or a slope
    reduction (``cli.effect.effect_of`` turns it into an effect object)."""
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--intervention", metavar="NAME", help="a preset: riluzole or edaravone")
    which.add_argument("--hazard-ratio", type=float, metavar="X", help="on the disease hazard")
    which.add_argument("--time-ratio", type=float, metavar="X", help=time_ratio_help)
    which.add_argument(
        "--slope-reduction", type=float, metavar="X", help="fraction of ALSFRS-R decline, 0-1"
    )
