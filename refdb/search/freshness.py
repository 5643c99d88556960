"""Searching an index that is up to date, or saying why not.

Writes queue names in ``search_pending``; a search first indexes them (``catch_up``).
When another process holds the database meanwhile (an import, an edit, another search
indexing), the index cannot be brought up to date, and a search of it alone would miss
the queued names without saying so: a listed name screened as "no match". So:

* a few queued names (up to ``SEARCHED_UNINDEXED``) are searched as they stand, beside
  the index (``Unindexed``): the answer is that of the committed data;
* more, or an index built by another version of refdb, and the search waits for the
  other process (up to ``SYNC_WAIT_MS``), then fails with ``IndexBusy``: no answer
  rather than a wrong one.

A database that can only be read (a read-only file system) is treated alike, without
the wait: the few queued names are searched beside the index, more is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from refdb.backends import backend_of
from refdb.errors import RefdbError, is_read_only
from refdb.matching.normalize import name_forms
from refdb.reading import Raw, id_list
from refdb.search import index

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

SYNC_BUSY_MS = 200  # first wait for another process, before searching the queued names as they stand
SYNC_WAIT_MS = 10_000  # the wait when they are too many to search that way, before failing
SEARCHED_UNINDEXED = 5_000  # queued names a search reads beside the index (a few ms a query)
SLOW_CATCH_UP = 2000  # names: indexing this many before a search takes a noticeable moment


_NAME_TABLES = ((index.ENTITY_NAME, "name", "entity_id"), (index.ENTRY_NAME, "entry_name", "entry_id"))


class IndexBusy(RefdbError):
    """The index is behind and another process holds the database (or it can only be
    read: ``read_only``, and waiting will not help): no search was made."""

    def __init__(self, message: str, *, read_only: bool = False) -> None:
        super().__init__(message)
        self.read_only = read_only


@dataclass(frozen=True, slots=True)
class Unindexed:
    """Names written since the index was last brought up to date, which a search reads
    beside the index: as ``index.Doc``s, named as they are now (owner and forms)."""

    docs: tuple[index.Doc, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.docs)

    def merged(self, found: list[index.Doc]) -> list[index.Doc]:
        """The index's candidates, less the queued names' old versions, then the queued names."""
        if not self.docs:
            return found
        queued = {doc.id for doc in self.docs}
        return [doc for doc in found if doc.id not in queued] + list(self.docs)


def behind(raw: Raw) -> bool | None:
    """None when the index is up to date; else whether it must be rebuilt (built
    with other keys) rather than catch up on queued names."""
    if index.stale(raw):
        return True
    return False if raw.rows("SELECT 1 FROM search_pending LIMIT 1") else None


def waiting(raw: Raw, rebuild: bool) -> int:
    """How many names the next catch-up indexes."""
    sql = (
        "SELECT (SELECT count(*) FROM name) + (SELECT count(*) FROM entry_name)"
        if rebuild
        else "SELECT count(*) FROM search_pending"
    )
    ((count,),) = raw.rows(sql)
    return int(count)


@dataclass(frozen=True, slots=True)
class Backlog:
    """Names the next search must index first, so many that it takes a while: after an
    import (the SDN's 18,628: about 2 s of CPU on SQLite, 22 s on PostgreSQL at load 4),
    or every name, when the index was built with other keys. As text, what to
    tell the person waiting: how many, and no guess of how long."""

    names: int
    rebuild: bool

    def __str__(self) -> str:
        if self.rebuild:
            return f"reindexing all {self.names:,} names for this version of refdb, once, before searching"
        return f"indexing {self.names:,} names written since the last search, once, before searching"


def notice(raw: Raw) -> Backlog | None:
    """The names the next search must first index, when they are many (``Backlog``)."""
    rebuild = behind(raw)
    if rebuild is None:
        return None
    count = waiting(raw, rebuild)
    return Backlog(count, rebuild) if count >= SLOW_CATCH_UP else None


def unindexed(raw: Raw, most: int) -> Unindexed | None:
    """The queued names as they are now (a deleted name is gone); None when more than
    ``most`` are queued."""
    queued = [doc for (doc,) in raw.rows(f"SELECT doc FROM search_pending ORDER BY doc LIMIT {most + 1}")]
    if len(queued) > most:
        return None
    docs: list[index.Doc] = []
    for source, table, owner in _NAME_TABLES:
        ids = [doc // 2 for doc in queued if doc % 2 == source]
        if ids:
            rows = raw.rows(f"SELECT id, {owner}, name FROM {table} WHERE id IN ({id_list(ids)})")
            docs += [index.Doc(index.doc_id(source, i), o, tuple(name_forms(n))) for i, o, n in rows]
    return Unindexed(tuple(sorted(docs, key=lambda d: d.id)))


HELD, READ_ONLY = "held", "read-only"  # why the index could not be brought up to date


def _locked(error: Exception) -> bool:
    """Whether a write failed because another process holds what it needs: SQLite's
    busy or locked database, PostgreSQL's lock_timeout (SQLSTATE 55P03)."""
    # psycopg's own error when raised under a COPY, wrapped by SQLAlchemy otherwise.
    if "55P03" in (getattr(error, "sqlstate", None), getattr(getattr(error, "orig", None), "sqlstate", None)):
        return True
    return "locked" in str(error) or "busy" in str(error)


def _sync(
    bind: Engine | Connection, rebuild: bool, wait_ms: int, progress: Callable[[int], object] | None
) -> str | None:
    """Bring the index up to date in a transaction of its own, waiting up to ``wait_ms``
    for another process; None when done, else why not (HELD or READ_ONLY)."""
    with bind.engine.connect() as connection:
        try:
            with backend_of(bind).waiting_at_most(connection, wait_ms):
                if rebuild:
                    index.rebuild(connection, progress)
                else:
                    index.sync(connection, progress)
        except Exception as error:
            if is_read_only(error):
                return READ_ONLY
            if not _locked(error):
                raise
            return HELD
    return None


def catch_up(
    probe: Raw,
    reader: Raw,
    bind: Callable[[], Engine | Connection],
    on_wait: Callable[[], object] | None = None,
    progress: Callable[[int], object] | None = None,
) -> Unindexed:
    """Index the names written since the last search, reading the queue through
    ``probe`` (committed writes only) and the queued names through ``reader``, writing
    through ``bind()`` (asked for only then: `refdb search` then never loads
    SQLAlchemy on an up-to-date SQLite file); see the module's docstring for what
    happens when another process holds the database, or it can only be read.
    ``on_wait`` is called before the long wait for another process (a screen says why
    the search takes seconds); ``progress`` is told how many names are indexed as they
    are (``index.sync``). Raises ``IndexBusy`` when no complete answer can be given."""
    rebuild = behind(probe)
    # End the read: on PostgreSQL its share locks would stall a rebuild's TRUNCATE.
    probe.dbapi.rollback()
    if rebuild is None or (why := _sync(bind(), rebuild, SYNC_BUSY_MS, progress)) is None:
        return Unindexed()
    if not rebuild and (found := unindexed(reader, SEARCHED_UNINDEXED)) is not None:
        return found
    if why == HELD and on_wait is not None:
        on_wait()
    if why == HELD and (why := _sync(bind(), rebuild, SYNC_WAIT_MS, progress)) is None:
        return Unindexed()
    count = waiting(probe, rebuild)
    what = "built by another version of refdb" if rebuild else f"{count:,} name(s) behind"
    if why == READ_ONLY:
        raise IndexBusy(
            f"the search index is {what}, and the database can only be read: nothing was "
            "searched; search it once where it can be written, to index them",
            read_only=True,
        )
    raise IndexBusy(
        f"the search index is {what}, and another process (an import, an edit or another "
        f"search indexing) held the database for {SYNC_WAIT_MS / 1000:g} s: nothing was "
        "searched; try again when it has finished"
    )
