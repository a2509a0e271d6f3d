"""``TrialDesign`` and ``Eligibility``: what a simulated two-arm ALS trial is, checked once.

Times are years: disease duration and enrolment from symptom onset, follow-up from each
patient's own enrolment; visits every ``visit_interval_weeks`` weeks on study.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from alsprog import data
from alsprog.errors import (
    InputError,
    check_number,
    check_positive,
    check_probability,
    check_whole,
)
from alsprog.interventions.core import Effect, combine


def trial_data() -> Mapping[str, Any]:
    """``data/trials.toml`` whole, frozen (its figures: ``alsprog.data.trials()``)."""
    return data.table("trials.toml")


MAX_TRIAL_PATIENTS = 200_000  # both arms; a trial screens at most 4.2 million candidates
# (``enrol.MAX_CANDIDATES``), of whom about one in nine is alive and diagnosed at screening


@dataclass(frozen=True)
class Eligibility:
    """Inclusion criteria, checked at each candidate's enrolment (screening) time.

    max_disease_duration_years : at most this many years since symptom onset (None: any).
    min_alsfrs_r : measured ALSFRS-R total (0-48) at least this (None: any).
    min_item_score : every one of the 12 measured items at least this (0-4; 2 is the
        edaravone trial's "every item >= 2"; None: any).
    dfs_range : (low, high) on the progression rate dFS = (48 - ALSFRS-R) / months since onset
        at enrolment, points per month, inclusive (None: any).

    ALSFRS-R criteria use the scores measured at the baseline visit (with visit noise), so
    the trial's own baseline data meet them.
    """

    max_disease_duration_years: float | None = None
    min_alsfrs_r: float | None = None
    min_item_score: float | None = None
    dfs_range: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if self.max_disease_duration_years is not None:
            check_positive(
                "Eligibility max_disease_duration_years", self.max_disease_duration_years
            )
        if self.min_alsfrs_r is not None:
            value = check_number("Eligibility min_alsfrs_r", self.min_alsfrs_r)
            if not 0 <= value <= 48:
                raise InputError(
                    f"Eligibility min_alsfrs_r {value:g} is outside 0-48; pass an ALSFRS-R total"
                )
        if self.min_item_score is not None:
            value = check_number("Eligibility min_item_score", self.min_item_score)
            if not 0 <= value <= 4:
                raise InputError(
                    f"Eligibility min_item_score {value:g} is outside 0-4; pass an item score"
                )
        if self.dfs_range is not None:
            pair = tuple(self.dfs_range)
            if len(pair) != 2:
                raise InputError(
                    f"Eligibility dfs_range {self.dfs_range!r} is not (low, high); pass two "
                    "numbers in points per month"
                )
            low = check_number("Eligibility dfs_range low", pair[0])
            high = check_number("Eligibility dfs_range high", pair[1], finite=False)
            if not 0 <= low < high:
                raise InputError(
                    f"Eligibility dfs_range ({low:g}, {high:g}) needs 0 <= low < high "
                    "(points per month)"
                )
            object.__setattr__(self, "dfs_range", (low, high))

    @property
    def pool_horizon_years(self) -> float:
        """Candidate enrolment times are drawn on [0, this] years from onset."""
        if self.max_disease_duration_years is not None:
            return float(self.max_disease_duration_years)
        return data.trials().enrolment.pool_horizon_years


@dataclass(frozen=True)
class TrialDesign:
    """A two-arm (control, treatment) trial with fixed follow-up from each patient's enrolment.

    Parameters
    ----------
    n_per_arm : control patients (>= 2); the treatment arm has round(allocation * n_per_arm).
        Both arms together hold at most ``MAX_TRIAL_PATIENTS`` (200,000) patients.
    effect : the treatment's effect (``alsprog.effects``: HazardRatio, TimeRatio,
        SlopeReduction, a combination, or None for a placebo-versus-placebo trial). Every
        start counts from each patient's enrolment (``start_years`` after it, whatever
        ``from_diagnosis`` says); a time ratio stretches the time left after enrolment.
    accrual_years : calendar years over which patients are enrolled, uniformly (recorded per
        patient; with fixed follow-up it does not change the analysis).
    followup_years : years each patient is followed from their own enrolment (> 0).
    dropout_per_year : constant rate of loss to follow-up after enrolment, per person-year.
    visit_interval_weeks : weeks between visits (whole number >= 1), from week 0 (baseline).
    eligibility : an ``Eligibility`` or None (everyone alive and diagnosed).
    phenotype : the simulated population (a phenotype name, 'mnd' or a dict of shares).
    alpha : two-sided level of every test, in (0, 1).
    allocation : treatment patients per control patient (> 0).
    """

    n_per_arm: int
    effect: object = None
    accrual_years: float = 1.0
    followup_years: float = 1.0
    dropout_per_year: float = 0.05
    visit_interval_weeks: int = 4
    eligibility: Eligibility | None = None
    phenotype: object = "als"
    alpha: float = 0.05
    allocation: float = 1.0

    def __post_init__(self) -> None:
        n = check_whole("TrialDesign n_per_arm", self.n_per_arm, low=2)
        object.__setattr__(self, "n_per_arm", n)
        accrual = check_number("TrialDesign accrual_years", self.accrual_years)
        if accrual < 0:
            raise InputError(f"TrialDesign accrual_years must be >= 0 (got {accrual:g})")
        check_positive("TrialDesign followup_years", self.followup_years)
        dropout = check_number("TrialDesign dropout_per_year", self.dropout_per_year)
        if dropout < 0:
            raise InputError(
                f"TrialDesign dropout_per_year must be >= 0 (got {dropout:g}); losses per "
                "person-year"
            )
        weeks = check_whole("TrialDesign visit_interval_weeks", self.visit_interval_weeks, low=1)
        object.__setattr__(self, "visit_interval_weeks", weeks)
        check_probability("TrialDesign alpha", self.alpha, open_interval=True)
        check_positive("TrialDesign allocation", self.allocation)
        if self.n_control + self.n_treatment > MAX_TRIAL_PATIENTS:
            raise InputError(
                f"TrialDesign: n_per_arm {n} and allocation {self.allocation:g} enrol "
                f"{self.n_control + self.n_treatment:,} patients per trial, above the limit of "
                f"{MAX_TRIAL_PATIENTS:,} (what the candidates one trial screens can supply); "
                "lower n_per_arm or allocation"
            )
        if self.eligibility is not None and not isinstance(self.eligibility, Eligibility):
            raise InputError(
                f"TrialDesign eligibility: {type(self.eligibility).__name__} is not an "
                "Eligibility; pass alsprog.Eligibility(...) or None"
            )
        if self.effect is not None and not isinstance(self.effect, Effect | list | tuple):
            raise InputError(
                f"TrialDesign effect: {type(self.effect).__name__} is not an effect; pass "
                "one from alsprog.effects (e.g. HazardRatio(0.8)) or None"
            )
        combine(self.effect)  # a list's items are effects, or InputError

    @property
    def n_control(self) -> int:
        return self.n_per_arm

    @property
    def n_treatment(self) -> int:
        return max(1, math.floor(self.allocation * self.n_per_arm + 0.5))

    @property
    def criteria(self) -> Eligibility:
        return self.eligibility if self.eligibility is not None else Eligibility()
