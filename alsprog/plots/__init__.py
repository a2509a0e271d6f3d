"""Figures: functions that take a tidy frame and return a plotnine ``ggplot``, unshown and unsaved.

``style`` holds the shared look (palette, theme, axes, column checks); ``survival`` the
calibration and ordinary-mortality figures; ``prognosis`` one patient's outlook;
``kaplan_meier`` Kaplan-Meier curves with the risk table below (and the table as data);
``economics`` the health-economic figures (occupancy, CE plane, CEAC, EVPI, Markov beside the
course). Uses the
folders before it (population, models, estimation, disease); plotnine is imported here only,
never by ``import alsprog``.
"""

from alsprog.plots.cohort import alsfrs_trajectories, cohort_survival, kings_stage_time
from alsprog.plots.course import calibration_z_plot, patient_trajectories
from alsprog.plots.demographics import onset_age_by_sex, onset_age_counts
from alsprog.plots.economics import (
    ce_plane,
    ceac_plot,
    evpi_plot,
    markov_comparison_plot,
    stage_occupancy_plot,
    time_in_stage_plot,
)
from alsprog.plots.effects import alsfrs_r_by_arm, power_by_size
from alsprog.plots.kaplan_meier import kaplan_meier_plot, risk_tables
from alsprog.plots.prognosis import (
    alsfrs_r_course_plot,
    alsfrs_r_projection_plot,
    prognosis_curves,
    prognosis_factors,
    prognosis_with_without,
)
from alsprog.plots.style import PALETTE
from alsprog.plots.survival import (
    background_comparison,
    background_curves,
    landmark_errors,
    model_curves,
    survival_curves,
)

__all__ = [
    "PALETTE",
    "alsfrs_r_by_arm",
    "alsfrs_r_course_plot",
    "alsfrs_r_projection_plot",
    "alsfrs_trajectories",
    "background_comparison",
    "background_curves",
    "calibration_z_plot",
    "ce_plane",
    "ceac_plot",
    "cohort_survival",
    "evpi_plot",
    "kaplan_meier_plot",
    "kings_stage_time",
    "landmark_errors",
    "markov_comparison_plot",
    "model_curves",
    "onset_age_by_sex",
    "onset_age_counts",
    "patient_trajectories",
    "power_by_size",
    "prognosis_curves",
    "prognosis_factors",
    "prognosis_with_without",
    "risk_tables",
    "stage_occupancy_plot",
    "survival_curves",
    "time_in_stage_plot",
]
