"""translate: one effect on every scale, checked against closed forms and quadrature."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from alsprog.disease.library import phenotype
from alsprog.errors import InputError
from alsprog.interventions import HazardRatio, SlopeReduction, TimeRatio, edaravone, riluzole
from alsprog.models import Weibull
from alsprog.outcomes.translate import COLUMNS, simulation_available, translate

WEIBULL = Weibull(shape=1.4, scale=3.5)
SURVIVAL_MEASURES = [
    ("hazard_ratio", math.nan),
    ("time_ratio", math.nan),
    ("median_gain_months", math.nan),
    ("mean_gain_months", math.nan),
    ("rmst_gain_months", 2.0),
    ("rmst_gain_months", 5.0),
    ("rmst_gain_months", 10.0),
    ("survival_difference", 1.0),
    ("survival_difference", 3.0),
    ("survival_difference", 5.0),
    ("survival_difference", 10.0),
]


def value(table, measure, horizon=None):
    rows = table[table["measure"] == measure]
    if horizon is not None:
        rows = rows[rows["horizon_years"] == horizon]
    return rows["value"].item()


def test_the_table_has_the_documented_columns_measures_and_horizons():
    table = translate(HazardRatio(0.7), WEIBULL)
    assert list(table.columns) == COLUMNS
    got = list(zip(table["measure"], table["horizon_years"], strict=True))[: len(SURVIVAL_MEASURES)]
    for (m, h), (em, eh) in zip(got, SURVIVAL_MEASURES, strict=True):
        assert m == em and (h == eh or (math.isnan(h) and math.isnan(eh)))
    assert table["lower"].isna().all() and table["upper"].isna().all()
    units = dict(zip(table["measure"], table["unit"], strict=False))
    assert units["median_gain_months"] == "months" and units["survival_difference"] == "probability"


def test_a_hazard_ratio_on_a_weibull_translates_back():
    table = translate(HazardRatio(0.7), WEIBULL)
    assert value(table, "hazard_ratio") == pytest.approx(0.7, rel=1e-6)
    # PH on a Weibull is AFT with time ratio hr ** (-1 / shape)
    assert value(table, "time_ratio") == pytest.approx(0.7 ** (-1 / 1.4), rel=1e-9)
    mean = 3.5 * math.gamma(1 + 1 / 1.4)
    assert value(table, "mean_gain_months") == pytest.approx(
        12 * mean * (0.7 ** (-1 / 1.4) - 1), rel=1e-6
    )
    s = stats.weibull_min(c=1.4, scale=3.5).sf(3.0)
    assert value(table, "survival_difference", 3.0) == pytest.approx(s**0.7 - s, abs=1e-10)


def test_a_time_ratios_median_gain_is_the_closed_form():
    table = translate(TimeRatio(1.2), WEIBULL)
    median = 3.5 * math.log(2) ** (1 / 1.4)
    assert value(table, "median_gain_months") == pytest.approx(12 * 0.2 * median, rel=1e-9)
    assert value(table, "time_ratio") == pytest.approx(1.2, rel=1e-9)


def test_rmst_gain_is_a_quadrature_of_the_two_curves_on_a_phenotype():
    als = phenotype("als").model
    treated = als.with_effect(riluzole())
    table = translate(riluzole(), "als")
    for h in (2.0, 5.0, 10.0):
        edges = [0.0, *np.unique(np.concatenate([np.array(als.delay_months) / 12, [h]]))]
        edges = [e for e in edges if e <= h]
        gain = sum(
            integrate.quad(lambda t: treated.survival(t) - als.survival(t), a, b, limit=200)[0]
            for a, b in itertools.pairwise(edges)
        )
        assert value(table, "rmst_gain_months", h) == pytest.approx(12 * gain, abs=1e-4)


def test_the_average_hazard_ratio_is_p_treated_dies_first_over_p_control_dies_first():
    effect = HazardRatio(0.5, start_years=1.0, duration_years=1.0)
    treated = WEIBULL.with_effect(effect)
    first, _ = integrate.quad(
        lambda t: treated.density(t) * WEIBULL.survival(t), 0, 80, points=[1, 2]
    )
    second, _ = integrate.quad(
        lambda t: WEIBULL.density(t) * treated.survival(t), 0, 80, points=[1, 2]
    )
    assert value(translate(effect, WEIBULL), "hazard_ratio") == pytest.approx(
        first / second, rel=1e-6
    )


def test_draws_give_intervals_around_the_value_and_the_same_seed_the_same_table():
    a = translate(riluzole(), "als", draws=20, seed=3, course=False)
    b = translate(riluzole(), "als", draws=20, seed=3, course=False)
    pd.testing.assert_frame_equal(a, b)
    assert (a["lower"] <= a["value"] + 1e-12).all() and (a["value"] <= a["upper"] + 1e-12).all()
    assert (a["upper"] > a["lower"]).all()


def test_a_slope_reduction_changes_no_survival_measure():
    table = translate(SlopeReduction(0.4), WEIBULL)
    assert value(table, "hazard_ratio") == pytest.approx(1.0)
    assert value(table, "median_gain_months") == 0.0


def test_simulation_rows_are_left_out_with_a_note_when_simulation_is_absent():
    table = translate(riluzole(), "als")
    if simulation_available():
        measures = set(table["measure"])
        assert {"alsfrs_r_difference", "months_gained_before_kings_stage_2"} <= measures
    else:
        assert any("alsprog.simulation is not installed" in n for n in table.attrs["notes"])
        assert "alsfrs_r_difference" not in set(table["measure"])


@pytest.mark.skipif(not simulation_available(), reason="alsprog.simulation is not installed here")
def test_simulated_rows_have_horizons_units_and_monte_carlo_errors():
    table = translate(edaravone(), "als", seed=2)
    alsfrs = table[table["measure"] == "alsfrs_r_difference"]
    np.testing.assert_allclose(alsfrs["horizon_years"], [24 / 52, 48 / 52])
    assert (alsfrs["unit"] == "points").all() and (alsfrs["value"] > 0).all()
    stages = table[table["measure"].str.startswith("months_gained_before_kings_stage_")]
    assert stages["measure"].tolist() == [
        f"months_gained_before_kings_stage_{k}" for k in (2, 3, 4)
    ]
    assert stages["horizon_years"].isna().all() and (stages["monte_carlo_se"] > 0).all()
    # common random numbers: the same seed, the same table
    pd.testing.assert_frame_equal(table, translate(edaravone(), "als", seed=2))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"draws": -1}, "translate: draws must be a whole number >= 0"),
        ({"baseline": "alz"}, "phenotype 'alz' is unknown"),
        ({"baseline": 3.0}, "translate: baseline 3.0 is not a phenotype name"),
    ],
)
def test_bad_translation_input_is_refused(kwargs, message):
    with pytest.raises(InputError, match=message):
        translate(HazardRatio(0.8), **kwargs)
