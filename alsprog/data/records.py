"""The records the data files load into: one frozen dataclass per TOML table.

A field is a key of its table (``key`` in the field's metadata when the key is not a Python
name); a field with a default is optional. ``alsprog.data.loader`` fills them and fails, naming
the file and the key, when a key is missing or has the wrong type. Units are in the names;
sources stay in the files (``alsprog.data.table`` returns a file whole).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alsprog.data.frozen import FrozenDict

# A FrozenDict field of figures leaves out the keys that end with these (sources for readers).
NOTE_SUFFIXES = ("source", "note")


# --------------------------------------------------------------------------- phenotypes.toml
@dataclass(frozen=True)
class PopulationFigures:
    male_share: float
    onset_age_mean_years: float
    onset_age_sd_years: float
    delay_median_months: float
    delay_log_sd: float


@dataclass(frozen=True)
class CovariateFigures:
    age_hazard_ratio_per_10_years: float
    delay_hazard_ratio_per_12_weeks: float
    progression_hazard_ratio_per_point_per_month: float
    fvc_hazard_ratio_per_percent_lower: float
    ftd_hazard_ratio: float
    reference_progression_points_per_month: float
    reference_fvc_percent: float
    age_source: str
    progression_source: str
    reference_progression_source: str
    covariate_transfer: str


@dataclass(frozen=True)
class IdentificationFigures:
    figure_precision: float
    range_factor: float


@dataclass(frozen=True)
class LandmarkFigure:
    t: float
    survival: float
    source: str
    kind: str = "equal"


@dataclass(frozen=True)
class BorrowFigure:
    parameter: str
    from_phenotype: str = field(metadata={"key": "from"})
    from_parameter: str
    source: str


@dataclass(frozen=True)
class PhenotypeSpec:
    """One ``[phenotype.NAME]`` table. ``structure`` is "family" (one ``family``), "sites"
    (limb components and a bulbar share) or "scaled" (another phenotype times a hazard ratio).
    ``notes`` holds the table's keys that end in source or note, in file order. A figure a
    structure does not use keeps its default (0 or empty); ``REQUIRED`` lists what each needs."""

    description: str
    structure: str = "family"
    family: str = ""
    limb_components: tuple[str, ...] = ()
    bulbar_onset_share: float = 0.0
    bulbar_hazard_ratio: float = 0.0
    bulbar_hazard_ratio_source: str = ""
    effective_sample_size: float = 0.0
    effective_sample_size_source: str = ""
    onset_age_mean_years: float | None = None
    scaled_from: str = ""
    hazard_ratio: float = 0.0
    hazard_ratio_source: str = ""
    landmark: tuple[LandmarkFigure, ...] = ()
    borrow: tuple[BorrowFigure, ...] = ()
    notes: FrozenDict[str, str] = field(default_factory=FrozenDict, metadata={"notes": True})

    # the keys each structure needs on top of description
    REQUIRED = FrozenDict(
        {
            "family": ("family", "effective_sample_size", "landmark"),
            "sites": (
                "limb_components",
                "bulbar_onset_share",
                "bulbar_hazard_ratio",
                "bulbar_hazard_ratio_source",
                "effective_sample_size",
                "landmark",
            ),
            "scaled": ("scaled_from", "hazard_ratio", "hazard_ratio_source"),
        }
    )


@dataclass(frozen=True)
class PhenotypeFile:
    population: PopulationFigures
    covariates: CovariateFigures
    identification: IdentificationFigures
    phenotype: FrozenDict[str, PhenotypeSpec]


# --------------------------------------------------------------------------- simulation.toml
@dataclass(frozen=True)
class RegionOrderFigures:
    order_after_upper_limb: tuple[str, ...]
    order_after_lower_limb: tuple[str, ...]
    order_after_bulbar: tuple[str, ...]


@dataclass(frozen=True)
class ItemFigures:
    bulbar: tuple[str, ...]
    fine_motor: tuple[str, ...]
    gross_motor: tuple[str, ...]
    respiratory: tuple[str, ...]
    visit_noise_sd: float


@dataclass(frozen=True)
class FollowUpFigures:
    visit_interval_months: float


@dataclass(frozen=True)
class SimulationFile:
    course: RegionOrderFigures
    items: ItemFigures
    onset_site: FrozenDict[str, str]
    mnd: FrozenDict[str, float]
    follow_up: FollowUpFigures


# --------------------------------------------------------------------------- effects.toml
@dataclass(frozen=True)
class HazardRatioPreset:
    hazard_ratio: float
    interval: tuple[float, float]
    source: str
    start_years: float
    from_diagnosis: bool
    duration_years: float  # "inf" in the file: for life


@dataclass(frozen=True)
class SlopeReductionPreset:
    control_change_24_weeks: float
    treated_change_24_weeks: float
    start_years: float
    from_diagnosis: bool
    duration_years: float


@dataclass(frozen=True)
class EffectsFile:
    riluzole: HazardRatioPreset
    edaravone: SlopeReductionPreset


# --------------------------------------------------------------------------- trials.toml
@dataclass(frozen=True)
class EnrolmentFigures:
    pool_horizon_years: float
    min_eligible_share: float


@dataclass(frozen=True)
class TrialsFile:
    enrolment: EnrolmentFigures


# --------------------------------------------------------------------------- life_tables.toml
@dataclass(frozen=True)
class LifeTableEntry:
    name: str
    file: str
    source: str
    notes: str = ""
