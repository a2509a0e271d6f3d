"""``alsprog simulate``: a cohort of patients to Parquet or CSV, streamed in fixed blocks."""

from __future__ import annotations

import argparse
from pathlib import Path

from alsprog.cli.common import add_background_flags, background_argument
from alsprog.cli.flags import add_population_flag, add_seed_flag, flag_errors
from alsprog.errors import InputError

LARGE = 50_000  # from this many patients a progress bar shows on stderr (a terminal only)


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "simulate",
        help="simulate a cohort of patients to a Parquet or CSV file",
        description="Simulate patients (demographics, exact death times, ALSFRS-R course, "
        "stages, milestones, follow-up) and write the patients table, and optionally the "
        "visits, to .parquet or .csv. Times in years from symptom onset.",
    )
    p.add_argument("--n", type=int, required=True, metavar="N", help="patients in the cohort")
    add_seed_flag(p)
    source = p.add_mutually_exclusive_group()
    source.add_argument(
        "--phenotype",
        default="als",
        metavar="NAME",
        help="a phenotype (als, als_limb, als_bulbar, als_flail, pbp, pma, pls, ppbp), 'mnd' "
        "for the default mix, or shares such as als=0.9,pma=0.1 (default als)",
    )
    source.add_argument(
        "--targets",
        type=Path,
        metavar="FILE",
        help="your own survival figures (TOML or CSV: time, survival[, kind, source]); the "
        "calibrated model drives every patient's survival (default: the phenotype's)",
    )
    p.add_argument(
        "--entry",
        choices=["onset", "diagnosis"],
        default="onset",
        help="when patients enter: at onset, or at diagnosis if alive then (default onset)",
    )
    p.add_argument(
        "--followup-years",
        type=float,
        metavar="Y",
        help="end of study, years after entry (default: followed to death)",
    )
    p.add_argument(
        "--dropout-per-year",
        type=float,
        default=0.0,
        metavar="RATE",
        help="loss to follow-up per person-year (default 0)",
    )
    p.add_argument(
        "--visit-interval-months",
        type=float,
        default=3.0,
        metavar="M",
        help="months between ALSFRS-R visits (default 3)",
    )
    p.add_argument(
        "--visits", type=Path, metavar="FILE", help="also write the visits here (default: not)"
    )
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help=".parquet or .csv")
    add_background_flags(p)
    add_population_flag(p)
    p.add_argument(
        "--json", action="store_true", help="print the summary as JSON (default: as text)"
    )
    p.set_defaults(run=run, show=show)


def phenotype_argument(text: str) -> str | dict[str, float]:
    """'als' or 'mnd' stay names; 'als=0.9,pma=0.1' becomes a dict of shares."""
    if "=" not in text:
        return text
    shares = {}
    for part in text.split(","):
        name, _, value = part.partition("=")
        try:
            shares[name.strip()] = float(value)
        except ValueError:
            raise InputError(
                f"simulate --phenotype: share {value!r} of {name.strip()!r} is not a number; "
                "write e.g. als=0.9,pma=0.1"
            ) from None
    return shares


def run(args: argparse.Namespace) -> dict:
    from alsprog.simulation.stream import check_output

    check_output(args.out)  # before any slow work
    if args.visits is not None:
        check_output(args.visits, "visits")
    model = None
    if args.targets is not None:
        from alsprog.estimation.calibration import calibrate
        from alsprog.estimation.targets import load_targets

        model = calibrate(load_targets(args.targets))
    with flag_errors():
        return _write(args, model)


def _write(args: argparse.Namespace, model) -> dict:
    import sys

    from alsprog.simulation.stream import write_cohort
    from alsprog.simulation.subgroups import cohort_phenotype

    background = background_argument(args)
    return write_cohort(
        args.out,
        args.n,
        args.seed,
        visits_out=args.visits,
        progress=args.n >= LARGE and sys.stderr.isatty(),
        phenotype=cohort_phenotype(
            phenotype_argument(args.phenotype), args.population, background, model
        ),
        model=model,
        entry=args.entry,
        followup_years=args.followup_years,
        dropout_per_year=args.dropout_per_year,
        visit_interval_months=args.visit_interval_months,
        background=background,
    )


def show(r: dict) -> str:
    lines = [
        f"{r['n']:,} patients written to {r['out']} ({r['n_drawn']:,} drawn, {r['blocks']} blocks)",
        f"deaths {r['deaths']:,} (disease {r['disease_deaths']:,}, other causes "
        f"{r['other_deaths']:,}), censored {r['censored']:,}",
        f"men {r['male_share']:.1%}, mean age at onset {r['mean_age_at_onset']:.1f} years",
    ]
    if r["visits_out"] is not None:
        lines.append(f"{r['visits']:,} visits written to {r['visits_out']}")
    return "\n".join(lines)
