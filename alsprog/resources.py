"""Resources checked before work: a request too big for this machine is refused up front.

``check_memory`` and ``check_disk`` compare a request's estimated need with what the machine
has and raise one InputError naming the flag, the estimate and the limit, instead of a
``MemoryError`` (or a full disk) after minutes of work. Estimates come from the callers, which
know their own sizes (bytes per visit row, per patient of a report); the limits are
``memory_limit()``: half of the machine's memory (or of the container's limit where one is
set), leaving room for the rest of the system; and the free space of the output's file system.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from alsprog.errors import InputError

MEMORY_SHARE = 0.5  # of physical memory one request may plan to use


def human(size: float) -> str:
    """Bytes as a short text: '512 MB', '3.2 GB' (powers of 1024)."""
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB"):
        if abs(size) < 1024 or unit == "PB":
            return f"{size:.0f} {unit}" if unit in ("bytes", "kB", "MB") else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def memory_limit() -> int:
    """Bytes one request may plan to use: half of the machine's (or container's) memory."""
    total = 0
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = 8 * 1024**3  # a platform that does not say: assume a modest 8 GB
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(limit_file).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and 0 < int(text) < total:
            total = int(text)
    return int(total * MEMORY_SHARE)


def check_memory(flag: str, estimate: float, fix: str) -> None:
    """InputError if ``estimate`` bytes exceed ``memory_limit()``; ``flag`` names the request
    ('simulate --visit-interval-months 0.001'), ``fix`` what to do instead."""
    limit = memory_limit()
    if estimate > limit:
        raise InputError(
            f"{flag}: needs about {human(estimate)} of memory, above the limit of "
            f"{human(limit)} (half of this machine's memory); {fix}"
        )


def check_disk(flag: str, folder: Path, estimate: float, fix: str) -> None:
    """InputError if ``estimate`` bytes of files will not fit in the free space of ``folder``."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # cannot tell: the write itself will say if the disk fills
    if estimate > free:
        raise InputError(
            f"{flag}: the files would take about {human(estimate)}, above the {human(free)} "
            f"free in {folder}; {fix}"
        )
