"""The command line's edge: any error a subcommand raises, as one line and an exit status.

``describe(err, args)`` is the one place that words errors for the user, so a new subcommand
inherits it by raising (or letting through) ordinary exceptions. Our own errors (``AlsprogError``)
already read *where: what is wrong; what to do*. Decoding errors, OS errors (missing file, no
permission, a folder where a file was expected, a full disk) and TOML or CSV parse errors are
worded here, naming the file: the error's own file name, else the one file among the command's
arguments. Anything else is a bug in alsprog: one line asking for a report, exit status 1.
"""

from __future__ import annotations

import argparse
import errno
import sys
import warnings
from pathlib import Path

from alsprog.errors import AlsprogError

BAD_INPUT, INTERNAL = 2, 1

_OS_FIXES = {
    errno.ENOENT: "check the path",
    errno.EACCES: "check its permissions, or choose another path",
    errno.EPERM: "check its permissions, or choose another path",
    errno.EISDIR: "pass a file, not a folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder; check the path",
    errno.ENOSPC: "the disk is full; free some space and rerun",
    errno.EROFS: "the file system is read-only; choose another path",
    errno.EEXIST: "it already exists; choose another path",
}


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def files_in(args: argparse.Namespace) -> list[str]:
    """The command's arguments that name files: Path values, and strings naming existing paths."""
    found = []
    for name, value in sorted(vars(args).items()):
        if name in ("run", "show") or value is None:
            continue
        if isinstance(value, Path) or (isinstance(value, str) and Path(value).exists()):
            if isinstance(value, str) and not any(sep in value for sep in ("/", "\\", ".")):
                continue  # a bare word such as a table name, even if a file of that name exists
            found.append(str(value))
    return found


def _file(err: BaseException, args: argparse.Namespace) -> str:
    named = getattr(err, "filename", None)
    if named is not None:
        return str(named)
    files = files_in(args)
    return files[0] if len(files) == 1 else "an input file"


def describe(err: BaseException, args: argparse.Namespace) -> tuple[str, int]:
    """The one line (without the ``alsprog:`` prefix) and the exit status for ``err``."""
    if isinstance(err, AlsprogError):
        return f"error: {_one_line(err)}", BAD_INPUT
    if isinstance(err, UnicodeDecodeError):
        return (
            f"error: {_file(err, args)} is not UTF-8 text (byte 0x{err.object[err.start]:02x} at "
            f"position {err.start}); save it as UTF-8 (in Excel: 'CSV UTF-8')",
            BAD_INPUT,
        )
    if isinstance(err, OSError):
        fix = _OS_FIXES.get(err.errno or -1, "check the path and try again")
        reason = err.strerror or _one_line(err) or type(err).__name__
        return f"error: {_file(err, args)}: {reason.lower()}; {fix}", BAD_INPUT
    parser = _parse_error_kind(err)
    if parser is not None:
        return (
            f"error: {_file(err, args)} is not valid {parser} ({_one_line(err)}); fix the "
            "syntax at that place",
            BAD_INPUT,
        )
    return (
        f"internal error, please report: {type(err).__name__}: {_one_line(err)} "
        "(rerun with --debug for the traceback)",
        INTERNAL,
    )


def _parse_error_kind(err: BaseException) -> str | None:
    """'TOML' or 'CSV' for a parser's error (checked by module, so pandas is not imported)."""
    module = type(err).__module__ or ""
    if module.startswith("tomllib") or type(err).__name__ == "TOMLDecodeError":
        return "TOML"
    if module == "_csv" or (module.startswith("pandas") and "Parser" in type(err).__name__):
        return "CSV"
    if module.startswith("pandas") and type(err).__name__ == "EmptyDataError":
        return "CSV"
    return None


def one_line_warnings() -> None:
    """Show each warning as ``alsprog: warning: message`` on stderr (inside catch_warnings)."""

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        print(f"alsprog: warning: {_one_line(message)}", file=sys.stderr)

    warnings.showwarning = show
