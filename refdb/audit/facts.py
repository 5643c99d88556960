"""Comparing an entity's facts with a sanction entry's listed facts, shared by several rules."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from refdb import dates

# Lists rarely separate public bodies from other organizations (OFAC lists the EDD as an entity).
_KIND_GROUPS = {"public_body": "organization"}


def kind_group(kind: str) -> str:
    return _KIND_GROUPS.get(kind, kind)


def kinds_agree(entity_kind: str, target_kind: str) -> bool:
    return target_kind == "unknown" or kind_group(entity_kind) == kind_group(target_kind)


def interval(text: str | None) -> tuple[date, date] | None:
    """The days a partial date covers, or None when it is missing or not a date."""
    if not text:
        return None
    try:
        return dates.earliest(text), dates.latest(text)
    except dates.InvalidDate:
        return None


def certain_span(start_on: str | None, end_on: str | None, open_ended: bool) -> tuple[date, date] | None:
    """The days a period certainly covers: from the last day its start may be to the first
    day its end may be (``open_ended``: no end date means it goes on); None when no day is
    certain."""
    start = interval(start_on)
    if start is None:
        return None
    end = interval(end_on)
    if end is not None:
        last = end[0]
    elif open_ended:
        last = date.max
    else:
        return None
    return (start[1], last) if start[1] < last else None


def possible_span(start_on: str | None, end_on: str | None) -> tuple[date, date]:
    """The days a period may cover: unknown bounds reach as far as they can."""
    start, end = interval(start_on), interval(end_on)
    return (start[0] if start else date.min, end[1] if end else date.max)


def birth_dates_conflict(birth_date: str | None, listed: Iterable[str]) -> bool:
    """True when both sides know a birth date and no listed one can be the entity's."""
    own = interval(birth_date)
    known = [span for span in map(interval, listed) if span]
    if own is None or not known:
        return False
    return not any(start <= own[1] and own[0] <= end for start, end in known)


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """A listed nationality ("China", "CN", "Russian Federation") as a lowercase ISO code.

    Names need pycountry; without it only two-letter codes are compared, and a name
    that cannot be resolved is never counted as a conflict.
    """
    text = value.strip()
    if len(text) == 2 and text.isalpha():
        return text.lower()
    try:
        import pycountry
    except ImportError:
        return None
    try:
        return pycountry.countries.lookup(text).alpha_2.lower()
    except LookupError:
        pass
    try:  # short forms lists use ("Russia", "Iran"), only when a candidate's name holds them
        best = pycountry.countries.search_fuzzy(text)[0]
    except LookupError:
        return None
    names = " ".join(getattr(best, key, "") for key in ("name", "official_name", "common_name"))
    return best.alpha_2.lower() if text.casefold() in names.casefold() else None


def listed_codes(listed: Iterable[str]) -> list[str]:
    return [code for code in map(country_code, listed) if code]


def nationalities_conflict(nationality: str | None, listed: Iterable[str]) -> bool:
    codes = listed_codes(listed)
    return bool(nationality and codes and nationality.lower() not in codes)
