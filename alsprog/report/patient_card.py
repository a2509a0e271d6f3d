"""The patient card: one printable page (A4) for one patient profile's outlook.

``patient_card_html(outlook)`` turns an ``alsprog.prognosis(...)`` result into a self-contained
HTML page (figures embedded as PNG, no external resource): the survival curve from today with its
band, the median and quartiles of remaining survival, the chance of being alive in 1, 2 and 5
years, the expected ALSFRS-R course when today's score is known, and a plain-language summary with
its caveats. ``write_patient_card`` writes it atomically (temporary file, then rename).
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import numpy as np

from alsprog.disease.functional_course import alsfrs_r_projection
from alsprog.disease.prognosis import Prognosis
from alsprog.errors import InputError
from alsprog.files import write_bytes
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
@media print { body { margin: 0; padding: 0; } }
"""


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


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
    parts.append(f"{inputs['years_since_onset']:g} years since onset")
    if inputs.get("diagnosis_delay_months") is not None:
        parts.append(f"diagnosed {inputs['diagnosis_delay_months']:g} months after onset")
    if inputs.get("alsfrs_r") is not None:
        parts.append(f"ALSFRS-R {inputs['alsfrs_r']:g} today")
    if inputs.get("fvc_percent") is not None:
        parts.append(f"FVC {inputs['fvc_percent']:g}% of predicted")
    if inputs.get("ftd"):
        parts.append("frontotemporal dementia")
    if inputs.get("treatment"):
        parts.append(f"treatment: {inputs['treatment']}")
    return "; ".join(parts)


def patient_card_html(outlook: Prognosis) -> str:
    """The card as one self-contained HTML page (str); see the module docstring."""
    from alsprog import __version__, plots

    if not isinstance(outlook, Prognosis):
        raise InputError(
            f"patient card: expected the result of alsprog.prognosis(...) "
            f"(got {type(outlook).__name__})"
        )
    inputs = outlook.inputs
    level = _percent(outlook.band_level)
    q25, q75 = outlook.quartiles_remaining_years
    curve = outlook.curve.assign(profile="This profile")
    survival_png = png_bytes(plots.prognosis_curves(curve) + _size(5.0, 2.8) + _no_strip())
    figures = [
        _image(
            survival_png,
            "Probability of being alive, by years from today",
            f"Probability of being alive from today (line) with its {level} band (shaded) "
            "from the uncertainty of the published figures the model is calibrated to.",
        )
    ]
    if inputs.get("alsfrs_r") is not None and inputs["years_since_onset"] > 0:
        projection = alsfrs_r_projection(inputs["alsfrs_r"], inputs["years_since_onset"])
        slope = float(projection["slope_points_per_month"].iloc[0])
        figures.append(
            _image(
                png_bytes(plots.alsfrs_r_projection_plot(projection) + _size(5.0, 2.8)),
                "Expected ALSFRS-R total over the next 12 months",
                f"Expected ALSFRS-R if the decline so far ({slope:.2f} points a month since "
                "onset) continues in a straight line; individual courses vary widely.",
            )
        )
    boxes = [
        ("median remaining survival", f"{outlook.median_remaining_years:.1f} years"),
        ("quartiles (25% / 75% have died)", f"{q25:.1f} to {q75:.1f} years"),
    ]
    for years, p in outlook.p_alive.items():
        low, high = _band_at(outlook, float(years))
        boxes.append(
            (f"alive in {years} year{'s' if years != 1 else ''} ({level} band)",
             f"{_percent(p)} ({_percent(low)}-{_percent(high)})")
        )  # fmt: skip
    numbers = "".join(
        f'<div class="number"><b>{html.escape(value)}</b><span>{html.escape(label)}</span></div>'
        for label, value in boxes
    )
    p1 = outlook.p_alive.get(1, float("nan"))
    p5 = outlook.p_alive.get(5, float("nan"))
    summary = (
        f"<p>Among 100 people with this profile who are alive today, about "
        f"{round(100 * p1)} would be alive a year from now and about {round(100 * p5)} five "
        f"years from now. Half would live longer than {outlook.median_remaining_years:.1f} "
        f"more years. The middle half of remaining lifetimes runs from {q25:.1f} to "
        f"{q75:.1f} years.</p>"
    )
    hr = inputs.get("hazard_ratio_vs_reference")
    factors = (
        f"<p class='small'>This profile's risk of dying, relative to the model's reference "
        f"patient, is a factor of {hr:.2f} (age at onset, diagnostic delay, progression rate, "
        "FVC and dementia as given; each factor's effect is from published cohorts, listed in "
        "alsprog's data files). Deaths from other causes follow the "
        f"{html.escape(str(inputs.get('background') or 'no'))} life table.</p>"
        if hr is not None
        else ""
    )
    caveat = (
        "<div class='caveat'><b>Read with care.</b> These figures describe groups of patients "
        "with this profile, averaged over published series; they are not a prediction for one "
        "person, whose course can be much faster or slower. The band shows how uncertain the "
        "published figures are, not the spread between people. The model knows only the "
        "factors listed above. Discuss any decision with the treating team.</div>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>alsprog: patient outlook</title>\n"
        f"<style>{CARD_STYLE}</style>\n</head>\n<body>\n"
        "<h1>Outlook for one patient profile</h1>\n"
        f"<p class='profile'>{html.escape(_profile_words(inputs))}</p>\n"
        f"<div class='numbers'>{numbers}</div>\n"
        f"<h2>In plain words</h2>\n{summary}\n{factors}\n"
        f"<div class='figures'>{''.join(figures)}</div>\n{caveat}\n"
        f"<p class='small'>Made by alsprog {html.escape(__version__)} "
        "(<code>alsprog prognosis --html</code>). Times from today; the model is calibrated "
        "from symptom onset.</p>\n</body>\n</html>\n"
    )


def write_patient_card(outlook: Prognosis, path: str | Path) -> Path:
    """Write ``patient_card_html(outlook)`` to ``path`` atomically; return the path."""
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"patient card: {path} should end in .html; choose an .html file name")
    if path.is_dir():
        raise InputError(f"patient card: {path} is a folder; give a file name ending in .html")
    if not path.parent.is_dir():
        raise InputError(f"patient card: folder {path.parent} does not exist; create it first")
    page = patient_card_html(outlook).encode("utf-8")
    return write_bytes(path, page, "patient card")  # whole, through a symbolic link


def _size(width: float, height: float):
    from plotnine import theme

    return theme(figure_size=(width, height))


def _no_strip():
    from plotnine import element_blank, theme

    return theme(strip_background=element_blank(), strip_text=element_blank())
