"""The one rule for "was this sanction entry active on D?", in Python and in SQL.

A list entry's dates are known to different degrees. OFAC's files publish no listing
date: all refdb knows is that the entry was listed no later than the first file that
held it. An entry that vanishes from a file was delisted some day after the last file
that held it and by the first that did not. So an entry is *certainly* active on the
days between the last day its listing may have happened and the first day its
delisting may have happened, *possibly* active on the days around them, and the answer
to "active on D?" is ``yes``, ``no`` or ``uncertain``.

A partial date D ("2023") asks about any day of its period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from refdb import dates

Verdict = Literal["yes", "no", "uncertain"]
Status = Literal["active", "delisted"]
Span = tuple[date, date]


def _earliest(text: str | None) -> date | None:
    try:
        return dates.earliest_or_none(text)
    except dates.InvalidDate:
        return None


def _latest(text: str | None) -> date | None:
    try:
        return dates.latest_or_none(text)
    except dates.InvalidDate:
        return None


@dataclass(frozen=True)
class ListingDates:
    listed_on: str | None  # as published, a partial date
    listed_no_later_than: date | None  # the first file that held the entry
    delisted_on: str | None  # the day it was found missing, or as published
    delisted_after: date | None  # the last file that held it

    @classmethod
    def of(cls, entry: Any) -> ListingDates:
        """The dates of a SanctionEntry (or any row with its four columns)."""
        return cls(entry.listed_on, entry.listed_no_later_than, entry.delisted_on, entry.delisted_after)

    def possible(self) -> Span:
        """The days the entry may have been active."""
        start = _earliest(self.listed_on) or date.min
        delisted = _earliest(self.delisted_on)
        return start, (delisted - timedelta(days=1)) if delisted else date.max

    def certain(self) -> Span | None:
        """The days the entry was certainly active; None when no day is certain."""
        start = _latest(self.listed_on) or self.listed_no_later_than
        if start is None:
            return None
        delisted = _earliest(self.delisted_on)
        if delisted is None:
            end = date.max
        elif self.delisted_after is not None and self.delisted_after < delisted:
            end = self.delisted_after
        else:
            end = delisted - timedelta(days=1)
        return (start, end) if start <= end else None

    def active_on(self, on: str) -> Verdict:
        """Was the entry active at some time in the period of the partial date ``on``?"""
        period = dates.as_of(on)
        if not overlap(self.possible(), period):
            return "no"
        certain = self.certain()
        return "yes" if certain and overlap(certain, period) else "uncertain"

    def as_dict(self) -> dict[str, str | None]:
        """The bounds as the CLI's JSON shows them."""
        return {
            "listed_on": self.listed_on,
            "listed_no_later_than": _iso(self.listed_no_later_than),
            "delisted_after": _iso(self.delisted_after),
            "delisted_on": self.delisted_on,
        }

    def describe(self) -> str:
        """One line, e.g. "listed by 2024-05-03 (date not published), delisted 2025-01-02..2025-02-01"."""
        if self.listed_on:
            listed = f"listed {self.listed_on}"
        elif self.listed_no_later_than:
            listed = f"listed by {self.listed_no_later_than.isoformat()} (date not published)"
        else:
            listed = "listed ?"
        if not self.delisted_on:
            return listed
        if self.delisted_after and self.delisted_after < (_earliest(self.delisted_on) or date.max):
            return f"{listed}, delisted between {self.delisted_after.isoformat()} and {self.delisted_on}"
        return f"{listed}, delisted {self.delisted_on}"


def status(delisted_on: str | None) -> Status:
    """An entry's status as listings show it: delisted once a delisting date is known
    (``active_on`` answers for a given day)."""
    return "delisted" if delisted_on else "active"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def overlap(a: Span, b: Span) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def possibly_active_sql(alias: str, last_day: str, first_day: str) -> str:
    """SQL for ``ListingDates.possible()`` overlapping a period: the entry ``alias`` may have
    been active between the parameters ``first_day`` and ``last_day``. The filter keeps
    ``uncertain`` entries; ``active_on`` tells them from certain ones."""
    return (
        f"({alias}.listed_from IS NULL OR {alias}.listed_from <= {last_day})"
        f" AND ({alias}.delisted_from IS NULL OR {alias}.delisted_from > {first_day})"
    )
