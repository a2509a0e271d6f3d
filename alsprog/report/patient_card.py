"""The patient card: one printable page (A4) for one patient profile's outlook.

``patient_card_html(outlook)`` turns an ``alsprog.prognosis(...)`` result into a self-contained
HTML page (figures embedded as PNG, no external resource): the survival curve from today with its
band (and without the treatment, when one is given), the median and quartiles of remaining
survival, the chance of being alive in 1, 2 and 5 years, the expected ALSFRS-R course with its
band (``alsprog.alsfrs_r_course``: simulated patients like this one, and with today's score when
it is given), a plain-language summary with its caveats, a warning when the profile lies outside
what the model was calibrated on (``calibration_warnings``), the date, the model version and key
references. ``write_patient_card`` writes it atomically (temporary file, then rename).
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import numpy as np
import pandas as pd

from alsprog.disease.prognosis import Prognosis
from alsprog.errors import InputError
from alsprog.files import write_bytes
from alsprog.report.card_course import card_course, course_parts
from alsprog.report.page import png_bytes

PHENOTYPE_WORDS = {
    "als": "ALS (all onset sites)",
    "als_limb": "ALS, limb onset",
    "als_bulbar": "ALS, bulbar onset",
    "als_flail": "ALS, flail arm or flail leg variant",
    "pbp": "progressive bulbar palsy",
    "pma": "progressive muscular atrophy",
    "pls": "primary lateral sclerosis",
    "ppbp": "progressive pseudobulbar palsy",
}
CARD_STYLE = """
@page { size: A4; margin: 12mm; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222;
       max-width: 186mm; margin: 1rem auto; padding: 0 0.8rem; line-height: 1.4;
       font-size: 10.5pt; }
h1 { font-size: 15pt; margin: 0 0 0.2rem; } h2 { font-size: 11.5pt; margin: 0.9rem 0 0.3rem; }
.profile { color: #444; margin: 0 0 0.6rem; }
.numbers { display: flex; flex-wrap: wrap; gap: 0.6rem; margin: 0.4rem 0; }
.number { border: 1px solid #ccc; border-radius: 4px; padding: 0.35rem 0.6rem; min-width: 9rem; }
.number b { display: block; font-size: 14pt; } .number span { font-size: 9pt; color: #555; }
.figures { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.figures figure { margin: 0; flex: 1 1 85mm; } .figures img { width: 100%; height: auto; }
figcaption, .small { font-size: 8.5pt; color: #555; }
.caveat { background: #f7f7f2; border-left: 3px solid #c9b458; padding: 0.35rem 0.6rem;
          font-size: 9.5pt; }
.warning { background: #fbeeee; border-left: 3px solid #b33; padding: 0.35rem 0.6rem;
           margin: 0.4rem 0; font-size: 9.5pt; }
ol.bibliography { font-size: 8pt; color: #555; margin: 0.2rem 0; padding-left: 1.4rem; }
code { overflow-wrap: anywhere; }
@media print { body { margin: 0; padding: 0; font-size: 9.5pt; line-height: 1.3; }
               h1 { font-size: 13.5pt; } h2 { margin: 0.5rem 0 0.2rem; } p { margin: 0.35rem 0; }
               .numbers { gap: 0.35rem; margin: 0.3rem 0; }
               .number { padding: 0.2rem 0.45rem; min-width: 0; } .number b { font-size: 11.5pt; } }
"""


ALIVE_THRESHOLD = 0.01  # below this chance of being alive today, the profile is off the model
AGE_SDS = 3.0  # onset ages beyond the population mean +- 3 SD are outside what was calibrated
TREATMENT_REFERENCES = {"riluzole": "miller2012", "edaravone": "writinggroup2017"}


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def _years(value: float) -> str:
    shown = f"{value:.1f}" if value < 100 else f"{value:.0f}"
    return f"{shown} year" if shown == "1.0" else f"{shown} years"


def _plural(value: float, unit: str) -> str:
    return f"{value:g} {unit}" if value == 1 else f"{value:g} {unit}s"


def calibration_warnings(outlook: Prognosis) -> list[str]:
    """Why this profile lies outside what the model was calibrated on (empty when it does not).

    Two checks: the model's probability that a patient with this profile is alive today, this
    long after onset, is below ``ALIVE_THRESHOLD`` (the calibration figures say almost nothing
    about such survivors, so the outlook is an extrapolation); the age at onset lies outside
    the calibration population's mean +- ``AGE_SDS`` standard deviations.
    """
    from alsprog.disease.library import phenotype

    inputs = outlook.inputs
    out = []
    alive = inputs.get("probability_alive_today_from_onset")
    if alive is not None and alive < ALIVE_THRESHOLD:
        out.append(
            f"The model puts the chance that a patient with this profile is alive "
            f"{_plural(inputs['years_since_onset'], 'year')} after onset at {alive:.2g} "
            f"(below {_percent(ALIVE_THRESHOLD)}): the published figures it is calibrated to "
            "say almost nothing about such long survivors, so this outlook is an "
            "extrapolation. The diagnosis or the dates may deserve a second look."
        )
    population = phenotype(inputs["phenotype"]).population
    low = population.onset_age_mean - AGE_SDS * population.onset_age_sd
    high = population.onset_age_mean + AGE_SDS * population.onset_age_sd
    if not low <= inputs["age_at_onset"] <= high:
        out.append(
            f"Onset at age {inputs['age_at_onset']:g} is outside the ages the model was "
            f"calibrated on (onset age {population.onset_age_mean:g} +- "
            f"{population.onset_age_sd:g} years; {low:g} to {high:g} covers nearly all of "
            "them): the age effect is extrapolated."
        )
    return out


def _band_at(outlook: Prognosis, years: float) -> tuple[float, float]:
    curve = outlook.curve
    grid = curve["years_from_now"].to_numpy()
    return (
        float(np.interp(years, grid, curve["lower"].to_numpy())),
        float(np.interp(years, grid, curve["upper"].to_numpy())),
    )


def _image(data: bytes, alt: str, caption: str) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{encoded}">'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def _profile_words(inputs: dict) -> str:
    parts = [PHENOTYPE_WORDS.get(inputs["phenotype"], inputs["phenotype"])]
    sex = {"male": "man", "female": "woman"}.get(inputs.get("sex") or "", "sex not given")
    parts.append(f"{sex}, symptom onset at age {inputs['age_at_onset']:g}")
    parts.append(f"{_plural(inputs['years_since_onset'], 'year')} since onset")
    if inputs.get("diagnosis_delay_months") is not None:
        parts.append(f"diagnosed {_plural(inputs['diagnosis_delay_months'], 'month')} after onset")
    if inputs.get("alsfrs_r") is not None:
        parts.append(f"ALSFRS-R {inputs['alsfrs_r']:g} today")
    if inputs.get("fvc_percent") is not None:
        parts.append(f"FVC {inputs['fvc_percent']:g}% of predicted")
    if inputs.get("ftd"):
        parts.append("frontotemporal dementia")
    if inputs.get("treatment"):
        parts.append(f"treatment: {inputs['treatment']}")
    return "; ".join(parts)


def _given_and_assumed(inputs: dict) -> tuple[list[str], list[str]]:
    """The prognostic factors entered, and those left at the reference patient's values."""
    reference = inputs.get("reference_profile") or {}
    given: list[str] = ["age at onset"]
    assumed: list[str] = []
    checks = (
        ("diagnostic delay", inputs.get("diagnosis_delay_months") is not None,
         f"diagnostic delay {reference.get('diagnosis_delay_months', float('nan')):g} months"),
        ("progression rate (from today's ALSFRS-R)", inputs.get("alsfrs_r") is not None,
         "progression rate "
         f"{reference.get('progression_rate_points_per_month', float('nan')):g} points a month"),
        ("FVC", inputs.get("fvc_percent") is not None,
         f"FVC {reference.get('fvc_percent', float('nan')):g}% of predicted"),
        ("frontotemporal dementia", bool(inputs.get("ftd")), "no frontotemporal dementia"),
    )  # fmt: skip
    for name, entered, otherwise in checks:
        (given if entered else assumed).append(name if entered else otherwise)
    return given, assumed


def patient_card_html(
    outlook: Prognosis,
    *,
    untreated: Prognosis | None = None,
    date: str = "",
    course: pd.DataFrame | None = None,
) -> str:
    """The card as one self-contained HTML page (str); see the module docstring.

    untreated : the same profile's outlook without the treatment (shown beside it when the
        profile has a treatment).
    course : the expected ALSFRS-R course (``alsprog.alsfrs_r_course``'s frame); None
        computes it for the outlook's profile (``card_course``).
    date : the date printed on the card (ISO, 'YYYY-MM-DD'); '' leaves it out. Passed in, not
        read from the clock, so the same inputs give the same bytes.
    """
    from alsprog import __version__, plots
    from alsprog.report.bibliography import LIST_MARK, link_citations

    if not isinstance(outlook, Prognosis):
        raise InputError(
            f"patient card: expected the result of alsprog.prognosis(...) "
            f"(got {type(outlook).__name__})"
        )
    inputs = outlook.inputs
    level = _percent(outlook.band_level)
    q25, q75 = outlook.quartiles_remaining_years
    treatment = inputs.get("treatment")
    if treatment and untreated is not None:
        survival_plot = plots.prognosis_with_without(outlook.curve, untreated.curve, treatment)
        alt = (
            f"Probability of being alive by years from today, with {treatment} (line and band) "
            "and without treatment (dashed line)"
        )
        extra = " The dashed line is the same profile without treatment."
    else:
        curve = outlook.curve.assign(profile="This profile")
        survival_plot = plots.prognosis_curves(curve) + _no_strip()
        alt, extra = "Probability of being alive, by years from today", ""
    survival_png = png_bytes(survival_plot + _size(5.0, 2.8))
    figures = [
        _image(
            survival_png,
            alt,
            f"Probability of being alive from today (line) with its {level} band (shaded); "
            f"the axis reaches past the time by which 75% have died ({_years(q75)}).{extra}",
        )
    ]
    course = card_course(outlook) if course is None else course
    course_png, course_caption, course_box = course_parts(course, inputs)
    if course_png is None:
        figures.append(f"<p class='small'>{course_caption}</p>")
    else:
        alt = "Expected ALSFRS-R total from today: median line and 10th to 90th percentile band"
        figures.append(_image(course_png, alt, course_caption))
    boxes = [
        ("median remaining survival", _years(outlook.median_remaining_years)),
        ("quartiles (25% / 75% have died)", f"{q25:.1f} to {q75:.1f} years"),
    ]
    for years, p in outlook.p_alive.items():
        low, high = _band_at(outlook, float(years))
        value = f"{_percent(p)} ({_percent(low)}-{_percent(high)})"
        if treatment and untreated is not None:
            value += f"; {_percent(untreated.p_alive[years])} untreated"
        boxes.append((f"alive in {_plural(years, 'year')} ({level} band)", value))
    if course_box is not None:
        boxes.append(course_box)
    if treatment and untreated is not None:
        boxes.append(
            ("median remaining survival without treatment",
             _years(untreated.median_remaining_years))
        )  # fmt: skip
    numbers = "".join(
        f'<div class="number"><b>{html.escape(value)}</b><span>{html.escape(label)}</span></div>'
        for label, value in boxes
    )
    warnings_html = "".join(
        f"<div class='warning'><b>Outside the model's range.</b> {html.escape(w)}</div>\n"
        for w in calibration_warnings(outlook)
    )
    p1 = outlook.p_alive.get(1, float("nan"))
    p5 = outlook.p_alive.get(5, float("nan"))
    summary = (
        f"<p>Among 100 people with this profile who are alive today, about "
        f"{round(100 * p1)} would be alive a year from now and about {round(100 * p5)} five "
        f"years from now. Half would live longer than {_years(outlook.median_remaining_years)} "
        f"more. The middle half of remaining lifetimes runs from {q25:.1f} to "
        f"{q75:.1f} years.</p>"
    )
    band = (
        f"<p class='small'>The {level} band: the model refitted to the published figures "
        "redrawn many times as if from new studies of the same size; the middle "
        f"{level} of those curves. It shows how uncertain the published figures make the "
        "curve, not how much people differ, and it need not be centred on the line (the "
        "line is the fit to the figures themselves).</p>"
    )
    hr = inputs.get("hazard_ratio_vs_reference")
    given, assumed = _given_and_assumed(inputs)
    factors = (
        f"<p class='small'>This profile's risk of dying, relative to the model's reference "
        f"patient, is a factor of {hr:.2f}, from what was entered ({', '.join(given)})"
        + (f" and, where nothing was entered, the reference patient's {', '.join(assumed)}"
           if assumed else "")
        + ". Deaths from other causes follow the "
        f"{html.escape(str(inputs.get('background') or 'no'))} life table.</p>"
        if hr is not None
        else ""
    )  # fmt: skip
    caveat = (
        "<div class='caveat'><b>Read with care.</b> These figures describe groups of patients "
        "with this profile, averaged over published series; they are not a prediction for one "
        "person, whose course can be much faster or slower. The model knows only the "
        "factors listed above. Discuss any decision with the treating team.</div>"
    )
    treated_by = TREATMENT_REFERENCES.get(str(treatment))
    sources = (
        "<p class='small'>Key references: the published survival figures the model is "
        "calibrated to, the MSD Manual (Rubin, 2019) [@rubin2019]; the prognostic factors "
        "[@rooney2013; @elamin2015]"
        + (f"; the effect of {html.escape(str(treatment))} [@{treated_by}]" if treated_by else "")
        + ".</p>\n"
        + LIST_MARK
    )
    made = f" on {html.escape(date)}" if date else ""
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>alsprog: patient outlook</title>\n"
        f"<style>{CARD_STYLE}</style>\n</head>\n<body>\n"
        "<h1>Outlook for one patient profile</h1>\n"
        f"<p class='profile'>{html.escape(_profile_words(inputs))}</p>\n"
        f"{warnings_html}<div class='numbers'>{numbers}</div>\n"
        f"<h2>In plain words</h2>\n{summary}\n{band}\n{factors}\n"
        f"<div class='figures'>{''.join(figures)}</div>\n{caveat}\n{sources}\n"
        f"<p class='small'>Made{made} by alsprog {html.escape(__version__)} "
        "(<code>alsprog prognosis --html</code>). Times from today; the model is calibrated "
        "from symptom onset.</p>\n</body>\n</html>\n"
    )
    return link_citations(page, everything=False)


def write_patient_card(
    outlook: Prognosis,
    path: str | Path,
    *,
    untreated: Prognosis | None = None,
    date: str = "",
    course: pd.DataFrame | None = None,
) -> Path:
    """Write ``patient_card_html(outlook, untreated=, date=, course=)`` to ``path``
    atomically; return the path."""
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"patient card: {path} should end in .html; choose an .html file name")
    if path.is_dir():
        raise InputError(f"patient card: {path} is a folder; give a file name ending in .html")
    if not path.parent.is_dir():
        raise InputError(f"patient card: folder {path.parent} does not exist; create it first")
    page = patient_card_html(outlook, untreated=untreated, date=date, course=course)
    page_bytes = page.encode("utf-8")
    return write_bytes(path, page_bytes, "patient card")  # whole, through a symbolic link


def _size(width: float, height: float):
    from plotnine import theme

    return theme(figure_size=(width, height))


def _no_strip():
    from plotnine import element_blank, theme

    return theme(strip_background=element_blank(), strip_text=element_blank())
