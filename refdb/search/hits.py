"""What an analyst sees of a screening: one row per hit, with the hit's own list data.

Each row names the input (row number, name, birth date, nationality) and the hit: its
score, record (LIST:RECORD_ID, or entity:ID for a curated entity), name, programs,
birth dates, nationalities, and for a sanction entry its listing dates and its status
on the screening's day by refdb.listing's one rule ("active", "delisted",
"uncertain" while a delisting or an unpublished listing date leaves it open, "not
yet listed"). An input without a hit still has a row, saying ``no match``, so that
nothing silently drops out of the output.

A hit's ``outcome`` is ``match``, or what an analyst's decision in force made of it:
``cleared`` (not counted as a match) or ``confirmed`` (refdb/search/decisions.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from refdb.countries import country_code
from refdb.listing import ListingDates
from refdb.reading import Raw, id_list, json_list, sql_date
from refdb.search.decisions import Applied, Target, record_ref

if TYPE_CHECKING:
    from refdb.search.service import ScreeningResult, SearchHit

COUNTED = ("match", "confirmed")  # outcomes that count as a match in a run's summary and exit status


@dataclass(frozen=True, slots=True)
class HitFacts:
    """A hit's list data (an entity's own birth date and nationality)."""

    programs: list[str]
    birth_dates: list[str]
    nationalities: list[str]
    listing: ListingDates | None = None  # sanction entries only


def hit_facts(raw: Raw, hits: Sequence[SearchHit]) -> dict[Target, HitFacts]:
    """The list data of a screened name's hits: two statements for its entries, one for
    its entities, none when it has no hit."""
    found: dict[Target, HitFacts] = {}
    entry_ids = sorted({h.id for h in hits if h.type == "sanction_entry"})
    if entry_ids:
        ids = id_list(entry_ids)
        programs: dict[int, list[str]] = {}
        for entry_id, code in raw.rows(
            "SELECT ep.entry_id, p.code FROM entry_program ep JOIN program p ON p.id = ep.program_id "
            f"WHERE ep.entry_id IN ({ids}) ORDER BY p.code"
        ):
            programs.setdefault(entry_id, []).append(code)
        for id_, births, nationalities, listed_on, listed_by, delisted_on, delisted_after in raw.rows(
            "SELECT id, birth_dates, nationalities, listed_on, listed_no_later_than, delisted_on, "
            f"delisted_after FROM sanction_entry WHERE id IN ({ids})"
        ):
            found[("sanction_entry", id_)] = HitFacts(
                programs.get(id_, []),
                json_list(births),
                _nationalities(json_list(nationalities)),
                ListingDates(listed_on, sql_date(listed_by), delisted_on, sql_date(delisted_after)),
            )
    entity_ids = sorted({h.id for h in hits if h.type == "entity"})
    if entity_ids:
        for id_, birth_date, nationality in raw.rows(
            f"SELECT id, birth_date, nationality FROM entity WHERE id IN ({id_list(entity_ids)})"
        ):
            found[("entity", id_)] = HitFacts(
                [], [birth_date] if birth_date else [], [nationality] if nationality else []
            )
    return found


def _nationalities(listed: list[str]) -> list[str]:
    """A list entry's nationalities as codes, as an entity's are ("China" -> "cn"); a
    spelling that is no known country stays, in lower case, rather than drop out."""
    return list(dict.fromkeys(country_code(n) or n.strip().lower() for n in listed))


def status_on(listing: ListingDates, on: str) -> str:
    """An entry's status on the day or period ``on`` (refdb.listing's rule)."""
    verdict = listing.active_on(on)
    if verdict == "yes":
        return "active"
    if verdict == "uncertain":
        return "uncertain"
    return "delisted" if listing.delisted_on else "not yet listed"


def _no_hit() -> dict[str, Any]:
    return {
        "outcome": "no match", "score": None, "type": None, "id": None, "record": None, "list": None,
        "record_id": None, "hit_name": None, "hit_kind": None, "programs": [], "hit_birth_dates": [],
        "hit_nationalities": [], "status": None, "listing": None, "listed": None,
        "explanation": None, "decision": None, "standing": None,
    }  # fmt: skip


def _hit(result: ScreeningResult, hit: SearchHit, on: str) -> dict[str, Any]:
    target: Target = (hit.type, hit.id)
    facts = result.facts.get(target) or HitFacts([], [], [])
    applied: Applied | None = result.decisions.get(target)
    listing = facts.listing
    return {
        "outcome": applied.outcome if applied else "match",
        "score": hit.score,
        "type": hit.type,
        "id": hit.id,
        "record": record_ref(hit.type, hit.list, hit.record_id, hit.id),
        "list": hit.list,
        "record_id": hit.record_id,
        "hit_name": hit.name,
        "hit_kind": hit.kind,
        "programs": facts.programs,
        "hit_birth_dates": facts.birth_dates,
        "hit_nationalities": facts.nationalities,
        "status": status_on(listing, on) if listing else None,
        "listing": listing.as_dict() if listing else None,
        "listed": listing.describe() if listing else None,
        "explanation": hit.explanation,
        "decision": applied.as_dict() if applied else None,
        "standing": result.standing.get(hit.id) if hit.type == "entity" else None,
    }


def hit_rows(result: ScreeningResult, on: str | None = None) -> list[dict[str, Any]]:
    """A screened name's rows: one per hit, best first, or one saying ``no match``.
    Statuses are as of ``on`` (a partial date; default today)."""
    item = result.input
    head = {
        "row": item.row, "name": item.name, "birth_date": item.birth_date, "nationality": item.nationality,
    }  # fmt: skip
    day = on or date.today().isoformat()
    if not result.hits:
        return [head | _no_hit()]
    return [head | _hit(result, hit, day) for hit in result.hits]


def counts_as_match(rows: Sequence[dict[str, Any]]) -> bool:
    """Whether a screened name has a match no decision in force cleared."""
    return any(row["outcome"] in COUNTED for row in rows)
