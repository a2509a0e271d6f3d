"""``alsprog prognosis``: one patient's outlook from today."""

from __future__ import annotations

import argparse
from pathlib import Path

from alsprog.cli.common import add_background_flags, background_argument


def add(sub: argparse._SubParsersAction) -> None:
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
        help="a treatment preset from data/effects.toml (riluzole, edaravone), from diagnosis",
    )
    add_background_flags(p)
    p.add_argument(
        "--html",
        type=Path,
        metavar="FILE",
        help="also write a one-page patient card (self-contained HTML, printable on A4)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    p.set_defaults(run=run, show=show)


def run(args: argparse.Namespace) -> dict:
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
        background=background_argument(args),
    )
    answer = result.to_dict()
    if args.html is not None:
        from alsprog.report.patient_card import write_patient_card

        answer["html"] = str(write_patient_card(result, args.html))
    return answer


def show(r: dict) -> str:
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
            *([f"patient card written to {r['html']}"] if r.get("html") else []),
        ]
    )
