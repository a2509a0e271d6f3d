"""A fitted regression's standardised survival as landmark targets: the bridge from a user's
register to everything alsprog calibrates (``calibrate``, ``compare_families``, the report,
and a phenotype recalibrated to them, ``alsprog.recalibrate``).

The landmarks are the regression's marginal survival over a population's covariate rows
(flexsurv's ``standsurv``, ``RegressionModel.standardise``) at chosen times, each of kind
'equal'. The effective sample size is the smallest S (1 - S) / se^2 over the landmarks, se the
delta-method standard error of the standardised survival (a binomial figure from that many
patients is no more precise at any landmark than the regression itself), and never more than
the fit's (weighted) rows: a parametric fit can be more precise than a binomial share, but the
figures should not claim more patients than the register has. Without a covariance (a fit
whose Hessian was not positive definite) it is the fit's number of rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from alsprog.errors import InputError, as_times
from alsprog.estimation.targets import Landmark, Targets

if TYPE_CHECKING:
    from alsprog.estimation.regression_model import RegressionModel

QUARTILES = (0.25, 0.5, 0.75)  # default landmarks: where the marginal survival is 3/4, 1/2, 1/4


def regression_targets(
    model: RegressionModel,
    data: pd.DataFrame,
    times: Sequence[float] | None = None,
    name: str | None = None,
) -> Targets:
    """Landmarks from the regression's standardised survival over ``data``'s rows.

    Parameters
    ----------
    model : a fitted regression (``alsprog.fit(family, data, covariates=...)``).
    data : the population whose average survival the landmarks describe (the register
        itself, or any frame with the model's covariate columns).
    times : years from onset (increasing, > 0); None: the times at which the standardised
        survival is 0.75, 0.5 and 0.25. Times past the register's follow-up are extrapolation.
    name : the targets' label; default from the family and scale.

    Returns
    -------
    Targets with one 'equal' landmark per time, each sourced to the fit, and the effective
    sample size described in the module docstring.
    """
    if not isinstance(data, pd.DataFrame) or data.empty:
        raise InputError(
            "targets: data must be a DataFrame with one row per patient and the model's "
            "covariate columns; pass the register or a population frame"
        )
    model.matrix(data, caller="targets")  # a missing column or unseen level: one line
    if times is None:
        marginal = model.marginal(data)
        chosen = np.asarray(marginal.quantile(np.array(QUARTILES)), dtype=float)
        if not np.isfinite(chosen).all():
            raise InputError(
                "targets: the standardised survival never falls to 0.25; pass times= (years)"
            )
    else:
        chosen = np.atleast_1d(as_times(times, "targets: times")).astype(float)
        if not (np.isfinite(chosen).all() and (chosen > 0).all() and (np.diff(chosen) > 0).all()):
            raise InputError(
                f"targets: times {chosen.tolist()} must be finite, above 0 years and increasing"
            )
    table = model.standardise(data, times=chosen)
    survival = table["estimate"].to_numpy()
    se = table["se"].to_numpy()
    n_eff = float(np.min(survival * (1 - survival) / se**2)) if np.isfinite(se).all() else np.nan
    rows = float(model.fit_info.n_observations)
    n_eff = min(n_eff, rows) if np.isfinite(n_eff) and n_eff > 0 else rows
    label = name if name is not None else f"{model.family} {model.scale} regression"
    source = (
        f"standardised survival of a {model.family} regression on the {model.scale} scale "
        f"(~ {model.design.formula}; {model.fit_info.n_observations:g} rows, "
        f"{model.fit_info.n_events:g} deaths) over {len(data)} rows (alsprog.fit)"
    )
    landmarks = tuple(
        Landmark(float(t), float(s), "equal", source) for t, s in zip(chosen, survival, strict=True)
    )
    return Targets(label, landmarks, n_eff, f"{label}: {source}", source)
