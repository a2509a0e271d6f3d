"""``alsprog cea``: cost-effectiveness of one intervention against usual care."""

from __future__ import annotations

import argparse
import math
import sys

from alsprog.cli.common import add_effect_flags


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "cea",
        help="cost-effectiveness of an intervention against usual care",
        description="Life-years, QALYs and costs of usual care and of an intervention, on the "
        "same simulated patients, discounted in continuous time; incremental results and ICER; "
        "with --draws a PSA over the sourced utilities and costs (acceptability curve and EVPI). "
        "Utilities and costs come from the shipped library unless --inputs names a TOML table; "
        "entries of the library that are illustrative assumptions are listed in the output.",
    )
    add_effect_flags(p, "on the disease clock")
    p.set_defaults(start_years=0.0, duration_years=math.inf, from_diagnosis=False)
    p.add_argument(
        "--drug-cost-per-year",
        type=float,
        default=0.0,
        metavar="COST",
        help="price per year on treatment (from diagnosis to death); default 0",
    )
    p.add_argument("--inputs", metavar="TOML", help="your utilities and costs table")
    p.add_argument("--staging", default="kings", choices=("kings", "mitos"))
    p.add_argument("--discount-rate", type=float, default=0.035, metavar="R", help="default 0.035")
    p.add_argument("--horizon-years", type=float, default=None, metavar="YEARS")
    p.add_argument("--n-patients", type=int, default=20_000, metavar="N", help="default 20000")
    p.add_argument("--phenotype", default="als", metavar="NAME", help="default: als")
    p.add_argument("--draws", type=int, default=0, metavar="K", help="PSA draws (default 0)")
    p.add_argument(
        "--survival-draws",
        type=int,
        default=None,
        metavar="K",
        help="redrawn versions of the phenotype the PSA simulates (default: min(draws, 300); "
        "0: survival not drawn)",
    )
    p.add_argument(
        "--course-draws",
        type=int,
        default=None,
        metavar="K",
        help="draws of the course's own parameters (stage pace, end stage, NIV, gastrostomy "
        "and tracheostomy uptake) the PSA simulates (default: one per survival version, or "
        "min(draws, 300) when survival is not drawn; 0: the shipped course in every run)",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="WHERE",
        help="where the PSA's simulations run: serial (default), local (two Dask workers) or "
        "tcp://HOST:8786; the same result whatever the workers",
    )
    p.add_argument(
        "--wtp",
        type=float,
        nargs="+",
        default=[20_000.0, 30_000.0],
        metavar="AMOUNT",
        help="willingness to pay per QALY for the CEAC and EVPI (default 20000 30000)",
    )
    p.add_argument("--seed", type=int, default=0, metavar="S", help="default: 0")
    p.add_argument(
        "--json", action="store_true", help="summary, incremental, base_case (, ceac, evpi)"
    )
    p.set_defaults(run=run, show=show)


def run(args: argparse.Namespace) -> dict:
    from alsprog.cli.effect import effect_of
    from alsprog.outcomes.economic_inputs import load_economic_inputs
    from alsprog.outcomes.economics import Strategy, cost_effectiveness

    inputs = None if args.inputs is None else load_economic_inputs(args.inputs, args.staging)
    name = args.intervention or "intervention"
    with _bar() as bar:
        result = cost_effectiveness(
            {"usual care": None, name: Strategy(effect_of(args), args.drug_cost_per_year)},
            inputs=inputs,
            staging=args.staging,
            discount_rate=args.discount_rate,
            horizon_years=args.horizon_years,
            draws=args.draws,
            seed=args.seed,
            n_patients=args.n_patients,
            phenotype=args.phenotype,
            survival_draws=args.survival_draws,
            course_draws=args.course_draws,
            scheduler=args.scheduler,
            progress=bar.update,
        )
    out = {
        "summary": result.summary.to_dict(orient="records"),
        "incremental": result.incremental.to_dict(orient="records"),
        "base_case": result.base_case().to_dict(orient="records"),
        "assumptions": list(result.inputs.assumptions) if result.inputs else [],
    }
    if args.draws:
        out["ceac"] = result.ceac(args.wtp).to_dict(orient="records")
        out["evpi"] = result.evpi(args.wtp).to_dict(orient="records")
    return out


def _bar():
    """A progress bar of the PSA's simulation runs, on a terminal only (stderr)."""
    from tqdm import tqdm

    return tqdm(unit="runs", disable=not sys.stderr.isatty(), leave=False, file=sys.stderr)


def show(out: dict) -> str:
    lines = [f"{'strategy':<16} {'QALYs':>8} {'costs':>12} {'life-years':>10}  (discounted)"]
    for r in out["summary"]:
        lines.append(
            f"{r['strategy']:<16} {r['discounted_qalys']:>8.3f} {r['discounted_costs']:>12,.0f} "
            f"{r['discounted_life_years']:>10.3f}"
        )
    for r in out["incremental"]:
        lines.append(
            f"{r['strategy']} vs {r['comparator']}: {r['delta_qalys']:+.3f} QALYs, "
            f"{r['delta_costs']:+,.0f} costs, ICER {r['icer']:,.0f} per QALY ({r['status']})"
        )
    for r in out.get("evpi", []):
        ceac = [c for c in out["ceac"] if c["wtp"] == r["wtp"]]
        shares = ", ".join(f"{c['strategy']} {c['probability']:.0%}" for c in ceac)
        lines.append(f"at {r['wtp']:,.0f} per QALY: cost-effective {shares}; EVPI {r['evpi']:,.0f}")
    if out["assumptions"]:
        lines.append("illustrative assumptions in use: " + ", ".join(out["assumptions"]))
    return "\n".join(lines)
