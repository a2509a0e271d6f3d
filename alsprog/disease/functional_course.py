"""Deprecated: a straight-line ALSFRS-R projection from the decline so far.

The card and ``alsprog prognosis`` now read the expected course, with its band, off the
simulated course: ``alsprog.outcomes.projection.alsfrs_r_course`` (``alsprog.alsfrs_r_course``).
``alsfrs_r_projection`` keeps its old behaviour and warns (DeprecationWarning); it cannot
re-route to the new function, which needs the simulation, a later stage than this one.

The projection continues the *pre-slope*, (48 - ALSFRS-R today) / months since onset, in a straight
line: decline is roughly linear over the span of a trial (Atassi et al., Neurology 2014,
PRO-ACT), curved over the whole disease, so the projection stops at
``MAX_PROJECTION_MONTHS``. It is the expectation for patients with this pre-slope, not a forecast
for one person: individual slopes vary widely (SD 2.3 points per month in PRO-ACT).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from alsprog.errors import InputError, is_real

MAX_PROJECTION_MONTHS = (
    18.0  # assumption: about the longest trial span over which decline is near-linear
)
ALSFRS_R_MAX = 48.0


def alsfrs_r_projection(
    alsfrs_r: float, years_since_onset: float, months: float = 12.0, step_months: float = 1.0
) -> pd.DataFrame:
    """Expected ALSFRS-R total (0-48) month by month from today, continuing the pre-slope.

    Parameters
    ----------
    alsfrs_r : today's ALSFRS-R total (0-48).
    years_since_onset : years from symptom onset to today (> 0).
    months : how far to project (months, 0 < months <= 18).
    step_months : spacing of the returned points (months).

    Returns
    -------
    DataFrame with columns months_from_now (months), alsfrs_r (expected total, floored at 0),
    slope_points_per_month (the pre-slope used, the same on every row).

    .. deprecated:: 0.1.0
        Use ``alsprog.alsfrs_r_course``: the model's course for the profile, with a band.
    """
    warnings.warn(
        "alsfrs_r_projection continues the decline so far in a straight line and will be "
        "removed; use alsprog.alsfrs_r_course (the model's course for the profile, with a band)",
        DeprecationWarning,
        stacklevel=2,
    )
    for name, value in (("alsfrs_r", alsfrs_r), ("years_since_onset", years_since_onset)):
        if not is_real(value):
            raise InputError(f"alsfrs_r_projection: {name} must be a number (got {value!r})")
    if not 0 <= alsfrs_r <= ALSFRS_R_MAX:
        raise InputError(f"alsfrs_r_projection: alsfrs_r {alsfrs_r:g} is outside 0-48")
    if not years_since_onset > 0:
        raise InputError(
            f"alsfrs_r_projection: years_since_onset must be above 0 (got {years_since_onset:g}); "
            "the pre-slope needs time since onset"
        )
    if not 0 < months <= MAX_PROJECTION_MONTHS:
        raise InputError(
            f"alsfrs_r_projection: months {months:g} is outside (0, {MAX_PROJECTION_MONTHS:g}]; "
            "decline is near-linear only over a trial's span"
        )
    slope = (ALSFRS_R_MAX - alsfrs_r) / (12.0 * years_since_onset)
    grid = np.arange(0.0, months + 1e-9, step_months)
    return pd.DataFrame(
        {
            "months_from_now": grid,
            "alsfrs_r": np.maximum(alsfrs_r - slope * grid, 0.0),
            "slope_points_per_month": slope,
        }
    )
