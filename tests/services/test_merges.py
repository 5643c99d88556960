"""Merge proposals: proposed once per pair (in either order), decided with a reason, logged."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from refdb.database import Database
from refdb.errors import InvalidInput
from refdb.models import Change, Entity
from refdb.services.edits import Editor
from refdb.services.merges import decide_merge, merge_proposals, propose_merge


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
        decided = decide_merge(Editor(session, "auditor"), proposal.id, "rejected", "different middle names")  # type: ignore[arg-type]
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
