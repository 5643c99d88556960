"""Comparing an entity's facts with a sanction entry's listed facts, shared by several rules."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from datetime import date
from functools import lru_cache
from itertools import chain, pairwise

from refdb import dates
from refdb.countries import country_codes
from refdb.matching.score import SCORE_DIGITS, NameLetters, letters_upper_bound, name_letters

Forms = tuple[str, ...]  # a name's folded forms: ``forms_of(normalized)`` of refdb.matching


@lru_cache(maxsize=65536)  # a database holds far fewer distinct dates than rows
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


def nationalities_conflict(nationality: str | None, listed: Iterable[str]) -> bool:
    codes = country_codes(listed)
    return bool(nationality and codes and nationality.lower() not in codes)


# A cheap screen before the matcher: ``letters_upper_bound`` of the matcher, defined and
# tested beside ``_compare``, bounds a pair's name score from the sorted letters of its
# forms. Scores are rounded to SCORE_DIGITS decimals, the name score and then the entity
# score: each rounding may lift a score by half a unit, so the screen allows one unit.
_ROUNDING = 10.0**-SCORE_DIGITS + 1e-9


def letters(forms: Forms, respelled: bool = False) -> list[NameLetters]:
    """``name_letters`` of each folded form of a name, for ``screened``; ``respelled``:
    the name has a ``spelled_reading`` (katakana), which the matcher respells."""
    return [name_letters(form, respelled) for form in forms]


def screened(own: list[NameLetters], candidates: dict[str, list[NameLetters]], needed: float) -> list[str]:
    """The candidate names (name -> ``letters``) that may reach the name score ``needed``
    against a name whose ``letters`` are ``own``."""
    floor = needed - _ROUNDING
    return [
        candidate
        for candidate, theirs in candidates.items()
        if any(letters_upper_bound(a, b) >= floor for a in own for b in theirs)
    ]


class NameIndex:
    """Names of many entities by key, to find the few worth scoring against a name.

    Keys are the tokens of a name's folded forms and adjacent pairs of them joined
    ("lishangfu", so that spacing does not matter), leaving out tokens that more than
    ``share`` of the entities have ("bin", "al", "li"): candidates share two keys, or
    the one key a name has.

    ``blocks`` (entity id -> block, e.g. a birth year) lets a caller ask only for the
    candidates in some blocks, without counting the others.
    """

    def __init__(
        self,
        names: dict[int, list[Forms]],
        share: float,
        minimum: int,
        blocks: dict[int, Hashable] | None = None,
    ) -> None:
        tokens: Counter[str] = Counter()
        for group in names.values():
            tokens.update({token for forms in group for form in forms for token in form.split()})
        self.limit = max(minimum, int(len(names) * share))
        self.common = {token for token, count in tokens.items() if count > self.limit}
        self._keys: dict[Forms, set[str]] = {}
        self.index: dict[str, set[int]] = defaultdict(set)
        self.blocked: dict[str, dict[Hashable, set[int]]] = defaultdict(lambda: defaultdict(set))
        for entity_id, group in names.items():
            for forms in group:
                for key in self.keys(forms):
                    self.index[key].add(entity_id)
                    if blocks is not None:
                        self.blocked[key][blocks[entity_id]].add(entity_id)

    def keys(self, forms: Forms) -> set[str]:
        found = self._keys.get(forms)
        if found is None:  # names indexed are often asked about too (duplicate-entity)
            found = self._keys[forms] = set()
            for form in forms:
                parts = [part for part in form.split() if part not in self.common]
                found.update(parts)
                found.update(a + b for a, b in pairwise(parts))
        return found

    def candidates(self, forms: Forms, blocks: Iterable[Hashable] | None = None) -> set[int]:
        """The candidates for a name, or those of them in ``blocks``."""
        usable = [key for key in self.keys(forms) if 0 < len(self.index.get(key, ())) <= self.limit]
        if blocks is None:
            postings = [self.index[key] for key in usable]
        else:
            postings = [ids for key in usable for block in blocks if (ids := self.blocked[key].get(block))]
        if len(usable) < 2:  # the one key a name has is enough
            return set().union(*postings)
        shared = Counter(chain.from_iterable(postings))
        return {entity_id for entity_id, count in shared.items() if count >= 2}
