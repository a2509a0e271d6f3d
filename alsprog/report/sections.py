"""The built-in sections of the calibration report (``alsprog.report.SECTIONS`` orders them).

A section is a function ``section(context) -> Section | None`` (None leaves it out); the types,
the shared ``Context`` and the writing live in ``alsprog.report.page``. Each section calls table
and plot functions (``alsprog.estimation.calibration``, ``alsprog.plots``) and adds the words
around them.
"""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from alsprog.report.page import (
    Context,
    Figure,
    Section,
    Table,
    number,
    percent,
    points,
)
from alsprog.report.phenotypes_section import phenotypes_section as phenotypes_section

if TYPE_CHECKING:
    from alsprog.models.base import SurvivalModel

PLURALS = {"male": "men", "female": "women"}


def _landmark_name(t: float) -> str:
    return f"S({t:g} y)"


def _bound_text(kind: str, value: float) -> str:
    return {"upper": "at most ", "lower": "at least "}.get(kind, "") + percent(value)


def landmarks_section(context: Context) -> Section:
    """The figures calibrated to, with their sources."""
    targets, frame = context.targets, context.landmarks
    bounds = [lm for lm in targets.landmarks if lm.kind != "equal"]
    bound_text = ""
    if bounds:
        listed = ", ".join(
            f"{_landmark_name(b.t)} {_bound_text(b.kind, b.survival)}" for b in bounds
        )
        bound_text = (
            f" The rest are bounds ({html.escape(listed)}): the curve must stay on the right side"
            " of them. Where the document says only that something is rare, the number is our"
            " reading of it and the source column says so."
        )
    text = (
        f"<p>The models are calibrated to survival figures from <em>"
        f"{html.escape(targets.source or targets.name)}</em>. Of these, {len(targets.equal)} "
        "are the proportions of patients alive at a given time after onset, which a model "
        f"should reproduce.{bound_text}</p>\n"
        "<p>These figures are rounded summaries of many patient series, not the result of one "
        "study, so they come with no number of patients. The calibration treats them as if they "
        f"came from {targets.effective_sample_size:g} patients (an <strong>assumption</strong>, "
        "chosen so that sampling error is about the size of the rounding). That number sets the "
        "width of uncertainty intervals and the scale of the log-likelihood and AIC below; it "
        "does not move the fitted curves.</p>\n"
    )
    display = pd.DataFrame(
        {
            "Landmark": [_landmark_name(t) for t in frame["t"]],
            "Years from onset": frame["t"],
            "Survival": [
                _bound_text(k, v) for k, v in zip(frame["kind"], frame["target"], strict=True)
            ],
            "Kind": frame["kind"].map(
                {"equal": "figure to reproduce", "upper": "upper bound", "lower": "lower bound"}
            ),
            "Source": frame["source"],
        }
    )
    table = Table(frame, "Figures and sources as shipped in <code>alsprog/data</code>.", display)
    return Section("The figures the models reproduce", text, tables={"landmarks": table})


def families_section(context: Context) -> Section:
    """Every family calibrated to the landmarks: comparison table and curves."""
    from alsprog import plots

    comparison, models = context.comparison, context.models
    equal = context.targets.equal
    edges = [(0.0, 1.0)] + [(lm.t, lm.survival) for lm in equal]
    rates = [
        (t0, t1, math.log(s0 / s1) / (t1 - t0)) for (t0, s0), (t1, s1) in itertools.pairwise(edges)
    ]
    rate_text = "; ".join(f"{r:.2f} per year from {t0:g} to {t1:g} years" for t0, t1, r in rates)
    two = comparison[comparison["n_parameters"] <= 2]
    two_text = ""
    if len(two):
        best = two.iloc[int(two["max_abs_error"].to_numpy().argmin())]
        two_text = (
            f" No family with one or two parameters reproduces them all: the closest, "
            f"{html.escape(str(best['family']))}, still misses one figure by "
            f"{points(best['max_abs_error'])} percentage points."
        )
    text = (
        "<p>Each family was fitted to the figures by maximum likelihood, with the figures read as "
        "grouped data: so many deaths in each interval between two figures, so many alive at the "
        "last one. The table lists the families from best to worst by AIC, and the figure shows "
        "each fitted curve against the figures.</p>\n"
        "<p>Among patients still alive, the average death rate implied by the figures is "
        f"{rate_text} (computed from the figures). The rate first climbs and then falls steeply. "
        f"Common survival distributions cannot bend like that.{two_text} The population is "
        "heterogeneous: most patients have disease that kills within a few years, and a minority "
        "progress slowly. Once most fast progressors have died, the survivors are mostly slow "
        "progressors, so the death rate of the group as a whole falls. A mixture of two groups "
        "describes this directly. A piecewise-exponential curve gets there another way, with a "
        "free death rate in each interval between figures.</p>\n"
        + _mixture_text(models, len(equal))
    )
    curves = plots.model_curves(models)
    figure = Figure(
        plots.survival_curves(
            curves,
            context.landmarks,
            "Every family, calibrated to the reference figures",
            facet=True,
        ),
        "Lines: each family calibrated to the figures (alsprog). Circles: figures to reproduce; "
        "triangle: an upper bound (see section 1 for their sources). Panels from best to worst "
        "AIC.",
    )
    formats = {
        "max_abs_error": points,
        "s30": percent,
        "median_years": number,
        "mean_years": number,
        "log_likelihood": lambda v: f"{v:.1f}",
        "aic": lambda v: f"{v:.1f}",
    }
    table = Table(
        comparison,
        "Computed by <code>alsprog.compare_families</code>. max_abs_error: the largest miss over "
        "the figures to reproduce, in percentage points. median_years, mean_years: years from "
        "onset (the mean is infinite when some of the model's patients never die). s30: survival "
        "at 30 years. log_likelihood and AIC depend on the assumed number of patients (section "
        "1), so read the ranking as a guide.",
        formats=formats,
    )
    data = Table(curves, "The curves in the figure (columns model, t, survival).", show=False)
    return Section(
        "Which survival families reproduce the figures",
        text,
        {"family_curves": figure},
        {"families": table, "family_curves": data},
    )


def _mixture_text(models: Mapping[str, SurvivalModel], n_figures: int) -> str:
    from alsprog.models.mixture import Mixture

    mixture = models.get("mixture")
    if not isinstance(mixture, Mixture) or len(mixture.components) != 2:
        return ""
    n_parameters = len(mixture.fit_info.parameter_names) if mixture.fit_info else 0
    if n_parameters <= n_figures:
        return ""
    parts = []
    for weight, component in sorted(
        zip(mixture.weights, mixture.components, strict=True), key=lambda pair: pair[1].median()
    ):
        early, late = np.asarray(component.hazard([1.0, 5.0]), dtype=float)
        trend = "rises" if late > early else "falls"
        parts.append(
            f"{percent(weight, 0)} with a median of {component.median():.1f} years whose "
            f"death rate {trend} with time"
        )
    return (
        f"<p>The calibrated mixture (alsprog) has two groups: {parts[0]}, and {parts[1]}. "
        f"With only {n_figures} figures, a model with {n_parameters} parameters is not pinned "
        "down. This split is one of many that fit equally well: it shows that a mixture can "
        "reproduce the figures, not the real share of slow progressors.</p>\n"
    )


def errors_section(context: Context) -> Section:
    """Fitted minus target at each landmark, per family."""
    from alsprog import plots
    from alsprog.estimation.calibration import landmark_fits

    fits = landmark_fits(context.models)
    parameters = dict(
        zip(context.comparison["family"], context.comparison["n_parameters"], strict=True)
    )
    small = fits[(fits["kind"] == "equal") & fits["family"].map(lambda f: parameters[f] <= 2)]
    hardest = _hardest_text(small)
    text = (
        "<p>Each dot is one family's fitted survival minus the figure from the document, in "
        f"percentage points (computed by alsprog).{hardest} Families with as many free "
        "parameters as there are figures can meet them all exactly. That only shows they are "
        "flexible enough. Whether their shape between and beyond the figures is right needs "
        "more evidence, such as figures for each phenotype or whole survival curves from "
        "cohorts.</p>\n"
    )
    times = [lm.t for lm in context.targets.landmarks]
    wide = fits.pivot(index="family", columns="t", values="fitted").loc[list(context.models)]
    rows = [
        ["target (document)"]
        + [_bound_text(lm.kind, lm.survival) for lm in context.targets.landmarks]
    ]
    rows += [[family] + [percent(wide.loc[family, t]) for t in times] for family in wide.index]
    display = pd.DataFrame(rows, columns=["Family"] + [_landmark_name(t) for t in times])
    figure = Figure(
        plots.landmark_errors(fits, "Fitted minus target survival at each figure"),
        "Fitted minus target survival (alsprog), figures to reproduce only; bounds are in the "
        "table. Dashed line: an exact fit.",
    )
    table = Table(
        fits,
        "Fitted survival at each figure (alsprog) under the target. The CSV "
        "has columns family, t, kind, target, fitted, error.",
        display,
    )
    return Section(
        "How far each family misses each figure",
        text,
        {"landmark_errors": figure},
        {"landmark_fits": table},
    )


def _side(errors: pd.Series) -> str:
    return "above" if (errors > 0).all() else "below" if (errors < 0).all() else "on both sides of"


def _hardest_text(small: pd.DataFrame) -> str:
    """Where two-parameter families miss, in words; '' without such families."""
    if not len(small):
        return ""
    by_time = small.groupby("t")["error"]
    worst = by_time.apply(lambda e: e.abs().mean()).idxmax()
    misses = small.loc[small["t"] == worst, "error"]
    others = [t for t in by_time.groups if t != worst]
    sides = {t: _side(small.loc[small["t"] == t, "error"]) for t in others}
    text = (
        f" The hardest figure is {_landmark_name(worst)}: every family with one or two parameters "
        f"puts survival {_side(misses)} it, by {points(misses.abs().min())} to "
        f"{points(misses.abs().max())} percentage points"
    )
    if others and len(set(sides.values())) == 1:
        names = " and ".join(_landmark_name(t) for t in others)
        text += f", and {sides[others[0]]} {names}"
    text += "."
    if _side(misses) == "above" and set(sides.values()) == {"below"}:
        text += " Such curves cannot fall fast enough after the first figure and then flatten."
    return text


def background_section(context: Context) -> Section | None:
    """The calibrated mixture with ordinary mortality for two illustrative patients."""
    from alsprog import plots
    from alsprog.population.lifetable import life_table

    model = context.models.get("mixture")
    if model is None:
        return None
    table = life_table()
    times = [lm.t for lm in context.targets.equal]
    at = plots.background_curves(model, times=times)
    curves = plots.background_curves(model)
    combined = at[at["cause"] != "ALS only"]
    wide = at.assign(
        curve=[
            c if p == "any age" else f"{p}: {c}"
            for p, c in zip(at["person"], at["cause"], strict=True)
        ]
    )
    wide = wide.pivot(index="curve", columns="t", values="survival").loc[
        list(dict.fromkeys(wide["curve"]))
    ]
    display = pd.DataFrame(
        [[curve] + [percent(wide.loc[curve, t]) for t in times] for curve in wide.index],
        columns=["Curve"] + [_landmark_name(t) for t in times],
    )
    last = times[-1]
    alone = combined[(combined["cause"] == "other causes only") & (combined["t"] == last)]
    alone_text = " and ".join(
        f"{percent(r.survival, 0)} of {r.age_at_onset:g}-year-old {PLURALS.get(r.sex, r.sex)}"
        for r in alone.itertuples()
    )
    text = (
        "<p>The calibrated curves describe death from ALS. Patients can also die of anything "
        "else, at the rate of other people of their age and sex. The figure adds that ordinary "
        f"mortality, from the {html.escape(table.name)} life table ({html.escape(table.source)}), "
        "to the calibrated mixture for two patients: a man with onset at 55 (the document: motor "
        "neuron diseases are more common in men and most often start in the 50s) and a woman "
        "with onset at 75, an older patient. Both are illustrative choices for this report "
        "(<strong>assumption</strong>). The two causes are treated as independent competing "
        "risks: S(t) = S<sub>ALS</sub>(t) &times; S<sub>pop</sub>(age + t) / "
        "S<sub>pop</sub>(age).</p>\n"
        "<p>Over the first few years, when most patients die, other causes change survival by "
        "little, because ALS dominates. Over a decade they matter more for older patients: with "
        f"no ALS at all, {alone_text} would still be alive {last:g} years later (life table), "
        "and the combined curve shrinks accordingly.</p>\n"
        '<p class="note">Caveat: the figures in section 1 come from patient series, so they '
        "already include the few deaths from other causes. Adding ordinary mortality to a curve "
        "calibrated to them counts those deaths twice, and the combined curves slightly "
        "overstate mortality. By how much depends on the ages of the patients in those series, "
        "which the document does not give.</p>\n"
    )
    figure = Figure(
        plots.background_comparison(
            curves, "Calibrated mixture with and without ordinary mortality"
        ),
        f"Solid: ALS (calibrated mixture, alsprog), alone and with ordinary mortality. Dashed: "
        f"ordinary mortality alone ({html.escape(table.name)} life table). Ages are "
        "illustrative (assumption).",
    )
    return Section(
        "ALS and ordinary mortality",
        text,
        {"background": figure},
        {
            "background_at_landmarks": Table(
                at,
                "Survival at the landmark times (alsprog and the life table). The CSV has "
                "columns person, age_at_onset, sex, cause, t, survival.",
                display,
            ),
            "background_curves": Table(
                curves, "The curves in the figure (same columns).", show=False
            ),
        },
    )
