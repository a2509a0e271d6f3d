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
    from alsprog.estimation.calibration import calibrate, summarise
    from alsprog.estimation.targets import default_targets, load_targets
    from alsprog.models.registry import FAMILIES, check_family

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


# ----------------------------------------------------------------------------- phenotypes
def add_background_flag(p: argparse.ArgumentParser) -> None:
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


def _background(args: argparse.Namespace) -> str | None:
    return None if args.no_background else args.life_table


def add_phenotypes(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "phenotypes",
        help="the calibrated phenotypes and their survival",
        description="One row per phenotype: median survival (years from onset), "
        "survival at 1, 3, 5, 10 and 25 years, share of deaths from other causes.",
    )
    add_background_flag(p)
    p.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    p.set_defaults(run=run_phenotypes, show=show_phenotypes)


def run_phenotypes(args: argparse.Namespace) -> list[dict]:
    from alsprog.disease.library import phenotypes

    return phenotypes(_background(args)).to_dict(orient="records")


def show_phenotypes(rows: list[dict]) -> str:
    lines = [
        f"{'phenotype':<11} {'median y':>8} {'S(1)':>6} {'S(3)':>6} {'S(5)':>6} "
        f"{'S(10)':>6} {'S(25)':>6} {'other 10y':>9} {'other 25y':>9}"
    ]
    for r in rows:
        lines.append(
            f"{r['name']:<11} {r['median_years']:8.2f} {r['s1']:6.3f} {r['s3']:6.3f} "
            f"{r['s5']:6.3f} {r['s10']:6.3f} {r['s25']:6.3f} {r['other_cause_10']:9.1%} "
            f"{r['other_cause_25']:9.1%}"
        )
    lines.append("other Ny: share of deaths by N years from causes other than the disease")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- prognosis
def add_prognosis(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "prognosis",
        help="one patient's outlook from today",
        description="Remaining survival of a patient alive today, with a 90% "
        "band from the uncertainty of the calibration figures.",
    )
    p.add_argument(
        "--phenotype",
        default="als",
        metavar="NAME",
        help="als, als_limb, als_bulbar, als_flail, pbp, pma, pls or ppbp",
    )
    p.add_argument("--age-at-onset", type=float, required=True, metavar="YEARS")
    p.add_argument("--years-since-onset", type=float, required=True, metavar="YEARS")
    p.add_argument("--sex", choices=["male", "female"], help="default: averaged")
    p.add_argument("--alsfrs-r", type=float, metavar="SCORE", help="today's ALSFRS-R (0-48)")
    p.add_argument(
        "--delay-months", type=float, metavar="MONTHS", help="months from onset to diagnosis"
    )
    p.add_argument("--fvc", type=float, metavar="PERCENT", help="FVC, %% of predicted")
    p.add_argument("--ftd", action="store_true", help="frontotemporal dementia")
    p.add_argument(
        "--treatment",
        metavar="NAME",
        help="a treatment preset from data/phenotypes.toml (riluzole, edaravone)",
    )
    add_background_flag(p)
    p.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    p.set_defaults(run=run_prognosis, show=show_prognosis)


def run_prognosis(args: argparse.Namespace) -> dict:
    from alsprog.disease.prognosis import prognosis

    result = prognosis(
        args.phenotype,
        age_at_onset=args.age_at_onset,
        years_since_onset=args.years_since_onset,
        sex=args.sex,
        diagnosis_delay_months=args.delay_months,
        alsfrs_r=args.alsfrs_r,
        fvc_percent=args.fvc,
        ftd=args.ftd,
        treatment=args.treatment,
        background=_background(args),
    )
    return result.to_dict()


def show_prognosis(r: dict) -> str:
    q25, q75 = r["quartiles_remaining_years"]
    inputs = r["inputs"]
    alive = ", ".join(f"{k} y {v:.0%}" for k, v in r["p_alive"].items())
    return "\n".join(
        [
            f"phenotype {inputs['phenotype']}, onset at {inputs['age_at_onset']:g}, "
            f"{inputs['years_since_onset']:g} years ago; hazard ratio vs the reference patient "
            f"{inputs['hazard_ratio_vs_reference']:.2f}",
            f"median remaining survival {r['median_remaining_years']:.1f} years "
            f"(quartiles {q25:.1f} to {q75:.1f})",
            f"alive in {alive}",
            f"curve and {r['band_level']:.0%} band: use --json",
        ]
    )


# ----------------------------------------------------------------------------- main
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_calibrate,
    add_phenotypes,
    add_prognosis,
]


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
