"""`refdb merges`: list the proposals, accept one (the two become one) or reject one."""

from __future__ import annotations

import json

from sqlmodel import select

from refdb.database import Database
from refdb.models import Entity, Name
from refdb.services.edits import editing
from refdb.services.merges import propose_merge


def _proposed_twin(database: Database) -> tuple[int, int, int]:
    """A second "Nancy Pelosi" and a merge proposal with the seeded one: (merge, kept, other)."""
    with editing(database, "importer") as editor:
        kept = editor.session.exec(select(Name.entity_id).where(Name.name == "Nancy Pelosi")).one()
        twin = editor.create(Entity(kind="person", name="Nancy Pelosi", gender="female"))
        editor.create(Name(entity_id=twin.id, name="Nancy D'Alesandro Pelosi", kind="primary", normalized=""))  # type: ignore[arg-type]
        proposal = propose_merge(
            editor, kept, twin.id, score=0.88, explanation="same name; a birth date is missing"
        )  # type: ignore[arg-type]
        return proposal.id, kept, twin.id  # type: ignore[return-value]


def test_accept_merges_and_the_old_id_leads_to_the_kept_entity(refdb, seeded_db: Database) -> None:
    merge_id, kept, twin = _proposed_twin(seeded_db)
    listed = refdb("merges", "--json", "--db", seeded_db.url)
    assert listed.code == 0, listed.err
    [item] = json.loads(listed.out)
    assert (item["merge_id"], item["entity_id"], item["other_id"], item["status"]) == (
        merge_id,
        kept,
        twin,
        "proposed",
    )
    accepted = refdb(
        "merges", "accept", str(merge_id), "--reason", "same person", "--json", "--db", seeded_db.url
    )
    assert accepted.code == 0, accepted.err
    result = json.loads(accepted.out)
    assert result["status"] == "accepted" and result["merge"]["moved"] == {"name": 1}
    shown = json.loads(refdb("show", str(twin), "--json", "--db", seeded_db.url).out)
    assert shown["id"] == kept and shown["merged_from"] == [twin] and shown["gender"] == "female"
    assert "Nancy D'Alesandro Pelosi" in [n["name"] for n in shown["names"]]
    assert refdb("merges", "--db", seeded_db.url).err.strip() == "no merge proposals (proposed)"


def test_reject_keeps_both_and_a_second_decision_is_refused(refdb, seeded_db: Database) -> None:
    merge_id, _, twin = _proposed_twin(seeded_db)
    rejected = refdb(
        "merges", "reject", str(merge_id), "--reason", "namesake", "--actor", "auditor", "--db", seeded_db.url
    )
    assert rejected.code == 0 and f"merge proposal {merge_id} rejected" in rejected.err
    assert json.loads(refdb("show", str(twin), "--json", "--db", seeded_db.url).out)["id"] == twin
    again = refdb("merges", "accept", str(merge_id), "--reason", "oops", "--db", seeded_db.url)
    assert again.code == 2 and again.err_lines == [
        f"refdb: merge proposal {merge_id} was already rejected by auditor (namesake)"
    ]
    missing = refdb("merges", "accept", "999", "--reason", "x", "--db", seeded_db.url)
    assert missing.code != 0 and missing.err_lines == ["refdb: no merge_proposal with id 999"]
