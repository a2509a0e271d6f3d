"""A fitted regression as the survival source of calibration: its standardised survival as
landmark targets (``RegressionModel.targets``), a family calibrated to them (``calibrate``) and a
library phenotype recalibrated to them (``alsprog.recalibrate``).

References: the regression's own standardised survival (``standardise``, delta-method path) and
its marginal model's quantiles (root-finding on the averaged curve), which the calibrated
curves must reproduce at the landmarks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from registers import weibull_register

import alsprog
from alsprog.errors import InputError

COLUMNS = ["age_at_onset", "sex", "onset_site"]


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    """Weibull AFT data with known effects of age, sex and site (years from onset)."""
    return weibull_register(800, 31)


@pytest.fixture(scope="module")
def regression(register):
    return alsprog.fit("weibull", register, covariates=COLUMNS)


def _standardised(regression, data, times) -> np.ndarray:
    return regression.standardise(data, times=list(times))["estimate"].to_numpy()


def test_default_landmarks_are_the_quartiles_of_the_standardised_survival(regression, register):
    targets = regression.targets(register)
    times = [lm.t for lm in targets.landmarks]
    np.testing.assert_allclose([lm.survival for lm in targets.landmarks], [0.75, 0.5, 0.25])
    np.testing.assert_allclose(_standardised(regression, register, times), [0.75, 0.5, 0.25])
    assert all("weibull regression" in lm.source for lm in targets.landmarks)
    table = regression.standardise(register, times=times)
    binomial = (table["estimate"] * (1 - table["estimate"]) / table["se"] ** 2).min()
    rows = regression.fit_info.n_observations
    assert targets.effective_sample_size == pytest.approx(min(binomial, rows))


def test_a_calibrated_family_reproduces_the_standardised_survival(regression, register):
    times = [1.0, 2.0, 3.0, 5.0]
    targets = regression.targets(register, times=times, name="my register")
    model = alsprog.calibrate(targets)
    expected = _standardised(regression, register, times)
    np.testing.assert_allclose(model.survival(times), expected, atol=1e-4)
    assert targets.name == "my register"
    # a different population gives different figures: the rows matter
    old = register.assign(age_at_onset=register["age_at_onset"] + 15)
    assert (_standardised(regression, old, times) < expected - 0.02).all()


def test_a_recalibrated_phenotype_keeps_its_structure_and_meets_the_register(regression, register):
    targets = regression.targets(register)  # the quartiles: ALS's free shape meets all three
    als = alsprog.phenotype("als")
    mine = alsprog.recalibrate("als", targets)
    times = [lm.t for lm in targets.landmarks]
    expected = _standardised(regression, register, times)
    np.testing.assert_allclose(mine.model.survival(times), expected, atol=1e-4)
    assert mine.model.fit_info.max_abs_error < 1e-4
    assert mine.targets is targets
    assert dict(mine.site_shares) == pytest.approx(dict(als.site_shares))
    assert mine.population == als.population and mine.table == als.table
    assert abs(mine.median() - als.median()) > 0.3  # it is not the library's curve
    assert any("weibull regression" in source for source in mine.sources.values())
    cited = [v for k, v in mine.sources.items() if k.startswith("landmark ")]
    assert len(cited) == 3 and all("weibull regression" in v for v in cited)  # not the library's
    # the phenotype's patients carry its prognostic factors: an older patient dies sooner
    assert mine.patient(75.0).median() < mine.patient(50.0).median()


def test_bad_requests_are_one_line(regression, register):
    cases = [
        (
            lambda: alsprog.recalibrate("als_limb", regression.targets(register)),
            "recalibrate 'als'",
        ),
        (lambda: alsprog.recalibrate("als", regression), r"pass regression\.targets\(data\)"),
        (lambda: alsprog.calibrate(regression), r"regression\.targets\(data\)"),
        (lambda: regression.targets(register, times=[2.0, 1.0]), "increasing"),
        (
            lambda: regression.targets(register[["age_at_onset"]]),
            "targets: column '(sex|onset_site)' is not in the data",
        ),
        (lambda: regression.targets(register.iloc[:0]), "DataFrame with one row per patient"),
    ]
    for call, match in cases:
        with pytest.raises(InputError, match=match) as error:
            call()
        assert "\n" not in str(error.value)
