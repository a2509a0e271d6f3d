"""Writing a set of files as one folder that is replaced whole or not at all.

``write_folder(out_dir, files)`` is how the report lands on disk: a reader of ``out_dir`` sees
either the previous run's files or this run's, never a mixture.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from alsprog.errors import InputError
from alsprog.files import TAG, exchange
from alsprog.files import leftovers as files_leftovers
from alsprog.files import locked as files_locked
from alsprog.files import recover as files_recover
from alsprog.interrupts import held

REPORT_ENTRIES = ("index.html", "figures", "tables")
UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def write_folder(out_dir: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Build the whole report in a temporary folder beside ``out_dir``, then swap it in.

    A failure before the swap (a full disk, a file that cannot be written, an interrupt)
    removes the temporary folder and leaves ``out_dir`` as it was, so a reader never sees a
    mixture of two runs. The swap is one atomic exchange of the two folders (Linux
    ``renameat2``), so ``out_dir`` never goes missing; where that is not available it is two
    renames with interrupts held, and the next run puts back a previous report a run killed
    outright left aside. A symbolic link ``out_dir`` is followed (the link stays); a mount
    point ``out_dir`` cannot be renamed, so the report's own entries are swapped inside it.
    Files of the old folder that are not part of a report (a README, say) are linked into the
    new one; a foreign sub-folder is refused rather than deleted. A second run writing the
    same folder meanwhile is refused (``alsprog.files.locked``).
    """
    out_dir = Path(out_dir)
    with files_locked([out_dir], "report") as (real,):
        _recover(real)
        mount = real.is_dir() and os.path.ismount(real)
        parent = real if mount else real.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise InputError(
                f"report: cannot create {parent} ({err.strerror or err}); choose another --out"
            ) from None
        kept = [] if mount else _foreign_files(real)
        if mount:
            _foreign_files(real)  # the same refusal of foreign sub-folders
        prefix = f".{TAG}-{os.getpid()}-" if mount else f".{real.name}.{TAG}-{os.getpid()}-"
        try:
            staging = Path(tempfile.mkdtemp(prefix=prefix, suffix=".new", dir=parent))
        except OSError as err:
            raise InputError(
                f"report: cannot create a folder in {parent} ({err.strerror or err}); choose an "
                "--out in a folder you can write to"
            ) from None
        try:
            os.chmod(staging, _folder_mode(real))
            for relative, data in files.items():
                target = staging / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            for path in kept:
                _link_or_copy(path, staging / path.name)
            if mount:
                _swap_entries(staging, real)
            else:
                _swap_in(staging, real)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / relative for relative in files]


def _recover(real: Path) -> None:
    """Undo what a run killed outright left: a previous report set aside comes back if the
    folder is missing; any other leftover (a half-built report) is removed."""
    if not real.exists() and not real.is_symlink():
        aside = [p for p in files_leftovers(real) if p.suffix == ".old" and p.is_dir()]
        if aside:
            os.replace(max(aside, key=lambda p: p.stat().st_mtime), real)
    files_recover(real)
    if real.is_dir() and os.path.ismount(real):
        for path in real.glob(f".{TAG}-*"):
            shutil.rmtree(path, ignore_errors=True)


def _foreign_files(out_dir: Path) -> list[Path]:
    """Top-level files of an existing ``out_dir`` that are not the report's; InputError if it
    holds a folder that is not the report's (the swap would delete it)."""
    if not out_dir.is_dir():
        return []
    kept = []
    for entry in sorted(out_dir.iterdir()):
        if entry.name in REPORT_ENTRIES or entry.name.startswith(f".{TAG}"):
            continue
        if entry.is_dir() and not entry.is_symlink():
            raise InputError(
                f"report: {out_dir} holds a folder {entry.name!r} that is not part of a report; "
                "the report replaces its folder whole, so choose a new or empty --out"
            )
        kept.append(entry)
    return kept


def _folder_mode(out_dir: Path) -> int:
    """The permissions of the folder being replaced, or the usual ones under the umask."""
    if out_dir.is_dir():
        return out_dir.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Put ``staging`` in place of ``out_dir``; ``staging`` then holds the old report (if any)."""
    with held():
        if not out_dir.exists():
            os.replace(staging, out_dir)
            return
        try:
            exchange(staging, out_dir)
            return
        except OSError as err:
            if err.errno not in UNSUPPORTED:
                raise
        aside = staging.with_name(staging.name.removesuffix(".new") + ".old")
        os.replace(out_dir, aside)
        try:
            os.replace(staging, out_dir)
        except BaseException:
            os.replace(aside, out_dir)
            raise
        os.replace(aside, staging)


def _swap_entries(staging: Path, out_dir: Path) -> None:
    """Swap the report's entries of ``staging`` and ``out_dir`` (a mount point) one by one,
    with interrupts held; ``staging`` then holds the old entries."""
    with held():
        for name in REPORT_ENTRIES:
            new, old = staging / name, out_dir / name
            if new.exists() and old.exists():
                try:
                    exchange(new, old)
                    continue
                except OSError as err:
                    if err.errno not in UNSUPPORTED:
                        raise
                os.replace(old, staging / f"{name}.old")
                os.replace(new, old)
            elif new.exists():
                os.replace(new, old)
            elif old.exists():
                os.replace(old, new)
