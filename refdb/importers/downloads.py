"""A list file on disk and where it came from (``Download``), and the provenance a
Source row takes from it: one description for the sanctions and the officials importers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Download:
    """The list file on disk and where it came from."""

    path: Path
    url: str
    sha256: str
    size: int
    fetched_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    companions: tuple[tuple[str, str], ...] = ()  # (file name, sha256) of files read beside it
    final_url: str | None = None  # where redirects led, when fetched over HTTP


def _clip(text: str | None, length: int) -> str | None:
    return text[:length] if text else text


def source_fields(download: Download) -> dict[str, Any]:
    """The columns of a Source row that say where a file came from, clipped to the
    columns' lengths. Fetched by refdb, its sha256 taken as it arrived, a file is
    verified; a --file is the user's copy."""
    return {
        "url": _clip(download.url, 1000),
        "fetched_at": download.fetched_at,
        "sha256": download.sha256,
        "size": download.size,
        "etag": _clip(download.etag, 300),
        "last_modified": _clip(download.last_modified, 100),
        "verified": download.final_url is not None,
    }
