"""The ``files`` fixture of the bad-input tests: the bad files, written once per module."""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_input_files import write_files


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    return write_files(tmp_path_factory.mktemp("bad_input"))
