"""The report lands whole or not at all: a failed run leaves the previous report as it was."""

import errno
import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from alsprog import report
from alsprog.errors import InputError
from alsprog.report import folder

OLD = {"index.html": b"<p>old</p>", "tables/a.csv": b"x\n1\n", "figures/a.png": b"old png"}
NEW = {"tables/b.csv": b"y\n2\n", "tables/c.csv": b"z\n3\n", "index.html": b"<p>new</p>"}


def files_under(path: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()
    }


def fail_on_write(monkeypatch, number: int) -> list[Path]:
    """Make the ``number``-th file write fail as a full disk would; returns the paths tried."""
    tried, real = [], Path.write_bytes

    def write(self, data):
        tried.append(self)
        if len(tried) == number:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write)
    return tried


def test_a_write_failing_halfway_leaves_the_previous_report_whole(tmp_path, monkeypatch):
    out = tmp_path / "report"
    folder.write_folder(out, OLD)
    before = files_under(out)
    tried = fail_on_write(monkeypatch, 2)
    with pytest.raises(OSError, match="No space left"):
        folder.write_folder(out, NEW)
    assert len(tried) == 2  # one new file was written before the failure, in the staging folder
    assert files_under(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # no staging folder left behind


def test_a_finished_run_replaces_the_report_whole_and_keeps_foreign_files(tmp_path):
    out = tmp_path / "report"
    folder.write_folder(out, OLD)
    (out / "README.md").write_text("kept by the swap")
    os.chmod(out, 0o750)
    written = folder.write_folder(out, NEW)
    assert written == [out / name for name in NEW]
    assert files_under(out) == {**NEW, "README.md": b"kept by the swap"}  # no stale a.csv/a.png
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_a_failed_swap_puts_the_previous_report_back(tmp_path, monkeypatch):
    out = tmp_path / "report"
    folder.write_folder(out, OLD)
    before = files_under(out)
    real, calls = os.replace, []

    def no_exchange(first, second):  # a file system without an atomic exchange: two renames
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(folder, "exchange", no_exchange)

    def replace(source, target):
        calls.append((source, target))
        if len(calls) == 2:  # the old report is aside; the new one fails to move in
            raise OSError(errno.EIO, "Input/output error")
        return real(source, target)

    monkeypatch.setattr(folder.os, "replace", replace)
    with pytest.raises(OSError, match="Input/output error"):
        folder.write_folder(out, NEW)
    assert files_under(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_a_folder_with_foreign_sub_folders_is_refused_untouched(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "cohort.csv").write_text("precious")
    with pytest.raises(InputError, match="holds a folder 'data' that is not part of a report"):
        folder.write_folder(tmp_path, NEW)
    assert files_under(tmp_path) == {"data/cohort.csv": b"precious"}


def table_section(name: str):
    def section(context):
        frame = pd.DataFrame({"name": [name], "value": [1.0]})
        return report.Section(f"Section {name}", "<p>text</p>", {}, {name: frame})

    return section


def test_write_report_failing_halfway_leaves_the_previous_report(tmp_path, monkeypatch):
    out = tmp_path / "reports"
    report.write_report(out, [table_section("first"), table_section("second")])
    before = files_under(out)
    fail_on_write(monkeypatch, 2)  # tables/third.csv is written, then fourth.csv fails
    with pytest.raises(OSError):
        report.write_report(out, [table_section("third"), table_section("fourth")])
    assert files_under(out) == before
    monkeypatch.undo()
    report.write_report(out, [table_section("third"), table_section("fourth")])
    assert sorted(files_under(out)) == ["index.html", "tables/fourth.csv", "tables/third.csv"]
