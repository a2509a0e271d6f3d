"""Errors raised by alsprog, and the small checks that raise them at the package's edges.

Every message is one line shaped as *where: what is wrong (the value seen); what to do*.

The number checks (``check_number``, ``check_finite``, ``check_positive``, ``check_probability``,
``check_range``, ``check_whole``, ``check_flag``) are the package's one definition of "a number":
any real number is accepted (Python ``int`` and ``float``, numpy scalars such as ``np.int64`` and
``np.float32``, numpy 0-d arrays, what pandas hands back); booleans, text, ``None`` and NaN are
refused with the argument's name. ``read_text`` and ``check_csv_text`` are the same for files: a
user's file is read once, as UTF-8 (with or without a byte-order mark), and a file that cannot be
read, is not text, or is a CSV with the wrong separator gets one line naming the file and the fix.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import numbers
import re
import stat
from pathlib import Path
from typing import TypeGuard

import numpy as np


class AlsprogError(Exception):
    """Base class of every error alsprog raises on purpose."""


class InputError(AlsprogError, ValueError):
    """Bad input from the user: a value, a file or a name that cannot be used."""


class FitError(AlsprogError, RuntimeError):
    """An optimiser could not find a fit, or the data cannot identify the model's parameters."""


class UnidentifiedFitWarning(UserWarning):
    """A fit whose parameters the data cannot pin down; its ``fit_info.identified`` is False."""


# --------------------------------------------------------------------------- numbers
def _kind(value: object) -> str:
    """How a message names a refused value: its repr and, if not obvious, its type."""
    if isinstance(value, bool | np.bool_):
        return f"{value!r}, a boolean"
    if isinstance(value, str | bytes):
        return f"{value!r}, text"
    if value is None:
        return "None"
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    kind = type(value).__name__
    return f"{shown}, {'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def _unwrapped(value: object) -> object:
    return value[()] if isinstance(value, np.ndarray) and value.ndim == 0 else value


def is_real(value: object) -> TypeGuard[numbers.Real]:
    """True for one real number of any type (int, float, numpy scalars, 0-d arrays, any
    ``numbers.Real``); False for booleans, text, None and arrays of several values."""
    value = _unwrapped(value)
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def is_whole(value: object) -> TypeGuard[numbers.Integral]:
    """True for one integer of any type (int, numpy integers, 0-d integer arrays); False for
    booleans, floats (even 3.0), text and None."""
    value = _unwrapped(value)
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def check_number(name: str, value: object, *, finite: bool = True) -> float:
    """``value`` as a float if it is one real number, else InputError naming ``name``.

    Accepted: int, float, numpy integer and floating scalars, 0-d numpy arrays of those, any
    ``numbers.Real``. Refused: booleans (True is not 1 year), text, None, arrays of more than one
    value, NaN, and (when ``finite``) +-inf.
    """
    if type(value) is float or type(value) is int:  # the common case, without the ABC check
        number = float(value)
    else:
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value[()]
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
            raise InputError(f"{name} must be a number (got {_kind(value)}); pass a plain number")
        number = float(value)
    if math.isnan(number):
        adjective = "finite " if finite else ""
        raise InputError(
            f"{name} must be a {adjective}number (got nan); fill or drop missing values first"
        )
    if finite and math.isinf(number):
        raise InputError(f"{name} must be a finite number (got {number:g}); pass a finite value")
    return number


def check_finite(name: str, value: object) -> float:
    """``value`` as a float if it is a finite real number, else InputError."""
    return check_number(name, value)


def check_positive(name: str, value: object) -> float:
    """``value`` as a float if it is a finite real number above zero, else InputError."""
    number = check_number(name, value)
    if number <= 0:
        raise InputError(f"{name} must be above 0 (got {number:g})")
    return number


def check_probability(name: str, value: object, *, open_interval: bool = False) -> float:
    """``value`` as a float if it lies in [0, 1] (or (0, 1) when ``open_interval``)."""
    number = check_number(name, value)
    if open_interval and not 0 < number < 1:
        raise InputError(f"{name} must lie strictly between 0 and 1 (got {number:g})")
    if not 0 <= number <= 1:
        raise InputError(f"{name} must lie between 0 and 1 (got {number:g})")
    return number


def check_range(name: str, value: object, low: float, high: float, fix: str) -> float:
    """``value`` as a float if it is a number in [low, high]; else InputError ending in ``fix``."""
    number = check_number(name, value)
    if not low <= number <= high:
        raise InputError(f"{name} {number:g} is outside {low:g}-{high:g}; {fix}")
    return number


def check_whole(name: str, value: object, low: int = 0, high: int | None = None) -> int:
    """``value`` as an int if it is a whole number in [low, high] (a float such as 60.0 counts;
    a boolean does not); ``high`` is an up-front limit on absurd resource requests."""
    number = check_number(name, value)
    if number != round(number):
        raise InputError(f"{name} must be a whole number (got {number:g}); pass an integer")
    whole = int(number)
    if whole < low:
        raise InputError(f"{name} must be at least {low} (got {whole})")
    if high is not None and whole > high:
        raise InputError(
            f"{name} {whole} is above the limit of {high}; ask for at most {high} "
            "(more would take far longer without changing the result much)"
        )
    return whole


def check_flag(name: str, value: object) -> bool:
    """``value`` as a bool if it is True or False (numpy booleans too); 1, 0, text refused."""
    if not isinstance(value, bool | np.bool_):
        raise InputError(f"{name} must be True or False (got {_kind(value)})")
    return bool(value)


def as_sequence(name: str, values: object) -> tuple:
    """``values`` as a tuple if it is a list, tuple or 1-d array; text and scalars refused."""
    if isinstance(values, np.ndarray) and values.ndim == 1:
        return tuple(values.tolist())
    if not isinstance(values, list | tuple):
        raise InputError(
            f"{name} must be a list or tuple (got {_kind(values)}); pass e.g. (1.0, 2.0)"
        )
    return tuple(values)


def increasing_times(name: str, values: object) -> list[float]:
    """``values`` as a list of positive times in years, strictly increasing (knots,
    breakpoints); InputError naming ``name`` and the position otherwise."""
    times = [
        check_positive(f"{name} {j} (years)", v) for j, v in enumerate(as_sequence(name, values))
    ]
    if any(later <= earlier for earlier, later in itertools.pairwise(times)):
        raise InputError(f"{name} {times} must be strictly increasing (years); sort them")
    return times


def as_numbers(values: object, name: str) -> np.ndarray:
    """Values as a float array; booleans, text and other non-numbers refused by name."""
    if type(values) is np.ndarray and values.dtype == np.float64:
        return values  # as np.asarray(values, dtype=float) did: no copy
    try:
        raw = np.asarray(values)
    except (ValueError, TypeError):
        raw = np.asarray(None)
    if raw.dtype.kind in "iuf":
        return raw.astype(float, copy=False)
    if raw.dtype.kind != "O" or any(
        isinstance(v, bool | np.bool_) or not isinstance(v, numbers.Real)
        for v in raw.ravel().tolist()
    ):
        raise InputError(f"{name} must be numbers (got {_kind(values)}); pass numbers")
    return raw.astype(float)


def as_times(t: object, name: str = "t") -> np.ndarray:
    """Times in years as a float array; NaN, negative values, text and booleans are refused, +inf
    is allowed."""
    arr = as_numbers(t, name)
    if np.isnan(arr).any():
        where = int(np.flatnonzero(np.isnan(arr.ravel()))[0])
        raise InputError(f"{name}: NaN at position {where}; drop or fill missing times first")
    if (arr < 0).any():
        where = int(np.flatnonzero(arr.ravel() < 0)[0])
        raise InputError(
            f"{name}: time {arr.ravel()[where]:g} at position {where} is negative; "
            "times are years since onset and must be >= 0"
        )
    return arr


def as_probabilities(p: object, name: str = "p") -> np.ndarray:
    """Probabilities as a float array; anything outside [0, 1], NaN, text or booleans refused."""
    arr = as_numbers(p, name)
    bad = np.isnan(arr) | (arr < 0) | (arr > 1)
    if bad.any():
        where = int(np.flatnonzero(bad.ravel())[0])
        raise InputError(
            f"{name}: {arr.ravel()[where]:g} at position {where} is not a probability; "
            "pass values between 0 and 1"
        )
    return arr


# --------------------------------------------------------------------------- files
MAX_FILE_BYTES = 50_000_000  # a targets file or life table is kilobytes; refuse the absurd


def read_text(path: str | Path, what: str, expected: str) -> str:
    """The text of a user's file, decoded as UTF-8 (a byte-order mark is dropped).

    what : how messages name the file ("targets file", "life table").
    expected : what the file should hold, for the fix ("a CSV with columns age, sex, qx").
    Raises InputError (one line naming the file) when it is missing, a folder, unreadable,
    absurdly large, binary, or text in another encoding.
    """
    path = Path(path)
    where = f"{what} {str(path)!r}"
    if path.is_dir():
        raise InputError(f"{where} is a folder, not a file; pass the path of {expected}")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a device or a pipe could be read for ever
            raise InputError(f"{where} is not a regular file; pass the path of {expected}")
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"{where} is {size:,} bytes, above the limit of {MAX_FILE_BYTES:,}; pass "
                f"{expected} (a few kilobytes)"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{where} does not exist; check the path") from None
    except PermissionError:
        raise InputError(
            f"{where} cannot be read (permission denied); check its permissions or copy it"
        ) from None
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise InputError(f"{where} cannot be read ({reason}); check the file") from None
    return decode_text(data, where)


def decode_text(data: bytes, where: str) -> str:
    """``data`` decoded as UTF-8 with an optional byte-order mark, or InputError with a hint."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{where} is UTF-16 text; save it as UTF-8 (in Excel: 'CSV UTF-8')")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        if b"\x00" in data[:4096]:
            raise InputError(
                f"{where} is a binary file, not text; pass a text file (TOML or CSV)"
            ) from None
        line = data[: err.start].count(b"\n") + 1
        raise InputError(
            f"{where} is not UTF-8 text (byte 0x{data[err.start]:02x} on line {line}, perhaps "
            "latin-1 or Windows-1252); save it as UTF-8 (in Excel: 'CSV UTF-8')"
        ) from None


DECIMAL_COMMA = re.compile(r"^\s*-?\d+,\d+\s*$")


def check_csv_text(text: str, where: str, columns: str) -> None:
    """Refuse a CSV whose separator is not a comma, with a hint at the separator.

    where : how messages name the file. columns : the expected header, for the fix.
    """
    header = next((line for line in text.splitlines() if line.strip()), "")
    for separator, shown, why in (
        (";", "';'", " (a decimal-comma export?)"),
        ("\t", "tabs", ""),
    ):
        if separator in header and header.count(separator) >= header.count(","):
            raise InputError(
                f"{where}: columns are separated by {shown}, not commas{why}; save it with "
                f"',' between columns and '.' in numbers: {columns}"
            )


def decimal_comma_hint(value: str) -> str:
    """A hint for a text value that failed to read as a number: '' or a decimal-comma fix."""
    if DECIMAL_COMMA.match(value):
        return f"; write {value.strip().replace(',', '.')} with a decimal point"
    return ""


def csv_rows(text: str, where: str, columns: str, empty_fix: str) -> list[tuple[int, list[str]]]:
    """The non-blank rows of a CSV as (line number, fields), the header first; refused (one
    line naming the fix) when the separator is not a comma, a quote is unclosed, or nothing is
    there (``empty_fix`` says what to give)."""
    check_csv_text(text, where, columns)
    try:
        lines = list(csv.reader(io.StringIO(text), strict=True))
    except csv.Error as err:
        raise InputError(f"{where}: not a readable CSV ({err}); check the quotes") from None
    numbered = [(n, row) for n, row in enumerate(lines, start=1) if any(c.strip() for c in row)]
    if not numbered:
        raise InputError(f"{where}: {empty_fix}")
    return numbered
