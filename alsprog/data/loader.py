"""The one loader of ``alsprog/data``: each file parsed once, checked whole, returned frozen.

A record (``alsprog.data.records``) is filled from its table by its field names and types, so a
key renamed or removed in a file fails here, on first use, with one message naming the file and
the key (``DataFileError``), not as a KeyError deep in a simulation. Everything returned is
immutable (``FrozenDict``, tuples, frozen dataclasses) and shared safely between calls.
"""

from __future__ import annotations

import dataclasses
import json
import math
import tomllib
import types
import typing
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from alsprog.data.frozen import FrozenDict, freeze
from alsprog.data.records import (
    NOTE_SUFFIXES,
    EffectsFile,
    LifeTableEntry,
    PhenotypeFile,
    PhenotypeSpec,
    SimulationFile,
    TrialsFile,
)
from alsprog.errors import AlsprogError

R = TypeVar("R")


class DataFileError(AlsprogError):
    """A shipped data file lacks a key the code needs, or holds the wrong type there."""


def read_text(name: str) -> str:
    """The text of ``alsprog/data/<name>``."""
    return resources.files("alsprog.data").joinpath(name).read_text("utf-8")


def exists(name: str) -> bool:
    return resources.files("alsprog.data").joinpath(name).is_file()


@cache
def table(name: str) -> FrozenDict[str, Any]:
    """A TOML file of ``alsprog/data`` whole, frozen (for its sources and notes)."""
    return freeze(tomllib.loads(read_text(name)))


@cache
def json_file(name: str) -> FrozenDict[str, Any] | None:
    """A JSON file of ``alsprog/data`` frozen (lists as tuples), or None when absent."""
    return freeze(json.loads(read_text(name))) if exists(name) else None


def record(cls: type[R], values: Any, file: str, where: str = "") -> R:
    """``cls`` filled from the mapping ``values`` (the table ``where`` of ``file``)."""
    place = f"alsprog/data/{file}" + (f" [{where}]" if where else "")
    if not isinstance(values, typing.Mapping):
        raise DataFileError(f"{place}: expected a table, found {type(values).__name__}")
    hints = typing.get_type_hints(cls)
    filled: dict[str, Any] = {}
    for item in dataclasses.fields(cls):  # type: ignore[arg-type]
        if item.metadata.get("notes"):
            filled[item.name] = FrozenDict(
                {k: str(v) for k, v in values.items() if k.endswith(NOTE_SUFFIXES)}
            )
            continue
        key = item.metadata.get("key", item.name)
        if key not in values:
            if item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING:
                raise DataFileError(f"{place}: missing key {key!r}; the code reads it")
            continue
        inner = f"{where}.{key}" if where else key
        filled[item.name] = _value(hints[item.name], values[key], file, inner)
    return cls(**filled)


def _value(kind: Any, value: Any, file: str, where: str) -> Any:
    """``value`` checked and converted to the type ``kind``."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return None if value is None else _value(inner[0], value, file, where)
    if dataclasses.is_dataclass(kind):
        return record(kind, value, file, where)  # type: ignore[arg-type]
    if kind is bool:
        if not isinstance(value, bool):
            raise _wrong(file, where, "true or false", value)
        return value
    if kind is float:  # whole numbers allowed; "inf" for an unbounded time
        if value == "inf":
            return math.inf
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _wrong(file, where, "a number", value)
        return float(value)
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong(file, where, "a whole number", value)
        return value
    if kind is str:
        if not isinstance(value, str):
            raise _wrong(file, where, "text", value)
        return value
    if origin is tuple or kind is tuple:
        if not isinstance(value, list | tuple):
            raise _wrong(file, where, "a list", value)
        if not args:
            return freeze(list(value))
        if len(args) == 2 and args[1] is Ellipsis:
            kinds = [args[0]] * len(value)
        elif len(args) == len(value):
            kinds = list(args)
        else:
            raise _wrong(file, where, f"a list of {len(args)}", value)
        return tuple(
            _value(k, v, file, f"{where}[{i}]")
            for i, (k, v) in enumerate(zip(kinds, value, strict=True))
        )
    if origin is FrozenDict:
        if not isinstance(value, typing.Mapping):
            raise _wrong(file, where, "a table", value)
        return FrozenDict(
            {
                k: _value(args[1], v, file, f"{where}.{k}")
                for k, v in value.items()
                if not k.endswith(NOTE_SUFFIXES) and not isinstance(v, typing.Mapping)
            }
        )
    raise TypeError(f"alsprog.data.loader: no reader for {kind!r}")  # a records.py bug


def _wrong(file: str, where: str, expected: str, value: Any) -> DataFileError:
    return DataFileError(f"alsprog/data/{file} [{where}]: expected {expected}, found {value!r}")


# --------------------------------------------------------------------------- the files
@cache
def phenotypes() -> PhenotypeFile:
    """``data/phenotypes.toml``: the population, prognostic factors and phenotypes."""
    file = "phenotypes.toml"
    raw = table(file)
    specs = raw.get("phenotype")
    if not isinstance(specs, typing.Mapping):
        raise DataFileError(f"alsprog/data/{file}: missing table 'phenotype'; the code reads it")
    out = record(PhenotypeFile, {**raw, "phenotype": {}}, file)
    checked = {name: _phenotype_spec(spec, file, name) for name, spec in specs.items()}
    return dataclasses.replace(out, phenotype=FrozenDict(checked))


def _phenotype_spec(values: Any, file: str, name: str) -> PhenotypeSpec:
    where = f"phenotype.{name}"
    spec = record(PhenotypeSpec, values, file, where)
    needed = PhenotypeSpec.REQUIRED.get(spec.structure)
    if needed is None:
        raise DataFileError(
            f"alsprog/data/{file} [{where}]: structure {spec.structure!r} is unknown; "
            f"use one of {', '.join(PhenotypeSpec.REQUIRED)}"
        )
    for key in needed:
        if key not in values:
            raise DataFileError(
                f"alsprog/data/{file} [{where}]: missing key {key!r}; "
                f"a {spec.structure!r} phenotype needs it"
            )
    return spec


@cache
def simulation() -> SimulationFile:
    """``data/simulation.toml``: the cohort figures beside the course (``data/course.toml``)."""
    return record(SimulationFile, table("simulation.toml"), "simulation.toml")


@cache
def effects() -> EffectsFile:
    """``data/effects.toml``: the intervention presets."""
    return record(EffectsFile, table("effects.toml"), "effects.toml")


@cache
def trials() -> TrialsFile:
    """``data/trials.toml``: figures of simulated trials."""
    return record(TrialsFile, table("trials.toml"), "trials.toml")


@cache
def life_tables() -> FrozenDict[str, LifeTableEntry]:
    """``data/life_tables.toml``: the shipped life tables by name, in file order."""
    file = "life_tables.toml"
    entries = table(file).get("table", ())
    rows = [record(LifeTableEntry, e, file, f"table {i + 1}") for i, e in enumerate(entries)]
    if not rows:
        raise DataFileError(f"alsprog/data/{file}: missing key 'table'; the code reads it")
    return FrozenDict({row.name: row for row in rows})
