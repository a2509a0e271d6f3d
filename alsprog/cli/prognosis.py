"""``alsprog prognosis``: one patient's outlook from today."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from alsprog.cli.common import add_background_flags, background_argument
from alsprog.cli.flags import add_population_flag, flag_errors


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
        help="als, als_limb, als_bulbar, als_flail, pbp, pma, pls or ppbp (default als)",
    )
    p.add_argument("--age-at-onset", type=float, required=True, metavar="YEARS", help="required")
    p.add_argument(
        "--years-since-onset",
        type=float,
        required=True,
        metavar="YEARS",
        help="years from symptom onset to today (required)",
    )
    p.add_argument("--sex", choices=["male", "female"], help="default: averaged over men and women")
    p.add_argument(
        "--alsfrs-r",
        type=float,
        metavar="SCORE",
        help="today's ALSFRS-R (0-48); gives the progression rate (default: the reference "
        "patient's rate)",
    )
    p.add_argument(
        "--delay-months",
        type=float,
        metavar="MONTHS",
        help="months from onset to diagnosis (default: the reference patient's)",
    )
    p.add_argument(
        "--fvc",
        type=float,
        metavar="PERCENT",
        help="FVC, %% of predicted (default: the reference patient's)",
    )
    p.add_argument("--ftd", action="store_true", help="frontotemporal dementia (default: none)")
    p.add_argument(
        "--treatment",
        metavar="NAME",
        help="a treatment preset from data/effects.toml (riluzole, edaravone), from "
        "diagnosis; the card then shows the outlook without it too (default: none)",
    )
    add_background_flags(p)
    add_population_flag(p)
    p.add_argument(
        "--html",
        type=Path,
        metavar="FILE",
        help="also write a one-page patient card (self-contained HTML, printable on A4; "
        "default: none)",
    )
    p.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="the date printed on the card (default: from SOURCE_DATE_EPOCH if set, else "
        "today, UTC); give it to make a rerun byte-identical",
    )
    p.add_argument(
        "--json", action="store_true", help="machine-readable output on stdout (default: text)"
    )
    p.set_defaults(run=run, show=show)


def card_date(given: str | None) -> str:
    """The card's date: --date as given (checked), else SOURCE_DATE_EPOCH, else today (UTC)."""
    import datetime
    import os

    from alsprog.errors import InputError

    if given is not None:
        try:
            return datetime.date.fromisoformat(given).isoformat()
        except ValueError:
            raise InputError(
                f"--date {given!r} is not a date; give it as YYYY-MM-DD, e.g. 2026-01-31"
            ) from None
    stamp = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        datetime.datetime.fromtimestamp(int(stamp), datetime.UTC)
        if stamp and stamp.isdigit()
        else datetime.datetime.now(datetime.UTC)
    )
    return moment.date().isoformat()


def run(args: argparse.Namespace) -> dict:
    from alsprog.disease.prognosis import prognosis
    from alsprog.report.card_course import card_course
    from alsprog.report.patient_card import calibration_warnings

    date = card_date(args.date) if args.html is not None else None
    profile = dict(
        age_at_onset=args.age_at_onset,
        years_since_onset=args.years_since_onset,
        sex=args.sex,
        diagnosis_delay_months=args.delay_months,
        alsfrs_r=args.alsfrs_r,
        fvc_percent=args.fvc,
        ftd=args.ftd,
        background=background_argument(args),
        population=args.population,
    )
    with flag_errors():
        result = prognosis(args.phenotype, treatment=args.treatment, **profile)
    # the curve reaches past the time by which 75% have died (the card's chart shows it)
    horizon = HORIZON_YEARS
    q75 = result.quartiles_remaining_years[1]
    if math.isfinite(q75) and 1.15 * q75 > horizon:
        horizon = min(5.0 * math.ceil(1.15 * q75 / 5.0), MAX_HORIZON_YEARS)
        result = prognosis(
            args.phenotype, treatment=args.treatment, horizon_years=horizon, **profile
        )
    answer = result.to_dict()
    answer["warnings"] = calibration_warnings(result)
    untreated = None
    if args.treatment is not None:
        untreated = prognosis(args.phenotype, horizon_years=horizon, **profile)
        answer["untreated"] = {
            "median_remaining_years": untreated.median_remaining_years,
            "quartiles_remaining_years": list(untreated.quartiles_remaining_years),
            "p_alive": untreated.p_alive,
        }
    course = card_course(result)
    answer["alsfrs_r_course"] = course.to_dict(orient="records")
    if args.html is not None:
        from alsprog.report.patient_card import write_patient_card

        answer["html"] = str(
            write_patient_card(
                result, args.html, untreated=untreated, date=date or "", course=course
            )
        )
        answer["date"] = date
    return answer


HORIZON_YEARS = 10.0  # the curve's first reach, years from today
MAX_HORIZON_YEARS = 80.0  # no adult outlook runs longer (the life table ends at 119)


def show(r: dict) -> str:
    q25, q75 = r["quartiles_remaining_years"]
    inputs = r["inputs"]
    alive = ", ".join(
        f"{k} year{'' if int(k) == 1 else 's'} {v:.0%}" for k, v in r["p_alive"].items()
    )
    since = inputs["years_since_onset"]
    untreated = r.get("untreated")
    return "\n".join(
        [
            *[f"warning: {w}" for w in r.get("warnings", [])],
            f"phenotype {inputs['phenotype']}, onset at {inputs['age_at_onset']:g}, "
            f"{since:g} year{'' if since == 1 else 's'} ago; hazard ratio vs the reference "
            f"patient {inputs['hazard_ratio_vs_reference']:.2f}",
            f"median remaining survival {r['median_remaining_years']:.1f} years "
            f"(quartiles {q25:.1f} to {q75:.1f})",
            f"alive in {alive}",
            *(
                [
                    f"without {inputs['treatment']}: median "
                    f"{untreated['median_remaining_years']:.1f} years"
                ]
                if untreated
                else []
            ),
            *_course_line(r.get("alsfrs_r_course") or []),
            f"curve, its {r['band_level']:.0%} band and the ALSFRS-R course by month: use --json",
            *([f"patient card written to {r['html']}"] if r.get("html") else []),
        ]
    )


def _course_line(course: list[dict]) -> list[str]:
    """The ALSFRS-R course in one line: 12 months ahead (or the last month with a median)."""
    rows = [c for c in course if c["alsfrs_r_median"] == c["alsfrs_r_median"]]  # not NaN
    if len(rows) < 2:
        return ["ALSFRS-R course: too few simulated patients like this one are alive today"]
    row = next((c for c in rows if c["months_from_now"] == 12.0), rows[-1])
    return [
        f"ALSFRS-R in {row['months_from_now']:g} months: median {row['alsfrs_r_median']:.0f} "
        f"(10th-90th percentile {row['alsfrs_r_lower']:.0f}-{row['alsfrs_r_upper']:.0f}) "
        "among simulated patients like this one who are alive then"
    ]
