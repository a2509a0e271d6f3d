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


def _one_line(text: object) -> str:
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


def print_result(text: str) -> int:
    """Print the result on stdout; the exit status. A reader that left (``| head``) ends the
    run silently, as the shell's own tools do (0); a full or closed stdout is one line, 2."""
    stdout = sys.stdout
    if stdout is None:  # started with stdout closed (`>&-`)
        print("alsprog: error: stdout is closed; redirect it to a file or a pipe", file=sys.stderr)
        return BAD_INPUT
    try:
        print(text, file=stdout)
        stdout.flush()
    except BrokenPipeError:
        _drop_stdout()
        return 0
    except OSError as err:
        _drop_stdout()
        reason = (err.strerror or str(err)).lower()
        fix = _OS_FIXES.get(err.errno or -1, "check where stdout goes")
        print(
            f"alsprog: error: cannot write the result to stdout: {reason}; {fix}", file=sys.stderr
        )
        return BAD_INPUT
    return 0


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush at exit is silent."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        sys.stdout = None


def quiet_environment() -> None:
    """Settings that keep libraries quiet and the output the same on every machine.

    - matplotlib writes a font cache under the home folder and warns on stderr when it cannot;
      where the home (or XDG) folder cannot be written, it gets a private folder under the
      system's temporary folder instead (``MPLCONFIGDIR``).
    """
    import os
    import tempfile

    if "MPLCONFIGDIR" in os.environ:
        return
    home = Path.home() if os.environ.get("HOME") else None
    places = [
        os.environ.get("XDG_CONFIG_HOME") or (home and home / ".config"),
        os.environ.get("XDG_CACHE_HOME") or (home and home / ".cache"),
    ]
    if all(place and _writable(Path(place) / "matplotlib") for place in places):
        return
    private = Path(tempfile.gettempdir()) / f"alsprog-matplotlib-{os.getuid()}"
    try:
        private.mkdir(mode=0o700, exist_ok=True)
        if private.is_symlink() or private.stat().st_uid != os.getuid():
            raise PermissionError  # someone else's folder: take a fresh one
    except OSError:
        private = Path(tempfile.mkdtemp(prefix="alsprog-matplotlib-"))
    os.environ["MPLCONFIGDIR"] = str(private)


def _writable(folder: Path) -> bool:
    import os

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)
