"""``alsprog phenotypes``: the calibrated phenotypes and their survival."""

from __future__ import annotations

import argparse

from alsprog.cli.common import add_background_flags, background_argument


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "phenotypes",
        help="the calibrated phenotypes and their survival",
        description="One row per phenotype: median survival (years from onset), "
        "survival at 1, 3, 5, 10 and 25 years, share of deaths from other causes.",
    )
    add_background_flags(p)
    p.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    p.set_defaults(run=run, show=show)


def run(args: argparse.Namespace) -> list[dict]:
    from alsprog.disease.library import phenotypes

    return phenotypes(background_argument(args)).to_dict(orient="records")


def show(rows: list[dict]) -> str:
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
