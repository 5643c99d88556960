"""Merge proposals: proposed once per pair (in either order), decided with a reason, logged."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from refdb.audit import run_audit
from refdb.database import Database
from refdb.errors import Conflict, InvalidInput, NotFound
from refdb.importers.proposals import propose_links
from refdb.importers.records import ParsedEntry
from refdb.models import (
    Change,
    Citation,
    Entity,
    Identifier,
    Link,
    MergeProposal,
    Name,
    Post,
    Source,
    Tenure,
)
from refdb.services.edits import Editor, editing
from refdb.services.history import history
from refdb.services.links import decide_link
from refdb.services.lookup import entity_profile, find_entity
from refdb.services.merges import decide_merge, merge_proposals, proposal_page, proposal_sides, propose_merge


def two_people(editor: Editor) -> tuple[int, int]:
    first = editor.create(Entity(kind="person", name="Jane Example", birth_date="1950"))
    second = editor.create(Entity(kind="person", name="Jane Example"))
    return first.id, second.id  # type: ignore[return-value]


def test_a_pair_is_proposed_once_whatever_the_order(empty_db: Database) -> None:
    with Session(empty_db.engine) as session, session.begin():
        editor = Editor(session, "importer")
        a, b = two_people(editor)
        first = propose_merge(editor, a, b, score=0.9, explanation="same name")
        again = propose_merge(editor, b, a, score=0.5, explanation="other words")
        assert again.id == first.id and again.score == 0.9
        assert [p.id for p in merge_proposals(session)] == [first.id]


def test_a_decision_needs_a_reason_and_is_logged(empty_db: Database) -> None:
    with Session(empty_db.engine) as session, session.begin():
        editor = Editor(session, "importer")
        a, b = two_people(editor)
        proposal = propose_merge(editor, a, b, score=0.9, explanation="same name")
        with pytest.raises(InvalidInput):
            decide_merge(Editor(session, "auditor"), proposal.id, "accepted", "  ")  # type: ignore[arg-type]
        with pytest.raises(InvalidInput):
            decide_merge(Editor(session, "auditor"), proposal.id, "merged", "why")  # type: ignore[arg-type]
        decided, merged = decide_merge(
            Editor(session, "auditor"), proposal.id, "rejected", "different middle names"
        )  # type: ignore[arg-type]
        assert merged is None
        assert (decided.status, decided.decided_by, decided.decision_reason) == (
            "rejected",
            "auditor",
            "different middle names",
        )
        assert merge_proposals(session) == []
        assert merge_proposals(session, "rejected") == [decided]
        logged = session.exec(
            select(Change.action).where(Change.table_name == "merge_proposal", Change.row_id == proposal.id)
        ).all()
        assert logged == ["create", "update"]


# ---------------------------------------------------------------------- accepting merges


def _facts(session: Session, entity_id: int) -> dict[str, object]:
    """What a reader sees of an entity: its names, identifiers, posts held and links."""
    return {
        "names": sorted(n.name for n in session.exec(select(Name).where(Name.entity_id == entity_id))),
        "identifiers": sorted(
            (i.scheme, i.value)
            for i in session.exec(select(Identifier).where(Identifier.entity_id == entity_id))
        ),
        "tenures": sorted(
            (t.post_id, t.start_on or "")
            for t in session.exec(select(Tenure).where(Tenure.person_id == entity_id))
        ),
        "links": sorted(
            (link.entry_id, link.status)
            for link in session.exec(select(Link).where(Link.entity_id == entity_id))
        ),
    }


def _li_twice(editor: Editor) -> tuple[int, int, int]:
    """The seeded Li Shangfu and a second entity for him as an import would add it: a name
    he already has and a new one, an identifier, the seeded EDD tenure again (cited) and a
    new post, a proposed link to the SDN entry his seeded link already confirms.
    Returns (seeded id, duplicate id, the duplicate's doubled tenure id)."""
    session = editor.session
    li = find_entity(session, "li-shangfu")
    edd = session.exec(select(Tenure).where(Tenure.person_id == li.id, Tenure.start_on == "2017")).first()
    assert edd is not None, "the seeded EDD tenure starts in 2017"
    confirmed = session.exec(select(Link).where(Link.entity_id == li.id, Link.status == "confirmed")).one()
    source = session.exec(select(Source)).first()
    assert source is not None
    dup = editor.create(Entity(kind="person", name="Li Shangfu", birth_date="1958-02-10"))
    assert dup.id is not None
    editor.create(Name(entity_id=dup.id, name="Li Shangfu", kind="primary", normalized=""))
    editor.create(Name(entity_id=dup.id, name="General Li Shangfu", kind="alias", normalized=""))
    editor.create(Identifier(entity_id=dup.id, scheme="wikidata", value="Q15917305"))
    again = editor.create(
        Tenure(
            person_id=dup.id, post_id=edd.post_id, start_on=edd.start_on, end_on=edd.end_on, status=edd.status
        )
    )
    editor.create(
        Citation(source_id=source.id, subject_table="tenure", subject_id=again.id, locator="import line 3")
    )  # type: ignore[arg-type]
    post = editor.create(Post(title="Member of the 20th Central Committee", country="cn"))
    editor.create(
        Tenure(person_id=dup.id, post_id=post.id, start_on="2022-10", status="ended", end_on="2024-07")
    )  # type: ignore[arg-type]
    editor.create(Link(entity_id=dup.id, entry_id=confirmed.entry_id, status="proposed", score=0.95))
    return li.id, dup.id, again.id  # type: ignore[return-value]


def test_accepting_moves_every_fact_onto_the_kept_entity_and_collapses_duplicates(
    seeded_db: Database,
) -> None:
    with editing(seeded_db, "importer") as editor:
        li, dup, doubled = _li_twice(editor)
        before = _facts(editor.session, li)
        proposal_id = propose_merge(
            editor, li, dup, score=0.9, explanation="same name, birth dates overlap"
        ).id
    with editing(seeded_db, "auditor") as editor:
        decided, merged = decide_merge(editor, proposal_id, "accepted", "same man: Xinhua and the SDN agree")  # type: ignore[arg-type]
        assert decided.status == "accepted" and merged is not None
    assert merged.collapsed == {"name": 1, "tenure": 1, "link": 1}
    with Session(seeded_db.engine) as session:
        after = _facts(session, li)
        assert _facts(session, dup) == {"names": [], "identifiers": [], "tenures": [], "links": []}
        assert after["names"] == sorted({*before["names"], "General Li Shangfu"})  # type: ignore[arg-type]
        assert after["identifiers"] == sorted([*before["identifiers"], ("wikidata", "Q15917305")])  # type: ignore[misc]
        assert len(after["tenures"]) == len(before["tenures"]) + 1  # type: ignore[arg-type]
        assert after["links"] == before["links"]  # the confirmed link stays; the proposed one collapsed
        # The doubled tenure's citation now supports the kept tenure.
        kept_edd = session.exec(select(Tenure).where(Tenure.person_id == li, Tenure.start_on == "2017")).one()
        locators = session.exec(
            select(Citation.locator).where(
                Citation.subject_table == "tenure", Citation.subject_id == kept_edd.id
            )
        ).all()
        assert "import line 3" in locators
        assert session.get(Tenure, doubled) is None
        # The retired entity leads to the kept one; its own history stays readable.
        retired = session.get(Entity, dup)
        assert retired is not None and retired.merged_into_id == li
        assert find_entity(session, str(dup)).id == li
        assert entity_profile(session, "li-shangfu")["merged_from"] == [dup]
        records, _ = history(session, str(dup))
        assert records[0]["action"] == "create"
        assert any(r["table"] == "entity" and r["after"]["merged_into_id"] == li for r in records)
        # Every move is in the keyed change log, with the decision's reason.
        assert run_audit(session, ["unlogged-change", "change-log-broken"]) == []
        reasons = session.exec(select(Change.reason).where(Change.actor == "auditor")).all()
        assert len(reasons) > 5 and all(
            "merge proposal" in (r or "") or r == "same man: Xinhua and the SDN agree" for r in reasons
        )


def test_a_decided_proposal_is_not_decided_again(seeded_db: Database) -> None:
    with editing(seeded_db) as editor:
        li, dup, _ = _li_twice(editor)
        proposal = propose_merge(editor, li, dup, score=0.9, explanation="x")
        decide_merge(editor, proposal.id, "rejected", "namesake")  # type: ignore[arg-type]
        with pytest.raises(Conflict, match="already rejected"):
            decide_merge(editor, proposal.id, "accepted", "changed my mind")  # type: ignore[arg-type]


def test_links_decided_differently_stop_the_merge_and_nothing_moves(seeded_db: Database) -> None:
    with editing(seeded_db) as editor:
        li, dup, _ = _li_twice(editor)
        link = editor.session.exec(select(Link).where(Link.entity_id == dup)).one()
        decide_link(editor, link.id, "rejected", "not him")  # type: ignore[arg-type]
        proposal_id = propose_merge(editor, li, dup, score=0.9, explanation="x").id
    with Session(seeded_db.engine) as session:
        before = (_facts(session, li), _facts(session, dup))
    with pytest.raises(Conflict, match="decide them alike first"), editing(seeded_db) as editor:
        decide_merge(editor, proposal_id, "accepted", "same man")  # type: ignore[arg-type]
    with Session(seeded_db.engine) as session:
        assert (_facts(session, li), _facts(session, dup)) == before
        assert session.get(MergeProposal, proposal_id).status == "proposed"  # type: ignore[union-attr]


def test_a_merged_entity_gets_no_link_proposals_of_its_own(seeded_db: Database) -> None:
    """A list import compares new entries with every curated entity: the retired one, whose
    display name is still "Li Shangfu", is not one of them any more."""
    with editing(seeded_db) as editor:
        li, dup, _ = _li_twice(editor)
        proposal_id = propose_merge(editor, li, dup, score=0.9, explanation="x").id
        decide_merge(editor, proposal_id, "accepted", "same man")  # type: ignore[arg-type]
        entry = ParsedEntry(
            "X1", "person", "LI, Shangfu", (), ("1958-02",), (), ("China",), (), (), (), None, None, None, {}
        )
        entry_id = editor.session.exec(select(Link.entry_id).where(Link.entity_id == li)).first()
        proposed = propose_links(editor, [(entry_id, entry)], "test", "ofac-sdn")  # type: ignore[list-item]
        assert dup not in {p["entity_id"] for p in proposed}


# ---------------------------------------------------------------------- reviewing proposals


def test_a_page_of_proposals_filters_by_status_and_either_name(empty_db: Database) -> None:
    with editing(empty_db, "importer") as editor:
        a, b = two_people(editor)
        c = editor.create(Entity(kind="person", name="John Sample")).id
        d = editor.create(Entity(kind="person", name="Jon Sample")).id
        first = propose_merge(editor, a, b, score=0.9, explanation="same name").id
        second = propose_merge(editor, c, d, score=0.6, explanation="names alike").id
    with empty_db.session() as session:
        items, total = proposal_page(session, limit=1)
        assert ([p["merge_id"] for p in items], total) == ([first], 2)
        items, total = proposal_page(session, name="JON SAM")  # the other entity's name
        assert ([(p["merge_id"], p["entity"], p["other"]) for p in items], total) == (
            [(second, "John Sample", "Jon Sample")],
            1,
        )
    with editing(empty_db, "auditor") as editor:
        decide_merge(editor, first, "rejected", "two women")  # type: ignore[arg-type]
    with empty_db.session() as session:
        assert [p["merge_id"] for p in proposal_page(session)[0]] == [second]
        assert [p["merge_id"] for p in proposal_page(session, "rejected")[0]] == [first]
        assert [p["merge_id"] for p in proposal_page(session, None)[0]] == [first, second]
        assert proposal_page(session, name="nobody") == ([], 0)


def test_the_sides_show_what_a_reviewer_compares(seeded_db: Database) -> None:
    with editing(seeded_db, "importer") as editor:
        li, dup, _doubled = _li_twice(editor)
        proposal_id = propose_merge(editor, li, dup, score=0.9, explanation="same name").id
        source = editor.session.exec(select(Source.title)).first()
    assert source is not None and proposal_id is not None
    with seeded_db.session() as session:
        kept, other = proposal_sides(session, proposal_id)
    assert (kept["id"], kept["proposed_id"], other["id"]) == (li, li, dup)
    assert (kept["birth_date"], other["birth_date"]) == ("1958-02", "1958-02-10")  # the seeds know the month
    assert other["names"] == ["General Li Shangfu"]  # the other names than the display name
    assert other["identifiers"] == ["wikidata Q15917305"]
    assert "Member of the 20th Central Committee" in other["posts"]
    assert other["sources"] == [source]  # cited for the doubled tenure


def test_a_side_merged_elsewhere_since_shows_where_it_went(empty_db: Database) -> None:
    with editing(empty_db, "importer") as editor:
        a, b = two_people(editor)
        c = editor.create(Entity(kind="person", name="Jane Example")).id
        to_c = propose_merge(editor, c, b, score=0.9, explanation="same name").id
        to_a = propose_merge(editor, a, b, score=0.9, explanation="same name").id
    with editing(empty_db, "auditor") as editor:
        decide_merge(editor, to_c, "accepted", "same woman")  # type: ignore[arg-type]
    with empty_db.session() as session:
        _kept, other = proposal_sides(session, to_a)  # type: ignore[arg-type]
        assert (other["proposed_id"], other["id"]) == (b, c)
        with pytest.raises(NotFound):
            proposal_sides(session, 999)
