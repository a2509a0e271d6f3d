"""``alsprog trial``: the power of simulated trials, one row per endpoint, or a sample size."""

from __future__ import annotations

import argparse
import sys

from alsprog.cli.common import add_effect_flags


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "trial",
        help="power of a simulated two-arm trial, per endpoint, or its sample size",
        description="Simulate replicate two-arm trials enrolled from the simulated ALS "
        "population (alive, diagnosed and eligible at enrolment), the effect starting at each "
        "patient's enrolment, and analyse each with log-rank, Cox, week-24 ANCOVA, ALSFRS-R "
        "slope and CAFS: power with its Monte Carlo standard error. Same seed, same output.",
    )
    add_effect_flags(p, "on the time left")
    p.add_argument("--n-per-arm", type=int, metavar="N", help="control patients (>= 2)")
    p.add_argument("--replicates", type=int, default=1000, metavar="R", help="default: 1000")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="default: 0")
    p.add_argument(
        "--endpoint",
        action="append",
        metavar="NAME",
        help="logrank, cox, ancova_24w, slope or cafs (repeat; default all five)",
    )
    p.add_argument("--followup-years", type=float, default=1.0, metavar="Y", help="default: 1")
    p.add_argument("--dropout-per-year", type=float, default=0.05, metavar="RATE")
    p.add_argument("--visit-interval-weeks", type=int, default=4, metavar="W", help="default: 4")
    p.add_argument("--alpha", type=float, default=0.05, metavar="A", help="two-sided level")
    p.add_argument("--allocation", type=float, default=1.0, metavar="K", help="treated/control")
    p.add_argument("--max-disease-duration-years", type=float, metavar="Y")
    p.add_argument("--min-alsfrs-r", type=float, metavar="SCORE")
    p.add_argument("--min-item-score", type=float, metavar="SCORE", help="every item at least")
    p.add_argument("--dfs-range", type=float, nargs=2, metavar=("LOW", "HIGH"))
    p.add_argument("--scheduler", metavar="ADDRESS", help="tcp://host:port, or 'local'")
    p.add_argument("--sample-size", action="store_true", help="the smallest n per arm instead")
    p.add_argument("--target-power", type=float, default=0.8, metavar="P", help="default: 0.8")
    p.add_argument("--n-max", type=int, default=2000, metavar="N", help="sample-size search cap")
    p.add_argument("--json", action="store_true", help="the rows as a JSON list")
    p.set_defaults(run=run, show=show)


def _design(args: argparse.Namespace, n: int):
    from alsprog.cli.effect import effect_of
    from alsprog.trials.simulation.design import Eligibility, TrialDesign

    args.start_years, args.duration_years, args.from_diagnosis = 0.0, float("inf"), False
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
        alpha=args.alpha,
        allocation=args.allocation,
    )


def run(args: argparse.Namespace) -> list[dict] | dict:
    from alsprog.errors import InputError, check_whole
    from alsprog.trials.analysis.endpoints import check_endpoints

    check_whole("trial --replicates", args.replicates, low=1, high=1_000_000)
    endpoints = check_endpoints(args.endpoint, True)
    if args.sample_size:
        return _sample_size(args, endpoints)
    if args.n_per_arm is None:
        raise InputError("trial: --n-per-arm is missing; pass e.g. --n-per-arm 300")
    design = _design(args, args.n_per_arm)
    from alsprog.trials.power_api import power

    with _bar(args.replicates) as bar:
        table = power(
            design,
            args.replicates,
            args.seed,
            endpoints=endpoints,
            scheduler=args.scheduler,
            progress=bar.update,
        )
    return table.to_dict(orient="records")


def _sample_size(args: argparse.Namespace, endpoints: tuple[str, ...]) -> dict:
    from alsprog.errors import InputError
    from alsprog.trials.power_api import sample_size

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


def show(result: list[dict] | dict) -> str:
    if isinstance(result, dict):
        lines = [
            f"endpoint {result['endpoint']}: n per arm {result['n_per_arm']} for power "
            f"{result['target_power']:g} (simulated power {result['power']:.3f} +/- "
            f"{result['power_se']:.3f})"
        ]
        if result["schoenfeld_n_per_arm"] is not None:
            lines.append(
                f"Schoenfeld: n per arm {result['schoenfeld_n_per_arm']} "
                f"({result['schoenfeld_events']:.1f} deaths)"
            )
        return "\n".join(lines)
    head = f"{'endpoint':<12} {'power':>7} {'± se':>7} {'events':>8} {'estimate':>10}"
    lines = [head]
    for r in result:
        lines.append(
            f"{r['endpoint']:<12} {r['power']:>7.3f} {r['power_se']:>7.3f} "
            f"{r['mean_events']:>8.1f} {r['mean_estimate']:>10.4g}"
        )
    return "\n".join(lines)
