"""``alsprog trial``: the power of simulated trials, one row per endpoint, or a sample size."""

from __future__ import annotations

import argparse
import math
import sys

from alsprog.cli.common import add_effect_flags
from alsprog.cli.flags import TIME_RATIO_HELP, add_seed_flag, add_timing_flags, flag_errors


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "trial",
        help="power of a simulated two-arm trial, per endpoint, or its sample size",
        description="Simulate replicate two-arm trials enrolled from the simulated ALS "
        "population (alive, diagnosed and eligible at enrolment), the effect starting at each "
        "patient's enrolment, and analyse each with log-rank, Cox, week-24 ANCOVA, ALSFRS-R "
        "slope and CAFS: power with its Monte Carlo standard error. Same seed, same output.",
    )
    add_effect_flags(p, TIME_RATIO_HELP)
    add_timing_flags(p, "each patient's enrolment", diagnosis=False)
    p.add_argument(
        "--n-per-arm", type=int, metavar="N", help="control patients (>= 2); required for power"
    )
    p.add_argument(
        "--replicates", type=int, default=1000, metavar="R", help="simulated trials (default 1000)"
    )
    add_seed_flag(p)
    p.add_argument(
        "--endpoint",
        action="append",
        metavar="NAME",
        help="logrank, cox, ancova_24w, slope or cafs (repeat; default all five)",
    )
    p.add_argument(
        "--followup-years",
        type=float,
        default=1.0,
        metavar="Y",
        help="years each patient is followed from enrolment (default 1)",
    )
    p.add_argument(
        "--dropout-per-year",
        type=float,
        default=0.05,
        metavar="RATE",
        help="loss to follow-up per person-year (default 0.05)",
    )
    p.add_argument(
        "--visit-interval-weeks",
        type=int,
        default=4,
        metavar="W",
        help="weeks between ALSFRS-R visits (default 4)",
    )
    p.add_argument(
        "--alpha", type=float, default=0.05, metavar="A", help="two-sided level (default 0.05)"
    )
    p.add_argument(
        "--allocation",
        type=float,
        default=1.0,
        metavar="K",
        help="treated patients per control patient (default 1)",
    )
    p.add_argument(
        "--max-disease-duration-years",
        type=float,
        metavar="Y",
        help="eligibility: at most Y years since onset (default: any)",
    )
    p.add_argument(
        "--min-alsfrs-r",
        type=float,
        metavar="SCORE",
        help="eligibility: ALSFRS-R at least SCORE (default: any)",
    )
    p.add_argument(
        "--min-item-score",
        type=float,
        metavar="SCORE",
        help="eligibility: every ALSFRS-R item at least SCORE (default: any)",
    )
    p.add_argument(
        "--dfs-range",
        type=float,
        nargs=2,
        metavar=("LOW", "HIGH"),
        help="eligibility: progression rate (48 - ALSFRS-R) / months since onset, points per "
        "month, between LOW and HIGH (default: any)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on a Dask scheduler: tcp://host:port, or 'local' (default: in this process)",
    )
    p.add_argument(
        "--sample-size",
        action="store_true",
        help="find the smallest n per arm for --target-power instead of the power",
    )
    p.add_argument(
        "--target-power",
        type=float,
        default=0.8,
        metavar="P",
        help="with --sample-size: the power to reach (default 0.8)",
    )
    p.add_argument(
        "--n-max",
        type=int,
        default=2000,
        metavar="N",
        help="with --sample-size: the largest n per arm searched (default 2000)",
    )
    p.add_argument(
        "--json", action="store_true", help="the design and the rows as JSON (default: a table)"
    )
    p.set_defaults(run=run, show=show)


def _design(args: argparse.Namespace, n: int):
    from alsprog.cli.effect import effect_of
    from alsprog.trials.simulation.design import Eligibility, TrialDesign

    args.from_diagnosis = False  # a trial's effect starts from each patient's enrolment
    rules = None
    criteria = {
        "max_disease_duration_years": args.max_disease_duration_years,
        "min_alsfrs_r": args.min_alsfrs_r,
        "min_item_score": args.min_item_score,
        "dfs_range": None if args.dfs_range is None else tuple(args.dfs_range),
    }
    if any(v is not None for v in criteria.values()):
        rules = Eligibility(**criteria)
    return TrialDesign(
        n,
        effect=effect_of(args),
        followup_years=args.followup_years,
        dropout_per_year=args.dropout_per_year,
        visit_interval_weeks=args.visit_interval_weeks,
        eligibility=rules,
        phenotype=args.baseline,
        alpha=args.alpha,
        allocation=args.allocation,
    )


UNITS = {
    "logrank": "hazard ratio (Peto)",
    "cox": "hazard ratio",
    "ancova_24w": "ALSFRS-R points",
    "slope": "ALSFRS-R points per month",
    "cafs": "net benefit",
}


def design_echo(args: argparse.Namespace) -> dict:
    """The design as the user set it (flag names, for the output and --json)."""
    keys = (
        "intervention", "hazard_ratio", "time_ratio", "slope_reduction", "start_years",
        "duration_years", "baseline", "n_per_arm", "replicates", "seed", "followup_years",
        "dropout_per_year", "visit_interval_weeks", "alpha", "allocation",
        "max_disease_duration_years", "min_alsfrs_r", "min_item_score", "dfs_range",
    )  # fmt: skip
    return {
        k.replace("_", "-"): getattr(args, k) for k in keys if getattr(args, k, None) is not None
    }


def run(args: argparse.Namespace) -> dict:
    from alsprog.errors import InputError, check_whole
    from alsprog.trials.analysis.endpoints import check_endpoints

    with flag_errors():
        check_whole("trial --replicates", args.replicates, low=1, high=1_000_000)
        endpoints = check_endpoints(args.endpoint, True)
        if args.sample_size:
            return {"design": design_echo(args), **_sample_size(args, endpoints)}
        if args.n_per_arm is None:
            raise InputError("trial: --n-per-arm is missing; pass e.g. --n-per-arm 300")
        design = _design(args, args.n_per_arm)
        from alsprog.trials.power import power

        with _bar(args.replicates) as bar:
            table = power(
                design,
                args.replicates,
                args.seed,
                endpoints=endpoints,
                scheduler=args.scheduler,
                progress=bar.update,
            )
    rows = table.assign(estimate_unit=table["endpoint"].map(UNITS)).to_dict(orient="records")
    return {"design": design_echo(args), "rows": rows}


def _sample_size(args: argparse.Namespace, endpoints: tuple[str, ...]) -> dict:
    from alsprog.errors import InputError
    from alsprog.trials.power import sample_size

    if len(endpoints) != 1:
        raise InputError(
            "trial --sample-size: give one --endpoint (e.g. --endpoint logrank), not "
            f"{len(endpoints)}"
        )
    design = _design(args, 10 if args.n_per_arm is None else args.n_per_arm)
    result = sample_size(
        design,
        args.target_power,
        endpoints[0],
        replicates=args.replicates,
        seed=args.seed,
        n_min=2,
        n_max=args.n_max,
    )
    return {
        "endpoint": result.endpoint,
        "target_power": result.target_power,
        "n_per_arm": result.n_per_arm,
        "power": result.power,
        "power_se": (result.power * (1 - result.power) / args.replicates) ** 0.5,
        "schoenfeld_n_per_arm": result.schoenfeld_n_per_arm,
        "schoenfeld_events": result.schoenfeld_events,
        "evaluated": result.evaluated.to_dict(orient="records"),
    }


def _bar(total: int):
    from tqdm import tqdm

    return tqdm(
        total=total,
        unit="trials",
        disable=not (total and sys.stderr.isatty()),
        leave=False,
        file=sys.stderr,
    )


def show(result: dict) -> str:
    from alsprog.report.labels import endpoint

    design = "design: " + ", ".join(
        f"--{k} {' '.join(map(str, v)) if isinstance(v, list | tuple) else v}"
        for k, v in result["design"].items()
    )
    if "rows" not in result:
        lines = [
            design,
            f"endpoint {result['endpoint']}: {result['n_per_arm']} patients per arm for power "
            f"{result['target_power']:.0%} (simulated power {result['power']:.1%}, Monte Carlo "
            f"SE {result['power_se']:.1%})",
        ]
        if result["schoenfeld_n_per_arm"] is not None:
            lines.append(
                f"Schoenfeld: {result['schoenfeld_n_per_arm']} patients per arm "
                f"({math.ceil(result['schoenfeld_events'])} deaths)"
            )
        return "\n".join(lines)
    head = (
        f"{'endpoint':<24} {'power':>7} {'MC SE':>7} {'deaths':>7} {'estimate':>9}  estimate unit"
    )
    lines = [design, head]
    for r in result["rows"]:
        lines.append(
            f"{endpoint(r['endpoint']):<24} {r['power']:>7.1%} {r['power_se']:>7.1%} "
            f"{r['mean_events']:>7.1f} {r['mean_estimate']:>9.4g}  {r['estimate_unit']}"
        )
    lines.append("deaths: mean per simulated trial; estimate: mean over the simulated trials")
    return "\n".join(lines)
