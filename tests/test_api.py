"""The Python API a script uses: open a database, search, show, holders, sanctions, screen."""

from __future__ import annotations

import pytest

from refdb import open_db
from refdb.database import Database
from refdb.dates import InvalidDate
from refdb.models import Entity
from refdb.search.service import ScreeningInput
from refdb.services.edits import editing
from refdb.services.lookup import find_entity
from refdb.services.merges import propose_merge


def test_search_finds_li_shangfu_in_chinese_and_explains_why(seeded_db: Database) -> None:
    with open_db(seeded_db.url) as db:
        hits = db.search("李尚福")
    assert (hits[0].type, hits[0].name) == ("entity", "Li Shangfu")
    assert 0 < hits[0].score <= 1 and hits[0].explanation
    listed = [h for h in hits if h.type == "sanction_entry"]
    assert [(h.list, h.record_id) for h in listed] == [("ofac-sdn", "24838")]


def test_show_holders_and_sanctions_answer_as_the_cli_does(seeded_db: Database) -> None:
    with open_db(seeded_db.url) as db:
        profile = db.show("li-shangfu")
        holders = db.holders("Minister of National Defense", "2023-06-01")
        sanctions = db.sanctions(entity="li-shangfu")
    assert "Minister of National Defense" in [t["post"] for t in profile["tenures"]]
    assert [h["person"] for h in holders] == ["Li Shangfu"]
    assert [(s["list"], s["record_id"]) for s in sanctions] == [("ofac-sdn", "24838")]


def test_screen_yields_one_result_per_name_in_order(seeded_db: Database) -> None:
    with open_db(seeded_db.url) as db:
        results = list(db.screen(["Shangfu Li", ScreeningInput("Nobody Atall Xyzzy", row=7)]))
    assert [r.input.row for r in results] == [1, 7]
    assert results[0].hits and results[0].hits[0].name == "Li Shangfu"
    assert results[1].hits == []


def test_a_bad_date_is_refused(seeded_db: Database) -> None:
    with open_db(seeded_db.url) as db, pytest.raises(InvalidDate, match="not a valid date"):
        db.search("li shangfu", birth_date="1958-13")


def test_listings_answer_pages_as_the_cli_does(listing_db: Database) -> None:
    with open_db(listing_db.url) as db:
        sanctioned = db.officials(in_office_on="2006", sanctioned="yes")
        proposed = db.links(status="proposed")
        posts = db.posts(country="us", limit=1)
    assert (sanctioned["total"], [o["name"] for o in sanctioned["items"]]) == (1, ["Carl Gamma"])
    assert [k["record_id"] for k in proposed["items"]] == ["RU-2"]
    assert (posts["total"], posts["items"][0]["title"], posts["items"][0]["holders"]) == (
        1,
        "Senator for Ohio",
        3,
    )


def test_merges_are_listed_and_decided(seeded_db: Database) -> None:
    with editing(seeded_db, "importer") as editor:
        twin = editor.create(Entity(kind="person", name="Joe Biden", nationality="us")).id
        kept = find_entity(editor.session, "joe-biden").id
        merge_id = propose_merge(editor, kept, twin, score=0.9, explanation="same name").id  # type: ignore[arg-type]
    with open_db(seeded_db.url, actor="auditor") as db:
        assert [m["merge_id"] for m in db.merges()] == [merge_id]
        decided = db.decide_merge(merge_id, "accepted", "same man")  # type: ignore[arg-type]
        assert decided["status"] == "accepted" and decided["merge"]["retired_id"] == twin
        assert db.merges() == [] and db.show(twin)["id"] == kept  # type: ignore[arg-type]


def test_a_decision_made_through_the_api_is_honoured_by_the_next_screening(seeded_db: Database) -> None:
    with open_db(seeded_db.url) as db:
        made = db.decide("shangfu li", "ofac-sdn:24838", "cleared", "customer born 1990")
        [result] = list(db.screen(["Shangfu LI"]))
        outcomes = {row["record"]: row["outcome"] for row in result.rows()}
        assert outcomes["ofac-sdn:24838"] == "cleared"
        assert db.screening_decisions() == [made]
