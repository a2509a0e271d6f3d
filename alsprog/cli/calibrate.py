"""``alsprog calibrate``: fit families to landmark survival figures."""

from __future__ import annotations

import argparse
from pathlib import Path


def add(sub: argparse._SubParsersAction) -> None:
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
    p.set_defaults(run=run, show=show)


def run(args: argparse.Namespace) -> list[dict]:
    from alsprog.estimation.calibration import calibrate, summarise
    from alsprog.estimation.targets import default_targets, load_targets
    from alsprog.models.registry import FAMILIES, check_family

    targets = default_targets() if args.targets is None else load_targets(args.targets)
    families = FAMILIES if args.family == "all" else (check_family(args.family),)
    results = [summarise(calibrate(targets, f)) for f in families]
    return sorted(results, key=lambda r: r["aic"])


def show(results: list[dict]) -> str:
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
