"""The plot functions the report draws with: ggplots with labelled axes, and one-line refusals
of frames without their columns."""

import numpy as np
import pandas as pd
import pytest
from plotnine import ggplot
from report_columns import BACKGROUND_COLUMNS, CURVE_COLUMNS, FIT_COLUMNS, PNG_SIGNATURE

from alsprog import plots, report
from alsprog.errors import InputError
from alsprog.estimation.calibration import calibrate, landmark_fits
from alsprog.models import Weibull


@pytest.fixture(scope="module")
def models():
    return {family: calibrate(family=family) for family in ("weibull", "mixture")}


def landmark_frame():
    return pd.DataFrame(
        {"t": [3.0, 5.0, 10.0, 30.0], "target": [0.5, 0.2, 0.1, 0.01],
         "kind": ["equal", "equal", "equal", "upper"]}
    )  # fmt: skip


def test_plot_functions_return_ggplots_with_labelled_axes(models):
    curves = plots.model_curves(models, t_max=20.0, n=41)
    assert list(curves.columns) == CURVE_COLUMNS and len(curves) == 82
    fits = landmark_fits(models)
    assert list(fits.columns) == FIT_COLUMNS
    background = plots.background_curves(models["mixture"], n=31)
    assert list(background.columns) == BACKGROUND_COLUMNS
    made = {
        "overlaid": plots.survival_curves(curves, landmark_frame(), "t"),
        "faceted": plots.survival_curves(curves, landmark_frame(), facet=True),
        "background": plots.background_comparison(background),
    }
    for name, plot in made.items():
        assert isinstance(plot, ggplot), name
        assert plot.labels.x == "Years from symptom onset", name
        assert plot.labels.y == "Survival probability", name
    errors = plots.landmark_errors(fits)
    assert isinstance(errors, ggplot)
    assert errors.labels.x == "Fitted minus target survival (percentage points)"
    assert errors.labels.y == "Family"
    png = report.png_bytes(made["overlaid"])
    assert png.startswith(PNG_SIGNATURE)


def test_prognosis_plots_return_ggplots_with_labelled_axes():
    grid = np.linspace(0.0, 5.0, 11)
    curves = pd.concat(
        [
            pd.DataFrame({"profile": name, "years_from_now": grid, "survival": np.exp(-rate * grid),
                          "lower": np.exp(-1.2 * rate * grid), "upper": np.exp(-0.8 * rate * grid)})
            for name, rate in (("fast", 0.6), ("slow", 0.1))
        ]
    )  # fmt: skip
    plot = plots.prognosis_curves(curves, "t")
    assert isinstance(plot, ggplot)
    assert plot.labels.x == "Years from today"
    assert plot.labels.y == "Probability of being alive"
    assert report.png_bytes(plot).startswith(PNG_SIGNATURE)
    factors = pd.DataFrame(
        {"factor": ["Age at onset (years)"] * 3, "value": [40.0, 60.0, 80.0],
         "median_remaining_years": [3.0, 2.0, 1.2], "base": [False, True, False]}
    )  # fmt: skip
    plot = plots.prognosis_factors(factors)
    assert isinstance(plot, ggplot)
    assert plot.labels.y == "Median remaining survival (years)"
    assert "unit" in plot.labels.x
    with pytest.raises(InputError, match=r"prognosis_curves: curves: missing column\(s\) lower"):
        plots.prognosis_curves(curves.drop(columns="lower"))


def test_plot_functions_refuse_frames_without_their_columns(models):
    with pytest.raises(InputError, match=r"survival_curves: curves: missing column\(s\) model"):
        plots.survival_curves(pd.DataFrame({"t": [0.0], "survival": [1.0]}))
    with pytest.raises(InputError, match="landmark kind 'exact' is unknown"):
        frame = landmark_frame().assign(kind="exact")
        plots.survival_curves(plots.model_curves(models, n=3), frame)
    with pytest.raises(InputError, match="was not calibrated to landmarks"):
        landmark_fits({"plain": Weibull(shape=1.4, scale=4.0)})
