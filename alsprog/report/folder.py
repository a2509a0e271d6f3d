"""Writing a set of files as one folder that is replaced whole or not at all.

``write_folder(out_dir, files)`` is how the report lands on disk: a reader of ``out_dir`` sees
either the previous run's files or this run's, never a mixture.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from alsprog.errors import InputError

REPORT_ENTRIES = ("index.html", "figures", "tables")


def write_folder(out_dir: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Build the whole report in a temporary folder beside ``out_dir``, then swap it in.

    A failure before the swap (a full disk, a file that cannot be written) removes the
    temporary folder and leaves ``out_dir`` as it was, so a reader never sees a mixture of two
    runs. The swap is two renames on one file system (the old folder aside, the new one in),
    and the old folder is put back if the second fails. Files of the old folder that are not
    part of a report (a README, say) are linked into the new one; a foreign sub-folder is
    refused rather than deleted.
    """
    out_dir = Path(out_dir)
    parent = out_dir.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(
            f"report: cannot create {parent} ({err.strerror or err}); choose another --out"
        ) from None
    kept = _foreign_files(out_dir)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".new", dir=parent))
    except OSError as err:
        raise InputError(
            f"report: cannot create a folder in {parent} ({err.strerror or err}); choose an --out "
            "in a folder you can write to"
        ) from None
    try:
        os.chmod(staging, _folder_mode(out_dir))
        for relative, data in files.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for path in kept:
            _link_or_copy(path, staging / path.name)
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out_dir / relative for relative in files]


def _foreign_files(out_dir: Path) -> list[Path]:
    """Top-level files of an existing ``out_dir`` that are not the report's; InputError if it
    holds a folder that is not the report's (the swap would delete it)."""
    if not out_dir.is_dir():
        return []
    kept = []
    for entry in sorted(out_dir.iterdir()):
        if entry.name in REPORT_ENTRIES:
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
    """Rename ``staging`` to ``out_dir``; an existing ``out_dir`` is moved aside first, put back
    if the rename fails, and deleted once the new report is in place."""
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".old", dir=staging.parent))
    os.rmdir(aside)  # only the unique name is wanted
    os.replace(out_dir, aside)
    try:
        os.replace(staging, out_dir)
    except BaseException:
        os.replace(aside, out_dir)
        raise
    shutil.rmtree(aside, ignore_errors=True)
