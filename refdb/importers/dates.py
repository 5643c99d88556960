"""Dates as lists publish them, turned into ISO partial dates: "1958", "1958-02", "1958-02-01"."""

from __future__ import annotations

import calendar
import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
# A published range wider than this many whole years is kept as its two endpoints.
_MAX_EXPANDED_YEARS = 10
_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_CIRCA = re.compile(r"^\s*circa\s+", re.IGNORECASE)
_TEXT_DATE = re.compile(r"(?:(\d{1,2})\s+)?(?:([A-Za-z]{3})[a-z]*\.?\s+)?(\d{4})")


def days_in_month(year: int, month: int) -> int:
    # calendar.monthrange also computes the weekday, which made it the slowest step of a parse
    return 29 if month == 2 and calendar.isleap(year) else _DAYS[month]


def iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """An ISO partial date, or None when the parts do not make a real date."""
    if not 1000 <= year <= 2999:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= day <= days_in_month(year, month):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def from_dmy(text: str | None) -> str | None:
    """'01/02/1958' → '1958-02-01'; OFSI writes unknown parts as 00: '00/00/1980' → '1980'."""
    match = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", text or "")
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    if month == 0:
        return iso(year)
    return iso(year, month, day or None)


@lru_cache(maxsize=1 << 16)
def from_iso(text: str | None) -> str | None:
    """'2012-12-31', '2012-12-31T00:00:00Z', '2012-12', '2012' → the partial date, validated."""
    match = re.match(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text or "")
    if not match:
        return None
    year, month, day = match.groups()
    return iso(int(year), int(month) if month else None, int(day) if day else None)


def from_text(text: str) -> str | None:
    """OFAC-style '10 Dec 1948', 'Dec 1948', '1948' (optionally after 'circa')."""
    text = _CIRCA.sub("", text).strip()
    match = _TEXT_DATE.fullmatch(text)
    if not match:
        return None
    day, month_name, year = match.groups()
    month = _MONTHS.get(month_name.lower()) if month_name else None
    if month_name and month is None:
        return None
    return iso(int(year), month, int(day) if day and month else None)


def covering(start: str, end: str) -> tuple[str, ...]:
    """The partial dates that say what a published range says.

    "01 Feb 1958 to 28 Feb 1958" is exactly February 1958; "1953 to 1958" is any of those
    years (birth dates are alternatives, like OFAC's "alt. DOB"); a range that is not whole
    months or years is kept as its two endpoints.
    """
    if start == end:
        return (start,)
    s_year, e_year = int(start[:4]), int(end[:4])
    starts_year = len(start) == 4 or start[5:] in ("01", "01-01")
    ends_year = len(end) == 4 or end[5:] in ("12", "12-31")
    if starts_year and ends_year and 0 <= e_year - s_year < _MAX_EXPANDED_YEARS:
        return tuple(f"{year:04d}" for year in range(s_year, e_year + 1))
    if start[:7] == end[:7] and len(start) == len(end) == 10:
        last_day = days_in_month(s_year, int(start[5:7]))
        if start[8:] == "01" and int(end[8:]) == last_day:
            return (start[:7],)
    return (start, end)


def from_http(value: str | None) -> datetime | None:
    """An HTTP date header ("Fri, 03 May 2024 18:43:23 GMT"), or None when absent or unreadable."""
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
