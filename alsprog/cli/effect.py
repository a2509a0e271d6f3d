"""``alsprog effect``: one intervention's effect on every scale (the translation table)."""

from __future__ import annotations

import argparse
import math

from alsprog.cli.common import add_effect_flags
from alsprog.cli.flags import TIME_RATIO_HELP, add_seed_flag, add_timing_flags, flag_errors


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "effect",
        help="an intervention's effect on every scale",
        description="Translate an effect (a preset, a hazard ratio, a time ratio or an ALSFRS-R "
        "slope reduction) onto every scale: hazard ratio, time ratio, median, mean and RMST "
        "gains (months), survival differences, and from cohort simulation the ALSFRS-R "
        "difference and months before each King's stage. Times from symptom onset.",
    )
    add_effect_flags(p, TIME_RATIO_HELP)
    add_timing_flags(p, "onset", diagnosis=True)
    p.add_argument(
        "--draws",
        type=int,
        default=0,
        metavar="K",
        help="redrawn calibrations for 90%% intervals (default 0: no intervals)",
    )
    add_seed_flag(p)
    p.add_argument("--json", action="store_true", help="the table's rows as a JSON list")
    p.set_defaults(run=run, show=show)


RATIO_RANGE = (0.01, 100.0)  # ratios the simulations answer; real treatments lie well within


def effect_of(args: argparse.Namespace):
    from alsprog.errors import check_range
    from alsprog.interventions import HazardRatio, SlopeReduction, TimeRatio, preset

    for flag in ("hazard_ratio", "time_ratio"):
        value = getattr(args, flag)
        if value is not None and math.isfinite(value) and value > 0:  # the rest: the effect's
            check_range(
                f"--{flag.replace('_', '-')}",
                getattr(args, flag),
                *RATIO_RANGE,
                "pass a ratio a treatment could have, e.g. 0.8",
            )
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

    with flag_errors():
        table = translate(effect_of(args), args.baseline, draws=args.draws, seed=args.seed)
    rows = table.to_dict(orient="records")
    NOTES[:] = table.attrs.get("notes", [])
    return rows


NOTES: list[str] = []  # the last run's notes, for show()


def show(rows: list[dict]) -> str:
    from alsprog.report.labels import horizon, measure

    lines = [f"{'measure':<50} {'horizon':>9} {'value':>10} {'90% interval':>21}  unit"]
    for r in rows:
        scale, unit = (100.0, "percentage points") if r["unit"] == "probability" else (1, "")
        cells = [
            _number(None if _missing(r[k]) else r[k] * scale) for k in ("value", "lower", "upper")
        ]
        interval = f"{cells[1]} to {cells[2]}" if cells[1] else ""
        lines.append(
            f"{measure(r['measure']):<50} {horizon(r['horizon_years']):>9} {cells[0]:>10} "
            f"{interval:>21}  {unit or r['unit']}"
        )
    lines += [f"note: {n}" for n in NOTES]
    return "\n".join(lines)


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number(value: float | None) -> str:
    return "" if _missing(value) else f"{value:.4g}"
