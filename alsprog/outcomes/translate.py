"""One effect on every scale a trial reader or a health-economic modeller uses.

``translate(effect, baseline)`` applies the effect to the baseline model and compares treated
with untreated, all-cause, from symptom onset:

- ``hazard_ratio``: Kalbfleisch and Prentice's average hazard ratio, P(T1 < T0) / P(T0 < T1)
  (the hazard ratio itself under proportional hazards; an average where hazards are not
  proportional, as with ordinary mortality added or a window in time);
- ``time_ratio``: treated median / untreated median;
- ``median_gain_months``, ``mean_gain_months``, ``rmst_gain_months`` (2, 5, 10 years),
  ``survival_difference`` (1, 3, 5, 10 years): treated minus untreated;
- ``alsfrs_r_difference`` (24 and 48 weeks) and ``months_gained_before_kings_stage_2/3/4``:
  from cohort simulation (``course_measures``), only when ``alsprog.simulation`` is present.

With ``draws > 0`` the baseline's parameter draws (``parameter_draws``) and, when the effect
carries a 95% interval (the riluzole preset does), the effect's own draws (log-normal) give
90% intervals; the point value is always from the estimate itself.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alsprog.disease.library import DEFAULT_TABLE, check_phenotype, phenotype
from alsprog.disease.phenotype import Phenotype
from alsprog.errors import InputError
from alsprog.interventions.core import Effect, combine
from alsprog.models.base import SurvivalModel
from alsprog.outcomes.draws import check_count, check_seed, interval, parameter_draws
from alsprog.outcomes.integrals import Curve, Grid, average_hazard_ratio

COLUMNS = ["measure", "horizon_years", "value", "lower", "upper", "unit", "monte_carlo_se"]
RMST_HORIZONS = (2.0, 5.0, 10.0)
SURVIVAL_HORIZONS = (1.0, 3.0, 5.0, 10.0)
LEVEL = 0.90
SIMULATION_PATIENTS = 2000  # per arm and cohort, common random numbers: see course_measures


def _baseline(baseline: Any) -> tuple[SurvivalModel, Any]:
    """(the baseline model, what parameter_draws takes for it)."""
    if isinstance(baseline, str):
        item = phenotype(check_phenotype(baseline), DEFAULT_TABLE)
        return item.model, baseline
    if isinstance(baseline, Phenotype):
        return baseline.model, baseline
    if isinstance(baseline, SurvivalModel):
        return baseline, baseline
    raise InputError(
        f"translate: baseline {baseline!r} is not a phenotype name, a Phenotype or a model; "
        "pass 'als' or a model such as Weibull(shape=1.4, scale=3.5)"
    )


def survival_measures(
    treated: SurvivalModel, control: SurvivalModel, grid: Grid | None = None, exact: bool = True
) -> list[tuple]:
    """(measure, horizon_years, value, unit) for the survival scales.

    Each model is evaluated once on ``grid`` (built for the two when None); ``exact`` takes the
    medians from the models' own quantile functions rather than the grid (draws use the grid).
    """
    horizons = [*RMST_HORIZONS, *SURVIVAL_HORIZONS, math.inf]
    if grid is None:
        grid = Grid.for_models([treated, control], horizons)
    curves = [Curve.of(treated, grid), Curve.of(control, grid)]
    if max(c.survival_at_edges[-1] for c in curves) > 1e-6:  # a draw with a longer tail
        grid = Grid.for_models([treated, control], horizons)
        curves = [Curve.of(treated, grid), Curve.of(control, grid)]
    means = np.array([c.rmst([*RMST_HORIZONS, math.inf]) for c in curves])
    gains = 12.0 * (means[0] - means[1])
    if exact:
        med_t, med_c = treated.median(), control.median()
    else:
        med_t, med_c = curves[0].median(), curves[1].median()
    mean_gain = float(gains[-1]) if np.isfinite(means[:, -1]).all() else math.nan
    differences = curves[0].survival(SURVIVAL_HORIZONS) - curves[1].survival(SURVIVAL_HORIZONS)
    rows = [
        ("hazard_ratio", math.nan, average_hazard_ratio(*curves), "ratio"),
        ("time_ratio", math.nan, med_t / med_c if math.isfinite(med_t) else math.nan, "ratio"),
        ("median_gain_months", math.nan, 12.0 * (med_t - med_c), "months"),
        ("mean_gain_months", math.nan, mean_gain, "months"),
    ]
    rows += [
        ("rmst_gain_months", h, float(g), "months")
        for h, g in zip(RMST_HORIZONS, gains[:-1], strict=True)
    ]
    rows += [
        ("survival_difference", h, float(d), "probability")
        for h, d in zip(SURVIVAL_HORIZONS, differences, strict=True)
    ]
    return rows


def simulation_available() -> bool:
    """True when the cohort-simulation wing (``alsprog.simulation``) is installed alongside
    this package (a copy found elsewhere on the path, say another checkout's, does not count:
    its data files would not match)."""
    spec = importlib.util.find_spec("alsprog.simulation")
    if spec is None or spec.origin is None:
        return False
    return Path(spec.origin).resolve().is_relative_to(Path(__file__).resolve().parents[1])


def translate(
    effect: Any, baseline: Any = "als", *, draws: int = 0, seed: int = 0, course: bool = True
) -> pd.DataFrame:
    """The effect on every scale, one row per measure and horizon.

    Parameters
    ----------
    effect : an effect (``HazardRatio``, ``TimeRatio``, ``SlopeReduction``, a preset, or a
        combination or list of them).
    baseline : a phenotype name, a ``Phenotype``, or any model (years from onset).
    draws : parameter draws behind the 90% intervals (0: no intervals).
    seed : the draws' and the simulation's seed; the same seed gives the same table.
    course : add the simulated measures (ALSFRS-R, King's stages) when ``alsprog.simulation``
        is installed; False keeps to the survival scales (exact, and fast).

    Returns
    -------
    DataFrame with columns measure, horizon_years (NaN where a measure has no horizon), value,
    lower and upper (the 90% interval from the draws; NaN without draws), unit ("ratio",
    "months", "probability", "points"), monte_carlo_se (the simulation's Monte Carlo standard
    error for the simulated measures; NaN for the exact ones). Measures: hazard_ratio,
    time_ratio, median_gain_months, mean_gain_months, rmst_gain_months (2, 5, 10 years),
    survival_difference (1, 3, 5, 10 years), and from simulation alsfrs_r_difference (24/52
    and 48/52 years) and months_gained_before_kings_stage_2, _3, _4. ``table.attrs["notes"]``
    says what was left out and why.
    """
    effect = combine(effect)
    draws = check_count("translate", "draws", draws)
    seed = check_seed("translate", seed)
    control, drawable = _baseline(baseline)
    survival_effect = combine(list(effect.survival_components))
    treated = survival_effect.apply(control)
    grid = Grid.for_models([treated, control], [*RMST_HORIZONS, *SURVIVAL_HORIZONS])
    rows = survival_measures(treated, control, grid)
    table = pd.DataFrame(rows, columns=["measure", "horizon_years", "value", "unit"])
    table["lower"], table["upper"], table["monte_carlo_se"] = math.nan, math.nan, math.nan
    if draws > 0:
        values = _drawn_values(survival_effect, drawable, draws, seed, grid)
        bounds = [interval(column, LEVEL) for column in values.T]
        table["lower"] = [b[0] for b in bounds]
        table["upper"] = [b[1] for b in bounds]
    notes = []
    if not course:
        notes.append("simulated measures not asked for (course=False)")
    elif not simulation_available():
        notes.append(
            "alsfrs_r_difference and months_gained_before_kings_stage_* are left out: they "
            "come from cohort simulation, and alsprog.simulation is not installed"
        )
    elif not isinstance(baseline, str | Phenotype):
        notes.append(
            "alsfrs_r_difference and months_gained_before_kings_stage_* are left out: cohort "
            "simulation needs a phenotype as the baseline, not a bare model"
        )
    else:
        from alsprog.outcomes.course_measures import course_rows

        name = baseline if isinstance(baseline, str) else baseline.name
        simulated = pd.DataFrame(course_rows(effect, name, seed, SIMULATION_PATIENTS))
        table = pd.concat([table, simulated], ignore_index=True)
    table = table[COLUMNS].reset_index(drop=True)
    table.attrs["notes"] = notes
    return table


def _drawn_values(effect: Effect, drawable: Any, n: int, seed: int, grid: Grid) -> np.ndarray:
    """The survival measures under each draw, shape (draws, measures), on the point
    estimate's grid (medians from the grid too)."""
    models = parameter_draws(drawable, n, seed)
    out = []
    for i, model in enumerate(models):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1, i)))
        drawn = effect.drawn(rng) if hasattr(effect, "drawn") else effect
        rows = survival_measures(drawn.apply(model), model, grid, exact=False)
        out.append([row[2] for row in rows])
    return np.array(out, dtype=float).reshape(len(out), -1)
