"""Importer test fixtures: a real HTTP server on loopback (the full shared files come from
the project-wide ``shared_data`` fixture, skipped where ../shared/data is absent)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import HttpServer, serve


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[HttpServer]:
    with serve(tmp_path / "www") as server:
        yield server
