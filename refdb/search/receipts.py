"""Screening receipts: the proof of what a screening returned, on which data, on which day.

A receipt is one JSON document, written as the screening streams (so a 100,000-row
run needs no more memory than a 10-row one)::

    {"receipt": "refdb-screening-receipt/1", "header": {...}, "results": [...],
     "sha256": "<hex>"}

``header`` holds the run (issue time, actor, matcher name and settings, threshold,
input file name, size and sha256) and the database state it ran on (the change log's
last record, and each sanction list's version, publication date and source file
hash). ``results`` holds one item per input row with its matches, scores and
explanations. ``sha256`` is the hash of every byte of the file before the
``, "sha256"`` member; the same hash is recorded in the change log (table
``receipt``), chained like every other change. `refdb receipt verify` recomputes the
hash (is the receipt intact?) and looks for that record (was it issued by this
database?).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlmodel import Session, col, func, select

from refdb import changelog
from refdb.database import Database
from refdb.models import Change, SanctionList, Source
from refdb.services.edits import editing

FORMAT = "refdb-screening-receipt/1"
TABLE = "receipt"  # the change log's table_name for receipt records
_FOOTER = ', "sha256": "'


def database_state(session: Session) -> dict[str, Any]:
    """What the screening ran on: the change log head and every list's version."""
    last = session.exec(select(Change).order_by(col(Change.id).desc()).limit(1)).first()
    lists = []
    for sanction_list in session.exec(select(SanctionList).order_by(col(SanctionList.key))):
        source = session.get(Source, sanction_list.last_source_id) if sanction_list.last_source_id else None
        lists.append(
            {
                "key": sanction_list.key,
                "version": sanction_list.version,
                "published_on": sanction_list.published_on,
                "source_sha256": source.sha256 if source else None,
                "source_fetched_at": source.fetched_at.isoformat() if source and source.fetched_at else None,
            }
        )
    return {
        "change_log_head": {"id": last.id, "hash": last.hash} if last else None,
        "lists": lists,
    }


class ReceiptWriter:
    """Writes a receipt to ``handle`` while hashing it: header first, then results one
    by one, then the footer with the hash."""

    def __init__(self, handle: IO[str], header: dict[str, Any]) -> None:
        self._handle = handle
        self._digest = hashlib.sha256()
        self._count = 0
        self._write(f'{{"receipt": {json.dumps(FORMAT)}, "header": {_dumps(header)}, "results": [')

    def _write(self, text: str) -> None:
        self._handle.write(text)
        self._digest.update(text.encode())

    def add(self, result: dict[str, Any]) -> None:
        self._write(("," if self._count else "") + "\n" + _dumps(result))
        self._count += 1

    def finish(self) -> str:
        """Close the document; returns its hash."""
        self._write("\n]")
        digest = self._digest.hexdigest()
        self._handle.write(f'{_FOOTER}{digest}"}}\n')
        return digest


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(database: Database, digest: str, header: dict[str, Any], rows: int) -> int:
    """Record a finished receipt's hash in the change log; returns the change id."""
    with editing(database) as editor:
        session = editor.session
        number = session.exec(select(func.count()).where(Change.table_name == TABLE)).one() + 1
        change_id = changelog.record(
            session,
            actor=editor.actor,
            action="create",
            table_name=TABLE,
            row_id=number,
            before=None,
            after={
                "sha256": digest,
                "issued_at": header["issued_at"],
                "input_sha256": header["input"]["sha256"],
                "rows": rows,
                "threshold": header["threshold"],
                "matcher": header["matcher"]["matcher"],
            },
            reason="screening receipt issued",
        )
        return change_id


def header(
    session: Session,
    *,
    actor: str,
    input_name: str,
    content: bytes,
    settings: dict[str, Any],
    threshold: float,
    limit: int,
    active_on: str | None,
) -> dict[str, Any]:
    return {
        "issued_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "issued_by": actor,
        "input": {
            "file": input_name,
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        },
        "matcher": settings,
        "threshold": threshold,
        "limit": limit,
        "active_on": active_on,
        "database": database_state(session),
    }


@dataclass(frozen=True)
class Verification:
    intact: bool
    issued_here: bool
    message: str
    sha256: str | None = None
    change_id: int | None = None
    issued_at: str | None = None
    rows: int | None = None
    chain_intact: bool | None = None

    @property
    def ok(self) -> bool:
        return self.intact and self.issued_here

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "intact": self.intact,
            "issued_by_this_database": self.issued_here,
            "sha256": self.sha256,
            "change_id": self.change_id,
            "issued_at": self.issued_at,
            "rows": self.rows,
            "change_log_intact": self.chain_intact,
            "message": self.message,
        }


def _split(data: bytes) -> tuple[bytes, str] | None:
    """The hashed body and the recorded hash, or None if the footer is not there."""
    cut = data.rfind(_FOOTER.encode())
    if cut < 0:
        return None
    stated = data[cut + len(_FOOTER) :].split(b'"', 1)[0].decode("ascii", "replace")
    return data[:cut], stated


def _receipt_records(session: Session) -> Iterator[Change]:
    yield from session.exec(select(Change).where(Change.table_name == TABLE).order_by(col(Change.id)))


def verify(session: Session, path: Path) -> Verification:
    """Is the receipt at ``path`` intact, and did this database issue it?"""
    data = path.read_bytes()
    parts = _split(data)
    try:
        document = json.loads(data)
    except ValueError:
        document = None
    if parts is None or not isinstance(document, dict) or document.get("receipt") != FORMAT:
        return Verification(False, False, f"{path} is not a refdb screening receipt")
    body, stated = parts
    actual = hashlib.sha256(body).hexdigest()
    rows = len(document.get("results") or ())
    if actual != stated:
        return Verification(
            False, False, "altered: the content no longer matches the hash it states", stated, rows=rows
        )
    record = next((c for c in _receipt_records(session) if _recorded_hash(c) == actual), None)
    if record is None:
        return Verification(
            True,
            False,
            "intact, but this database holds no record of issuing it",
            actual,
            rows=rows,
        )
    chain = changelog.verify_chain(session)
    message = f"intact, issued by this database (change {record.id}, {_issued_at(record)})"
    if not chain.intact:
        message += f"; but the change log is damaged: {chain.message}"
    return Verification(True, True, message, actual, record.id, _issued_at(record), rows, chain.intact)


def _recorded_hash(change: Change) -> str | None:
    return json.loads(change.after).get("sha256") if change.after else None


def _issued_at(change: Change) -> str | None:
    return json.loads(change.after).get("issued_at") if change.after else None
