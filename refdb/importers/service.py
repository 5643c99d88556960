"""Import a published list into sanction entries: fetch, parse, apply the delta, propose links.

One import is one database transaction, taken with the write lock first (SQLite
``BEGIN IMMEDIATE``, a PostgreSQL advisory lock), so a failed or killed import leaves the
database as it was and two imports run one after the other, never interleaved.

The thousands of entry rows are written with bulk SQL statements; the few other rows (the
authority, the list, the source file, programs, link proposals) go through the Editor like
any other edit. Every entry that is created, changed, delisted or relisted still gets its
own change-log record, with its names and programs in the snapshot, so the previous
version of a changed entry stays readable in the log.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry
from rapidfuzz import fuzz
from sqlalchemy import Table, delete, select, text, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col

from refdb import changelog
from refdb import dates as partial_dates
from refdb.database import Database
from refdb.errors import RefdbError
from refdb.importers.fetch import fetch, fetch_companions
from refdb.importers.records import ImportFormatError, ParsedEntry, ParsedName
from refdb.importers.sources import Source, get_source
from refdb.matching.normalize import normalize_name
from refdb.matching.score import MATCHER_NAME, EntityMatch, score_entity
from refdb.models import (
    Authority,
    Change,
    Entity,
    EntryName,
    EntryProgram,
    Link,
    Name,
    Program,
    SanctionEntry,
    SanctionList,
    utcnow,
)
from refdb.models import Source as SourceRow
from refdb.services.edits import Editor
from refdb.services.links import propose_link

PROPOSE_AT = 0.9  # lowest match score for which an import proposes a link for review
BATCH = 2000  # entries written per statement batch (and per progress report)
MIN_KEY = 4  # shorter tokens ("li", "co", "ltd") would pair every entry with every curated name
PREFIX = 5  # letters of a token used as its blocking key
PRESCREEN = 60  # rapidfuzz token-set ratio (0-100) below which the matcher is not even asked
IMPORT_LOCK = 7470611  # PostgreSQL advisory lock id; the change log uses 7470610
SQLITE_WAIT_MS = 120_000  # how long a second import waits for the first one on SQLite

Progress = Callable[[str, int, int | None], None]  # stage ("download"/"write"), done, total

_ENTRY = SanctionEntry.__table__  # type: ignore[attr-defined]
_NAME = EntryName.__table__  # type: ignore[attr-defined]
_PROGRAM = EntryProgram.__table__  # type: ignore[attr-defined]
_KIND_PAIRS = {  # curated entity kind → list target kinds it can be
    "person": {"person", "unknown"},
    "organization": {"organization", "unknown"},
    "public_body": {"organization", "unknown"},
    "vessel": {"vessel", "unknown"},
    "aircraft": {"aircraft", "unknown"},
}
# What a confirmed link rests on: the facts the Editor's re-review rule watches
# (refdb/services/edits.py), and the listed names.
_LINK_FACTS = ("name", "target_kind", "birth_dates", "nationalities", "delisted_on", "names")
# Country names the lists use that pycountry does not know by that name.
_COUNTRY_ALIASES = {
    "russia": "RU",
    "korea, north": "KP",
    "dprk": "KP",
    "north korea": "KP",
    "burma": "MM",
    "turkey": "TR",
    "iran": "IR",
    "syria": "SY",
    "drc": "CD",
    "democratic republic of the congo": "CD",
    "congo, democratic republic of the": "CD",
    "kosovo": "XK",
    "palestinian": "PS",
    "taiwan": "TW",
}


class ImportBusy(RefdbError):
    """Another import (or a long edit) holds the database's write lock."""


@dataclass
class ImportResult:
    """What an import did, as `refdb import --json` prints it."""

    source: str
    list: str
    url: str | None
    not_modified: bool = False
    entries: int = 0  # in the file (or, when not modified, active in the database)
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    delisted: int = 0
    relisted: int = 0  # also counted in changed
    source_id: int | None = None
    sha256: str | None = None
    published_on: str | None = None
    proposals: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


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


def import_list(
    database: Database,
    source_key: str,
    *,
    url: str | None = None,
    file: Path | None = None,
    force: bool = False,
    actor: str | None = None,
    progress: Progress | None = None,
    fetch_options: dict[str, Any] | None = None,
) -> ImportResult:
    """Fetch (or read) one list and apply it to the database as a delta.

    Without `force`, the previous fetch's ETag/Last-Modified make the request conditional,
    and an unchanged list (HTTP 304) is neither downloaded nor re-imported.
    """
    source = get_source(source_key)
    if url and file:
        raise RefdbError("give either --url or --file, not both")
    with tempfile.TemporaryDirectory(prefix="refdb-import-") as folder:
        if file is not None:
            download = _local(Path(file), source)
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
        parsed = source.parse(download.path)
        # Parsed whole before the transaction: a bad file is refused before anything is written.
        entries = _collect(source.key, parsed.entries)
        published = parsed.published_on or _http_date(download.last_modified)
        return _Importer(database, source, download, published, entries, actor, progress).run()


def _local(path: Path, source: Source) -> Download:
    if not path.is_file():
        raise RefdbError(f"no such file: {path}")
    companions = tuple(
        (name, _sha256(path.parent / name))
        for name in source.companion_names(path.name).values()
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
    try:
        return parsedate_to_datetime(value).date().isoformat() if value else None
    except (TypeError, ValueError):
        return None


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
        .where(SanctionList.key == source.list_key)
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
            .where(SanctionList.key == source.list_key, col(SanctionEntry.delisted_on).is_(None))
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


_HASH_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def content_hash(entry: ParsedEntry) -> str:
    """What decides "changed": everything the list published about the entry.

    Built by hand rather than with dataclasses.asdict, which costs seconds on a full list;
    raw dicts come out of the parsers in a fixed order, so they need no key sorting.
    """
    payload = [
        entry.record_id,
        entry.target_kind,
        entry.name,
        [[n.name, n.kind, n.lang, n.script] for n in entry.names],
        entry.birth_dates,
        entry.birth_places,
        entry.nationalities,
        entry.addresses,
        [[i.scheme, i.value, i.country] for i in entry.identifiers],
        entry.programs,
        entry.listed_on,
        entry.remarks,
        entry.title,
        entry.raw,
    ]
    return hashlib.sha256(_HASH_ENCODER.encode(payload).encode()).hexdigest()


def _clip(text: str | None, length: int) -> str | None:
    return text[:length] if text else text


class _Importer:
    def __init__(
        self,
        database: Database,
        source: Source,
        download: Download,
        published_on: str | None,
        entries: list[ParsedEntry],
        actor: str | None,
        progress: Progress | None,
    ) -> None:
        self.database = database
        self.source = source
        self.download = download
        self.published_on = published_on
        self.entries = entries
        self.actor = actor or database.actor
        self.progress = progress or (lambda _stage, _done, _total: None)
        self.now = utcnow()
        self.today = download.fetched_at.date().isoformat()
        present = {name for name, _ in download.companions}
        self.missing = [n for n in source.companion_names(download.path.name).values() if n not in present]
        self.result = ImportResult(
            source=source.key,
            list=source.list_key,
            url=download.url,
            entries=len(entries),
            sha256=download.sha256,
            published_on=published_on,
        )

    def run(self) -> ImportResult:
        with Session(self.database.engine) as session, session.begin():
            _take_import_lock(session)
            editor = Editor(session, self.actor)
            self.session, self.editor = session, editor
            authority_id = self._authority()
            list_row = self._list(authority_id)
            source_row = editor.create(self._source_row(), reason=self._reason("provenance of"))
            self.source_id = source_row.id
            self.result.source_id = source_row.id
            self.program_ids = self._programs(authority_id)
            touched = self._apply(list_row.id)  # type: ignore[arg-type]
            self._flag_for_review()
            editor.update(
                SanctionList,
                list_row.id,  # type: ignore[arg-type]
                {"last_source_id": source_row.id, "published_on": self.published_on or list_row.published_on},
                reason=self._reason("imported"),
            )
            self.result.proposals = _propose_links(editor, touched, self._reason("proposed by the import of"))
        return self.result

    def _reason(self, verb: str) -> str:
        return f"{verb} {self.source.key} {self.download.path.name} (sha256 {self.download.sha256[:12]})"

    # ------------------------------------------------------------ small rows, via the Editor

    def _authority(self) -> int:
        found = self.session.scalars(select(Authority).where(Authority.key == self.source.authority)).first()
        if found:
            return found.id  # type: ignore[return-value]
        row = Authority(
            key=self.source.authority, name=self.source.authority_name, country=self.source.authority_country
        )
        return self.editor.create(row, reason=self._reason("publisher of")).id  # type: ignore[return-value]

    def _list(self, authority_id: int) -> SanctionList:
        found = self.session.scalars(
            select(SanctionList).where(SanctionList.key == self.source.list_key)
        ).first()
        if found:
            return found
        row = SanctionList(
            key=self.source.list_key,
            authority_id=authority_id,
            name=self.source.display_name,
            url=self.source.default_url,
        )
        return self.editor.create(row, reason=self._reason("list of"))

    def _source_row(self) -> SourceRow:
        download = self.download
        notes = []
        if download.companions:
            notes.append(
                "read with " + ", ".join(f"{name} (sha256 {sha})" for name, sha in download.companions)
            )
        if download.final_url and download.final_url != download.url:
            notes.append(f"redirected to {download.final_url}")
        if self.missing:
            notes.append(
                f"{', '.join(self.missing)} not available: aliases, addresses and remarks continuations "
                "of entries already known were kept from their previous import"
            )
        return SourceRow(
            kind="list_file",
            title=f"{self.source.display_name}: {download.path.name} "
            f"fetched {download.fetched_at:%Y-%m-%d %H:%M} UTC",
            publisher=self.source.authority_name,
            url=_clip(download.url, 1000),
            published_on=self.published_on,
            fetched_at=download.fetched_at,
            sha256=download.sha256,
            size=download.size,
            etag=_clip(download.etag, 300),
            last_modified=_clip(download.last_modified, 100),
            notes="; ".join(notes) or None,
        )

    def _programs(self, authority_id: int) -> dict[str, int]:
        codes = {_clip(code, 120) for entry in self.entries for code in entry.programs}
        rows = self.session.scalars(select(Program).where(Program.authority_id == authority_id)).all()
        ids = {row.code: row.id for row in rows}
        for code in sorted(c for c in codes if c and c not in ids):
            program = Program(authority_id=authority_id, code=code)
            ids[code] = self.editor.create(program, reason=self._reason("program listed in")).id
        return ids  # type: ignore[return-value]

    # ------------------------------------------------------------ the entries, in bulk

    def _apply(self, list_id: int) -> list[tuple[int, ParsedEntry]]:
        """Insert, update, delist; return the (id, entry) pairs that are new or changed."""
        stored = {
            row.record_id: row
            for row in self.session.execute(
                select(
                    _ENTRY.c.id,
                    _ENTRY.c.record_id,
                    _ENTRY.c.content_hash,
                    _ENTRY.c.delisted_on,
                    _ENTRY.c.listed_on,
                    _ENTRY.c.version,
                ).where(_ENTRY.c.list_id == list_id)
            )
        }
        digests = [content_hash(entry) for entry in self.entries]
        if self.missing and self.source.carry_over is not None:
            self._carry_over(stored, digests)
        added: list[tuple[ParsedEntry, str]] = []
        changed: list[tuple[Any, ParsedEntry, str]] = []
        for entry, digest in zip(self.entries, digests, strict=True):
            old = stored.get(entry.record_id)
            if old is None:
                added.append((entry, digest))
            elif old.content_hash != digest or old.delisted_on is not None:
                changed.append((old, entry, digest))
                self.result.relisted += old.delisted_on is not None
            else:
                self.result.unchanged += 1
        present = {entry.record_id for entry in self.entries}
        gone = [row for key, row in stored.items() if key not in present and row.delisted_on is None]

        self.to_write, self.written = len(added) + len(changed), 0
        self.changes = _ChangeLog(self.session, self.actor)
        self.confirmed = set(
            self.session.scalars(
                select(Link.__table__.c.entry_id)  # type: ignore[attr-defined]
                .join(_ENTRY, _ENTRY.c.id == Link.__table__.c.entry_id)  # type: ignore[attr-defined]
                .where(_ENTRY.c.list_id == list_id, Link.__table__.c.status == "confirmed")  # type: ignore[attr-defined]
            )
        )
        self.reviews: list[tuple[int, list[str]]] = []
        touched = self._insert(list_id, added)
        touched += self._update(changed)
        self._delist(gone)
        self.changes.flush()
        # Everything still listed was seen in this file.
        self.session.execute(
            update(_ENTRY)
            .where(_ENTRY.c.list_id == list_id, _ENTRY.c.delisted_on.is_(None))
            .values(last_seen=self.now)
        )
        self.result.added, self.result.changed, self.result.delisted = len(added), len(changed), len(gone)
        return touched

    def _carry_over(self, stored: dict[str, Any], digests: list[str]) -> None:
        """Complete entries from their stored raw records where a companion file was missing.

        Only entries that differ from their stored version as parsed are looked at: an entry
        whose stored version also lacked the companions' facts is already equal.
        """
        assert self.source.carry_over is not None
        differing = [
            index
            for index, (entry, digest) in enumerate(zip(self.entries, digests, strict=True))
            if entry.record_id in stored and stored[entry.record_id].content_hash != digest
        ]
        for start in range(0, len(differing), BATCH):
            batch = differing[start : start + BATCH]
            ids = [stored[self.entries[index].record_id].id for index in batch]
            previous = dict(
                self.session.execute(select(_ENTRY.c.id, _ENTRY.c.raw).where(_ENTRY.c.id.in_(ids))).all()
            )
            for index, entry_id in zip(batch, ids, strict=True):
                entry = self.source.carry_over(self.entries[index], previous[entry_id])
                if entry is not self.entries[index]:
                    self.entries[index], digests[index] = entry, content_hash(entry)

    def _written(self, count: int) -> None:
        self.changes.flush()
        self.written += count
        self.progress("write", self.written, self.to_write)

    def _values(self, entry: ParsedEntry, digest: str, listed_on: str | None) -> dict[str, Any]:
        return {
            "target_kind": entry.target_kind,
            "name": _clip(entry.name, 600),
            "title": _clip(entry.title, 600),
            "birth_dates": list(entry.birth_dates),
            "birth_places": list(entry.birth_places),
            "nationalities": list(entry.nationalities),
            "addresses": list(entry.addresses),
            "identifiers": [
                {"scheme": i.scheme, "value": i.value, "country": i.country} for i in entry.identifiers
            ],
            "remarks": entry.remarks,
            "listed_on": listed_on,
            "listed_from": partial_dates.earliest_or_none(listed_on),
            "delisted_on": None,
            "delisted_from": None,
            "raw": entry.raw,
            "content_hash": digest,
            "last_seen": self.now,
            "source_id": self.source_id,
        }

    def _children(
        self, entry_id: int, entry: ParsedEntry
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        names: dict[tuple[str, str], dict[str, Any]] = {}
        for name in (ParsedName(entry.name, "primary"), *entry.names):
            text = (_clip(name.name.strip(), 600) or "").strip()
            if text and (text, name.kind) not in names:
                names[(text, name.kind)] = {
                    "entry_id": entry_id,
                    "name": text,
                    "kind": name.kind,
                    "lang": _clip(name.lang, 12),
                    "script": _clip(name.script, 8),
                    "normalized": _clip(normalize_name(text), 600),
                }
        programs = [
            {"entry_id": entry_id, "program_id": self.program_ids[code]}
            for code in dict.fromkeys(_clip(c, 120) for c in entry.programs)
            if code
        ]
        return list(names.values()), programs

    def _write_children(self, pairs: Sequence[tuple[int, ParsedEntry]]) -> dict[int, dict[str, list]]:
        """Insert names and programs; return them per entry id for the change log."""
        names: list[dict[str, Any]] = []
        programs: list[dict[str, Any]] = []
        by_entry: dict[int, dict[str, list]] = {}
        for entry_id, entry in pairs:
            entry_names, entry_programs = self._children(entry_id, entry)
            names += entry_names
            programs += entry_programs
            by_entry[entry_id] = {
                "names": [[n["name"], n["kind"], n["lang"], n["script"]] for n in entry_names],
                "programs": list(dict.fromkeys(entry.programs)),
            }
        if names:
            bulk_insert(self.session, _NAME, names)
        if programs:
            bulk_insert(self.session, _PROGRAM, programs)
        return by_entry

    def _insert(self, list_id: int, added: list[tuple[ParsedEntry, str]]) -> list[tuple[int, ParsedEntry]]:
        touched: list[tuple[int, ParsedEntry]] = []
        for start in range(0, len(added), BATCH):
            batch = added[start : start + BATCH]
            rows = [
                {
                    **self._values(entry, digest, entry.listed_on),
                    "list_id": list_id,
                    "record_id": _clip(entry.record_id, 60),
                    "measures": [],
                    "first_seen": self.now,
                    "version": 1,
                }
                for entry, digest in batch
            ]
            # No RETURNING (it made SQLite insert row by row): one SELECT for the new ids instead.
            bulk_insert(self.session, _ENTRY, rows)
            ids = dict(
                self.session.execute(
                    select(_ENTRY.c.record_id, _ENTRY.c.id).where(
                        _ENTRY.c.list_id == list_id, _ENTRY.c.record_id.in_([r["record_id"] for r in rows])
                    )
                ).all()
            )
            pairs = [(ids[row["record_id"]], entry) for row, (entry, _) in zip(rows, batch, strict=True)]
            children = self._write_children(pairs)
            now = changelog.json_ready({"now": self.now})["now"]
            for (entry_id, _), row in zip(pairs, rows, strict=True):
                # The raw record is left out of a creation record (it would double the log's size):
                # the row keeps it, and content_hash, which covers it, is in the record.
                after = {key: value for key, value in row.items() if key != "raw"}
                after.update(id=entry_id, first_seen=now, last_seen=now, **children[entry_id])
                if row["listed_from"] is not None:
                    after["listed_from"] = row["listed_from"].isoformat()
                self._log("create", entry_id, None, after)
            touched += pairs
            self._written(len(batch))
        return touched

    def _update(self, changed: list[tuple[Any, ParsedEntry, str]]) -> list[tuple[int, ParsedEntry]]:
        touched: list[tuple[int, ParsedEntry]] = []
        for start in range(0, len(changed), BATCH):
            batch = changed[start : start + BATCH]
            ids = [old.id for old, _, _ in batch]
            before = self._snapshots(ids)
            self.session.execute(delete(_NAME).where(_NAME.c.entry_id.in_(ids)))
            self.session.execute(delete(_PROGRAM).where(_PROGRAM.c.entry_id.in_(ids)))
            for old, entry, digest in batch:
                # The legacy OFAC CSV publishes no listing date: keep the one already known.
                values = self._values(entry, digest, entry.listed_on or old.listed_on)
                values["version"] = old.version + 1
                self.session.execute(update(_ENTRY).where(_ENTRY.c.id == old.id).values(**values))
                touched.append((old.id, entry))
            children = self._write_children(touched[-len(batch) :])
            after = self._snapshots(ids, children)
            for entry_id in ids:
                self._log("update", entry_id, before[entry_id], after[entry_id], self._reason("updated by"))
            self._written(len(batch))
        return touched

    def _delist(self, gone: list[Any]) -> None:
        """A vanished entry is kept, marked delisted on the day it was first seen missing."""
        for start in range(0, len(gone), BATCH):
            ids = [row.id for row in gone[start : start + BATCH]]
            before = self._snapshots(ids)
            for row in gone[start : start + BATCH]:
                self.session.execute(
                    update(_ENTRY)
                    .where(_ENTRY.c.id == row.id)
                    .values(
                        delisted_on=self.today,
                        delisted_from=partial_dates.earliest(self.today),
                        version=row.version + 1,
                    )
                )
            after = self._snapshots(ids)
            for entry_id in ids:
                self._log(
                    "update",
                    entry_id,
                    before[entry_id],
                    after[entry_id],
                    self._reason("delisted: missing from"),
                )

    def _snapshots(
        self, ids: list[int], children: dict[int, dict[str, list]] | None = None
    ) -> dict[int, dict[str, Any]]:
        """Entry rows with their names and program codes, as the change log keeps them."""
        rows = {
            row.id: changelog.json_ready(dict(row._mapping))
            for row in self.session.execute(select(_ENTRY).where(_ENTRY.c.id.in_(ids)))
        }
        if children is None:
            children = defaultdict(lambda: {"names": [], "programs": []})
            for row in self.session.execute(
                select(_NAME.c.entry_id, _NAME.c.name, _NAME.c.kind, _NAME.c.lang, _NAME.c.script)
                .where(_NAME.c.entry_id.in_(ids))
                .order_by(_NAME.c.id)
            ):
                children[row.entry_id]["names"].append([row.name, row.kind, row.lang, row.script])
            for row in self.session.execute(
                select(_PROGRAM.c.entry_id, Program.code)  # type: ignore[arg-type]
                .join(Program, col(Program.id) == _PROGRAM.c.program_id)
                .where(_PROGRAM.c.entry_id.in_(ids))
                .order_by(_PROGRAM.c.id)
            ):
                children[row.entry_id]["programs"].append(row.code)
        return {entry_id: {**rows[entry_id], **children[entry_id]} for entry_id in ids}

    def _log(
        self,
        action: str,
        entry_id: int,
        before: dict[str, Any] | None,
        after: dict[str, Any],
        reason: str | None = None,
    ) -> None:
        self.changes.add(action, entry_id, before, after, reason or self._reason("imported from"))
        if before is None or entry_id not in self.confirmed:
            return
        if changed := [fact for fact in _LINK_FACTS if before.get(fact) != after.get(fact)]:
            self.reviews.append((entry_id, changed))

    def _flag_for_review(self) -> None:
        """Confirmed links whose entry changed in what they rest on are flagged for a person
        to look at again, as the Editor does for an edit made by hand; they stay confirmed."""
        for entry_id, changed in self.reviews:
            what = f"sanction entry {entry_id} changed ({', '.join(changed)})"
            links = self.session.scalars(
                select(Link).where(Link.entry_id == entry_id, Link.status == "confirmed")
            )
            for link in links.all():
                self.editor.update(
                    Link,
                    link.id,  # type: ignore[arg-type]
                    {"needs_review": True, "review_reason": f"{what} in {self.download.path.name}"},
                    reason=self._reason(f"re-review: {what}, by"),
                )


@dataclass
class _ChainedChange:
    """The fields of a Change that changelog.record_hash reads."""

    at: datetime
    actor: str
    action: str
    table_name: str
    row_id: int
    before: str | None
    after: str | None
    reason: str
    prev_hash: str
    entity_id: int | None = None
    hash: str = ""


class _ChangeLog:
    """changelog.record for thousands of rows: the same hash-chained records, inserted in bulk.

    changelog.record builds and flushes one ORM object per record (about 0.5 ms each); an
    import writes one per entry. The chain head is read from, and handed back to, the
    session cache that changelog.record keeps, so Editor records made before and after in
    the same transaction chain on correctly. A public ``changelog.record_many`` would let
    this class go.
    """

    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor
        self.pending: list[_ChainedChange] = []
        session.flush()  # Editor records still pending take their ids before ours
        self.head = changelog._last_hash(session)

    def add(self, action: str, row_id: int, before: dict | None, after: dict, reason: str) -> None:
        change = _ChainedChange(
            at=utcnow(),
            actor=self.actor,
            action=action,
            table_name="sanction_entry",
            row_id=row_id,
            before=None if before is None else changelog.canonical_json(before),
            after=changelog.canonical_json(after),
            reason=reason,
            prev_hash=self.head,
        )
        change.hash = self.head = changelog.record_hash(change)  # type: ignore[arg-type]
        self.pending.append(change)

    def flush(self) -> None:
        if self.pending:
            bulk_insert(self.session, Change.__table__, [vars(c) for c in self.pending])  # type: ignore[attr-defined]
            self.pending.clear()
        self.session.info[changelog._LAST_HASH] = self.head


def bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows with one DB-API executemany.

    The values go through each column type's own bind processor (JSON, dates), exactly as
    SQLAlchemy would store them, without its per-row statement machinery, which took longer
    than the database itself for a full list.
    """
    connection = session.connection()
    dialect = connection.dialect
    columns = list(rows[0])
    processors = [
        (index, process)
        for index, name in enumerate(columns)
        if (process := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    preparer = dialect.identifier_preparer
    statement = (
        f"INSERT INTO {preparer.format_table(table)} ({', '.join(preparer.quote(c) for c in columns)}) "
        f"VALUES ({', '.join([marker] * len(columns))})"
    )
    values = [[row[c] for c in columns] for row in rows]
    for row in values:
        for index, process in processors:
            row[index] = process(row[index])
    connection.exec_driver_sql(statement, [tuple(row) for row in values])


def _take_import_lock(session: Session) -> None:
    """Take the database's write lock before reading anything the delta depends on."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_WAIT_MS}")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as error:
            raise ImportBusy(
                "another import or edit has been writing to this database for over "
                f"{SQLITE_WAIT_MS // 1000} s; try again when it has finished"
            ) from error
    elif connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK})


# ---------------------------------------------------------------- link proposals


@lru_cache(maxsize=4096)
def country_code(name: str) -> str | None:
    """ISO alpha-2 code (lower case, as curated entities store it) of a country as lists write it."""
    text = name.strip()
    if code := _COUNTRY_ALIASES.get(text.casefold()):
        return code.lower()
    try:
        return pycountry.countries.lookup(text).alpha_2.lower()
    except LookupError:
        return None


@dataclass
class _Curated:
    id: int
    kind: str
    name: str
    birth_date: str | None
    nationality: str | None
    names: list[str]


def _blocking_keys(normalized: str) -> set[str]:
    """The first PREFIX letters of each token long enough to mean something ("rosob" for
    both "rosoboronexport" and "rosoboroneksport"): cheap, and tolerant of spelling variants
    past the prefix. The matcher itself decides; this only picks whom it compares."""
    return {token[:PREFIX] for token in normalized.split() if len(token) >= MIN_KEY}


def _propose_links(
    editor: Editor, touched: list[tuple[int, ParsedEntry]], reason: str
) -> list[dict[str, Any]]:
    """Propose (never confirm) links from curated entities to new or changed entries.

    Candidates share a blocking key and pass a quick rapidfuzz token-set screen (PRESCREEN);
    each is then scored by the project matcher over all names on both sides (every alias and
    script, through its normalisation), with birth date and nationality as corroboration,
    and proposed at PROPOSE_AT or above.
    """
    session = editor.session
    curated: dict[int, _Curated] = {}
    for row in session.scalars(select(Entity)).all():
        curated[row.id] = _Curated(row.id, row.kind, row.name, row.birth_date, row.nationality, [])  # type: ignore[index,arg-type]
    for name in session.scalars(select(Name)).all():
        if name.entity_id in curated:
            curated[name.entity_id].names.append(name.name)
    index: dict[str, set[int]] = defaultdict(set)
    forms: dict[int, list[str]] = {}
    for entity in curated.values():
        forms[entity.id] = list({normalize_name(n) for n in (entity.name, *entity.names)} - {""})
        for form in forms[entity.id]:
            for key in _blocking_keys(form):
                index[key].add(entity.id)
    if not index:
        return []
    decided = {
        (row.entity_id, row.entry_id)
        for row in session.execute(select(Link.__table__.c.entity_id, Link.__table__.c.entry_id))  # type: ignore[attr-defined]
    }
    proposals = []
    for entry_id, entry in touched:
        entry_names = [entry.name, *(n.name for n in entry.names)]
        entry_forms = [normalize_name(n) for n in entry_names]
        candidates = {e for form in entry_forms for key in _blocking_keys(form) for e in index.get(key, ())}
        for entity_id in sorted(candidates):
            entity = curated[entity_id]
            if entry.target_kind not in _KIND_PAIRS.get(entity.kind, set()):
                continue
            screen = max(fuzz.token_set_ratio(q, c) for q in forms[entity_id] for c in entry_forms)
            if screen < PRESCREEN:
                continue
            match = _best_match(entity, entry, entry_names)
            if match.score < PROPOSE_AT:
                continue
            explanation = f"{match.explanation} [{MATCHER_NAME}]"
            link = propose_link(
                editor,
                entity_id,
                entry_id,
                score=match.score,
                explanation=explanation,
                basis="named",
                reason=reason,
            )
            if link.status != "proposed":  # already confirmed or rejected by a person: left as decided
                continue
            proposals.append(
                {
                    "link_id": link.id,
                    "entity_id": entity_id,
                    "entity": entity.name,
                    "entry_id": entry_id,
                    "record_id": entry.record_id,
                    "entry": entry.name,
                    "score": match.score,
                    "explanation": explanation,
                    "new": (entity_id, entry_id) not in decided,
                }
            )
    return proposals


def _best_match(entity: _Curated, entry: ParsedEntry, entry_names: list[str]) -> EntityMatch:
    codes = [code for code in map(country_code, entry.nationalities) if code]
    best: EntityMatch | None = None
    for query in dict.fromkeys([entity.name, *entity.names]):
        match = score_entity(
            query,
            entry_names,
            birth_date=entity.birth_date if entity.kind == "person" else None,
            candidate_birth_dates=entry.birth_dates,
            nationality=entity.nationality if codes else None,
            candidate_nationalities=codes,
        )
        if best is None or match.score > best.score:
            best = match
    assert best is not None
    return best
