"""refdb import wikidata: people by QID and holders of a position, over loopback HTTP.

The people's answers are the committed wbgetentities excerpts (tests/data/wikidata). The
positions' labels, the countries' ISO codes and the SPARQL results are HANDCRAFTED here,
in the formats the Wikidata API and query service answer with: only "President of Russia"
(Q218295), "Prime Minister of Russia" (Q842386) and Russia's code (Q159: RU) are real
values; the other positions get labels saying they are test labels, and so do the
organizations (their QIDs are the real ones the excerpt's P2389 qualifiers name). One
position claim is HANDCRAFTED: "President of Russia" directs BODY_OF_PRESIDENT (P2389).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from db_state import state
from loopback import HttpServer
from sqlalchemy import select
from sqlmodel import Session

from refdb.database import Database
from refdb.importers.officials import wikidata
from refdb.importers.officials.service import import_wikidata
from refdb.importers.records import ImportFormatError
from refdb.models import Entity, Identifier, Name, Post, Tenure

DATA = Path(__file__).resolve().parents[2] / "data" / "wikidata"
REAL_LABELS = {"Q218295": "President of Russia", "Q842386": "Prime Minister of Russia"}
BODY_OF_PRESIDENT = "Q900001"  # HANDCRAFTED: a made-up QID


def person_answer(*qids: str, extra_labels: dict[str, str] | None = None) -> dict[str, Any]:
    entities = {}
    for qid in qids:
        entity = json.loads((DATA / f"{qid}_wbgetentities.json").read_text("utf-8"))["entities"][qid]
        for lang, text in (extra_labels or {}).items():
            entity["labels"][lang] = {"language": lang, "value": text}
        entities[qid] = entity
    return {"entities": entities, "success": 1}


def item(qid: str) -> dict[str, Any]:
    return {
        "mainsnak": {
            "snaktype": "value",
            "datavalue": {"value": {"entity-type": "item", "id": qid}, "type": "wikibase-entityid"},
        },
        "rank": "normal",
    }


def position_answer(qids: list[str]) -> dict[str, Any]:
    """HANDCRAFTED: each position in Russia (P17 Q159), labelled as REAL_LABELS says or as a test label."""
    return {
        "entities": {
            qid: {
                "id": qid,
                "type": "item",
                "labels": {"en": {"language": "en", "value": REAL_LABELS.get(qid, f"test label of {qid}")}},
                "claims": {
                    "P17": [item("Q159")],
                    **({"P2389": [item(BODY_OF_PRESIDENT)]} if qid == "Q218295" else {}),
                },
            }
            for qid in qids
        },
        "success": 1,
    }


def iso_answer(code: str | None) -> dict[str, Any]:
    """HANDCRAFTED wbgetclaims answer for P297 (empty for a country without a code)."""
    claims = [
        {"mainsnak": {"snaktype": "value", "datavalue": {"value": code, "type": "string"}}, "rank": "normal"}
    ]
    return {"claims": {"P297": claims} if code else {}}


def serve_wikidata(server: HttpServer, people: dict[str, Any], batch: list[str]) -> str:
    """Route every answer an import of ``batch`` asks for; returns the API URL."""
    api = server.url("w/api.php")
    server.route(wikidata.entities_url(api, batch, "labels|aliases|claims"), json.dumps(people).encode())
    positions = sorted({p for q in batch for p in wikidata.positions_held(people["entities"][q])})
    server.route(
        wikidata.entities_url(api, positions, "labels|claims"),
        json.dumps(position_answer(positions)).encode(),
    )
    bodies = {o for q in batch for o in wikidata.statement_organizations(people["entities"][q])}
    if "Q218295" in positions:
        bodies.add(BODY_OF_PRESIDENT)
    if bodies:
        answer = {  # HANDCRAFTED labels
            "entities": {
                q: {"id": q, "type": "item", "labels": {"en": {"language": "en", "value": f"test body {q}"}}}
                for q in bodies
            }
        }
        server.route(wikidata.entities_url(api, sorted(bodies), "labels"), json.dumps(answer).encode())
    countries = {c for q in batch for c in wikidata.countries_of(people["entities"][q], "P27")} | {"Q159"}
    for country in countries:
        code = "RU" if country == "Q159" else None
        server.route(wikidata.claims_url(api, country, "P297"), json.dumps(iso_answer(code)).encode())
    return api


def test_people_with_their_positions_at_wikidatas_precision(
    empty_db: Database, http_server: HttpServer
) -> None:
    people = person_answer("Q7747", "Q254220", extra_labels={"ru": "Владимир Путин"})
    api = serve_wikidata(http_server, people, ["Q7747", "Q254220"])
    result = import_wikidata(empty_db, ["Q7747", "q254220"], api_url=api)
    assert (result.people, result.people_added) == (2, 2)
    with Session(empty_db.engine) as session:
        putin = session.scalars(
            select(Entity)
            .join(Identifier, Identifier.entity_id == Entity.id)
            .where(Identifier.value == "Q7747")
        ).one()
        assert (putin.name, putin.birth_date, putin.gender, putin.nationality) == (
            "Vladimir Putin",
            "1952-10-07",
            "male",
            "ru",
        )
        names = {
            (n.name, n.lang, n.script)
            for n in session.scalars(select(Name).where(Name.entity_id == putin.id))
        }
        assert ("Владимир Путин", "ru", "Cyrl") in names
        assert ("Vladimir Vladimirovich Putin", "en", "Latn") in names
        tenures = session.execute(
            select(Post.title, Post.key, Post.country, Tenure.start_on, Tenure.end_on, Tenure.status)
            .join(Post, Post.id == Tenure.post_id)
            .where(Tenure.person_id == putin.id)
        ).all()
        # 22 P39 statements, one deprecated (left out).
        assert len(tenures) == 21
        assert ("President of Russia", "wikidata-Q218295", "ru", "2012-05-07", None, "unknown") in tenures
        assert (
            "President of Russia",
            "wikidata-Q218295",
            "ru",
            "2000-05-07",
            "2008-05-07",
            "ended",
        ) in tenures
        # Year precision stays a year (Q1553195: +1995-01-01 precision 9); the statement's
        # P2389 qualifier names the body: the post is that position in that body.
        assert (
            "test label of Q1553195",
            "wikidata-Q1553195-Q4488786",
            "ru",
            "1995",
            "1997",
            "ended",
        ) in tenures
        assert not [t for t in tenures if t.title == "test label of Q2350808"]  # the deprecated one


def test_reimport_writes_nothing(empty_db: Database, http_server: HttpServer) -> None:
    api = serve_wikidata(http_server, person_answer("Q254220"), ["Q254220"])
    import_wikidata(empty_db, ["Q254220"], api_url=api)
    before = state(empty_db)
    again = import_wikidata(empty_db, ["Q254220"], api_url=api)
    assert state(empty_db) == before
    assert (again.people_matched, again.tenures_unchanged, again.tenures_added) == (1, 1, 0)


def test_holders_of_a_position_come_from_sparql(empty_db: Database, http_server: HttpServer) -> None:
    api = serve_wikidata(http_server, person_answer("Q7747"), ["Q7747"])
    sparql = http_server.url("sparql")
    answer = {  # HANDCRAFTED SPARQL JSON result, the same holder twice (two statements)
        "head": {"vars": ["person"]},
        "results": {
            "bindings": [
                {"person": {"type": "uri", "value": "http://www.wikidata.org/entity/Q7747"}},
                {"person": {"type": "uri", "value": "http://www.wikidata.org/entity/Q7747"}},
            ]
        },
    }
    http_server.route(wikidata.holders_url(sparql, "Q218295"), json.dumps(answer).encode())
    result = import_wikidata(empty_db, positions=["Q218295"], api_url=api, sparql_url=sparql)
    assert (result.people, result.people_added) == (1, 1)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"entities": {"Q7747": {"id": "Q7', "malformed JSON"),
        (
            b'{"error": {"code": "no-such-entity", "info": "Could not find an entity"}}',
            "the API refused: no-such-entity",
        ),
        (b'{"entities": {"Q7747": {"id": "Q7747", "missing": ""}}}', "Wikidata has no entity Q7747"),
        (b"<!DOCTYPE html><html><body>Too many requests</body></html>", "got an HTML page"),
        (b'{"batchcomplete": ""}', "not a wbgetentities response"),
    ],
)
def test_bad_answers_are_one_line_and_write_nothing(
    empty_db: Database, http_server: HttpServer, body: bytes, message: str
) -> None:
    api = http_server.url("w/api.php")
    http_server.route(wikidata.entities_url(api, ["Q7747"], "labels|aliases|claims"), body)
    before = state(empty_db)
    with pytest.raises(ImportFormatError, match=message) as raised:
        import_wikidata(empty_db, ["Q7747"], api_url=api)
    assert "\n" not in str(raised.value)
    assert state(empty_db) == before


def test_not_a_person_is_refused(empty_db: Database, http_server: HttpServer) -> None:
    people = person_answer("Q7747")
    people["entities"]["Q7747"]["claims"]["P31"] = [item("Q515")]  # made a city, here
    api = serve_wikidata(http_server, people, ["Q7747"])
    with pytest.raises(ImportFormatError, match="Q7747 is not a person"):
        import_wikidata(empty_db, ["Q7747"], api_url=api)


def test_posts_are_in_the_organization_wikidata_names(empty_db: Database, http_server: HttpServer) -> None:
    """The position's own P2389, else a P39 statement's single P2389 qualifier; a statement
    naming several organizations (Q140686: ten) gives none."""
    api = serve_wikidata(http_server, person_answer("Q7747"), ["Q7747"])
    import_wikidata(empty_db, ["Q7747"], api_url=api)
    with Session(empty_db.engine) as session:
        bodies = dict(
            session.execute(
                select(Post.key, Entity.name).outerjoin(Entity, Entity.id == Post.organization_id)
            ).all()
        )
        kinds = set(session.scalars(select(Entity.kind).where(Entity.name.startswith("test body"))).all())
    assert bodies["wikidata-Q218295"] == f"test body {BODY_OF_PRESIDENT}"
    assert bodies["wikidata-Q1553195-Q4488786"] == "test body Q4488786"
    assert bodies["wikidata-Q1553195-Q151469"] == "test body Q151469"
    assert bodies["wikidata-Q140686-Q27512950"] == "test body Q27512950"
    assert bodies["wikidata-Q140686"] is None  # the statement naming ten organizations
    assert bodies["wikidata-Q842386"] is None  # nothing named: no body invented
    assert kinds == {"public_body"}
