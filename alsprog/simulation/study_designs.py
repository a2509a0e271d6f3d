"""The designs of the course targets' studies (``data/course_measures.toml``), read once.

Each calibration target (``data/course_targets.toml``) is measured in a simulated cohort as its
study measured it: who was included, when, for how long and how often they were seen. Those
figures sit in the data file beside their sources; this module reads them into frozen records
(``designs()``, cached) that ``course_moments``, ``course_decline``, ``trial_selection`` and the
edaravone check (``alsprog.outcomes.course_measures``) read when they measure. A figure without a
source (or an assumption), a missing or unknown figure, or a value of the wrong type or out of
range gets one line naming the file, the table, the figure and the fix (``InputError``).
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
import typing
from dataclasses import dataclass
from functools import cache

from alsprog import data
from alsprog.errors import InputError

FILE = "course_measures.toml"
SOURCE = "_source"


@dataclass(frozen=True)
class Mci186Design:
    """MCI186-19 (Writing Group, Lancet Neurol 2017): ages at consent (years, low and high),
    the placebo arm's age mean and SD (years) and the weighting's bin width (years), the longest
    disease duration at randomisation (years), the observation period and the endpoint (weeks),
    the ALSFRS-R fall allowed over the observation period (points, low and high) and the lowest
    item score at screening."""

    ages_years: tuple[float, float]
    age_mean_years: float
    age_sd_years: float
    age_bin_years: float
    disease_duration_max_years: float
    observation_weeks: float
    endpoint_weeks: float
    observation_fall_points: tuple[int, int]
    min_item_score: int


@dataclass(frozen=True)
class VisserDesign:
    """Visser et al., Arch Neurol 2007 (PMA): inclusion within ``onset_years_max`` of onset,
    decline over ``follow_up_years``."""

    onset_years_max: float
    follow_up_years: float


@dataclass(frozen=True)
class LesterDesign:
    """Lester et al., JNNP 2025 (PLS): the yearly decline read over ``follow_up_years``."""

    follow_up_years: float


@dataclass(frozen=True)
class VanEijkDesign:
    """van Eijk et al. 2025 (population-based decline): follow-up and visit interval (months),
    the fewest visits a patient's slope needs."""

    follow_up_months: float
    visit_months: float
    min_visits: int


@dataclass(frozen=True)
class ElaminDesign:
    """Elamin et al., J Neurol 2015: patients per simulated study of the dFS hazard ratio."""

    study_size: int


@dataclass(frozen=True)
class BalendraDesign:
    """Balendra et al. 2022 (standardised King's stage times): months between visits."""

    visit_months: float


@dataclass(frozen=True)
class StudyDesigns:
    """Every study's design, one field per table of ``data/course_measures.toml``."""

    mci186_19: Mci186Design
    visser2007: VisserDesign
    lester2025: LesterDesign
    vaneijk2025: VanEijkDesign
    elamin2015: ElaminDesign
    balendra2022: BalendraDesign


@cache
def designs() -> StudyDesigns:
    """The shipped designs (``data/course_measures.toml``), parsed and checked once."""
    return designs_from_text(data.read_text(FILE), f"alsprog/data/{FILE}")


def designs_from_text(text: str, where: str) -> StudyDesigns:
    """The designs a TOML text holds (``where`` names it in errors)."""
    try:
        content = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{where}: not valid TOML ({err}); fix the syntax") from None
    tables = {}
    for study in dataclasses.fields(StudyDesigns):
        table = content.get(study.name)
        if not isinstance(table, dict):
            raise InputError(f"{where}: missing table [{study.name}]; add it with its figures")
        kind = typing.get_type_hints(StudyDesigns)[study.name]
        tables[study.name] = _design(kind, table, f"{where} [{study.name}]")
    extra = sorted(set(content) - set(tables))
    if extra:
        raise InputError(f"{where}: unknown tables {extra}; remove them or name a known study")
    out = StudyDesigns(**tables)
    _check_consistent(out, where)
    return out


def _check_consistent(found: StudyDesigns, where: str) -> None:
    """The figures the measurements need to fit together."""
    trial = found.mci186_19
    visits = trial.endpoint_weeks / trial.observation_weeks
    if abs(visits - round(visits)) > 1e-9:
        raise InputError(
            f"{where} [mci186_19]: endpoint_weeks {trial.endpoint_weeks} is not a whole number "
            f"of observation periods ({trial.observation_weeks} weeks); the check visits every "
            "period, so make it a multiple"
        )
    if trial.min_item_score > 4:
        raise InputError(
            f"{where} [mci186_19] min_item_score: an item scores 0-4, found "
            f"{trial.min_item_score}; give at most 4"
        )
    if found.vaneijk2025.min_visits < 3:
        raise InputError(
            f"{where} [vaneijk2025] min_visits: found {found.vaneijk2025.min_visits}; give at "
            "least 3 (a slope's residual, which the shrinkage reads, needs three visits)"
        )


def _design(kind: type, table: dict, where: str) -> typing.Any:
    hints = typing.get_type_hints(kind)
    names = [f.name for f in dataclasses.fields(kind)]
    allowed = set(names) | {name + SOURCE for name in names}
    extra = sorted(set(table) - allowed)
    if extra:
        raise InputError(f"{where}: unknown figures {extra}; remove them or fix the name")
    values = {}
    for name in names:
        if name not in table:
            raise InputError(f"{where}: missing figure {name!r}; the code reads it")
        source = table.get(name + SOURCE)
        if not isinstance(source, str) or not source.strip():
            raise InputError(
                f"{where}: {name} has no {name}{SOURCE}; give its source (authors, journal, "
                "year) or 'Assumption: ' and the reason"
            )
        values[name] = _figure(hints[name], table[name], f"{where} {name}")
    return kind(**values)


def _figure(kind: typing.Any, value: object, where: str) -> typing.Any:
    """``value`` as ``kind`` (float, int or a pair of them), positive and finite."""
    if typing.get_origin(kind) is tuple:
        inner = typing.get_args(kind)[0]
        if not isinstance(value, list) or len(value) != 2:
            raise InputError(f"{where}: expected a list of two numbers, found {value!r}")
        low, high = (_figure(inner, v, where) for v in value)
        if low >= high:
            raise InputError(f"{where}: the low end {low} is not below the high end {high}")
        return (low, high)
    whole = kind is int
    if isinstance(value, bool) or not isinstance(value, int | float):
        expected = "a whole number" if whole else "a number"
        raise InputError(f"{where}: expected {expected}, found {value!r}")
    if whole and not isinstance(value, int):
        raise InputError(f"{where}: expected a whole number, found {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"{where}: expected a positive finite number, found {value!r}")
    return int(value) if whole else float(value)
