"""A report folder is replaced whole or not at all: interrupts at every step, a run killed
outright, a symbolic link, a mount point, two runs at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from alsprog import files
from alsprog.errors import InputError
from alsprog.report import folder
from tests.faults.conftest import environment, hidden

OLD = {"index.html": b"<p>old</p>", "tables/a.csv": b"x\n1\n", "figures/a.png": b"old png"}
NEW = {"index.html": b"<p>new</p>", "tables/b.csv": b"y\n2\n"}


def tree(path: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()
    }


def interrupt_at(monkeypatch, where, name: str, number: int = 1) -> None:
    """Make the ``number``-th call of ``where.name`` raise KeyboardInterrupt (as a signal
    would at that point)."""
    real, calls = getattr(where, name), []

    def hooked(*args, **kwargs):
        calls.append(args)
        if len(calls) == number:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(where, name, hooked)


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
@pytest.mark.parametrize(
    "point", ["writing", "linking", "swapping"], ids=lambda p: f"interrupted-{p}"
)
def test_an_interrupt_anywhere_leaves_one_whole_report(tmp_path, monkeypatch, exchange, point):
    out = tmp_path / "report"
    folder.write_folder(out, OLD)
    (out / "README.md").write_text("kept")
    before = tree(out)
    if not exchange:
        monkeypatch.setattr(folder, "exchange", _no_exchange)
    if point == "writing":
        interrupt_at(monkeypatch, Path, "write_bytes", 2)
    elif point == "linking":
        interrupt_at(monkeypatch, folder, "_link_or_copy")
    elif exchange:
        interrupt_at(monkeypatch, folder, "exchange")
    else:
        interrupt_at(monkeypatch, folder.os, "replace", 2)  # the old report is aside
    with pytest.raises(KeyboardInterrupt):
        folder.write_folder(out, NEW)
    assert tree(out) == before
    assert hidden(tmp_path) == []
    folder.write_folder(out, NEW)  # and the next run is not hindered
    assert tree(out) == {**NEW, "README.md": b"kept"}
    assert hidden(tmp_path) == []


def _no_exchange(first, second):
    import errno

    raise OSError(errno.EINVAL, "Invalid argument")


def test_a_run_killed_between_two_renames_is_undone_by_the_next(tmp_path):
    out = tmp_path / "report"
    folder.write_folder(out, OLD)
    # what a run killed outright (SIGKILL) between the two renames of the fallback leaves:
    aside = tmp_path / ".report.alsprog-999999-x.old"
    out.rename(aside)
    (tmp_path / ".report.alsprog-999999-y.new").mkdir()
    folder._recover(out)  # what the next run does first
    assert tree(out) == OLD and hidden(tmp_path) == []


def test_a_symbolic_link_stays_a_link_and_its_folder_is_updated(tmp_path):
    real = tmp_path / "real"
    folder.write_folder(real, OLD)
    link = tmp_path / "link"
    link.symlink_to(real)
    assert folder.write_folder(link, NEW) == [link / name for name in NEW]
    assert link.is_symlink() and tree(real) == NEW
    assert hidden(tmp_path) == []


def test_a_mount_point_is_filled_in_place(tmp_path, monkeypatch):
    out = tmp_path / "mnt"
    folder.write_folder(out, OLD)
    (out / "notes.txt").write_text("kept")
    mounted = str(out)
    real_ismount = folder.os.path.ismount
    monkeypatch.setattr(folder.os.path, "ismount", lambda p: str(p) == mounted or real_ismount(p))
    monkeypatch.setattr(files.os.path, "ismount", folder.os.path.ismount)

    def refuse_rename_of_mount(source, target):  # renaming a mount point: EBUSY
        import errno

        if mounted in (str(source), str(target)):
            raise OSError(errno.EBUSY, "Device or resource busy")
        return _real_replace(source, target)

    monkeypatch.setattr(folder.os, "replace", refuse_rename_of_mount)
    folder.write_folder(out, NEW)
    assert tree(out) == {**NEW, "notes.txt": b"kept"}
    assert hidden(out) == [] and hidden(tmp_path) == []


_real_replace = folder.os.replace

HOLD = """
import sys
from alsprog.files import locked
with locked([sys.argv[1]], "report"):
    print("ready", flush=True)
    sys.stdin.readline()
"""


def test_a_second_run_on_the_same_folder_is_refused_in_one_line(tmp_path):
    out = tmp_path / "report"
    folder.write_folder(out, OLD)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=environment(),
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(InputError, match=r"another alsprog run \(process \d+\) is writing"):
            folder.write_folder(out, NEW)
    finally:
        holder.communicate("\n", timeout=30)
    assert tree(out) == OLD
    folder.write_folder(out, NEW)  # the lock went with the other run
    assert tree(out) == NEW and hidden(tmp_path) == []


def test_a_real_mount_point_is_replaced_in_place(tiny_disk):
    folder.write_folder(tiny_disk, OLD)
    folder.write_folder(tiny_disk, NEW)
    assert tree(tiny_disk) == NEW and hidden(tiny_disk) == []
