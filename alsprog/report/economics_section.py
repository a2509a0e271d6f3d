"""The report's "Health economics" section: years in each King's stage by phenotype, and a worked
cost-effectiveness example (a riluzole-style survival effect and an edaravone-like slowing of
decline against usual care) with a small probabilistic sensitivity analysis.

Everything is ``alsprog.outcomes``: ``time_in_stage`` on a simulated cohort per phenotype,
``cost_effectiveness`` with the shipped utilities and costs (``data/health_economics.toml``,
where the illustrative entries and both drug prices are marked as assumptions), its
``base_case`` table, and with draws the CE plane, the acceptability curve and the EVPI. The PSA
is kept small so the report builds quickly: its Monte Carlo error is stated beside it.
"""

from __future__ import annotations

import pandas as pd

from alsprog.report.page import Context, Figure, Section, Table, number

PHENOTYPES = ("als", "als_limb", "als_bulbar", "als_flail", "pbp", "pma", "pls")
STAGE_PATIENTS = 4_000  # patients simulated per phenotype for the time in stage
BASE_PATIENTS = 5_000  # patients per strategy in the base case
PSA_DRAWS = 200  # PSA draws (utilities and costs drawn for each)
PSA_VERSIONS = 20  # redrawn phenotype versions and course draws simulated (paired, 20 runs)
PSA_PATIENTS = 600  # patients per strategy and version in the PSA
THRESHOLD = 30_000.0  # the upper end of NICE's usual range, per QALY
WTP = tuple(float(w) for w in range(0, 150_001, 5_000))


def _stays(seed: int, n: int) -> pd.DataFrame:
    import alsprog

    frames = []
    for name in PHENOTYPES:
        cohort = alsprog.simulate_cohort(n, seed, phenotype=name)
        stays = alsprog.time_in_stage(cohort, "kings")
        frames.append(stays.assign(phenotype=name))
    out = pd.concat(frames, ignore_index=True)
    return out[["phenotype", "staging", "stage", "horizon_years", "value"]]


def _stay_display(stays: pd.DataFrame) -> pd.DataFrame:
    wide = stays.pivot(index="phenotype", columns="stage", values="value").loc[list(PHENOTYPES)]
    shown = pd.DataFrame({"Phenotype": wide.index})
    for stage in ("1", "2", "3", "4"):
        shown[f"Stage {stage} (years)"] = [number(v) for v in wide[stage]]
    shown["Life expectancy from onset (years)"] = [number(v) for v in wide["alive"]]
    return shown


def _base_display(table: pd.DataFrame) -> pd.DataFrame:
    def money(v: float) -> str:
        return "" if pd.isna(v) else f"{v:,.0f}"

    return pd.DataFrame(
        {
            "Strategy": table["strategy"],
            "Total costs (GBP)": [money(v) for v in table["total_costs"]],
            "Total QALYs": [number(v) for v in table["total_qalys"]],
            "Life-years (undiscounted)": [number(v) for v in table["undiscounted_life_years"]],
            "Versus": table["versus"],
            "Incremental costs (GBP)": [money(v) for v in table["incremental_costs"]],
            "Incremental QALYs": [
                "" if pd.isna(v) else number(v) for v in table["incremental_qalys"]
            ],
            "ICER (GBP per QALY)": [
                note or money(v) for v, note in zip(table["icer"], table["note"], strict=True)
            ],
        }
    )


def economics_section(context: Context) -> Section:
    """Time in stage by phenotype; the worked cost-effectiveness example with its PSA."""
    from alsprog import plots
    from alsprog.interventions import edaravone, riluzole
    from alsprog.outcomes.economic_inputs import illustrative_prices
    from alsprog.outcomes.economics import Strategy, cost_effectiveness

    seed = context.seed
    stays = _stays(seed, min(STAGE_PATIENTS, context.n_patients))
    prices = illustrative_prices()
    ril, eda = riluzole(), edaravone()
    strategies = {
        "usual care": None,
        "riluzole-style": Strategy(ril, prices["riluzole-style"]),
        "edaravone-like": Strategy(eda, prices["edaravone-like"]),
    }
    base = cost_effectiveness(
        strategies, n_patients=min(BASE_PATIENTS, context.n_patients), seed=seed, entry="diagnosis"
    )
    psa = cost_effectiveness(
        strategies,
        n_patients=min(PSA_PATIENTS, context.n_patients),
        draws=PSA_DRAWS,
        survival_draws=PSA_VERSIONS,
        course_draws=PSA_VERSIONS,
        seed=seed,
        entry="diagnosis",
    )
    table = base.base_case()
    inc = base.incremental.set_index("strategy")
    ceac = psa.ceac(list(WTP))
    at = ceac[ceac["wtp"] == THRESHOLD].set_index("strategy")["probability"]
    evpi = psa.evpi([20_000.0, THRESHOLD])
    assumed = ", ".join(base.inputs.assumptions) if base.inputs else ""
    text = (
        "<p>Years in each King's stage come straight from the simulated course: each "
        "patient's own stage times, averaged (<code>alsprog.time_in_stage</code>, lifetime, "
        f"from onset, {min(STAGE_PATIENTS, context.n_patients):,} simulated patients per "
        "phenotype). They move whenever the course is recalibrated.</p>\n"
        "<!-- figure:time_in_stage -->\n<!-- table:time_in_stage -->\n"
        "<p>A worked example, not an appraisal: usual care against a riluzole-style survival "
        f"effect (disease hazard ratio {ril.value:g} from diagnosis [@miller2012]) at an "
        "illustrative "
        f"{prices['riluzole-style']:,.0f} GBP a year and an edaravone-like slowing of "
        f"functional decline by {eda.fraction:.0%} (the pivotal trial's 24-week difference over "
        f"its control arm [@writinggroup2017]) at an illustrative "
        f"{prices['edaravone-like']:,.0f} GBP a year. Both prices are "
        "<strong>assumptions</strong> (data/health_economics.toml), not list prices. Patients "
        "enter at diagnosis and pay for the drug from then until death; costs and QALYs are "
        "discounted at 3.5% a year in continuous time (no cycles, so no half-cycle "
        "correction), over a lifetime. Utilities and costs by King's stage are the shipped "
        "library's: the stages Moore, Young and Hughes report [@moore2019] are sourced, and "
        f"{assumed or 'no entry'} are illustrative <strong>assumptions</strong>. All "
        "strategies are simulated on the same patients, so the differences carry no noise "
        "from different patients.</p>\n"
        f"<p>The riluzole-style effect gains {number(inc.loc['riluzole-style', 'delta_qalys'])} "
        f"QALYs for {inc.loc['riluzole-style', 'delta_costs']:,.0f} GBP more per patient "
        f"(ICER {_icer(inc, 'riluzole-style')}); the edaravone-like slowing gains "
        f"{number(inc.loc['edaravone-like', 'delta_qalys'])} QALYs for "
        f"{inc.loc['edaravone-like', 'delta_costs']:,.0f} GBP more "
        f"(ICER {_icer(inc, 'edaravone-like')}), both against usual care. The full "
        "incremental table orders the strategies by cost and compares each with the next "
        "cheaper one not ruled out by dominance, as NICE asks.</p>\n"
        "<!-- table:base_case -->\n"
        f"<p>The PSA ({PSA_DRAWS} draws) redraws survival ({psa.settings['survival_draws']} "
        "recalibrated versions of the ALS phenotype, each simulated with its own riluzole "
        f"hazard ratio from its 95% interval, {min(PSA_PATIENTS, context.n_patients):,} "
        "patients per strategy), the course's own parameters "
        f"({psa.settings['course_draws']} draws from the course calibration's covariance: "
        "stage pace, end stage, NIV, gastrostomy and tracheostomy uptake), the sourced "
        "utilities (beta) and costs (gamma); the illustrative entries and the prices stay "
        f"fixed, so the spread is too narrow by that much. At {THRESHOLD:,.0f} GBP per QALY the "
        f"probability that each strategy has the highest net benefit is: "
        + ", ".join(f"{name} {p:.0%}" for name, p in at.items())
        + f"; the EVPI per patient is {evpi['evpi'].iloc[1]:,.0f} GBP.</p>\n"
    )
    plane = plots.ce_plane(psa.draws, "usual care", wtp=THRESHOLD)
    return Section(
        "Health economics",
        text,
        {
            "time_in_stage": Figure(
                plots.time_in_stage_plot(stays[stays["stage"] != "alive"]),
                "Expected years in each King's stage from onset, per phenotype (alsprog's "
                "simulated course, lifetime). Compare how each phenotype's years split between "
                "the stages; the split comes from the course's calibration, not from an "
                "observed series of these phenotypes.",
            ),
            "ce_plane": Figure(
                plane,
                "Cost-effectiveness plane: each PSA draw's discounted incremental QALYs and "
                "costs per patient against usual care (alsprog, shipped utilities and costs). "
                f"Points above the dashed line ({THRESHOLD:,.0f} GBP per QALY) are not "
                "cost-effective at that threshold. The drug prices are fixed assumptions: "
                "the spread comes from survival (years on the drug), the riluzole-style hazard "
                "ratio and the drawn utilities and costs.",
            ),
            "ceac": Figure(
                plots.ceac_plot(ceac),
                "Acceptability curves: the share of PSA draws in which each strategy has the "
                "highest net benefit, by willingness to pay per QALY. Conclude which strategy "
                "is most likely best at your threshold; the curves rest on the illustrative "
                "prices and on the entries of the utility and cost library marked as "
                "assumptions, which the PSA does not vary.",
            ),
        },
        {
            "time_in_stage": Table(
                stays, "Years per stage and phenotype.", display=_stay_display(stays)
            ),
            "base_case": Table(
                table,
                "Base case per patient (discounted at 3.5% a year unless stated; lifetime; "
                "fully incremental: each strategy against the next cheaper non-dominated one).",
                display=_base_display(table),
            ),
            "ce_plane": Table(psa.draws, "The PSA draws in the figures.", show=False),
            "ceac": Table(ceac, "The acceptability curves.", show=False),
            "evpi": Table(
                evpi, "EVPI per patient (GBP) at 20,000 and 30,000 GBP per QALY.", show=False
            ),
        },
    )


def _icer(incremental: pd.DataFrame, name: str) -> str:
    row = incremental.loc[name]
    if row["status"] in ("dominant", "dominated"):
        return str(row["status"])
    return f"{row['icer']:,.0f} GBP per QALY"
