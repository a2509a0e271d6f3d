"""The documented columns of the report's tables, and the PNG signature its figures start with."""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LANDMARK_COLUMNS = ["t", "target", "kind", "source"]
CURVE_COLUMNS = ["model", "t", "survival"]
FIT_COLUMNS = ["family", "t", "kind", "target", "fitted", "error"]
BACKGROUND_COLUMNS = ["person", "age_at_onset", "sex", "cause", "t", "survival"]
PROFILE_COLUMNS = [
    "profile", "phenotype", "sex", "age_at_onset", "years_since_onset", "alsfrs_r",
    "progression_rate_points_per_month", "treatment", "hazard_ratio_vs_reference",
    "treatment_hazard_ratio", "median_remaining_years", "quartile_25_years", "quartile_75_years",
    "p_alive_1y", "p_alive_2y", "p_alive_5y",
]  # fmt: skip
PROGNOSIS_CURVE_COLUMNS = ["profile", "years_from_now", "survival", "lower", "upper"]
FACTOR_COLUMNS = ["factor", "value", "hazard_ratio_vs_reference", "median_remaining_years", "base"]
FAMILY_COLUMNS = [
    "family", "n_parameters", "max_abs_error", "bounds_met", "median_years", "mean_years",
    "s30", "log_likelihood", "aic",
]  # fmt: skip
