"""Deep freezing: what one call returns cannot change what the next call returns.

Cached results (a calibrated phenotype, a life table, the figures of a data file) are shared
between calls, so everything reachable from them is immutable: mappings are ``FrozenDict``,
sequences tuples, arrays read-only copies, and a table field hands out a fresh copy of its
DataFrame on every access (``FrameField``).

``FrozenDict`` rather than ``types.MappingProxyType``: a proxy cannot be pickled, and fits,
calibrations and phenotypes must pickle with the standard library.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar, overload

import numpy as np
import pandas as pd

K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(Mapping[K, V]):
    """A read-only mapping that keeps its insertion order, compares equal to a dict with the
    same items, and pickles."""

    __slots__ = ("_items",)
    _items: dict[K, V]

    def __init__(self, items: Mapping[K, V] | None = None, /) -> None:
        object.__setattr__(self, "_items", dict(items or {}))

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"FrozenDict({self._items!r})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("FrozenDict is read-only")

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __reduce__(self) -> tuple[type, tuple[dict[K, V]]]:
        return (FrozenDict, (dict(self._items),))


def readonly(array: Any, dtype: Any = None) -> np.ndarray:
    """A read-only copy of ``array`` (never a view of the caller's buffer)."""
    out = np.array(array, dtype=dtype, copy=True)
    out.setflags(write=False)
    return out


def freeze(value: Any) -> Any:
    """``value`` with every dict made a FrozenDict, every list a tuple and every array a
    read-only copy, all the way down; numbers, strings and frozen objects pass unchanged."""
    if isinstance(value, Mapping):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    if isinstance(value, np.ndarray):
        return readonly(value)
    return value


def thaw(value: Any) -> Any:
    """The plain-Python copy of a frozen value (dicts and lists), e.g. for ``json.dumps``."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(v) for v in value]
    return value


class FrameField:
    """A dataclass field holding a DataFrame (or None) that is copied when set and copied
    again on every read, so no caller holds the instance's own frame.

    Use as ``landmarks: FrameField = FrameField()`` in a frozen dataclass; pickling keeps the
    stored frame (in the instance's ``__dict__``).
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = f"_frozen_{name}"

    @overload
    def __get__(self, instance: None, owner: type) -> None: ...
    @overload
    def __get__(self, instance: object, owner: type) -> pd.DataFrame | None: ...
    def __get__(self, instance: object | None, owner: type) -> pd.DataFrame | None:
        if instance is None:
            return None  # the dataclass default
        frame = instance.__dict__.get(self._slot)
        return None if frame is None else frame.copy(deep=True)

    def __set__(self, instance: object, value: pd.DataFrame | None) -> None:
        stored = None if value is None else pd.DataFrame(value).copy(deep=True)
        instance.__dict__[self._slot] = stored
