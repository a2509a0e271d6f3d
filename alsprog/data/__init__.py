"""Sourced figures (TOML, CSV, JSON) and the one loader that returns them as frozen records.

``phenotypes()``, ``simulation()``, ``effects()``, ``trials()`` and ``life_tables()`` return the
files' figures as frozen dataclasses (``alsprog.data.records``); ``table(name)`` returns a TOML
file whole (sources and notes included) as nested ``FrozenDict`` and tuples. A missing or
renamed key fails on first use with one ``DataFileError`` naming the file and the key.
``alsprog.data.frozen`` holds the freezing helpers the rest of the package uses.
"""

from alsprog.data.frozen import FrameField, FrozenDict, freeze, readonly, thaw
from alsprog.data.loader import (
    DataFileError,
    effects,
    exists,
    json_file,
    life_tables,
    phenotypes,
    read_text,
    record,
    simulation,
    table,
    trials,
)

__all__ = [
    "DataFileError",
    "FrameField",
    "FrozenDict",
    "effects",
    "exists",
    "freeze",
    "json_file",
    "life_tables",
    "phenotypes",
    "read_text",
    "readonly",
    "record",
    "simulation",
    "table",
    "thaw",
    "trials",
]
