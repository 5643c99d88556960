"""How long ago each sanction list was last refreshed: a list not fetched for days may
miss designations, which an answer drawn from it should say. (Not to be confused with
search/freshness.py, which is about the search index.)"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session

from refdb.models import SanctionList, Source
from refdb.services.lists import STALE_AFTER_DAYS, age_from


def age_days(session: Session, sanction_list: SanctionList, now: datetime | None = None) -> int | None:
    """Whole days since the list's last imported file was published or fetched
    (``lists.age_from``); None for a list never imported (known only from the seeds)."""
    source = session.get(Source, sanction_list.last_source_id) if sanction_list.last_source_id else None
    return age_from(source.fetched_at, source.published_on, now) if source is not None else None


def stale_warnings(ages: Iterable[tuple[str, int | None]], days: int = STALE_AFTER_DAYS) -> list[str]:
    """One line per (list key, age in days) older than ``days``, each list once."""
    return [
        f"warning: list {key} dates from {age} days ago (its last file's publication or fetch); "
        f"its entries may be out of date (run `refdb import {key}`)"
        for key, age in dict(ages).items()
        if age is not None and age > days
    ]
