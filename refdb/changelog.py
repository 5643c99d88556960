"""The append-only change log: every edit as a record chained to the previous one.

A record's hash covers its own fields and the previous record's hash, so altering,
inserting or deleting a record behind refdb's back breaks the chain at that point.

Records are sealed with a key kept outside the database (HMAC-SHA256; ``log_key``): the
REFDB_LOG_KEY variable, or a key file in the user's config folder made on first write.
Someone who can write to the database but not read the key cannot forge a record that
verifies. Records written before keys existed are plain sha256 ("version 1") and still
verify; once a keyed record is in the chain, an unkeyed record after it is a forgery.
docs/dates-and-history.md says what is and is not protected.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

import orjson
import platformdirs
from sqlalchemy import column, event, func, insert
from sqlmodel import Session, SQLModel, col, select

from refdb.backends import backend_of
from refdb.errors import RefdbError
from refdb.models import Change, Entity, Link, SanctionEntry, Source, Tenure, utcnow

GENESIS = "0" * 64
LOG_LOCK = 7470610  # the lock writers of the log take turns by (PostgreSQL: an advisory lock id)
_CHANGE = Change.__table__  # type: ignore[attr-defined]
_LAST_HASH = "refdb_last_change_hash"


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
# The C encoder json.dumps builds per call, built once: verifying a million records, or
# comparing every row with its record, spends half its time encoding.
_C_ENCODE = c_make_encoder and c_make_encoder(None, str, encode_basestring, None, ":", ",", True, False, True)


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces, as ``json.dumps`` writes it with those options."""
    return "".join(_C_ENCODE(value, 0)) if _C_ENCODE else _ENCODER.encode(value)


# orjson writes what canonical_json writes for plain values (str, int, bool, None, lists and
# str-keyed dicts of them) several times faster, already as the UTF-8 a record is hashed as.
# Not for floats: it writes some otherwise (1e-05 as 0.00001). What it would write its own
# way (str and int subclasses, dates and times, dataclasses) is passed to _default, which
# writes a date as canonical_json does and refuses the rest; with what it refuses (also
# ints over 64 bits, lone surrogates) canonical_json writes the whole value.
_ORJSON_OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def _default(value: Any) -> str:
    if type(value) is date:  # canonical_json writes its str(), the ISO text; not a datetime's
        return value.isoformat()
    raise TypeError(type(value).__name__)


def plain_json(value: Any) -> bytes:
    """``canonical_json(value).encode()`` of a value with no floats or plain Enum members
    in it (orjson writes a member's value, canonical_json its str)."""
    try:
        return orjson.dumps(value, default=_default, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:
        return canonical_json(value).encode()


def snapshot(row: SQLModel) -> dict[str, Any]:
    """Column values of a row, JSON-ready (dates as ISO text)."""
    columns = row.__table__.columns  # type: ignore[attr-defined]
    return json_ready({column.key: getattr(row, column.key) for column in columns})


def json_ready(values: dict[str, Any]) -> dict[str, Any]:
    """Column values as ``snapshot`` records them; also for plain result rows."""
    return {key: _plain(value) for key, value in values.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _iso(moment: datetime) -> str:
    # SQLite hands back naive datetimes; everything refdb writes is UTC.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _digest(fields: list[Any]) -> str:
    """sha256 of ``canonical_json(fields)``: the seal of a version-1 (unkeyed) record."""
    return hashlib.sha256(plain_json(fields)).hexdigest()


def _keyed(key: bytes, fields: list[Any]) -> str:
    """HMAC-SHA256 of ``canonical_json(fields)`` under the log key: a version-2 record's seal."""
    return hmac.digest(key, plain_json(fields), "sha256").hex()


# ---------------------------------------------------------------- records of several rows

# An import logs a new person with the rows created with it (names, identifiers, tenures,
# their citations) in the person's one record, under this key of its snapshot: table ->
# those rows' snapshots. A later record about one of those rows supersedes it for that row.
PARTS = "rows_created"
_PARTS_MARK = f'"{PARTS}":'  # as canonical JSON writes the key (a string value escapes its quotes)


def record_parts(after: str | None) -> tuple[str, dict[str, list[dict[str, Any]]]] | None:
    """The snapshot text of a record's own row and the rows created with it, by table;
    None for a record of one row."""
    if not after or _PARTS_MARK not in after:
        return None
    values = json.loads(after)
    parts = values.pop(PARTS, None)
    return (canonical_json(values), parts) if isinstance(parts, dict) else None


# ---------------------------------------------------------------- the log key

KEY_VARIABLE = "REFDB_LOG_KEY"
KEY_FILE_VARIABLE = "REFDB_LOG_KEY_FILE"
_KEYS: dict[str, bytes] = {}


class LogKeyError(RefdbError):
    """The log key file cannot be read or made."""


def key_path() -> Path:
    """Where the log key is kept: REFDB_LOG_KEY_FILE, else the user's config folder."""
    named = os.environ.get(KEY_FILE_VARIABLE)
    return Path(named) if named else platformdirs.user_config_path("refdb") / "log.key"


def log_key(create: bool = False) -> bytes | None:
    """The key that seals change records; made (random, 256 bits, mode 0600) when
    ``create`` and there is none yet. None when there is none and none may be made."""
    if value := os.environ.get(KEY_VARIABLE):
        return value.encode()
    path = key_path()
    cached = _KEYS.get(str(path))
    if cached is not None:
        return cached
    try:
        if not path.exists():
            if not create:
                return None
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
        key = path.read_text().strip().encode()
    except FileExistsError:  # made meanwhile by another process
        key = path.read_text().strip().encode()
    except OSError as error:
        raise LogKeyError(f"cannot read or make the change-log key {path}: {error.strerror}") from None
    if not key:
        raise LogKeyError(f"the change-log key file {path} is empty")
    _KEYS[str(path)] = key
    return key


def record_hash(change: Change, key: bytes | None = None) -> str:
    """The seal of a record: keyed when ``key`` is given, else version 1 (plain sha256)."""
    return fields_hash(
        key,
        prev_hash=change.prev_hash,
        at=change.at,
        actor=change.actor,
        action=change.action,
        table_name=change.table_name,
        row_id=change.row_id,
        entity_id=change.entity_id,
        before=change.before,
        after=change.after,
        reason=change.reason,
    )


def fields_hash(
    key: bytes | None = None,
    *,
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    table_name: str,
    row_id: int,
    entity_id: int | None,
    before: str | None,
    after: str | None,
    reason: str | None,
) -> str:
    """``record_hash`` of a record given as its fields."""
    fields = [prev_hash, _iso(at), actor, action, table_name, row_id, entity_id, before, after, reason]
    return _keyed(key, fields) if key is not None else _digest(fields)


def chain_head(session: Session) -> str:
    """The hash the next record in this transaction chains onto (takes the writers' lock)."""
    cached = session.info.get(_LAST_HASH)
    if cached is not None:
        return cached
    # Writers take turns for the rest of this transaction, so two sessions never chain
    # onto the same previous record.
    backend_of(session).serialize_writers(session.connection(), LOG_LOCK)
    last = session.exec(select(Change.hash).order_by(col(Change.id).desc()).limit(1)).first()
    return last or GENESIS


def advance_chain_head(session: Session, head: str) -> None:
    """Tell record() that records written in bulk by the caller now end the chain at ``head``."""
    session.info[_LAST_HASH] = head


@event.listens_for(Session, "after_transaction_end")
def _forget_last_hash(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_LAST_HASH, None)


class ChangeWriter:
    """The one writer of change records: each chained onto the last and sealed with the log
    key, inserted in batches (an import writes one per entry). Records made before and
    after in the same transaction chain on through ``chain_head``/``advance_chain_head``.

    ``insert_rows(session, table, rows)`` may replace SQLAlchemy's executemany (the
    importers pass their faster bulk insert)."""

    def __init__(
        self,
        session: Session,
        actor: str,
        insert_rows: Callable[[Session, Any, list[dict[str, Any]]], None] | None = None,
    ) -> None:
        self.session = session
        self.actor = actor
        self.insert_rows = insert_rows or (lambda s, table, rows: s.execute(insert(table), rows))
        self.pending: list[dict[str, Any]] = []
        # The records of one batch are stamped with one time, taken at its first record
        # (a time per record cost more than hashing the record).
        self.at: datetime | None = None
        self.key = log_key(create=True)
        session.flush()  # records still pending as ORM rows take their ids before ours
        self.head = chain_head(session)

    def add(
        self,
        action: str,
        table_name: str,
        row_id: int,
        before: dict[str, Any] | None,
        after: dict[str, Any] | str | None,
        reason: str | None,
        entity_id: int | None = None,
    ) -> dict[str, Any]:
        """Chain a record; ``after`` is the row's values, or their canonical_json."""
        if self.at is None:
            self.at = utcnow()
        change: dict[str, Any] = {
            "at": self.at,
            "actor": self.actor,
            "action": action,
            "table_name": table_name,
            "row_id": row_id,
            "entity_id": entity_id,
            "before": None if before is None else canonical_json(before),
            "after": after if after is None or isinstance(after, str) else canonical_json(after),
            "reason": reason,
            "prev_hash": self.head,
        }
        change["hash"] = self.head = fields_hash(self.key, **change)
        self.pending.append(change)
        return change

    def flush(self) -> None:
        if self.pending:
            self.insert_rows(self.session, _CHANGE, self.pending)
            self.pending = []
        self.at = None
        advance_chain_head(self.session, self.head)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    table_name: str,
    row_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None = None,
    entity_id: int | None = None,
) -> int:
    """Append one change record in the caller's transaction; return its id."""
    writer = ChangeWriter(session, actor)
    change = writer.add(action, table_name, row_id, before, after, reason, entity_id)
    writer.flush()
    found = session.execute(select(_CHANGE.c.id).where(_CHANGE.c.hash == change["hash"])).scalar_one()
    return found


# ---------------------------------------------------------------- verification

_HASHED = (
    _CHANGE.c.id,
    _CHANGE.c.prev_hash,
    _CHANGE.c.at,
    _CHANGE.c.actor,
    _CHANGE.c.action,
    _CHANGE.c.table_name,
    _CHANGE.c.row_id,
    _CHANGE.c.entity_id,
    _CHANGE.c.before,
    _CHANGE.c.after,
    _CHANGE.c.reason,
    _CHANGE.c.hash,
)


@dataclass(frozen=True)
class Anchor:
    """A record's id and hash noted outside the database, e.g. by `refdb log head`.

    The chain alone cannot show that its last records were deleted (or that records
    with well-forged hashes were appended): what remains is still a valid chain. An
    anchor kept elsewhere can: the record it names must still be there, unchanged.
    """

    id: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        record_id, _, digest = text.strip().partition(":")
        if not record_id.isdigit() or len(digest) != 64:
            raise ValueError(f"{text!r} is not an anchor: write ID:HASH as `refdb log head` prints it")
        return cls(int(record_id), digest.lower())

    def __str__(self) -> str:
        return f"{self.id}:{self.hash}"


@dataclass(frozen=True)
class ChainReport:
    records: int
    intact: bool
    first_bad_id: int | None = None
    problem: str | None = None  # altered, inserted, deleted, anchor, forged or key
    message: str = ""
    last_id: int | None = None
    last_hash: str = GENESIS

    @property
    def head(self) -> Anchor | None:
        return None if self.last_id is None else Anchor(self.last_id, self.last_hash)

    def as_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "intact": self.intact,
            "first_bad_id": self.first_bad_id,
            "problem": self.problem,
            "message": self.message,
            "head": None if self.head is None else str(self.head),
        }


@dataclass(frozen=True, slots=True)
class _Seen:
    id: int
    prev_hash: str
    hash: str
    valid: bool  # its stored hash matches its contents
    keyed: bool  # sealed with the log key (version 2), not plain sha256 (version 1)
    fields: list[Any]  # actor, action, table_name, row_id, entity_id, before, after, reason


def _stored_iso(at: datetime | str) -> str:
    """``_iso`` of a stored time. SQLite keeps UTC as text "YYYY-MM-DD HH:MM:SS.ffffff";
    rewriting that text directly is what makes verifying a million records fast."""
    if isinstance(at, str):
        if len(at) == 26 and at[10] == " ":
            return at[:10] + "T" + at[11:] + "+00:00"
        at = datetime.fromisoformat(at)
    return _iso(at)


def _rows(session: Session, batch: int, key: bytes | None) -> Iterator[_Seen]:
    """Every record in id order, streamed as plain tuples (no ORM objects)."""
    # The time column untyped: SQLite then hands over its stored text, unparsed.
    columns = [column("at") if c.name == "at" else c for c in _HASHED]
    statement = select(*columns).select_from(_CHANGE).order_by(_CHANGE.c.id)
    # Options on the statement, not the connection: the session may write afterwards.
    result = session.connection().execute(statement.execution_options(stream_results=True, yield_per=batch))
    for record_id, prev_hash, at, *fields, stored in result:
        payload = canonical_json([prev_hash, _stored_iso(at), *fields]).encode()
        if key is not None and hmac.digest(key, payload, "sha256").hex() == stored:
            yield _Seen(record_id, prev_hash, stored, True, True, fields)
        else:
            valid = hashlib.sha256(payload).hexdigest() == stored
            yield _Seen(record_id, prev_hash, stored, valid, False, fields)


Visit = Callable[[int, list[Any]], None]


def verify_chain(
    session: Session, anchor: Anchor | None = None, *, batch: int = 5000, visit: Visit | None = None
) -> ChainReport:
    """Recompute every record's hash in id order and name the first one that does not fit.

    Raw-SQL tampering shows up as: an altered record (its contents no longer match its
    hash, or its hash was recomputed so the next record no longer points at it); an
    inserted record (the records around it chain to each other, skipping it); deleted
    records (a record points at a hash that is no longer there). Deleting the last
    records, or appending records whose hashes were forged with this code, leaves a
    valid chain: only an ``anchor`` noted earlier reveals those.

    ``visit(id, fields)`` is called with each record that fits, in order.
    """
    key = log_key()
    rows = _rows(session, batch, key)
    before_previous: _Seen | None = None
    previous: _Seen | None = None
    count = 0
    anchor_seen = False
    first_keyed: int | None = None
    for seen in rows:
        count += 1
        expected = previous.hash if previous else GENESIS
        if key is None and not seen.valid and seen.prev_hash == expected:
            return ChainReport(
                count,
                False,
                seen.id,
                "key",
                f"change {seen.id} is sealed with a log key, and no key is here (set {KEY_VARIABLE} "
                f"or copy the key file to {key_path()}): the log cannot be checked",
                *((previous.id, previous.hash) if previous else (None, GENESIS)),
            )
        if seen.prev_hash != expected or not seen.valid:
            following = next(rows, None)
            return _diagnose(count, before_previous, previous, seen, following)
        if not seen.keyed and first_keyed is not None:
            return ChainReport(
                count,
                False,
                seen.id,
                "forged",
                f"change {seen.id} is not sealed with the log key, though change {first_keyed} "
                "before it is: it was written outside refdb",
                previous.id if previous else None,
                previous.hash if previous else GENESIS,
            )
        if seen.keyed and first_keyed is None:
            first_keyed = seen.id
        if anchor is not None and seen.id == anchor.id:
            anchor_seen = True
            if seen.hash != anchor.hash:
                return ChainReport(
                    count,
                    False,
                    seen.id,
                    "anchor",
                    f"change {seen.id} is not the record the anchor names: it, or records "
                    "before it, were rewritten with recomputed hashes",
                    seen.id,
                    seen.hash,
                )
        if visit is not None:  # lets the audit read the log in this same pass
            visit(seen.id, seen.fields)
        before_previous, previous = previous, seen
    last_id, last_hash = (previous.id, previous.hash) if previous else (None, GENESIS)
    if anchor is not None and not anchor_seen:
        return ChainReport(
            count,
            False,
            anchor.id,
            "deleted",
            f"change {anchor.id}, named by the anchor, is gone: the log now ends at "
            f"{last_id if last_id is not None else 'no record'}, so its last records were deleted",
            last_id,
            last_hash,
        )
    if count == 0 and (held := _rows_without_log(session)):
        return ChainReport(
            0,
            False,
            None,
            "deleted",
            f"the change log is empty, but the database holds {held}: its records were deleted",
        )
    return ChainReport(count, True, message=f"intact: {count} records", last_id=last_id, last_hash=last_hash)


def _rows_without_log(session: Session) -> str | None:
    """What the database holds that an empty log cannot account for, e.g. "12 entity rows"."""
    for table in (Entity, Source, SanctionEntry, Tenure, Link):
        count = session.exec(select(func.count()).select_from(table)).one()
        if count:
            return f"{count} {table.__tablename__} rows"
    return None


def _diagnose(
    count: int,
    before_previous: _Seen | None,
    previous: _Seen | None,
    bad: _Seen,
    following: _Seen | None,
) -> ChainReport:
    """Name the first record that does not belong, looking one record either side of the break."""
    previous_hash = previous.hash if previous else GENESIS
    last = (previous.id, previous.hash) if previous else (None, GENESIS)

    def report(record_id: int, problem: str, message: str) -> ChainReport:
        return ChainReport(count, False, record_id, problem, message, *last)

    skips_bad = following is not None and following.prev_hash == previous_hash
    if not bad.valid:
        if skips_bad:
            return report(
                bad.id,
                "inserted",
                f"change {bad.id} was inserted outside refdb: the records either side of it "
                "chain to each other",
            )
        if bad.prev_hash != previous_hash:
            return report(
                bad.id,
                "inserted",
                f"change {bad.id} was inserted (or rewritten) outside refdb: it neither follows "
                "the record before it nor matches its own hash",
            )
        return report(
            bad.id, "altered", f"change {bad.id} was altered: its contents no longer match its hash"
        )
    if previous is not None and bad.prev_hash == (before_previous.hash if before_previous else GENESIS):
        return report(
            previous.id,
            "inserted",
            f"change {previous.id} was inserted outside refdb: change {bad.id} chains to the "
            "record before it",
        )
    if skips_bad:
        return report(
            bad.id,
            "inserted",
            f"change {bad.id} was inserted outside refdb: the records either side of it chain to each other",
        )
    first_missing = previous.id + 1 if previous else 1
    if bad.id > first_missing:
        missing = f"{first_missing}" if bad.id - 1 == first_missing else f"{first_missing}-{bad.id - 1}"
        return report(
            first_missing,
            "deleted",
            f"change {missing} deleted outside refdb: change {bad.id} points at a record "
            "that is no longer there",
        )
    if previous is None:
        return report(
            bad.id,
            "deleted",
            f"records before change {bad.id}, the first one left, were deleted outside refdb",
        )
    return report(
        previous.id,
        "altered",
        f"change {previous.id} was altered and its hash recomputed: change {bad.id} still "
        "points at its original hash",
    )
