"""Links between curated entities and sanction entries: proposed by tools, decided by people."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from refdb.errors import InvalidInput, StaleEdit
from refdb.models import Authority, Change, Entity, Link, SanctionEntry, SanctionList
from refdb.services.edits import editing
from refdb.services.links import decide_link, propose_link


@pytest.fixture
def pair(empty_db) -> tuple[int, int]:
    """Li Shangfu and OFAC SDN record 24838, not yet linked."""
    with editing(empty_db) as editor:
        person = editor.create(Entity(kind="person", name="Li Shangfu", key="li-shangfu"))
        authority = editor.create(Authority(key="us-ofac", name="OFAC"))
        sdn = editor.create(SanctionList(key="ofac-sdn", name="SDN", authority_id=authority.id))
        entry = editor.create(
            SanctionEntry(
                list_id=sdn.id,
                record_id="24838",
                target_kind="person",
                name="LI, Shangfu",
                listed_on="2018-09-20",
            )
        )
        return person.id, entry.id


@pytest.fixture
def proposed(empty_db, pair) -> int:
    person, entry = pair
    with editing(empty_db, "matcher") as editor:
        return propose_link(editor, person, entry, score=0.93, explanation="name and birth month match").id


def _link(database, link_id: int) -> Link:
    with database.session() as session:
        return session.get(Link, link_id)


def _link_changes(database) -> list[Change]:
    with database.session() as session:
        return list(
            session.exec(select(Change).where(Change.table_name == "link").order_by(col(Change.id))).all()
        )


def test_a_proposal_is_recorded_with_who_proposed_it(empty_db, proposed):
    link = _link(empty_db, proposed)
    assert (link.status, link.score, link.proposed_by) == ("proposed", 0.93, "matcher")
    assert link.proposed_at is not None
    assert (link.decided_by, link.decided_at) == (None, None)
    [change] = _link_changes(empty_db)
    assert (change.action, change.actor) == ("create", "matcher")


def test_proposing_again_refreshes_the_score_of_a_pending_proposal(empty_db, pair, proposed):
    person, entry = pair
    with editing(empty_db, "matcher") as editor:
        again = propose_link(editor, person, entry, score=0.97, explanation="and the title matches")
        assert again.id == proposed
    link = _link(empty_db, proposed)
    assert (link.status, link.score, link.explanation) == ("proposed", 0.97, "and the title matches")


def test_confirming_records_who_decided_when_and_why(empty_db, proposed):
    with editing(empty_db, "analyst") as editor:
        decide_link(
            editor, proposed, "confirmed", "  OFAC names him; same DOB and title  ", expected_version=1
        )
    link = _link(empty_db, proposed)
    assert link.status == "confirmed"
    assert link.decided_by == "analyst"
    assert link.decided_at is not None
    assert link.decision_reason == "OFAC names him; same DOB and title"
    assert link.version == 2
    decision = _link_changes(empty_db)[-1]
    assert (decision.action, decision.actor) == ("update", "analyst")
    assert "OFAC names him" in decision.reason
    assert json.loads(decision.after)["status"] == "confirmed"


def test_rejecting_records_the_reason(empty_db, proposed):
    with editing(empty_db, "analyst") as editor:
        decide_link(editor, proposed, "rejected", "different person: born 1972")
    link = _link(empty_db, proposed)
    assert (link.status, link.decided_by, link.decision_reason) == (
        "rejected",
        "analyst",
        "different person: born 1972",
    )


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_decision_needs_a_reason(empty_db, proposed, reason):
    with pytest.raises(InvalidInput) as raised, editing(empty_db, "analyst") as editor:
        decide_link(editor, proposed, "confirmed", reason)
    assert set(raised.value.problems) == {"decision_reason"}
    link = _link(empty_db, proposed)
    assert (link.status, link.decided_by, link.version) == ("proposed", None, 1)
    assert len(_link_changes(empty_db)) == 1


def test_a_decision_is_confirmed_or_rejected(empty_db, proposed):
    with pytest.raises(InvalidInput) as raised, editing(empty_db, "analyst") as editor:
        decide_link(editor, proposed, "proposed", "back to the queue")
    assert set(raised.value.problems) == {"status"}


def test_a_decision_on_a_link_that_moved_on_is_stale(empty_db, proposed):
    with editing(empty_db, "analyst") as editor:
        decide_link(editor, proposed, "rejected", "not him", expected_version=1)
    with pytest.raises(StaleEdit), editing(empty_db, "colleague") as editor:
        decide_link(editor, proposed, "confirmed", "it is him", expected_version=1)
    link = _link(empty_db, proposed)
    assert (link.status, link.decided_by) == ("rejected", "analyst")


def test_a_decided_link_is_not_reopened_by_a_new_proposal(empty_db, pair, proposed):
    person, entry = pair
    with editing(empty_db, "analyst") as editor:
        decide_link(editor, proposed, "confirmed", "named in the entry")
    changes = len(_link_changes(empty_db))
    with editing(empty_db, "matcher") as editor:
        again = propose_link(editor, person, entry, score=0.5, explanation="weaker match today")
        assert again.id == proposed
    link = _link(empty_db, proposed)
    assert (link.status, link.score) == ("confirmed", 0.93)
    assert len(_link_changes(empty_db)) == changes


def test_a_post_holder_link_must_name_its_tenure(empty_db, proposed):
    with pytest.raises(InvalidInput) as raised, editing(empty_db, "analyst") as editor:
        decide_link(editor, proposed, "confirmed", "as EDD director", basis="post_holder")
    assert set(raised.value.problems) == {"tenure_id"}


def test_a_proposal_score_outside_0_to_1_is_refused(empty_db, pair):
    person, entry = pair
    with pytest.raises(InvalidInput) as raised, editing(empty_db, "matcher") as editor:
        propose_link(editor, person, entry, score=93, explanation="percent by mistake")
    assert set(raised.value.problems) == {"score"}
    with empty_db.session() as session:
        assert session.exec(select(Link)).all() == []
