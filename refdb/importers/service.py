"""Import a published list into sanction entries: fetch, parse, apply the delta, propose links.

One import is one database transaction, taken with the write lock first (SQLite
``BEGIN IMMEDIATE``, a PostgreSQL advisory lock), so a failed or killed import leaves the
database as it was and two imports run one after the other, never interleaved. This module
gets the file (local, or downloaded with a conditional request) and parses it; delta.py
writes it, bulk.py holds the lock and the bulk writes, proposals.py proposes the links.
"""

from __future__ import annotations

import gc
import hashlib
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from sqlalchemy import select
from sqlalchemy.exc import DatabaseError, DataError, IntegrityError, OperationalError, ProgrammingError
from sqlmodel import Session, col

from refdb.connection import sqlite_path
from refdb.database import Database, unusable_sqlite
from refdb.errors import RefdbError
from refdb.importers import dates
from refdb.importers.delta import DeltaWriter
from refdb.importers.downloads import Download
from refdb.importers.fetch import DEFAULT_MAX_BYTES, fetch, fetch_companions
from refdb.importers.records import ImportFormatError, ParsedEntry
from refdb.importers.results import ImportResult, Progress
from refdb.importers.sources import Source, get_source
from refdb.models import SanctionEntry, SanctionList
from refdb.models import Source as SourceRow


def import_list(
    database: Database,
    source_key: str,
    *,
    url: str | None = None,
    file: Path | None = None,
    force: bool = False,
    allow_shrink: bool = False,
    actor: str | None = None,
    progress: Progress | None = None,
    fetch_options: dict[str, Any] | None = None,
) -> ImportResult:
    """Fetch (or read) one list and apply it to the database as a delta.

    Without `force`, the previous fetch's ETag/Last-Modified make the request conditional,
    and an unchanged list (HTTP 304) is neither downloaded nor re-imported. Without
    `allow_shrink`, a file that would delist more than delta.MAX_SHRINK of the list is
    refused (ShrinkRefused) and nothing is written.
    """
    with _database_errors(database):
        return _import(
            database, get_source(source_key), url, file, force, allow_shrink, actor, progress, fetch_options
        )


def _import(
    database: Database,
    source: Source,
    url: str | None,
    file: Path | None,
    force: bool,
    allow_shrink: bool,
    actor: str | None,
    progress: Progress | None,
    fetch_options: dict[str, Any] | None,
) -> ImportResult:
    if url and file:
        raise RefdbError("give either --url or --file, not both")
    parts = urlsplit(url or "")
    if parts.scheme == "file":  # a local file: read, never downloaded or retried
        url, file = None, Path(url2pathname(parts.path))
    with _download_folder() as folder:
        if file is not None:
            download = local_download(Path(file), source.companion_names)
        else:
            target = url or source.default_url
            etag, modified = (None, None) if force else _cache_headers(database, source, target)
            options = fetch_options or {}
            on_bytes = (lambda done, total: progress("download", done, total)) if progress else None
            fetched = fetch(
                target, Path(folder), etag=etag, last_modified=modified, progress=on_bytes, **options
            )
            if fetched.not_modified or fetched.path is None:
                return _not_modified(database, source, target)
            extra = fetch_companions(
                target, source.companion_names(fetched.path.name), Path(folder), **options
            )
            download = Download(
                path=fetched.path,
                url=target,  # as asked for: the next import's conditional request compares it
                final_url=fetched.url,
                sha256=fetched.sha256 or "",
                size=fetched.size,
                fetched_at=fetched.fetched_at,
                etag=fetched.etag,
                last_modified=fetched.last_modified,
                companions=tuple((r.path.name, r.sha256 or "") for r in extra.values() if r.path),
            )
        with collector_paused():
            return _apply(database, source, download, actor, progress, allow_shrink)


def _apply(
    database: Database,
    source: Source,
    download: Download,
    actor: str | None,
    progress: Progress | None,
    allow_shrink: bool,
) -> ImportResult:
    parsed = source.parse(download.path)
    # Parsed whole before the transaction: a bad file is refused before anything is written.
    entries = _collect(source.key, parsed.entries)
    published = parsed.published_on or _http_date(download.last_modified)
    result = ImportResult(
        source=source.key,
        list=source.list_key,
        url=download.url,
        entries=len(entries),
        sha256=download.sha256,
        published_on=published,
        aliases=sum(len(entry.names) for entry in entries),
        addresses=sum(len(entry.addresses) for entry in entries),
    )
    writer = DeltaWriter(
        database, source, download, published, entries, result, actor, progress, allow_shrink=allow_shrink
    )
    return writer.run()


@contextmanager
def _download_folder() -> Iterator[str]:
    try:
        made = tempfile.TemporaryDirectory(prefix="refdb-import-")
    except OSError as error:  # a read-only or full temporary folder
        raise RefdbError(
            f"cannot make a folder for the download in {tempfile.gettempdir()}: {error.strerror or error} "
            "(set TMPDIR to a writable folder)"
        ) from None
    with made as folder:
        yield folder


@contextmanager
def _database_errors(database: Database) -> Iterator[None]:
    """A database that cannot be written (locked too long, disk full, read-only, damaged)
    is one line, not a traceback; the import's transaction was rolled back."""
    try:
        yield
    except (OperationalError, DatabaseError) as error:
        if isinstance(error, IntegrityError | ProgrammingError | DataError):
            raise  # a bug in refdb, not a state of the database: keep the traceback
        path = sqlite_path(database.url)
        if path is not None:
            raise RefdbError(unusable_sqlite(path, error)) from None
        reason = " ".join(str(error.orig).split())
        raise RefdbError(
            f"could not import into {database.display_url}: {reason}; nothing was written"
        ) from None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a list is parsed and written.

    An import allocates millions of objects that all live until it ends; the collector's
    repeated passes over them took a sixth of a full SDN import and freed nothing. Memory
    is still freed by reference counting; cycles wait until the collector resumes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def local_download(path: Path, companion_names: Callable[[str], dict[str, str]] = lambda _: {}) -> Download:
    """A file given on the command line, described as a download of it would be."""
    if not path.is_file():
        raise RefdbError(f"no such file: {path}")
    if path.stat().st_size > DEFAULT_MAX_BYTES:
        raise RefdbError(
            f"{path} is {path.stat().st_size:,} bytes, above the {DEFAULT_MAX_BYTES:,}-byte cap for a list"
        )
    try:
        return _described(path, companion_names)
    except OSError as error:
        raise RefdbError(f"cannot read {error.filename or path}: {error.strerror or error}") from None


def _described(path: Path, companion_names: Callable[[str], dict[str, str]]) -> Download:
    companions = tuple(
        (name, _sha256(path.parent / name))
        for name in companion_names(path.name).values()
        if (path.parent / name).is_file()
    )
    return Download(
        path=path,
        url=path.resolve().as_uri(),
        sha256=_sha256(path),
        size=path.stat().st_size,
        fetched_at=datetime.now(UTC),
        companions=companions,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _http_date(value: str | None) -> str | None:
    moment = dates.from_http(value)
    return moment.date().isoformat() if moment else None


def _collect(source: str, entries: Iterable[ParsedEntry]) -> list[ParsedEntry]:
    collected: list[ParsedEntry] = []
    seen: set[str] = set()
    for entry in entries:
        if not entry.record_id or not entry.name:
            raise ImportFormatError(f"{source}: record {entry.record_id or '(no id)'} has no id or no name")
        if entry.record_id in seen:
            raise ImportFormatError(f"{source}: record id {entry.record_id!r} appears twice in the file")
        seen.add(entry.record_id)
        collected.append(entry)
    if not collected:
        raise ImportFormatError(f"{source}: the file holds no entries")
    return collected


def _last_source(session: Session, source: Source) -> SourceRow | None:
    return session.scalars(
        select(SourceRow)
        .join(SanctionList, col(SanctionList.last_source_id) == SourceRow.id)
        .where(col(SanctionList.key) == source.list_key)
    ).first()


def _cache_headers(database: Database, source: Source, url: str) -> tuple[str | None, str | None]:
    """The validators of the list's last fetch, when it came from this same URL."""
    with database.session() as session:
        last = _last_source(session, source)
    if last is None or last.url != url:
        return None, None
    return last.etag, last.last_modified


def _not_modified(database: Database, source: Source, url: str) -> ImportResult:
    with database.session() as session:
        active = session.scalars(
            select(col(SanctionEntry.id))
            .join(SanctionList, col(SanctionList.id) == SanctionEntry.list_id)
            .where(col(SanctionList.key) == source.list_key, col(SanctionEntry.delisted_on).is_(None))
        ).all()
        last = _last_source(session, source)
    return ImportResult(
        source=source.key,
        list=source.list_key,
        url=url,
        not_modified=True,
        entries=len(active),
        unchanged=len(active),
        source_id=last.id if last else None,
        sha256=last.sha256 if last else None,
        published_on=last.published_on if last else None,
    )
