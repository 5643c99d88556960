"""What every list parser yields: entries as the list publishes them, before any database work."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from refdb.errors import RefdbError

NAME_KINDS = ("primary", "alias", "former", "original_script", "weak_alias")
TARGET_KINDS = ("person", "organization", "vessel", "aircraft", "unknown")


class ImportFormatError(RefdbError):
    """The file is not a usable copy of the list: one specific, user-facing message."""


@dataclass(frozen=True, slots=True)
class ParsedName:
    name: str
    kind: str = "alias"  # one of NAME_KINDS
    lang: str | None = None
    script: str | None = None  # ISO 15924 code, e.g. "Latn", "Arab", "Hani"


@dataclass(frozen=True, slots=True)
class ParsedIdentifier:
    scheme: str  # the label as published, e.g. "Passport", "Tax ID No."
    value: str
    country: str | None = None

    def as_stored(self) -> dict[str, str | None]:
        """As a list entry stores it (SanctionEntry.identifiers)."""
        return {"scheme": self.scheme, "value": self.value, "country": self.country}


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    record_id: str
    target_kind: str  # one of TARGET_KINDS
    name: str
    names: tuple[ParsedName, ...]
    birth_dates: tuple[str, ...]  # ISO partial dates, alternatives ("any of")
    birth_places: tuple[str, ...]
    nationalities: tuple[str, ...]
    addresses: tuple[str, ...]
    identifiers: tuple[ParsedIdentifier, ...]
    programs: tuple[str, ...]
    listed_on: str | None
    remarks: str | None
    title: str | None  # position/function as published (OFAC Title, UN DESIGNATION, ...)
    raw: dict  # the record as published, JSON-serialisable


@dataclass(frozen=True, slots=True)
class ParsedList:
    source: str
    published_on: str | None
    # A one-shot iterator for the streaming (XML) parsers; a format error can surface while
    # iterating, which is why importing consumes it inside the database transaction.
    entries: Iterator[ParsedEntry] | list[ParsedEntry]


def unique(values: Iterable[str | None]) -> tuple[str, ...]:
    """Non-empty values, stripped, first occurrence kept, in published order."""
    return tuple(dict.fromkeys(text for value in values if value and (text := value.strip())))
