"""Importer test fixtures: the full shared files (skipped when absent) and a loopback server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from excerpts import SHARED
from loopback import HttpServer, serve


@pytest.fixture
def shared_data() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared/data not present: full-size files are only on the team's machines")
    return SHARED


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[HttpServer]:
    with serve(tmp_path / "www") as server:
        yield server
