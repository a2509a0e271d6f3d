"""``alsprog effect``: one intervention's effect on every scale (the translation table)."""

from __future__ import annotations

import argparse
import math

from alsprog.cli.common import add_effect_flags


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "effect",
        help="an intervention's effect on every scale",
        description="Translate an effect (a preset, a hazard ratio, a time ratio or an ALSFRS-R "
        "slope reduction) onto every scale: hazard ratio, time ratio, median, mean and RMST "
        "gains (months), survival differences, and from cohort simulation the ALSFRS-R "
        "difference and months before each King's stage. Times from symptom onset.",
    )
    add_effect_flags(p, "on the disease clock")
    p.add_argument(
        "--start-years",
        type=float,
        default=0.0,
        metavar="YEARS",
        help="hazard ratio or slope reduction: start, years after onset (or diagnosis)",
    )
    p.add_argument(
        "--duration-years",
        type=float,
        default=math.inf,
        metavar="YEARS",
        help="hazard ratio or slope reduction: how long it lasts (default: for life)",
    )
    p.add_argument(
        "--from-diagnosis",
        action="store_true",
        help="hazard ratio: count the start from each patient's diagnosis",
    )
    p.add_argument("--baseline", default="als", metavar="PHENOTYPE", help="default: als")
    p.add_argument("--draws", type=int, default=0, metavar="K", help="draws for 90%% intervals")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="default: 0")
    p.add_argument("--json", action="store_true", help="the table's rows as a JSON list")
    p.set_defaults(run=run, show=show)


def effect_of(args: argparse.Namespace):
    from alsprog.effects import HazardRatio, SlopeReduction, TimeRatio, preset

    if args.intervention is not None:
        return preset(args.intervention)
    if args.hazard_ratio is not None:
        return HazardRatio(
            args.hazard_ratio, args.start_years, args.duration_years, args.from_diagnosis
        )
    if args.time_ratio is not None:
        return TimeRatio(args.time_ratio)
    return SlopeReduction(
        args.slope_reduction, duration_years=args.duration_years, start_years=args.start_years
    )


def run(args: argparse.Namespace) -> list[dict]:
    from alsprog.outcomes.translate import translate

    table = translate(effect_of(args), args.baseline, draws=args.draws, seed=args.seed)
    rows = table.to_dict(orient="records")
    run.notes = table.attrs.get("notes", [])
    return rows


def show(rows: list[dict]) -> str:
    lines = [f"{'measure':<36} {'horizon y':>9} {'value':>10} {'lower':>10} {'upper':>10}  unit"]
    for r in rows:
        horizon = "" if _missing(r["horizon_years"]) else f"{r['horizon_years']:.3g}"
        cells = [_number(r[k]) for k in ("value", "lower", "upper")]
        lines.append(
            f"{r['measure']:<36} {horizon:>9} {cells[0]:>10} {cells[1]:>10} {cells[2]:>10}  "
            f"{r['unit']}"
        )
    lines += [f"note: {n}" for n in getattr(run, "notes", [])]
    return "\n".join(lines)


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number(value: float | None) -> str:
    return "" if _missing(value) else f"{value:.4g}"
