"""``cohort.simulated_patients``, the patients table a PSA's accounting reads: every column the
cohort's bit for bit, but the other staging's stage times and alsfrs_r_at_diagnosis, which are
NaN (not found); with an effect, entry at diagnosis and PMA's course too."""

from __future__ import annotations

import pandas as pd
import pytest

from alsprog import simulate_cohort
from alsprog.interventions.core import SlopeReduction
from alsprog.interventions.presets import riluzole
from alsprog.simulation.cohort import simulated_patients

CASES = {
    "plain": {},
    "riluzole at diagnosis": {"effect": riluzole(), "entry": "diagnosis"},
    "slowing, pma": {"effect": SlopeReduction(0.3), "phenotype": "pma"},
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("staging", ["kings", "mitos"])
def test_the_cohorts_columns_but_what_is_skipped(case, staging):
    options = CASES[case]
    full = simulate_cohort(400, 13, **options).patients
    lean = simulated_patients(400, 13, stagings=(staging,), **options)
    assert list(lean.columns) == list(full.columns)
    assert (lean.dtypes == full.dtypes).all()
    other = "mitos" if staging == "kings" else "kings"
    skipped = ["alsfrs_r_at_diagnosis", *(c for c in full if c.startswith(f"{other}_stage_"))]
    assert lean[skipped].isna().all().all()
    assert full[skipped].notna().any().any()  # the cohort has them: they were skipped
    kept = [c for c in full.columns if c not in skipped]
    pd.testing.assert_frame_equal(lean[kept], full[kept], check_exact=True)
