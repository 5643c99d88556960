"""Partial ISO dates ("2018", "2023-05", "2018-09-20") and the intervals they cover.

Sources state dates at different precisions; we keep the precision as written and
treat a partial date as the whole interval it covers when asking "was X true on D?".
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache

from refdb.errors import RefdbError

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

PRECISIONS = ("year", "month", "day")


class InvalidDate(RefdbError, ValueError):
    """A string that is not an ISO date of year, month or day precision."""


def _number(part: str | None) -> int | None:
    return int(part) if part else None


# Cached: an import checks the same few thousand dates hundreds of thousands of times.
@lru_cache(maxsize=1 << 16)
def parse_partial(text: str) -> tuple[int, int | None, int | None]:
    match = _PARTIAL.match(text.strip())
    if not match:
        raise InvalidDate(f"{text!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    year_text, month_text, day_text = match.groups()
    year, month, day = int(year_text), _number(month_text), _number(day_text)
    try:
        # Test for None, not falsiness: "2023-00" and "2023-05-00" are not dates.
        date(year, 1 if month is None else month, 1 if day is None else day)
    except ValueError as error:
        raise InvalidDate(f"{text!r} is not a valid date: {error}") from None
    return year, month, day


def normalize(text: str | None) -> str | None:
    """Validate a partial date and return its canonical text (None and "" mean unknown)."""
    if text is None or not str(text).strip():
        return None
    text = str(text).strip()
    parse_partial(text)
    return text


def precision(text: str) -> str:
    return PRECISIONS[text.count("-")]


@lru_cache(maxsize=1 << 16)
def earliest(text: str) -> date:
    """First day of the interval a partial date covers."""
    year, month, day = parse_partial(text)
    return date(year, month or 1, day or 1)


@lru_cache(maxsize=1 << 16)
def latest(text: str) -> date:
    """Last day of the interval a partial date covers."""
    year, month, day = parse_partial(text)
    if month is None:
        return date(year, 12, 31)
    return date(year, month, day or calendar.monthrange(year, month)[1])


def earliest_or_none(text: str | None) -> date | None:
    return earliest(text) if text else None


def latest_or_none(text: str | None) -> date | None:
    return latest(text) if text else None


def as_of(text: str) -> tuple[date, date]:
    """The interval of a date given on the command line: "2023" asks about the whole year."""
    return earliest(text), latest(text)
