"""The sanction lists a filter or a lookup may name: a key naming no list is a mistake
to say, with the keys there are, not an answer that finds nothing.

Plain SQL over any ``Readable`` (a session or a search reader): `refdb search`, which
checks its --list filter here, imports no ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from refdb import dates
from refdb.errors import NotFound
from refdb.reading import Readable, raw_of
from refdb.vocab import SANCTION_LISTS

STALE_AFTER_DAYS = 7  # the lists change weekly or faster; an older copy deserves a warning


def require_list(reader: Readable, list_key: str) -> None:
    """Raise ``NotFound`` naming the lists there are when ``list_key`` names none."""
    keys = [key for (key,) in raw_of(reader).rows("SELECT key FROM sanction_list ORDER BY key")]
    if list_key in SANCTION_LISTS and list_key not in keys:
        raise NotFound(f"list {list_key!r} was never imported: `refdb import {list_key}` fetches it")
    if list_key not in keys:
        raise NotFound(f"no list {list_key!r}; the lists are {', '.join(keys) or 'none yet'}")


def age_from(
    fetched_at: datetime | str | None, published_on: str | None, now: datetime | None = None
) -> int | None:
    """Whole days since a list file was published, or fetched if that is earlier or its
    publication date is unknown; None for a list never imported. A file fetched today but
    published in February holds February's list: its age counts from February (its last
    day, when the file gives only the month: the list is at least that old, no older is
    claimed)."""
    if fetched_at is None:
        return None
    fetched = datetime.fromisoformat(fetched_at) if isinstance(fetched_at, str) else fetched_at  # raw SQLite
    fetched = fetched if fetched.tzinfo else fetched.replace(tzinfo=UTC)
    published = dates.latest_or_none(published_on)
    as_of = min(fetched, datetime.combine(published, time(), UTC)) if published else fetched
    return max(0, ((now or datetime.now(UTC)) - as_of).days)


@dataclass(frozen=True, slots=True)
class ListCoverage:
    """What an answer drawn from one list could see: how many of its records are stored,
    and how old its last file is (None: never imported, only known from the seeds)."""

    key: str
    records: int
    age_days: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"list": self.key, "records": self.records, "age_days": self.age_days}


def coverage(reader: Readable, list_key: str | None = None) -> list[ListCoverage]:
    """Each list a search or screening reads (``list_key`` alone when given), by key."""
    raw = raw_of(reader)
    where, params = (f"WHERE l.key = {raw.placeholder}", [list_key]) if list_key else ("", [])
    rows = raw.rows(
        "SELECT l.key, s.fetched_at, s.published_on, "
        "(SELECT count(*) FROM sanction_entry e WHERE e.list_id = l.id) "
        f"FROM sanction_list l LEFT JOIN source s ON s.id = l.last_source_id {where} ORDER BY l.key",
        params,
    )
    stored = {
        key: ListCoverage(key, count, age_from(fetched, published)) for key, fetched, published, count in rows
    }
    wanted = [list_key] if list_key else sorted({*SANCTION_LISTS, *stored})
    return [stored.get(key, ListCoverage(key, 0, None)) for key in wanted]


def _age(days: int | None) -> str:
    return f", {days:,} days old" if days and days > STALE_AFTER_DAYS else ""


def coverage_note(lists: Sequence[ListCoverage]) -> str:
    """What an answer covers, in words: "lists: ofac-sdn (14,965 records), un (1,002
    records, 280 days old); never imported: eu". "No match" is only as good as the lists
    behind it."""
    searched = [f"{c.key} ({c.records:,} records{_age(c.age_days)})" for c in lists if c.age_days is not None]
    missing = [c.key for c in lists if c.age_days is None]
    if not searched:
        return f"lists: none imported yet ({', '.join(missing)}: `refdb import --list` shows where from)"
    return f"lists: {', '.join(searched)}" + (f"; never imported: {', '.join(missing)}" if missing else "")
