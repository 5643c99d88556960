"""Why a search hit on a curated entity matters (tests/listing_world.py's people)."""

from __future__ import annotations

from typing import Any

import pytest

from refdb.database import Database
from refdb.reading import Raw
from refdb.search.filters import SearchFilters
from refdb.search.service import search
from refdb.services.standing import with_standing


def person_hit(database: Database, name: str) -> dict[str, Any]:
    with database.reading() as reader:
        hits = search(reader, name, SearchFilters(types=("entity",)))
    assert hits and hits[0]["name"] == name
    return hits[0]


def sanctions(hit: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(s["record_id"], s["link_status"], s["entry_status"]) for s in hit["sanctions"]]


def test_a_hit_lists_its_posts_current_first(listing_db: Database) -> None:
    anna = person_hit(listing_db, "Anna Alpha")
    assert [(p["post"], p["current"]) for p in anna["posts"]] == [
        ("Minister of Finance", False),
        ("Governor of the Central Bank", False),
    ]
    boris = person_hit(listing_db, "Boris Beta")
    assert [(p["post"], p["start"], p["current"]) for p in boris["posts"]] == [
        ("Governor of the Central Bank", "2016", True)
    ]


def test_a_hit_lists_its_links_but_not_rejected_ones(listing_db: Database) -> None:
    assert sanctions(person_hit(listing_db, "Anna Alpha")) == [("RU-1", "confirmed", "active")]
    assert sanctions(person_hit(listing_db, "Boris Beta")) == [("RU-2", "proposed", "active")]
    assert sanctions(person_hit(listing_db, "Carl Gamma")) == [("US-1", "confirmed", "delisted")]
    assert sanctions(person_hit(listing_db, "Emil Epsilon")) == []


def test_a_list_record_hit_gets_no_posts(listing_db: Database) -> None:
    with listing_db.reading() as reader:
        hits = search(reader, "RU-1", SearchFilters(types=("sanction_entry",)))
    assert hits and all("posts" not in hit for hit in hits)


def test_a_page_of_hits_costs_two_queries(listing_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with listing_db.reading() as reader:
        hits = [hit for name in ("Anna Alpha", "Boris Beta", "Carl Gamma", "Emil Epsilon")
                for hit in search(reader, name, SearchFilters(types=("entity",)))[:1]]  # fmt: skip
        statements: list[str] = []
        original = Raw.rows

        def counted(self: Raw, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
            statements.append(sql)
            return original(self, sql, params)

        monkeypatch.setattr(Raw, "rows", counted)
        with_standing(reader.raw, [dict(hit) for hit in hits])
    assert len(hits) == 4 and len(statements) == 2


def test_screening_matches_say_why_a_curated_hit_matters(listing_db: Database) -> None:
    from refdb.search.service import ScreeningInput, screen

    with listing_db.reading() as reader:
        (result,) = list(screen(reader, [ScreeningInput("Carl Gamma", row=1)], threshold=0.9))
    (carl,) = [m for m in result.as_dict()["matches"] if m["type"] == "entity"]
    assert [p["post"] for p in carl["posts"]] == ["Senator for Ohio"]
    assert sanctions(carl) == [("US-1", "confirmed", "delisted")]
