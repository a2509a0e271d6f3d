"""Writing files safely: each output whole, a set of outputs together, one run at a time.

Every file alsprog writes goes through ``written_together``: it takes a lock for each target,
clears what an interrupted earlier run left beside them, hands out temporary files in the
targets' folders, and when the block ends without error moves them all into place at once
(``commit``); on an error or an interrupt it removes them, and the targets keep their old
contents. So a pair of outputs (patients and visits) is both new or both old:

* every temporary file is complete (and flushed to disk) before the first rename;
* the renames run with SIGINT, SIGTERM and SIGHUP held (``alsprog.interrupts.held``), and a
  small journal beside the first target lists them first, so a run killed outright (SIGKILL, a
  power cut) in between is finished by the next run that writes there;
* renames take no disk space, so a full disk fails while writing, before any target changes.

A symbolic link as a target is followed (the linked file is updated; the link stays a link).
The lock (``locked``) is an ``fcntl`` lock on a hidden ``.NAME.lock`` file beside each target,
removed afterwards; a second run writing the same target refuses at once with one line naming
the target and the other process. The kernel drops the lock of a killed process, so a stale lock
never blocks. Temporary names, ``.NAME.alsprog-PID-XXXX.tmp``, are hidden; under the lock any
left for the same target belong to a dead run and are removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from alsprog.errors import InputError
from alsprog.interrupts import held

TAG = "alsprog"
_HELD: dict[str, tuple[int, int]] = {}  # lock file -> (descriptor, times taken) in this process


def real_target(path: str | Path) -> Path:
    """The path a write to ``path`` lands on: symbolic links (of the file or its folders)
    followed, so writing through a link updates the linked file."""
    return Path(os.path.realpath(Path(path).expanduser()))


def _lock_path(target: Path) -> Path:
    if target.is_dir() and os.path.ismount(target):  # nothing beside a mount point is ours
        return target / f".{TAG}.lock"
    return target.parent / f".{target.name}.lock"


def _acquire(lock: Path, target: Path, what: str) -> int:
    import fcntl

    while True:
        descriptor = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = os.read(descriptor, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(descriptor)
            raise InputError(
                f"{what}: another alsprog run (process {other}) is writing {target}; wait for it "
                "to finish, or choose another path"
            ) from None
        try:
            same = os.path.samestat(os.fstat(descriptor), os.stat(lock))
        except FileNotFoundError:
            same = False
        if same:  # not a lock file its last holder removed meanwhile
            os.ftruncate(descriptor, 0)
            os.write(descriptor, str(os.getpid()).encode())
            return descriptor
        os.close(descriptor)


@contextlib.contextmanager
def locked(paths: Sequence[str | Path], what: str) -> Iterator[list[Path]]:
    """Hold the write lock of every path (in a fixed order, so two runs cannot deadlock); yields
    the real targets. Re-entrant within a process. InputError if another run holds one."""
    targets = [real_target(p) for p in paths]
    taken: list[Path] = []
    try:
        for target in sorted(set(targets)):
            lock = _lock_path(target)
            key = str(lock)
            if key in _HELD:
                descriptor, count = _HELD[key]
                _HELD[key] = (descriptor, count + 1)
            else:
                try:
                    _HELD[key] = (_acquire(lock, target, what), 1)
                except OSError as err:
                    if err.filename is None or str(err.filename) == key:
                        err.filename = str(target)
                    raise
            taken.append(lock)
        yield targets
    finally:
        for lock in reversed(taken):
            descriptor, count = _HELD[str(lock)]
            if count > 1:
                _HELD[str(lock)] = (descriptor, count - 1)
                continue
            del _HELD[str(lock)]
            with contextlib.suppress(OSError):
                lock.unlink()  # while still held: a waiting run sees the file changed and retries
            os.close(descriptor)


def leftovers(target: Path) -> list[Path]:
    """Hidden files and folders an earlier run writing ``target`` left beside it."""
    folder = target.parent
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f".{_glob_escape(target.name)}.{TAG}-*"))


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def recover(target: Path) -> None:
    """Finish or clear what an interrupted run left beside ``target`` (call under its lock):
    a journal whose renames were cut short is rolled forward; temporary files are removed."""
    import shutil

    for path in leftovers(target):
        if path.suffix == ".journal" and path.exists():
            with contextlib.suppress(OSError, ValueError):
                for temporary, final in json.loads(path.read_text(encoding="utf-8")):
                    if os.path.exists(temporary):
                        os.replace(temporary, final)
            path.unlink(missing_ok=True)
    for path in leftovers(target):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def temporary_beside(target: Path, suffix: str = ".tmp") -> Path:
    """A new empty hidden file beside ``target``, with an ordinary file's permissions (those of
    ``target`` when it exists)."""
    handle, name = tempfile.mkstemp(
        prefix=f".{target.name}.{TAG}-{os.getpid()}-", suffix=suffix, dir=target.parent
    )
    os.close(handle)
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(name, mode)
    return Path(name)


def commit(pairs: Sequence[tuple[Path, Path]]) -> None:
    """Move each complete temporary file onto its target, all or none: the renames run with
    signals held, after a journal the next run would finish if this one were killed outright,
    and with the old targets kept (hard links) until all are done, to be put back if a rename
    fails."""
    for temporary, _ in pairs:
        _sync(temporary)
    journal = None
    if len(pairs) > 1:
        journal = temporary_beside(pairs[0][1], ".journal")
        journal.write_text(json.dumps([[str(t), str(f)] for t, f in pairs]), encoding="utf-8")
        _sync(journal)
    backups: list[tuple[Path, Path]] = []
    try:
        with held():
            if len(pairs) > 1:
                backups = _backups([target for _, target in pairs])
            done = []
            try:
                for temporary, target in pairs:
                    os.replace(temporary, target)
                    done.append(target)
            except BaseException:
                kept = dict((target, backup) for target, backup in backups)
                for target in done:
                    if target in kept:
                        os.replace(kept.pop(target), target)
                    else:
                        target.unlink(missing_ok=True)  # it did not exist before
                raise
            if journal is not None:
                journal.unlink()
    finally:
        for _, backup in backups:
            backup.unlink(missing_ok=True)
        if journal is not None:
            journal.unlink(missing_ok=True)
    for folder in {target.parent for _, target in pairs}:
        _sync(folder)


def _backups(targets: Sequence[Path]) -> list[tuple[Path, Path]]:
    """A hard link to each existing target, to put it back with if a later rename fails."""
    made = []
    for target in targets:
        if target.is_file():
            backup = target.with_name(f".{target.name}.{TAG}-{os.getpid()}-backup.old")
            backup.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # no hard links here: no way back, as before
                os.link(target, backup)
                made.append((target, backup))
    return made


def _sync(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk, where the platform allows."""
    with contextlib.suppress(OSError):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


@contextlib.contextmanager
def naming(path: str | Path) -> Iterator[None]:
    """An OSError raised inside names ``path`` (the user's name), not a hidden temporary."""
    try:
        yield
    except OSError as err:
        if err.filename is None or f".{TAG}-" in str(err.filename):
            err.filename = str(path)
        if err.errno is None and "No space left" in str(err):  # pyarrow's wording
            import errno

            err.errno, err.strerror = errno.ENOSPC, "No space left on device"
        raise


@contextlib.contextmanager
def written_together(paths: Sequence[str | Path], what: str) -> Iterator[list[Path]]:
    """Temporary files for ``paths``, moved onto them together when the block ends cleanly.

    what : how a refusal names the writer ("simulate", "patient card").
    Yields one temporary path per target, in order; write each completely inside the block.
    On any exception (an interrupt included) they are removed and the targets are untouched.
    """
    with locked(paths, what) as targets:
        temporaries: list[Path] = []
        try:
            for requested, target in zip(paths, targets, strict=True):
                with naming(requested):
                    recover(target)
                    temporaries.append(temporary_beside(target))
            yield temporaries
            with naming(paths[0]):
                commit(list(zip(temporaries, targets, strict=True)))
        finally:
            for temporary in temporaries:
                with contextlib.suppress(OSError):
                    temporary.unlink()


def write_bytes(path: str | Path, data: bytes, what: str) -> Path:
    """Write ``data`` to ``path`` whole (through a symbolic link), under its lock; returns
    ``path``."""
    with written_together([path], what) as (temporary,), naming(path):
        temporary.write_bytes(data)
    return Path(path)


def exchange(first: Path, second: Path) -> None:
    """Swap two existing paths in one step (Linux ``renameat2`` with RENAME_EXCHANGE): at no
    moment is either name missing. OSError (errno ENOSYS, EINVAL or ENOTSUP) where the
    platform or file system cannot."""
    import ctypes
    import errno
    import sys

    if not sys.platform.startswith("linux"):
        raise OSError(errno.ENOSYS, "no atomic exchange on this platform")
    libc = ctypes.CDLL(None, use_errno=True)
    function = getattr(libc, "renameat2", None)
    if function is None:
        raise OSError(errno.ENOSYS, "renameat2 is missing from this C library")
    at_cwd, rename_exchange = -100, 2
    status = function(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange)
    if status != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(first), None, str(second))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame):
    """A copy of a DataFrame whose text cells a spreadsheet will not run as formulas.

    CSV injection (OWASP): a cell such as ``=cmd|'/C calc'!A0`` in a user's text (a targets
    file's ``source``, say) is a formula to Excel or LibreOffice when the CSV is opened. As
    OWASP recommends, a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a leading single quote, which spreadsheets show as text; the CSV writer quotes
    the cell as needed. Numbers (numeric columns) are untouched. Returns ``frame`` itself when
    nothing needs changing.
    """
    import pandas as pd

    changed = {}
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            categories = column.cat.categories
            if any(_risky(c) for c in categories):  # the categories only: cheap
                changed[name] = column.astype(object).map(_quoted)
        elif column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            if any(_risky(v) for v in column):
                changed[name] = column.map(_quoted)
    if not changed:
        return frame
    safe = frame.copy(deep=False)
    for name, column in changed.items():
        safe[name] = column
    return safe


def _risky(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _quoted(value: object) -> object:
    return "'" + value if _risky(value) else value  # type: ignore[operator]
