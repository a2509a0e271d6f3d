"""``alsprog fit``: a survival regression on a user's own cohort (one CSV row per patient)."""

from __future__ import annotations

import argparse
from pathlib import Path

EXPECTED = "a CSV with one row per patient: duration (years), event (1/0) and covariate columns"


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "fit",
        help="fit a survival family with covariates to your own cohort (CSV)",
        description="Fit a survival regression by maximum likelihood to a CSV with one row per "
        "patient. Covariates act on the family's scale: log time (AFT), log hazard (PH) or "
        "log odds of death (spline, --scale odds). Times are in years.",
    )
    p.add_argument("--data", type=Path, required=True, metavar="FILE", help=EXPECTED)
    p.add_argument("--family", default="weibull", metavar="NAME", help="default: weibull")
    p.add_argument(
        "--covariates",
        default=None,
        metavar="A,B,...",
        help="comma-separated columns (text columns are categories)",
    )
    p.add_argument("--formula", default=None, metavar="TEXT", help="e.g. '~ age + C(site)'")
    p.add_argument("--scale", default=None, choices=("aft", "ph", "odds"))
    p.add_argument(
        "--anc",
        default=None,
        metavar="TEXT",
        help="covariates on an AFT family's spread or a PH Weibull/Gompertz shape: '~ sex'",
    )
    p.add_argument("--duration", default="time", metavar="COLUMN", help="default: time")
    p.add_argument("--event", default="event", metavar="COLUMN", help="default: event")
    p.add_argument("--entry", default=None, metavar="COLUMN", help="left-truncation times")
    p.add_argument("--weights", default=None, metavar="COLUMN", help="frequency weights")
    p.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    p.set_defaults(run=run, show=show)


def read_cohort(path: Path):  # -> pandas.DataFrame (pandas loads inside run)
    import io

    import pandas as pd

    from alsprog.errors import InputError, check_csv_text, read_text

    text = read_text(path, "data file", EXPECTED)
    where = f"data file {str(path)!r}"
    check_csv_text(text, where, "time,event,age,...")
    try:
        return pd.read_csv(io.StringIO(text))
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else "empty"
        raise InputError(f"{where} is not a readable CSV ({reason}); pass {EXPECTED}") from None


def run(args: argparse.Namespace) -> dict:
    from alsprog.estimation.regression import fit_regression

    data = read_cohort(args.data)
    model = fit_regression(
        args.family,
        data,
        duration=args.duration,
        event=args.event,
        entry=args.entry,
        covariates=args.covariates,
        formula=args.formula,
        scale=args.scale,
        weights=args.weights,
        anc=args.anc,
    )
    info = model.fit_info
    return {
        "family": model.family,
        "scale": model.scale,
        "formula": model.design.formula,
        "n_observations": info.n_observations,
        "n_events": info.n_events,
        "log_likelihood": info.log_likelihood,
        "aic": info.aic,
        "bic": info.bic,
        "converged": info.converged,
        "parameters": info.summary().to_dict(orient="records"),
        "ratios": info.ratios().to_dict(orient="records"),
    }


def show(result: dict) -> str:
    lines = [
        f"{result['family']} ({result['scale']}) on {result['n_observations']:g} rows, "
        f"{result['n_events']:g} deaths: log-likelihood {result['log_likelihood']:.3f}, "
        f"AIC {result['aic']:.1f}, BIC {result['bic']:.1f}"
        + ("" if result["converged"] else "  (NOT CONVERGED)"),
        f"{'parameter':<32}{'estimate':>10}{'se':>10}{'lower':>10}{'upper':>10}{'p':>10}",
    ]
    for row in result["parameters"]:
        lines.append(
            f"{row['parameter'][:31]:<32}{row['estimate']:>10.4f}{row['se']:>10.4f}"
            f"{row['lower']:>10.4f}{row['upper']:>10.4f}{row['p']:>10.3g}"
        )
    for row in result["ratios"]:
        lines.append(
            f"{row['kind']} {row['parameter']}: {row['ratio']:.3f} "
            f"({row['lower']:.3f} to {row['upper']:.3f})"
        )
    return "\n".join(lines)
