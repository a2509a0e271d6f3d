"""Cohort figures: they build from a Cohort's frames, and their tidy helpers add up."""

from __future__ import annotations

import numpy as np
import pytest
from plotnine import ggplot

from alsprog.errors import InputError
from alsprog.plots import alsfrs_trajectories, cohort_survival, kings_stage_time
from alsprog.plots.cohort import cohort_km_steps, kings_stage_durations
from alsprog.simulation.cohort import simulate_cohort


@pytest.fixture(scope="module")
def cohort():
    return simulate_cohort(1_500, 61, phenotype={"als": 0.8, "pma": 0.2})


def test_the_three_figures_draw(cohort, tmp_path):
    figures = [
        cohort_survival(cohort.patients, cohort.models),
        alsfrs_trajectories(cohort.visits, cohort.patients, n_patients=10),
        kings_stage_time(cohort.patients),
    ]
    for i, figure in enumerate(figures):
        assert isinstance(figure, ggplot)
        figure.save(tmp_path / f"f{i}.png", dpi=50, verbose=False)
        assert (tmp_path / f"f{i}.png").stat().st_size > 1000


def test_stage_durations_add_up_to_the_time_to_death(cohort):
    p = cohort.patients
    tidy = kings_stage_durations(p)
    total = tidy.groupby("phenotype")["months"].sum()
    expected = 12 * p.groupby(p["phenotype"].astype(str))["death_time"].mean()
    np.testing.assert_allclose(total.sort_index(), expected.sort_index(), rtol=1e-9)
    assert (tidy["months"] >= 0).all()


def test_km_steps_start_at_one_and_never_rise(cohort):
    steps = cohort_km_steps(cohort.patients)
    for _, g in steps.groupby("phenotype"):
        assert g["survival"].iloc[0] == 1.0 and (np.diff(g["survival"]) <= 0).all()


def test_a_frame_without_the_columns_is_refused(cohort):
    with pytest.raises(InputError, match="missing column"):
        kings_stage_time(cohort.visits)
