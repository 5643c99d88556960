"""Apply one parsed list to the database as a delta, inside one transaction.

The thousands of entry rows are written with bulk SQL statements; the few other rows (the
authority, the list, the source file, programs, link proposals) go through the Editor like
any other edit. Every entry that is created, changed, delisted or relisted still gets its
own change-log record, with its names and programs in the snapshot, so the previous
version of a changed entry stays readable in the log.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import delete, select, update
from sqlmodel import Session, col

from refdb import changelog
from refdb import dates as partial_dates
from refdb.database import Database
from refdb.errors import RefdbError
from refdb.importers import dates
from refdb.importers.bulk import bulk_insert, json_encoder, take_import_lock
from refdb.importers.downloads import Download, source_fields
from refdb.importers.proposals import propose_links
from refdb.importers.records import ParsedEntry, ParsedName
from refdb.importers.results import ImportResult, Progress
from refdb.importers.sources import Source
from refdb.matching.normalize import normalize_name
from refdb.models import (
    Authority,
    EntryName,
    EntryProgram,
    Link,
    Program,
    SanctionEntry,
    SanctionList,
)
from refdb.models import Source as SourceRow
from refdb.services.edits import Editor

BATCH = 2000  # entries written per statement batch (and per progress report)
# The share of a list's listed entries one import may delist without --allow-shrink. A file
# cut short at a line end parses cleanly and would delist everything after the cut; real
# updates delist far less (the 2021-07-07 to 2024-05-03 SDN files, three years apart: 9.8%).
MAX_SHRINK = 0.10

_ENTRY = SanctionEntry.__table__  # type: ignore[attr-defined]
_NAME = EntryName.__table__  # type: ignore[attr-defined]
_PROGRAM = EntryProgram.__table__  # type: ignore[attr-defined]
# What a confirmed link rests on: the facts the Editor's re-review rule watches
# (refdb/services/edits.py), and the listed names.
_LINK_FACTS = ("name", "target_kind", "birth_dates", "nationalities", "delisted_on", "names")
_HASH_JSON = json_encoder(ensure_ascii=False, separators=(",", ":"))


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
    return hashlib.sha256(_HASH_JSON(payload).encode()).hexdigest()


class ShrinkRefused(RefdbError):
    """The file would delist more of the list than an import may without --allow-shrink."""


def _clip(text: str | None, length: int) -> str | None:
    return text[:length] if text else text


class DeltaWriter:
    """Writes one parsed list over its stored entries and fills in the ImportResult."""

    def __init__(
        self,
        database: Database,
        source: Source,
        download: Download,
        published_on: str | None,
        entries: list[ParsedEntry],
        result: ImportResult,
        actor: str | None,
        progress: Progress | None,
        *,
        allow_shrink: bool = False,
    ) -> None:
        self.database = database
        self.allow_shrink = allow_shrink
        self.source = source
        self.download = download
        self.published_on = published_on
        self.entries = entries
        self.result = result
        self.actor = actor or database.actor
        self.progress = progress or (lambda _stage, _done, _total: None)
        # When the entries were seen: the file's fetch time, which its Source row records, so
        # the audit can tell an import's bulk last_seen update from a change made outside refdb.
        self.seen_at = download.fetched_at
        self.today = download.fetched_at.date().isoformat()
        # An entry this file holds was listed no later than the file's publication (or fetch).
        published = partial_dates.latest_or_none(published_on)
        self.held_on = min(filter(None, (published, download.fetched_at.date())))
        present = {name for name, _ in download.companions}
        self.missing = [n for n in source.companion_names(download.path.name).values() if n not in present]

    def run(self) -> ImportResult:
        with Session(self.database.engine) as session, session.begin():
            take_import_lock(session)
            editor = Editor(session, self.actor)
            self.session, self.editor = session, editor
            authority_id = self._authority()
            list_row = self._list(authority_id)
            self._report_companions()
            self._warn_if_older(list_row)
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
            self.result.proposals = propose_links(
                editor, touched, self._reason("proposed by the import of"), self.source.list_key
            )
        return self.result

    def _reason(self, verb: str) -> str:
        return f"{verb} {self.source.key} {self.download.path.name} (sha256 {self.download.sha256[:12]})"

    def _report_companions(self) -> None:
        """Say which companion files were read; a missing alias file is worth a warning."""
        expected = self.source.companion_names(self.download.path.name)
        self.result.companions_read = [name for name, _ in self.download.companions]
        self.result.companions_missing = list(self.missing)
        if expected.get("alt") in self.missing:
            self.result.warnings.append(
                f"{expected['alt']} was not beside {self.download.path.name}: no aliases read from it "
                "(entries already known keep the aliases of their previous import; new entries "
                "have only the a.k.a. names in their remarks)"
            )

    def _warn_if_older(self, list_row: SanctionList) -> None:
        """Warn when this file is dated before the one imported last (by the list's own
        date, else the server's Last-Modified): it may undo later listings."""
        last = self.session.get(SourceRow, list_row.last_source_id) if list_row.last_source_id else None
        if last is None:
            return
        new, old = self.published_on, last.published_on
        older = bool(new and old and new < old)
        if new and new == old:  # same day: the server's times may still tell them apart
            new_time = dates.from_http(self.download.last_modified)
            old_time = dates.from_http(last.last_modified)
            if new_time and old_time and new_time < old_time:
                older, new, old = True, self.download.last_modified, last.last_modified
        if older:
            self.result.warnings.append(
                f"{self.download.path.name} is dated {new}, before the file imported last "
                f"(source {last.id}, dated {old}): entries listed since then may be delisted by it"
            )

    # ------------------------------------------------------------ small rows, via the Editor

    def _authority(self) -> int:
        statement = select(Authority).where(col(Authority.key) == self.source.authority)
        found = self.session.scalars(statement).first()
        if found:
            return found.id  # type: ignore[return-value]
        row = Authority(
            key=self.source.authority, name=self.source.authority_name, country=self.source.authority_country
        )
        return self.editor.create(row, reason=self._reason("publisher of")).id  # type: ignore[return-value]

    def _list(self, authority_id: int) -> SanctionList:
        found = self.session.scalars(
            select(SanctionList).where(col(SanctionList.key) == self.source.list_key)
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
        how = "fetched" if download.final_url else "read from disk"  # --file: the user's copy
        when = f"{download.fetched_at:%Y-%m-%d %H:%M} UTC"
        return SourceRow(
            kind="list_file",
            title=f"{self.source.display_name}: {download.path.name} {how} {when}",
            publisher=self.source.authority_name,
            published_on=self.published_on,
            notes="; ".join(notes) or None,
            **source_fields(download),
        )

    def _programs(self, authority_id: int) -> dict[str, int]:
        codes = {_clip(code, 120) for entry in self.entries for code in entry.programs}
        rows = self.session.scalars(select(Program).where(col(Program.authority_id) == authority_id)).all()
        ids = {row.code: row.id for row in rows}
        for code in sorted(c for c in codes if c and c not in ids):
            program = Program(authority_id=authority_id, code=code)
            ids[code] = self.editor.create(program, reason=self._reason("program listed in")).id
        return ids  # type: ignore[return-value]

    # ------------------------------------------------------------ the entries, in bulk

    def _apply(self, list_id: int) -> list[tuple[int, ParsedEntry]]:
        """Insert, update, delist; return the (id, entry) pairs that are new or changed."""
        self.changes = changelog.ChangeWriter(self.session, self.actor, bulk_insert)
        self.confirmed = set(
            self.session.scalars(
                select(Link.__table__.c.entry_id)  # type: ignore[attr-defined]
                .join(_ENTRY, _ENTRY.c.id == Link.__table__.c.entry_id)  # type: ignore[attr-defined]
                .where(_ENTRY.c.list_id == list_id, Link.__table__.c.status == "confirmed")  # type: ignore[attr-defined]
            )
        )
        self.reviews: list[tuple[int, list[str]]] = []
        if self.source.former_key is not None:
            self._rekey(list_id, self.source.former_key)
        stored = {
            row.record_id: row
            for row in self.session.execute(
                select(
                    _ENTRY.c.id,
                    _ENTRY.c.record_id,
                    _ENTRY.c.content_hash,
                    _ENTRY.c.delisted_on,
                    _ENTRY.c.listed_on,
                    _ENTRY.c.last_seen,
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
        listed = sum(row.delisted_on is None for row in stored.values())
        self._refuse_mass_delisting(len(gone), listed, rekeyed=len(gone) == listed)

        self.to_write, self.written = len(added) + len(changed), 0
        touched = self._insert(list_id, added)
        touched += self._update(changed)
        self._delist(gone)
        self.changes.flush()
        # Everything still listed was seen in this file (rows written above already say so).
        # No record per entry: the list's record names this file's Source, whose fetched_at
        # this is (the audit's unlogged-change rule accepts it on those grounds).
        self.session.execute(
            update(_ENTRY)
            .where(
                _ENTRY.c.list_id == list_id,
                _ENTRY.c.delisted_on.is_(None),
                _ENTRY.c.last_seen != self.seen_at,
            )
            .values(last_seen=self.seen_at)
        )
        self.result.added, self.result.changed, self.result.delisted = len(added), len(changed), len(gone)
        return touched

    def _rekey(self, list_id: int, former_key: Callable[[ParsedEntry], str | None]) -> None:
        """Continue the entries stored under their ids in the list's former format (UK: OFSI
        Group IDs) under the ids this file gives them (FCDO Unique IDs): the same row, so its
        history and links stay, with a change record saying it was re-keyed. The content
        then updates as for any changed entry. An id still used by the file itself, or a new
        id already stored, is left alone."""
        present = {entry.record_id for entry in self.entries}
        wanted: dict[str, str] = {}  # former id -> this file's id
        for entry in self.entries:
            former = former_key(entry)
            if former and former not in present:
                wanted.setdefault(former, entry.record_id)
        if not wanted:
            return
        ids = dict(
            self.session.execute(
                select(_ENTRY.c.record_id, _ENTRY.c.id).where(_ENTRY.c.list_id == list_id)
            ).all()
        )
        moves = [(ids[old], old, new) for old, new in wanted.items() if old in ids and new not in ids]
        for start in range(0, len(moves), BATCH):
            batch = moves[start : start + BATCH]
            entry_ids = [entry_id for entry_id, _, _ in batch]
            before = self._snapshots(entry_ids)
            for entry_id, _, new in batch:
                self.session.execute(
                    update(_ENTRY)
                    .where(_ENTRY.c.id == entry_id)
                    .values(record_id=_clip(new, 60), version=_ENTRY.c.version + 1)
                )
            after = self._snapshots(entry_ids)
            for entry_id, old, new in batch:
                reason = self._reason(
                    f"re-keyed from {old} to {new}, its ids in the list's former format and in"
                )
                self._log("update", entry_id, before[entry_id], after[entry_id], reason)
        self.changes.flush()
        self.result.rekeyed = len(moves)

    def _refuse_mass_delisting(self, vanishing: int, listed: int, rekeyed: bool) -> None:
        """Stop before writing when the file lacks more than MAX_SHRINK of the listed entries;
        ``rekeyed``: it holds none of them, as when the list's format changed its ids."""
        if self.allow_shrink or not listed or vanishing <= MAX_SHRINK * listed:
            return
        if rekeyed:
            raise ShrinkRefused(
                f"{self.source.key}: none of the {listed:,} listed entries' ids is in "
                f"{self.download.path.name}: the list's format changed its record ids (UK: FCDO's "
                "UK Sanctions List keys entries by Unique ID, OFSI's retired list by Group ID) or "
                "the file is another list. Importing it would delist every entry and add each anew "
                "under its new id. Nothing was written: use --allow-shrink to accept that"
            )
        raise ShrinkRefused(
            f"{self.source.key}: {vanishing:,} of the {listed:,} listed entries "
            f"({vanishing / listed:.0%}) are missing from {self.download.path.name} and would be "
            f"delisted, more than the {MAX_SHRINK:.0%} an import delists unasked; the file may be "
            "cut short or another list. Nothing was written: check the file, then use "
            "--allow-shrink if the delistings are real"
        )

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
            "identifiers": [i.as_stored() for i in entry.identifiers],
            "remarks": entry.remarks,
            "listed_on": listed_on,
            "listed_from": partial_dates.earliest_or_none(listed_on),
            "delisted_on": None,
            "delisted_from": None,
            "delisted_after": None,
            "raw": entry.raw,
            "content_hash": digest,
            "last_seen": self.seen_at,
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
                    "first_seen": self.seen_at,
                    "listed_no_later_than": self.held_on,
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
            seen = changelog.json_ready({"seen": self.seen_at})["seen"]
            for (entry_id, _), row in zip(pairs, rows, strict=True):
                # The raw record is left out of a creation record (it would double the log's size):
                # the row keeps it, and content_hash, which covers it, is in the record.
                after = row  # written: it becomes the record
                del after["raw"]
                after.update(id=entry_id, first_seen=seen, last_seen=seen, **children[entry_id])
                for day in ("listed_from", "listed_no_later_than"):
                    if row[day] is not None:
                        after[day] = row[day].isoformat()
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
        """A vanished entry is kept, marked delisted after the last file that held it and by
        the day it was first seen missing."""
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
                        delisted_after=min(row.last_seen.date(), partial_dates.earliest(self.today)),
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
                select(_PROGRAM.c.entry_id, Program.code)
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
        self.changes.add(
            action, "sanction_entry", entry_id, before, after, reason or self._reason("imported from")
        )
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
                select(Link).where(col(Link.entry_id) == entry_id, col(Link.status) == "confirmed")
            )
            for link in links.all():
                self.editor.update(
                    Link,
                    link.id,  # type: ignore[arg-type]
                    {"needs_review": True, "review_reason": f"{what} in {self.download.path.name}"},
                    reason=self._reason(f"re-review: {what}, by"),
                )
