"""Get an officials file: a local path, or a download made conditional by the validators
(ETag, Last-Modified) of the last fetch of the same URL, kept on its Source row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from refdb.database import Database
from refdb.importers.downloads import Download
from refdb.importers.fetch import fetch
from refdb.importers.officials.writer import Progress
from refdb.importers.service import local_download
from refdb.models import Source


def obtain(
    database: Database,
    source_key: str,
    target: str | Path,
    folder: Path,
    *,
    force: bool = False,
    progress: Progress | None = None,
    fetch_options: dict[str, Any] | None = None,
    filename: str | None = None,
) -> Download | None:
    """The file at ``target`` (a URL, or a Path to a local file); None when the server says
    it has not changed since the last import (HTTP 304)."""
    if isinstance(target, Path):
        return local_download(target)
    etag, modified = (None, None) if force else _validators(database, source_key, target)
    on_bytes = (lambda done, total: progress("download", done, total)) if progress else None
    fetched = fetch(
        target,
        folder,
        etag=etag,
        last_modified=modified,
        progress=on_bytes,
        filename=filename,
        **(fetch_options or {}),
    )
    if fetched.not_modified or fetched.path is None:
        return None
    return Download(
        path=fetched.path,
        url=target,
        final_url=fetched.url,
        sha256=fetched.sha256 or "",
        size=fetched.size,
        fetched_at=fetched.fetched_at,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
    )


def _validators(database: Database, source_key: str, url: str) -> tuple[str | None, str | None]:
    """ETag and Last-Modified of the last file of this source fetched from ``url``."""
    with database.session() as session:
        last = session.scalars(
            select(Source)
            .where(col(Source.url) == url, col(Source.key).startswith(f"{source_key}:"))
            .order_by(col(Source.id).desc())
            .limit(1)
        ).first()
    return (last.etag, last.last_modified) if last else (None, None)
