"""The report's "Individual prognosis" section: illustrative patients' outlook from today.

``prognosis_section(context)`` is registered last in ``alsprog.report.SECTIONS``. It
presents ``alsprog.prognosis`` for a few made-up profiles (``PROFILES``), with their uncertainty
bands, and shows how the median remaining survival of the first profile moves with age at onset
and with the ALSFRS-R progression rate (frames: ``profile_table``, ``profile_curves``,
``factor_medians``). Figures quoted come from ``data/phenotypes.toml`` and ``effects.toml``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alsprog import data
from alsprog.disease.library import DERIVED, phenotype
from alsprog.disease.prognosis import HORIZONS, Prognosis, patient_model, prognosis
from alsprog.interventions.presets import treatment_effect
from alsprog.population.background_mortality import background_survival
from alsprog.population.lifetable import life_table
from alsprog.report.page import Context, Figure, Section, Table, percent

HORIZON_YEARS = 10.0
BAND_DRAWS = 60  # the default of alsprog.prognosis, so the report matches the CLI
AGES = tuple(np.arange(40.0, 80.0 + 1e-9, 1.0).tolist())  # years at onset
RATES = tuple(np.linspace(0.1, 2.0, 39).tolist())  # ALSFRS-R points per month, steps of 0.05
SEX_WORDS = {"male": "man", "female": "woman", None: "either sex"}
PLURALS = {"male": "men", "female": "women", None: "people"}
FACTOR_LABELS = {
    "age_at_onset": "Age at onset (years)",
    "progression_rate": "ALSFRS-R progression rate (points per month)",
}
CURVE_COLUMNS = ["profile", "years_from_now", "survival", "lower", "upper"]
FACTOR_COLUMNS = ["factor", "value", "hazard_ratio_vs_reference", "median_remaining_years", "base"]


@dataclass(frozen=True)
class Profile:
    """An illustrative patient: the arguments of ``alsprog.prognosis`` and a label."""

    label: str
    phenotype: str
    sex: str | None
    age_at_onset: float
    years_since_onset: float
    alsfrs_r: float | None = None
    treatment: str | None = None

    def prognosis(self, band_draws: int = BAND_DRAWS) -> Prognosis:
        """``alsprog.prognosis`` for this profile, over ``HORIZON_YEARS`` from today."""
        return prognosis(
            self.phenotype,
            age_at_onset=self.age_at_onset,
            years_since_onset=self.years_since_onset,
            sex=self.sex,
            alsfrs_r=self.alsfrs_r,
            treatment=self.treatment,
            horizon_years=HORIZON_YEARS,
            band_draws=band_draws,
        )


# Made-up profiles for illustration (assumption): typical ages of onset for each disease.
LIMB = Profile("1. ALS, limb onset", "als_limb", "male", 58.0, 1.5, 38.0)
BULBAR = Profile("2. ALS, bulbar onset", "als_bulbar", "male", 58.0, 1.5, 38.0)
RILUZOLE = Profile("3. ALS, limb onset, riluzole", "als_limb", "male", 58.0, 1.5, 38.0, "riluzole")
PLS = Profile("4. PLS", "pls", "female", 53.0, 3.0)
PMA = Profile("5. PMA", "pma", "male", 62.0, 2.0)
PROFILES = (LIMB, BULBAR, RILUZOLE, PLS, PMA)


def example_outlooks(profiles: Sequence[Profile] = PROFILES) -> dict[Profile, Prognosis]:
    """Each profile's prognosis, in the given order."""
    return {profile: profile.prognosis() for profile in profiles}


def profile_table(outlooks: Mapping[Profile, Prognosis]) -> pd.DataFrame:
    """One row per profile: who the patient is and their outlook from today.

    Columns: profile (label), phenotype, sex, age_at_onset (years), years_since_onset (years),
    alsfrs_r (total today, NaN when not given), progression_rate_points_per_month (ALSFRS-R,
    NaN when not given), treatment ("" for none), hazard_ratio_vs_reference (the prognostic
    factors against the phenotype's reference patient), treatment_hazard_ratio,
    median_remaining_years, quartile_25_years and quartile_75_years (years from today by which
    25% and 75% of such patients have died), p_alive_1y, p_alive_2y, p_alive_5y (probability of
    being alive 1, 2 and 5 years from today).
    """
    rows = []
    for profile, outlook in outlooks.items():
        inputs, rate = outlook.inputs, outlook.inputs["progression_rate_points_per_month"]
        row = {
            "profile": profile.label,
            "phenotype": profile.phenotype,
            "sex": profile.sex or "",
            "age_at_onset": float(profile.age_at_onset),
            "years_since_onset": float(profile.years_since_onset),
            "alsfrs_r": _or_nan(profile.alsfrs_r),
            "progression_rate_points_per_month": _or_nan(rate),
            "treatment": profile.treatment or "",
            "hazard_ratio_vs_reference": inputs["hazard_ratio_vs_reference"],
            "treatment_hazard_ratio": inputs["treatment_hazard_ratio"],
            "median_remaining_years": outlook.median_remaining_years,
            "quartile_25_years": outlook.quartiles_remaining_years[0],
            "quartile_75_years": outlook.quartiles_remaining_years[1],
        }
        row.update({f"p_alive_{h}y": outlook.p_alive[h] for h in HORIZONS})
        rows.append(row)
    return pd.DataFrame(rows)


def profile_curves(outlooks: Mapping[Profile, Prognosis]) -> pd.DataFrame:
    """Each profile's survival from today with its band, stacked.

    Columns: profile (label), years_from_now (years), survival, lower, upper (0-1; the band).
    """
    frames = [outlook.curve.assign(profile=profile.label) for profile, outlook in outlooks.items()]
    return pd.concat(frames, ignore_index=True)[CURVE_COLUMNS]


def factor_medians(
    outlook: Prognosis, ages: Sequence[float] = AGES, rates: Sequence[float] = RATES
) -> pd.DataFrame:
    """Median remaining survival of ``outlook``'s patient as one factor moves, the others fixed.

    Uses the same patient model as ``alsprog.prognosis`` (no band). The base profile's own
    value is added to each grid.

    Returns
    -------
    One row per factor and value. Columns: factor ("age_at_onset" or "progression_rate"), value
    (years, or ALSFRS-R points per month), hazard_ratio_vs_reference, median_remaining_years,
    base (True on the base profile's value).
    """
    inputs = outlook.inputs
    item = phenotype(inputs["phenotype"], inputs["background"])
    treatment = treatment_effect(inputs["treatment"])
    base = {
        "age_at_onset": float(inputs["age_at_onset"]),
        "progression_rate": inputs["progression_rate_points_per_month"],
    }
    rows = []
    for factor, grid in (("age_at_onset", ages), ("progression_rate", rates)):
        values = np.asarray(grid, dtype=float)
        if base[factor] is not None:
            values = np.union1d(values, [base[factor]])
        for value in values:
            at = {**base, factor: float(value)}
            age, rate = at["age_at_onset"], at["progression_rate"]
            rest = (inputs["diagnosis_delay_months"], rate, inputs["fvc_percent"], inputs["ftd"])
            model = patient_model(item, age, inputs["sex"], *rest, treatment)
            median = model.conditional(inputs["years_since_onset"]).median()
            hazard_ratio = float(item.effects.hazard_ratio(age, *rest))
            rows.append((factor, float(value), hazard_ratio, median, bool(value == base[factor])))
    return pd.DataFrame(rows, columns=FACTOR_COLUMNS)


def _or_nan(value: float | None) -> float:
    return np.nan if value is None else float(value)


# --------------------------------------------------------------------------- the section
def prognosis_section(context: Context) -> Section:
    """Illustrative patients' outlook from today, with bands, and how it moves with factors."""
    from alsprog.plots.prognosis import prognosis_curves, prognosis_factors

    found = example_outlooks()
    table = profile_table(found)
    curves = profile_curves(found)
    factors = factor_medians(found[LIMB])
    level = found[LIMB].band_level
    text = (
        _intro_text(found)
        + "<!-- table:prognosis_profiles -->\n"
        + _band_text(level)
        + "<!-- figure:prognosis_curves -->\n"
        + _factors_text()
        + _background_text(found)
        + _sensitivity_text(LIMB, factors)
        + "<!-- figure:prognosis_factors -->\n"
        + '<p class="note">These are model outputs for made-up patients, to show what the '
        "calibrated models imply. They are not a prognosis for any real person.</p>\n"
    )
    curve_figure = Figure(
        prognosis_curves(curves, "Survival from today of the illustrative profiles"),
        f"Line: probability of being alive (alsprog.prognosis). Band: {percent(level, 0)} "
        "uncertainty band of the calibration figures. Dotted line: 50%; where a curve crosses "
        "it is the median remaining survival. Profiles are illustrative (assumption).",
    )
    factor_figure = Figure(
        prognosis_factors(
            factors.assign(factor=factors["factor"].map(FACTOR_LABELS)),
            f"Median remaining survival of profile {_number_of(LIMB)} as one factor moves",
        ),
        "Median remaining survival (alsprog) with every other input of profile "
        f"{_number_of(LIMB)} held fixed; point: the profile itself. Hazard ratios from the "
        "sources in the text.",
    )
    return Section(
        "Individual prognosis",
        text,
        {"prognosis_curves": curve_figure, "prognosis_factors": factor_figure},
        {
            "prognosis_profiles": Table(
                table,
                "Illustrative profiles, not real patients (assumption); outlook computed by "
                "<code>alsprog.prognosis</code>. HR vs reference: the hazard ratio of the "
                "profile's prognostic factors against its phenotype's reference patient, times "
                "the treatment's. Bulbar onset is not in it: the als_bulbar phenotype carries "
                "its hazard ratio. Quartiles: the times from today by which 25% and 75% of such "
                "patients have died. The CSV has columns " + ", ".join(table.columns) + ".",
                _display(table),
            ),
            "prognosis_curves": Table(
                curves,
                f"The curves in the figure (columns {', '.join(curves.columns)}).",
                show=False,
            ),
            "prognosis_factors": Table(
                factors,
                f"The medians in the second figure (columns {', '.join(factors.columns)}).",
                show=False,
            ),
        },
    )


def _count(n: int) -> str:
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    return words[n] if n < len(words) else str(n)


def _number_of(profile: Profile) -> str:
    return profile.label.split(".", 1)[0]


def _display(table: pd.DataFrame) -> pd.DataFrame:
    """The page's copy of the profile table, formatted."""
    rows = []
    for row in table.itertuples(index=False):
        hazard = f"{row.hazard_ratio_vs_reference:.2f}"
        if row.treatment_hazard_ratio != 1:
            hazard += f" × {row.treatment_hazard_ratio:.2f}"
        rows.append(
            [
                row.profile,
                row.phenotype,
                SEX_WORDS[row.sex or None],
                f"{row.age_at_onset:g}",
                f"{row.years_since_onset:g}",
                "" if np.isnan(row.alsfrs_r) else f"{row.alsfrs_r:g}",
                hazard,
                f"{row.median_remaining_years:.1f}",
                f"{row.quartile_25_years:.1f} to {row.quartile_75_years:.1f}",
            ]
            + [percent(getattr(row, f"p_alive_{h}y"), 0) for h in HORIZONS]
        )
    columns = [
        "Profile", "Phenotype", "Sex", "Onset age", "Years since onset", "ALSFRS-R",
        "HR vs reference", "Median remaining (years)", "Quartiles (years)",
    ] + [f"Alive at {h} y" for h in HORIZONS]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _intro_text(found: Mapping[Profile, Prognosis]) -> str:
    limb, bulbar, riluzole = found[LIMB], found[BULBAR], found[RILUZOLE]
    gain_months = 12 * (riluzole.median_remaining_years - limb.median_remaining_years)
    q25, q75 = limb.quartiles_remaining_years
    return (
        "<p>The models can also answer a patient's question: given who I am and that I am "
        "alive today, what lies ahead? <code>alsprog.prognosis</code> takes the calibrated "
        "phenotype, applies the patient's hazard ratio for the prognostic factors and an "
        "optional treatment, adds ordinary mortality for their age and sex, and conditions on "
        f"being alive today. The table gives the outlook of {_count(len(found))} <strong>"
        "illustrative profiles</strong>, made up for this report (assumption): they are not "
        "real patients.</p>\n"
        f"<p>Profile {_number_of(LIMB)} is a {SEX_WORDS[LIMB.sex]} with limb-onset ALS from "
        f"the age of {LIMB.age_at_onset:g}, {LIMB.years_since_onset:g} years after onset, with "
        f"an ALSFRS-R of {LIMB.alsfrs_r:g} today (a decline of "
        f"{limb.inputs['progression_rate_points_per_month']:.2f} points per month). Half of "
        f"such patients are alive {limb.median_remaining_years:.1f} years from today; a quarter "
        f"die within {q25:.1f} years and a quarter live beyond {q75:.1f} years. With bulbar "
        f"onset (profile {_number_of(BULBAR)}) the median is "
        f"{bulbar.median_remaining_years:.1f} years; with riluzole (profile "
        f"{_number_of(RILUZOLE)}) it is {riluzole.median_remaining_years:.1f} years, "
        f"{gain_months:.0f} months more (computed by alsprog).</p>\n"
    )


def _sample_size_words(name: str) -> str:
    """The effective sample size behind ``name``'s band, with its source, for the page."""
    specs = data.phenotypes().phenotype
    while name in DERIVED or specs[name].structure == "scaled":
        name = DERIVED[name][0] if name in DERIVED else specs[name].scaled_from
    source = specs[name].effective_sample_size_source
    why = (
        html.escape(source)
        if source
        else "assumption: its figures are rounded summaries of many cohorts, with no sample "
        "size of their own"
    )
    return f"{name.upper()} {specs[name].effective_sample_size:g} ({why})"


def _band_text(level: float) -> str:
    sizes = dict.fromkeys(_sample_size_words(p.phenotype) for p in PROFILES)
    return (
        f"<p>The shaded band around each curve is a {percent(level, 0)} uncertainty band for "
        "the curve, not the spread between patients. The figures a phenotype is calibrated to "
        "are themselves uncertain. alsprog redraws them as if each had come from a cohort of "
        "its effective sample size, recalibrates the phenotype to each of "
        f"{BAND_DRAWS} redrawn sets, and takes the middle {percent(level, 0)} of the resulting "
        "curves. The effective sample sizes: "
        + "; ".join(sizes)
        + ". The spread between patients with the same profile is the curve "
        "itself, summarised by the quartiles in the table. The band leaves out the uncertainty "
        "of the hazard ratios and of the model's shape, so the real uncertainty is wider.</p>\n"
    )


def _factors_text() -> str:
    figures = data.phenotypes()
    covariates, riluzole = figures.covariates, data.effects().riluzole
    als, pls, population = figures.phenotype["als"], figures.phenotype["pls"], figures.population
    low, high = riluzole.interval
    items = [
        f"Age at onset: {covariates.age_hazard_ratio_per_10_years:g} per 10 years. "
        f"Source: {html.escape(covariates.age_source)}.",
        "ALSFRS-R progression rate, (48 &minus; ALSFRS-R) / months since onset: "
        f"{covariates.progression_hazard_ratio_per_point_per_month:g} per point per month. "
        f"Source: {html.escape(covariates.progression_source)}. The reference rate is "
        f"{covariates.reference_progression_points_per_month:g} points per month. "
        f"{html.escape(covariates.reference_progression_source)}.",
        f"Bulbar against limb onset: {als.bulbar_hazard_ratio:g}. "
        f"Source: {html.escape(als.bulbar_hazard_ratio_source)}.",
        f"Riluzole: {riluzole.hazard_ratio:g} (95% interval {low:g} to {high:g}), the "
        "pooled figure of its randomised trials in the Cochrane review. "
        f"Source: {html.escape(riluzole.source)}. Profile {_number_of(RILUZOLE)} is "
        f"profile {_number_of(LIMB)} on riluzole.",
    ]
    return (
        "<p>The hazard ratios come from published cohorts and trials. They multiply the "
        "disease hazard (not ordinary mortality) of a reference patient: onset at the "
        f"phenotype's mean onset age ({population.onset_age_mean_years:g} for ALS and PMA, "
        f"{pls.onset_age_mean_years:g} for PLS; sources in data/phenotypes.toml), the "
        "median diagnostic delay and the reference progression rate.</p>\n<ul>"
        + "".join(f"<li>{item}</li>" for item in items)
        + f"</ul>\n<p>{html.escape(covariates.covariate_transfer)}.</p>\n"
    )


def _background_text(found: Mapping[Profile, Prognosis]) -> str:
    table = life_table()
    text = (
        "<p>Every curve includes ordinary mortality for the patient's age and sex from the "
        f"{html.escape(table.name)} life table ({html.escape(table.source)}), as an independent "
        "competing risk."
    )
    if PLS in found:
        age = PLS.age_at_onset + PLS.years_since_onset
        died = 1 - float(found[PLS].model.survival(HORIZON_YEARS))
        ordinary = 1 - float(background_survival(age, PLS.sex, HORIZON_YEARS))
        text += (
            " It matters little in the first years of ALS, but much more in a slow disease: "
            f"{percent(died, 0)} of patients like profile {_number_of(PLS)} die within the next "
            f"{HORIZON_YEARS:g} years, and ordinary mortality alone would take "
            f"{percent(ordinary, 0)} of {PLURALS[PLS.sex]} aged {age:g} over the same time "
            "(life table)."
        )
    return (
        text + " Sex enters only through the life table: no hazard ratio for sex is applied to "
        "the disease.</p>\n"
    )


def _sensitivity_text(profile: Profile, factors: pd.DataFrame) -> str:
    parts = []
    for factor, before, after in (
        ("age_at_onset", "for onset at {}", ""),
        ("progression_rate", "at a decline of {}", " points per month"),
    ):
        rows = factors[factors["factor"] == factor]
        if len(rows) < 2:
            continue
        ends = [
            f"{row.median_remaining_years:.1f} years {before.format(f'{row.value:.3g}')}"
            for row in (rows.iloc[0], rows.iloc[-1])
        ]
        parts.append(f"from {ends[0]} to {ends[1]}{after}")
    moves = f" The median goes {', and '.join(parts)} (computed by alsprog)." if parts else ""
    return (
        "<p>How does the outlook move with the prognostic factors? The second figure takes "
        f"profile {_number_of(profile)} and changes one input at a time, age at onset or the "
        "ALSFRS-R progression rate, holding the rest fixed." + moves + " Age acts twice: "
        "through the disease's hazard ratio and through ordinary mortality. These curves have "
        "no band: they show the model's response to the factors, not its uncertainty.</p>\n"
    )
