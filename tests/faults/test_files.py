"""alsprog.files: one file whole, through a symbolic link, leftovers of a killed run cleared,
errors naming the user's path, not a hidden temporary."""

from __future__ import annotations

import subprocess

import pytest

from alsprog import files
from alsprog.cli import main
from tests.faults.conftest import hidden, one_line


def test_writing_through_a_symbolic_link_updates_the_linked_file(tmp_path):
    real = tmp_path / "data" / "card.html"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "card.html"
    link.symlink_to(real)
    assert files.write_bytes(link, b"new", "patient card") == link
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert hidden(tmp_path) == [] and hidden(real.parent) == []


def test_a_killed_runs_temporary_files_are_cleared_by_the_next(tmp_path):
    target = tmp_path / "p.csv"
    target.write_text("old")
    left = [tmp_path / ".p.csv.alsprog-999999-ab12.tmp", tmp_path / ".p.csv.lock"]
    for path in left:
        path.write_text("partial")
    (tmp_path / ".other.csv.alsprog-999999-x.tmp").write_text("another target's")
    files.write_bytes(target, b"new", "simulate")
    assert target.read_bytes() == b"new"
    assert hidden(tmp_path) == [".other.csv.alsprog-999999-x.tmp"]  # not ours to clear


def test_a_write_interrupted_before_the_rename_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "p.csv"
    target.write_text("old")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(files, "commit", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.write_bytes(target, b"new", "simulate")
    assert target.read_text() == "old" and hidden(tmp_path) == []


def test_a_read_only_folder_is_named_not_the_hidden_temporary(tiny_disk, capsys):
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    card = tiny_disk / "card.html"
    args = ["prognosis", "--age-at-onset", "60", "--years-since-onset", "1", "--html", str(card)]
    assert main(args) == 2
    line = one_line(capsys.readouterr().err)
    assert line == (
        f"alsprog: error: {card}: read-only file system; the file system is read-only; choose "
        "another path"
    )
