"""How long ago each sanction list was last refreshed: a list not fetched for days may
miss designations, which an answer drawn from it should say. (Not to be confused with
search/freshness.py, which is about the search index.)"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time

from sqlmodel import Session

from refdb import dates
from refdb.models import SanctionList, Source

STALE_AFTER_DAYS = 7  # the lists change weekly or faster; an older copy deserves a warning


def age_days(session: Session, sanction_list: SanctionList, now: datetime | None = None) -> int | None:
    """Whole days since the list's last imported file was published, or fetched if that is
    earlier or its publication date is unknown; None for a list that was never imported
    (known only from the seeds). A file fetched today but published in February holds
    February's list: its age is counted from February (its last day, when the file gives
    only the month)."""
    source = session.get(Source, sanction_list.last_source_id) if sanction_list.last_source_id else None
    if source is None or source.fetched_at is None:
        return None
    fetched = source.fetched_at if source.fetched_at.tzinfo else source.fetched_at.replace(tzinfo=UTC)
    # A partial publication date ("2024-05") counts from the last day it covers, as the
    # importers read it: the list is at least that old, and no older is claimed.
    published = dates.latest_or_none(source.published_on)
    as_of = min(fetched, datetime.combine(published, time(), UTC)) if published else fetched
    return max(0, ((now or datetime.now(UTC)) - as_of).days)


def stale_warnings(ages: Iterable[tuple[str, int | None]], days: int = STALE_AFTER_DAYS) -> list[str]:
    """One line per (list key, age in days) older than ``days``, each list once."""
    return [
        f"warning: list {key} dates from {age} days ago (its last file's publication or fetch); "
        f"its entries may be out of date (run `refdb import {key}`)"
        for key, age in dict(ages).items()
        if age is not None and age > days
    ]
