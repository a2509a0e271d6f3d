"""The PSA's simulated runs: redrawn phenotypes and course draws, the same patients, the same
result on Dask."""

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
from alsprog.simulation.course_shipped import course_draws

UNCERTAIN = HazardRatio(0.84, interval=(0.698, 0.997))
STRATEGIES = {"usual care": None, "treated": Strategy(UNCERTAIN, 4000.0)}
N, SEED = 400, 6


@pytest.fixture(scope="module")
def psa():
    return cost_effectiveness(
        STRATEGIES, n_patients=N, seed=SEED, draws=12, survival_draws=4, course_draws=6
    )


def test_a_phenotype_object_simulates_as_its_name():
    by_name = simulate_cohort(700, 3).patients
    by_object = simulate_cohort(700, 3, phenotype=phenotype("als")).patients
    pd.testing.assert_frame_equal(by_name, by_object, check_exact=True)


def test_each_run_is_a_redrawn_phenotype_and_course_with_its_own_effect_value(psa):
    versions = uncertainty_draws("als", n=4, seed=SEED)
    courses = course_draws(6, SEED)
    effects = psa.effect_values["treated"]
    assert psa.settings["survival_draws"] == 4 and psa.settings["course_draws"] == 6
    assert psa.settings["runs"] == 6 and len(effects) == 6
    d = psa.draws.pivot(index="draw", columns="strategy")["discounted_life_years"]
    for run in (0, 5):  # run r: version r mod 4, course draw r mod 6
        expected = {}
        for name, effect in (("usual care", None), ("treated", effects[run])):
            cohort = simulate_cohort(
                N, SEED, phenotype=versions[run % 4], effect=effect, course=courses[run]
            )
            expected[name] = components(cohort, economic_inputs()).alive_d.mean()
        for name, value in expected.items():  # draw d uses run d mod 6
            assert d[name].iloc[run] == pytest.approx(value, rel=1e-12)
            assert d[name].iloc[run + 6] == d[name].iloc[run]
    # survival is drawn: usual care's life-years move with the 4 versions; the course is
    # drawn too: its QALYs move in all 6 runs
    q = psa.draws.pivot(index="draw", columns="strategy")["discounted_qalys"]
    assert d["usual care"].iloc[:6].nunique() == 4 and q["usual care"].iloc[:6].nunique() == 6


def test_course_draws_widen_the_spread_of_costs_not_of_life_years():
    """The shipped course against drawn courses, on the same patients, utilities and costs
    (survival not drawn): the course's own uncertainty (uptake of NIV, gastrostomy and
    tracheostomy, stage pace, end stage) must add spread to the usual-care costs across draws
    (1.19-1.48 times over seeds 4-6); the QALYs' spread is mostly the utilities' own (the
    course adds 4-23% over those seeds, its stage times being pinned by Chen's durations), so
    it may not shrink; the life-years stay put, since death times are calibrated to the
    phenotype's survival whatever the course."""
    common = {"n_patients": 300, "seed": 4, "draws": 32, "survival_draws": 0}
    without = cost_effectiveness(STRATEGIES, course_draws=0, **common)
    drawn = cost_effectiveness(STRATEGIES, course_draws=32, **common)
    assert without.settings["course_draws"] == 0 and drawn.settings["course_draws"] == 32
    spread = {}
    for label, r in (("without", without), ("drawn", drawn)):
        usual = r.draws[r.draws["strategy"] == "usual care"]
        spread[label] = usual[["discounted_life_years", "discounted_qalys", "discounted_costs"]]
        spread[label] = spread[label].std(ddof=1)
    assert spread["without"]["discounted_life_years"] == 0.0
    assert spread["drawn"]["discounted_life_years"] == 0.0
    assert spread["drawn"]["discounted_costs"] > 1.15 * spread["without"]["discounted_costs"]
    assert spread["drawn"]["discounted_qalys"] >= spread["without"]["discounted_qalys"]
    # the base case does not move: course draws are the PSA's only
    pd.testing.assert_frame_equal(without.summary, drawn.summary, check_exact=True)


def test_course_draws_alone_move_qalys_not_life_years():
    common = {"n_patients": 300, "seed": 2, "draws": 6, "survival_draws": 0}
    r = cost_effectiveness(STRATEGIES, course_draws=3, **common)
    shipped = cost_effectiveness(STRATEGIES, course_draws=0, **common)
    assert r.settings["runs"] == 3
    d, e = (x.draws[x.draws["strategy"] == "usual care"] for x in (r, shipped))
    # the same utility and cost draws: only the drawn course tells the QALYs apart
    assert (d["discounted_qalys"].to_numpy() != e["discounted_qalys"].to_numpy()).all()
    assert d["discounted_life_years"].nunique() == 1


def test_by_default_the_course_is_drawn_once_per_run():
    common = {"n_patients": 200, "seed": 3, "draws": 8}
    paired = cost_effectiveness(STRATEGIES, survival_draws=3, **common)
    assert paired.settings["course_draws"] == 3 and paired.settings["runs"] == 3
    alone = cost_effectiveness(STRATEGIES, survival_draws=0, **common)
    assert alone.settings["course_draws"] == 8 and alone.settings["runs"] == 8


def test_dask_workers_give_the_same_frames_as_serial(psa):
    local = cost_effectiveness(
        STRATEGIES,
        n_patients=N,
        seed=SEED,
        draws=12,
        survival_draws=4,
        course_draws=6,
        scheduler="local",
    )
    pd.testing.assert_frame_equal(local.draws, psa.draws, check_exact=True)
    pd.testing.assert_frame_equal(local.summary, psa.summary, check_exact=True)


def test_the_same_seed_gives_the_same_psa_and_another_seed_other_course_draws(psa):
    again = cost_effectiveness(
        STRATEGIES, n_patients=N, seed=SEED, draws=12, survival_draws=4, course_draws=6
    )
    pd.testing.assert_frame_equal(again.draws, psa.draws, check_exact=True)
    assert course_draws(6, SEED) == course_draws(6, SEED)
    assert course_draws(6, SEED) != course_draws(6, SEED + 1)


def test_progress_counts_every_run():
    seen: list[int] = []
    cost_effectiveness(
        STRATEGIES,
        n_patients=200,
        seed=1,
        draws=5,
        survival_draws=3,
        course_draws=2,
        progress=seen.append,
    )
    assert sum(seen) == 3


def test_without_survival_or_course_draws_only_the_uncertain_effect_is_simulated():
    r = cost_effectiveness(
        STRATEGIES,
        n_patients=300,
        seed=2,
        draws=6,
        survival_draws=0,
        course_draws=0,
        effect_draws=3,
    )
    d = r.draws.pivot(index="draw", columns="strategy")["discounted_life_years"]
    assert d["usual care"].nunique() == 1 and d["treated"].nunique() == 3
    assert r.settings["runs"] == 3 and r.settings["survival_draws"] == 0
    assert r.settings["course_draws"] == 0
    assert np.isclose(d["usual care"].iloc[0], r.summary["discounted_life_years"].iloc[0])


@pytest.mark.parametrize(
    "options, message",
    [
        ({"course_draws": 9}, "course_draws 9 is more than draws 3"),
        ({"course_draws": -1}, "course_draws"),
        ({"survival_draws": 2, "phenotype": "mnd"}, "only a single phenotype has redrawn"),
        ({"survival_draws": 9}, "survival_draws 9 is more than draws 3"),
        ({"scheduler": "http://x"}, "--scheduler 'http://x'"),
    ],
)
def test_bad_psa_options_are_one_line(options, message):
    with pytest.raises(InputError, match=message):
        cost_effectiveness({"a": None, "b": None}, n_patients=50, draws=3, **options)
