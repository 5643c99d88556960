"""The filters of a name search, checked in one place: the CLI, the API, the TUI and
screening build a ``SearchFilters`` and pass it to ``refdb.search.service.find``, so the
same bad value gives the same error everywhere (the CLI prints it and exits 2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from refdb import dates
from refdb.countries import country_code
from refdb.errors import RefdbError
from refdb.vocab import TARGET_KINDS

HitType = Literal["entity", "sanction_entry"]
TYPES: tuple[HitType, ...] = ("entity", "sanction_entry")


class BadFilter(RefdbError):
    """A search filter with a value refdb cannot search by."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchFilters:
    """What narrows or weighs a search besides the name.

    ``kind``: entity kind or listed target kind. ``birth_date`` (a partial ISO date) and
    ``nationality`` (a code, a country name or an adjective; kept as its ISO code) raise
    the score of candidates that agree and lower those that conflict. ``list_key`` keeps
    sanction entries of that list only; ``program`` and ``active_on`` keep sanction
    entries that match and curated entities with a proposed or confirmed link to one.
    ``types``: entities, sanction entries or both."""

    kind: str | None = None
    birth_date: str | None = None
    nationality: str | None = None
    program: str | None = None
    list_key: str | None = None
    active_on: str | None = None
    types: tuple[HitType, ...] = TYPES

    def __post_init__(self) -> None:
        if self.kind and self.kind not in TARGET_KINDS:
            raise BadFilter(f"kind {self.kind!r} is not one of {', '.join(TARGET_KINDS)}")
        if self.birth_date:
            dates.parse_partial(self.birth_date)
        if self.active_on:
            dates.parse_partial(self.active_on)
        if self.nationality:
            object.__setattr__(self, "nationality", _country(self.nationality))
        types = tuple(self.types)
        if unknown := [t for t in types if t not in TYPES]:
            raise BadFilter(f"type {unknown[0]!r} is not one of {', '.join(TYPES)}")
        if self.list_key:  # a list holds sanction entries, not curated entities
            types = tuple(t for t in types if t == "sanction_entry")
        object.__setattr__(self, "types", types)

    @property
    def sanctions(self) -> bool:
        return bool(self.program or self.list_key or self.active_on)

    @property
    def narrowing(self) -> bool:
        """Whether the filters may discard candidates (weighing ones do not)."""
        return bool(self.kind or self.sanctions or len(self.types) < len(TYPES))


NO_FILTERS = SearchFilters()


def _country(nationality: str) -> str:
    """A nationality as given (a code, a name or an adjective) as the ISO code that list
    data is compared in."""
    code = country_code(nationality)
    if code is None:
        raise BadFilter(
            f"nationality {nationality!r} is no country refdb knows: give its ISO code, e.g. 'ru'"
        )
    return code
