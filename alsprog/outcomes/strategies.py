"""Strategies of a cost-effectiveness analysis: an effect (or None) and a drug cost per year,
named, in order, the first the comparator."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from alsprog.errors import InputError, check_number


@dataclass(frozen=True)
class Strategy:
    """A strategy: an effect (None for usual care) and its drug cost per year alive.

    effect : None or an effect object (``alsprog.effects``: HazardRatio, TimeRatio,
        SlopeReduction, presets such as ``riluzole()``), as ``simulate_cohort`` takes it.
    drug_cost_per_year : currency units per year on treatment (>= 0): from diagnosis (or
        entry, if later) while alive.
    """

    effect: object = None
    drug_cost_per_year: float = 0.0

    def __post_init__(self) -> None:
        cost = check_number("Strategy drug_cost_per_year", self.drug_cost_per_year)
        if cost < 0:
            raise InputError(f"Strategy drug_cost_per_year is {cost:g}, negative; pass 0 or more")


def strategy_plan(strategies: Any) -> dict[str, Strategy]:
    if not isinstance(strategies, Mapping) or len(strategies) < 2:
        raise InputError(
            "strategies must be a dict of at least two {name: effect or Strategy}, the first "
            "the comparator; e.g. {'usual care': None, 'riluzole': Strategy(riluzole(), 5000)}"
        )
    out = {}
    for name, value in strategies.items():
        if not isinstance(name, str) or not name:
            raise InputError(f"strategy name {name!r} must be non-empty text; name it")
        out[name] = value if isinstance(value, Strategy) else Strategy(value)
    return out
