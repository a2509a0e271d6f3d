"""The PSA's simulated runs: redrawn phenotypes, the same patients, the same result on Dask."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alsprog.disease.draws import uncertainty_draws
from alsprog.disease.library import phenotype
from alsprog.errors import InputError
from alsprog.interventions.core import HazardRatio
from alsprog.outcomes.accounting import components
from alsprog.outcomes.economic_inputs import economic_inputs
from alsprog.outcomes.economics import Strategy, cost_effectiveness
from alsprog.simulation.cohort import simulate_cohort

UNCERTAIN = HazardRatio(0.84, interval=(0.698, 0.997))
STRATEGIES = {"usual care": None, "treated": Strategy(UNCERTAIN, 4000.0)}
N, SEED = 400, 6


@pytest.fixture(scope="module")
def psa():
    return cost_effectiveness(STRATEGIES, n_patients=N, seed=SEED, draws=12, survival_draws=4)


def test_a_phenotype_object_simulates_as_its_name():
    by_name = simulate_cohort(700, 3).patients
    by_object = simulate_cohort(700, 3, phenotype=phenotype("als")).patients
    pd.testing.assert_frame_equal(by_name, by_object, check_exact=True)


def test_each_run_is_a_redrawn_phenotype_with_its_own_effect_value(psa):
    versions = uncertainty_draws("als", n=4, seed=SEED)
    effects = psa.effect_values["treated"]
    assert psa.settings["survival_draws"] == 4 and len(effects) == 4
    d = psa.draws.pivot(index="draw", columns="strategy")["discounted_life_years"]
    for run in (0, 3):
        expected = {}
        for name, effect in (("usual care", None), ("treated", effects[run])):
            cohort = simulate_cohort(N, SEED, phenotype=versions[run], effect=effect)
            expected[name] = components(cohort, economic_inputs()).alive_d.mean()
        for name, value in expected.items():  # draw d uses run d mod 4
            assert d[name].iloc[run] == pytest.approx(value, rel=1e-12)
            assert d[name].iloc[run + 4] == d[name].iloc[run]
    # survival is drawn: usual care's life-years move between runs (they did not before)
    assert d["usual care"].iloc[:4].nunique() == 4


def test_dask_workers_give_the_same_frames_as_serial(psa):
    local = cost_effectiveness(
        STRATEGIES, n_patients=N, seed=SEED, draws=12, survival_draws=4, scheduler="local"
    )
    pd.testing.assert_frame_equal(local.draws, psa.draws, check_exact=True)
    pd.testing.assert_frame_equal(local.summary, psa.summary, check_exact=True)


def test_progress_counts_every_run():
    seen: list[int] = []
    cost_effectiveness(
        STRATEGIES, n_patients=200, seed=1, draws=5, survival_draws=3, progress=seen.append
    )
    assert sum(seen) == 3


def test_without_survival_draws_only_the_uncertain_effect_is_simulated():
    r = cost_effectiveness(
        STRATEGIES, n_patients=300, seed=2, draws=6, survival_draws=0, effect_draws=3
    )
    d = r.draws.pivot(index="draw", columns="strategy")["discounted_life_years"]
    assert d["usual care"].nunique() == 1 and d["treated"].nunique() == 3
    assert r.settings["runs"] == 3 and r.settings["survival_draws"] == 0
    assert np.isclose(d["usual care"].iloc[0], r.summary["discounted_life_years"].iloc[0])


@pytest.mark.parametrize(
    "options, message",
    [
        ({"course_draws": [1]}, "course_draws: the simulator takes no course parameters"),
        ({"survival_draws": 2, "phenotype": "mnd"}, "only a single phenotype has redrawn"),
        ({"survival_draws": 9}, "survival_draws 9 is more than draws 3"),
        ({"scheduler": "http://x"}, "--scheduler 'http://x'"),
    ],
)
def test_bad_psa_options_are_one_line(options, message):
    with pytest.raises(InputError, match=message):
        cost_effectiveness({"a": None, "b": None}, n_patients=50, draws=3, **options)
