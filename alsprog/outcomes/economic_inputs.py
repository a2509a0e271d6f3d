"""Utilities and costs by stage: the shipped library (``data/health_economics.toml``) and a
user's own table, checked at the edge with one-line errors.

An ``EconomicInputs`` holds, for one staging (King's or MiToS), a utility per stage (on the
instrument's scale: at most 1, at least the instrument's floor), a recurring cost per stage per
year, and one-off costs at the milestones (gastrostomy, NIV, tracheostomy).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alsprog.data import FrozenDict, table
from alsprog.errors import InputError, check_number

FILE = "health_economics.toml"
STAGES = {"kings": ("1", "2", "3", "4"), "mitos": ("0", "1", "2", "3", "4")}
EVENTS = ("gastrostomy", "niv", "tracheostomy")


@dataclass(frozen=True)
class EconomicInputs:
    """Utilities and costs for one staging (frozen).

    staging : 'kings' or 'mitos'.
    utilities : {stage label: utility while in that stage} (QALYs per year alive in it).
    stage_costs : {stage label: cost per year in that stage} (currency units per year).
    event_costs : {milestone: one-off cost when it happens} for gastrostomy, niv, tracheostomy.
    instrument : the utility instrument ('EQ-5D-5L', 'EQ-5D-3L', 'standard_gamble').
    assumptions : the entries that are illustrative assumptions, not sourced figures.
    intervals : {entry: (low, high)} 95% intervals of the sourced entries (costs per year),
        keyed like ``assumptions`` ('utility 1', 'stage_cost 4', 'event_cost niv'); the
        probabilistic sensitivity analysis varies these entries only.
    """

    staging: str
    utilities: FrozenDict[str, float]
    stage_costs: FrozenDict[str, float]
    event_costs: FrozenDict[str, float]
    instrument: str = "EQ-5D-5L"
    assumptions: tuple[str, ...] = ()
    intervals: FrozenDict[str, tuple[float, float]] = field(default_factory=FrozenDict)


def instrument_floors() -> dict[str, float]:
    """{instrument: lowest valid utility}, from the data file (sources there)."""
    return {name: float(row["floor"]) for name, row in table(FILE)["instruments"].items()}


def _staging(staging: str) -> tuple[str, ...]:
    if staging not in STAGES:
        raise InputError(f"staging {staging!r} is unknown; choose one of {', '.join(STAGES)}")
    return STAGES[staging]


def _by_stage(
    values: Mapping[Any, Any], stages: tuple[str, ...], what: str, extra: tuple[str, ...] = ()
) -> dict[str, float]:
    given = {str(k): v for k, v in values.items()}
    unknown = sorted(set(given) - set(stages) - set(extra))
    if unknown:
        raise InputError(
            f"{what}: {', '.join(unknown)} is not a stage; use the stages {', '.join(stages)}"
            + (f" (and {', '.join(extra)})" if extra else "")
        )
    missing = [s for s in stages if s not in given]
    if missing:
        raise InputError(
            f"{what}: stage {', '.join(missing)} is missing; give a value for every stage "
            f"({', '.join(stages)})"
        )
    return {k: check_number(f"{what} for {k}", v) for k, v in given.items()}


def check_utilities(utilities: Mapping[str, float], instrument: str) -> None:
    """InputError unless every utility lies between the instrument's floor and 1."""
    floors = instrument_floors()
    if instrument not in floors:
        raise InputError(f"instrument {instrument!r} is unknown; choose one of {', '.join(floors)}")
    floor = floors[instrument]
    for stage, u in utilities.items():
        if u > 1:
            raise InputError(
                f"utility for stage {stage} is {u:g}, above 1 (full health); pass utilities "
                "on the 0-1 scale, not percentages"
            )
        if u < floor:
            raise InputError(
                f"utility for stage {stage} is {u:g}, below the {instrument} floor {floor:g}; "
                "check the value set or the instrument"
            )


def _check_costs(costs: Mapping[str, float], what: str) -> None:
    for key, c in costs.items():
        if c < 0:
            raise InputError(f"{what} for {key} is {c:g}, negative; costs must be 0 or more")


def _checked(
    staging: str,
    utilities: Mapping[Any, Any],
    costs: Mapping[Any, Any],
    instrument: str,
    assumptions: tuple[str, ...],
    where: str = "",
    intervals: Mapping[str, tuple[float, float]] | None = None,
) -> EconomicInputs:
    """Inputs checked whole: every stage present, utilities in range, costs 0 or more."""
    stages = _staging(staging)
    u = _by_stage(utilities, stages, f"{where}utilities")
    check_utilities(u, instrument)
    given = _by_stage(costs, stages, f"{where}costs", EVENTS)
    stage_costs = {s: given[s] for s in stages}
    events = {e: given.get(e, 0.0) for e in EVENTS}
    _check_costs(stage_costs, "cost per year")
    _check_costs(events, "one-off cost")
    return EconomicInputs(
        staging, FrozenDict(u), FrozenDict(stage_costs), FrozenDict(events), instrument,
        assumptions, FrozenDict(dict(intervals or {})),
    )  # fmt: skip


def economic_inputs(
    staging: str = "kings",
    *,
    utilities: Mapping[Any, float] | None = None,
    costs: Mapping[Any, float] | None = None,
    instrument: str = "EQ-5D-5L",
) -> EconomicInputs:
    """Checked inputs: the shipped library's, or a user's utilities and costs.

    Parameters
    ----------
    staging : 'kings' or 'mitos'.
    utilities : {stage: utility} for every stage, or None for the library's.
    costs : {stage: cost per year} for every stage, plus optional one-off costs under the keys
        'gastrostomy', 'niv', 'tracheostomy' (a milestone not named costs nothing); None for
        the library's.
    instrument : the scale of the user's utilities, which sets the lowest valid value.

    Returns
    -------
    EconomicInputs, whose ``assumptions`` list the library entries still in use that are
    illustrative assumptions rather than sourced figures.
    """
    library = default_economic_inputs(staging)
    keep_u, keep_c = utilities is None, costs is None
    if utilities is None:
        utilities, instrument = library.utilities, library.instrument
    if costs is None:
        costs = {**library.stage_costs, **library.event_costs}
    assumed = tuple(
        a for a in library.assumptions if (keep_u if a.startswith("utility") else keep_c)
    )
    kept = {
        k: v
        for k, v in library.intervals.items()
        if (keep_u if k.startswith("utility") else keep_c)
    }
    return _checked(staging, utilities, costs, instrument, assumed, intervals=kept)


def _from_table(data: Mapping[str, Any], staging: str, where: str) -> EconomicInputs:
    _staging(staging)
    try:
        rows_u = [r for r in data["utility"] if r["staging"] == staging]
        rows_c = [r for r in data["stage_cost"] if r["staging"] == staging]
        rows_e = list(data.get("event_cost", []))
        u = {str(r["stage"]): float(r["value"]) for r in rows_u}
        c = {str(r["stage"]): float(r["value_per_year"]) for r in rows_c}
        e = {str(r["event"]): float(r["value"]) for r in rows_e}
        instruments = {str(r["instrument"]) for r in rows_u}
    except (KeyError, TypeError, ValueError) as err:
        raise InputError(
            f"{where}: a row lacks or mistypes {err}; follow the shape of the shipped "
            "health_economics.toml ([[utility]] staging, stage, value, instrument; "
            "[[stage_cost]] staging, stage, value_per_year; [[event_cost]] event, value)"
        ) from None
    if len(instruments) != 1:
        raise InputError(
            f"{where}: the {staging} utilities mix instruments {sorted(instruments)}; "
            "use one instrument per staging"
        )
    assumptions = tuple(
        f"{kind} {r.get('stage', r.get('event'))}"
        for kind, rows in (("utility", rows_u), ("stage_cost", rows_c), ("event_cost", rows_e))
        for r in rows
        if r.get("assumption")
    )
    intervals = {
        f"utility {r['stage']}": (float(r["interval"][0]), float(r["interval"][1]))
        for r in rows_u
        if "interval" in r
    }
    for r in rows_c:  # a reported interval scaled as the reported mean was to a cost per year
        if "reported_interval" in r:
            scale = float(r["value_per_year"]) / float(r["reported"])
            low, high = r["reported_interval"]
            intervals[f"stage_cost {r['stage']}"] = (scale * float(low), scale * float(high))
    intervals |= {
        f"event_cost {r['event']}": (float(r["interval"][0]), float(r["interval"][1]))
        for r in rows_e
        if "interval" in r
    }
    return _checked(staging, u, {**c, **e}, instruments.pop(), assumptions, f"{where}: ", intervals)


def default_economic_inputs(staging: str = "kings") -> EconomicInputs:
    """The shipped library (``data/health_economics.toml``) for one staging; its
    ``assumptions`` list the entries that are illustrative, not sourced."""
    return _from_table(table(FILE), staging, FILE)


def load_economic_inputs(path: str | Path, staging: str = "kings") -> EconomicInputs:
    """A user's TOML table in the shipped file's shape, checked like the shipped one."""
    where = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"{where}: cannot be read ({err.strerror}); check the path") from None
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{where}: not valid TOML ({err}); fix the file") from None
    return _from_table(data, staging, where)


def illustrative_prices() -> dict[str, float]:
    """{strategy: price per year} of the report's worked example (``data/
    health_economics.toml`` [[illustrative_price]]): assumptions, not list prices."""
    return {
        str(r["strategy"]): float(r["value_per_year"])
        for r in table(FILE).get("illustrative_price", [])
    }
