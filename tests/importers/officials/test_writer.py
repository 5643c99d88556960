"""apply_officials: one transaction, reconciled with stored people, only what is new written."""

from __future__ import annotations

from pathlib import Path

import pytest
from db_state import state
from sqlalchemy import func, select
from sqlmodel import Session

from refdb.audit import run_audit
from refdb.database import Database
from refdb.errors import InvalidInput
from refdb.importers.officials import (
    OfficialIdentifier,
    OfficialName,
    OfficialPerson,
    OfficialPost,
    OfficialsDocument,
    OfficialsSource,
    OfficialTenure,
    apply_officials,
)
from refdb.importers.service import local_download
from refdb.models import Change, Citation, Entity, Identifier, MergeProposal, Name, Post, Source, Tenure
from refdb.services.edits import editing
from refdb.services.merges import decide_merge

SOURCE = OfficialsSource("test-officials", "Test officials", "The test suite")
CA_11 = OfficialPost("United States Representative for CA-11", "United States House of Representatives", "us")


def pelosi(**changes: object) -> OfficialPerson:
    values: dict = {
        "record_id": "P000197",
        "name": "Nancy Pelosi",
        "names": (OfficialName("Nancy Patricia Pelosi", lang="en", script="Latn"),),
        "identifiers": (OfficialIdentifier("bioguide", "P000197"), OfficialIdentifier("wikidata", "Q170581")),
        "birth_date": "1940-03-26",
        "gender": "female",
        "tenures": (
            OfficialTenure(CA_11, "2023-01-03", None, status="current", locator="terms[18]"),
            OfficialTenure(CA_11, "2021-01-03", "2023-01-03", status="ended", locator="terms[17]"),
        ),
        "locator": "bioguide P000197",
    }
    values.update(changes)
    return OfficialPerson(**values)


def document(tmp_path: Path, name: str, *people: OfficialPerson, content: str = "") -> OfficialsDocument:
    path = tmp_path / name
    path.write_text(content or name)
    return OfficialsDocument(local_download(path), list(people))


def count(database: Database, model: type, *where: object) -> int:
    with Session(database.engine) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))  # type: ignore[return-value]


def entities_named(database: Database, text: str) -> list[int]:
    with Session(database.engine) as session:
        return sorted(set(session.scalars(select(Name.entity_id).where(Name.name == text)).all()))


def test_seeded_person_gets_the_imported_identifiers_and_tenures(seeded_db: Database, tmp_path: Path) -> None:
    [seeded] = entities_named(seeded_db, "Nancy Pelosi")
    result = apply_officials(seeded_db, SOURCE, [document(tmp_path, "a.yaml", pelosi())])
    assert (result.people, result.people_matched, result.people_added) == (1, 1, 0)
    assert entities_named(seeded_db, "Nancy Pelosi") == [seeded]
    with Session(seeded_db.engine) as session:
        identifiers = session.execute(
            select(Identifier.scheme, Identifier.value).where(Identifier.entity_id == seeded)
        ).all()
        assert set(identifiers) == {("bioguide", "P000197"), ("wikidata", "Q170581")}
        tenures = session.scalars(select(Tenure).where(Tenure.person_id == seeded, Tenure.start_on >= "2021"))
        assert sorted((t.start_on, t.end_on, t.status) for t in tenures) == [
            ("2021-01-03", "2023-01-03", "ended"),
            ("2023-01-03", None, "current"),
        ]
        # The seeded House of Representatives is the post's organization, not a new body.
        post = session.scalars(select(Post).where(Post.title == CA_11.title)).one()
        house = session.get(Entity, post.organization_id)
        assert house is not None and house.key == "us-house-of-representatives"
        # Each imported fact cites the file, with its locator.
        source = session.scalars(select(Source).where(Source.key.startswith("test-officials:"))).one()  # type: ignore[union-attr]
        assert source.sha256 and source.url and source.url.endswith("a.yaml")
        cited = session.execute(
            select(Citation.subject_table, Citation.locator).where(Citation.source_id == source.id)
        ).all()
        assert ("tenure", "terms[18]") in cited and ("identifier", "bioguide P000197") in cited


def test_reimport_unchanged_writes_nothing(seeded_db: Database, tmp_path: Path) -> None:
    apply_officials(seeded_db, SOURCE, [document(tmp_path, "a.yaml", pelosi())])
    before = state(seeded_db)
    result = apply_officials(seeded_db, SOURCE, [document(tmp_path, "a.yaml", pelosi())])
    assert state(seeded_db) == before
    assert (result.tenures_added, result.tenures_changed, result.tenures_unchanged) == (0, 0, 2)
    assert result.names_added == result.identifiers_added == result.people_changed == 0


def test_a_changed_file_updates_the_tenure_and_cites_the_new_file(
    seeded_db: Database, tmp_path: Path
) -> None:
    apply_officials(seeded_db, SOURCE, [document(tmp_path, "a.yaml", pelosi())])
    ended = pelosi(
        tenures=(OfficialTenure(CA_11, "2023-01-03", "2025-01-03", status="ended", locator="terms[18]"),)
    )
    result = apply_officials(seeded_db, SOURCE, [document(tmp_path, "a.yaml", ended, content="v2")])
    assert (result.tenures_added, result.tenures_changed) == (0, 1)
    with Session(seeded_db.engine) as session:
        tenure = session.scalars(select(Tenure).where(Tenure.start_on == "2023-01-03")).one()
        assert (tenure.end_on, tenure.status) == ("2025-01-03", "ended")
        sources = session.scalars(
            select(Citation.source_id).where(
                Citation.subject_table == "tenure", Citation.subject_id == tenure.id
            )
        ).all()
        assert len(set(sources)) == 2
        logged = session.scalars(
            select(Change).where(
                Change.table_name == "tenure", Change.row_id == tenure.id, Change.action == "update"
            )
        ).all()
        assert len(logged) == 1


def test_same_person_in_two_files_is_one_entity(empty_db: Database, tmp_path: Path) -> None:
    vice = OfficialPost("Vice President of the United States", "Government of the United States", "us")
    as_vp = pelosi(
        record_id="x",
        name="Jane Example",
        names=(),
        identifiers=(OfficialIdentifier("bioguide", "E000001"),),
        birth_date="1950-01-01",
        tenures=(OfficialTenure(vice, "2009-01-20", "2013-01-20", status="ended"),),
    )
    as_rep = pelosi(
        record_id="y",
        name="Jane Q. Example",
        names=(),
        identifiers=(OfficialIdentifier("bioguide", "E000001"), OfficialIdentifier("govtrack", "9")),
        birth_date="1950-01-01",
        tenures=(OfficialTenure(CA_11, "2001-01-03", "2003-01-03", status="ended"),),
    )
    result = apply_officials(
        empty_db, SOURCE, [document(tmp_path, "a.yaml", as_vp), document(tmp_path, "b.yaml", as_rep)]
    )
    assert (result.people, result.people_added, result.tenures_added) == (1, 1, 2)
    assert count(empty_db, Entity, Entity.kind == "person") == 1
    assert count(empty_db, Identifier) == 2
    assert count(empty_db, Entity, Entity.kind == "public_body") == 2  # the House and the Government


def test_two_people_in_one_post_share_the_post(empty_db: Database, tmp_path: Path) -> None:
    other = pelosi(
        record_id="Z1",
        name="Someone Else",
        names=(),
        identifiers=(OfficialIdentifier("bioguide", "Z000001"),),
        birth_date="1960-05-05",
    )
    apply_officials(empty_db, SOURCE, [document(tmp_path, "a.yaml", pelosi(), other)])
    assert count(empty_db, Post) == 1
    assert count(empty_db, Tenure) == 4


def test_unsure_match_is_proposed_not_merged(seeded_db: Database, tmp_path: Path) -> None:
    """The same name without a birth date may be the seeded person or not: a new entity
    and a merge proposal, never a silent merge."""
    [seeded] = entities_named(seeded_db, "Nancy Pelosi")
    result = apply_officials(
        seeded_db,
        SOURCE,
        [
            document(
                tmp_path, "a.yaml", pelosi(birth_date=None, identifiers=(OfficialIdentifier("test", "1"),))
            )
        ],
    )
    assert result.people_added == 1
    [proposal] = result.merge_proposals
    assert proposal["entity_id"] == seeded and proposal["status"] == "proposed"
    assert "missing" in proposal["explanation"]
    assert len(entities_named(seeded_db, "Nancy Pelosi")) == 2
    assert count(seeded_db, MergeProposal) == 1
    # Imported again: the new entity is found by its identifier; no second proposal.
    again = apply_officials(
        seeded_db,
        SOURCE,
        [
            document(
                tmp_path, "a.yaml", pelosi(birth_date=None, identifiers=(OfficialIdentifier("test", "1"),))
            )
        ],
    )
    assert again.people_added == 0 and again.merge_proposals == []
    assert count(seeded_db, MergeProposal) == 1


def test_conflicting_birth_date_is_another_person(seeded_db: Database, tmp_path: Path) -> None:
    result = apply_officials(
        seeded_db, SOURCE, [document(tmp_path, "a.yaml", pelosi(birth_date="1971-01-01"))]
    )
    assert result.people_added == 1 and result.merge_proposals == []


def test_invalid_record_writes_nothing(seeded_db: Database, tmp_path: Path) -> None:
    before = state(seeded_db)
    broken = pelosi(tenures=(OfficialTenure(CA_11, "2023-02-30", None),))
    with pytest.raises(InvalidInput):
        apply_officials(seeded_db, SOURCE, [document(tmp_path, "a.yaml", pelosi(record_id="ok"), broken)])
    assert state(seeded_db) == before


def test_every_written_row_is_logged_and_the_chain_holds(seeded_db: Database, tmp_path: Path) -> None:
    """The audit's history rules find nothing after an import, an update and a proposal."""
    apply_officials(seeded_db, SOURCE, [document(tmp_path, "a.yaml", pelosi())])
    ended = pelosi(tenures=(OfficialTenure(CA_11, "2023-01-03", "2025-01-03", status="ended"),))
    unsure = pelosi(record_id="u", birth_date=None, identifiers=(OfficialIdentifier("test", "1"),))
    apply_officials(seeded_db, SOURCE, [document(tmp_path, "a.yaml", ended, unsure, content="v2")])
    with Session(seeded_db.engine) as session:
        assert run_audit(session, ["unlogged-change", "change-log-broken"]) == []


def test_an_imported_official_like_a_list_entry_is_proposed_as_a_link(
    seeded_db: Database, tmp_path: Path
) -> None:
    """The seeded SDN entry of Li Shangfu (DOB February 1958, citizen China): an imported
    namesake born then is proposed with its score and explanation; one born in 1970 is not."""
    post = OfficialPost("Minister of National Defense", "Ministry of National Defense", "cn")
    li = OfficialPerson(
        record_id="Q-li",
        name="Li Shangfu",
        names=(OfficialName("李尚福", lang="zh", script="Hani"),),
        identifiers=(OfficialIdentifier("test", "li"),),
        birth_date="1958-02-10",
        nationality="cn",
        tenures=(OfficialTenure(post, "2023-03-12", "2023-10-24", status="ended"),),
    )
    namesake = OfficialPerson(
        record_id="Q-other",
        name="Li Shangfu",
        identifiers=(OfficialIdentifier("test", "other"),),
        birth_date="1970-01-01",
    )
    result = apply_officials(seeded_db, SOURCE, [document(tmp_path, "a.yaml", li, namesake)])
    proposed = {(p["entity_id"], p["record_id"]) for p in result.proposals}
    li_id = next(m["other_id"] for m in result.merge_proposals if "overlap" in m["explanation"])
    assert (li_id, "24838") in proposed
    assert all(p["entity_id"] == li_id for p in result.proposals)
    [link] = [p for p in result.proposals if p["record_id"] == "24838"]
    assert link["score"] >= 0.9 and "refdb-name" in link["explanation"] and link["list"] == "ofac-sdn"


def test_two_occupancies_of_one_post_from_one_date_are_one_tenure(empty_db: Database, tmp_path: Path) -> None:
    """A source listing the same post and start date twice (once open, once ended) gives
    one tenure, the later listing's, cited to both; importing it again writes nothing."""
    twice = pelosi(
        tenures=(
            OfficialTenure(CA_11, "2021-01-03", None, status="current", locator="occupancy 1"),
            OfficialTenure(CA_11, "2021-01-03", "2023-01-03", status="ended", locator="occupancy 2"),
        )
    )
    result = apply_officials(empty_db, SOURCE, [document(tmp_path, "a.yaml", twice)])
    assert (result.tenures_added, result.tenures_changed) == (1, 0)
    with Session(empty_db.engine) as session:
        tenure = session.scalars(select(Tenure)).one()
        assert (tenure.end_on, tenure.status) == ("2023-01-03", "ended")
        locators = session.scalars(
            select(Citation.locator).where(
                Citation.subject_table == "tenure", Citation.subject_id == tenure.id
            )
        ).all()
        assert sorted(locators) == ["occupancy 1", "occupancy 2"]
        assert run_audit(session, ["unlogged-change", "change-log-broken"]) == []
    before = state(empty_db)
    again = apply_officials(empty_db, SOURCE, [document(tmp_path, "a.yaml", twice)])
    assert (again.tenures_added, again.tenures_changed, again.tenures_unchanged) == (0, 0, 1)
    assert state(empty_db) == before


def test_a_rejected_merge_is_not_proposed_again_and_an_accepted_one_holds(
    seeded_db: Database, tmp_path: Path
) -> None:
    """Rejected: a later record carrying the identifiers of both entities does not bring the
    pair back. Accepted: the next import finds the one merged entity by either identifier."""
    [seeded] = entities_named(seeded_db, "Nancy Pelosi")
    apply_officials(seeded_db, SOURCE, [document(tmp_path, "a.yaml", pelosi())])
    unsure = pelosi(record_id="u", birth_date=None, identifiers=(OfficialIdentifier("test", "1"),))
    [proposal] = apply_officials(seeded_db, SOURCE, [document(tmp_path, "b.yaml", unsure)]).merge_proposals
    with editing(seeded_db, "auditor") as editor:
        decide_merge(editor, proposal["merge_id"], "rejected", "two people")
    both = pelosi(identifiers=(OfficialIdentifier("bioguide", "P000197"), OfficialIdentifier("test", "1")))
    again = apply_officials(seeded_db, SOURCE, [document(tmp_path, "c.yaml", both)])
    assert again.merge_proposals == []
    assert count(seeded_db, MergeProposal) == 1

    other = pelosi(record_id="w", birth_date=None, identifiers=(OfficialIdentifier("test", "2"),))
    proposed = apply_officials(seeded_db, SOURCE, [document(tmp_path, "d.yaml", other)]).merge_proposals
    [second] = [p for p in proposed if p["entity_id"] == seeded]
    with editing(seeded_db, "auditor") as editor:
        decide_merge(editor, second["merge_id"], "accepted", "one person")
    after = apply_officials(seeded_db, SOURCE, [document(tmp_path, "e.yaml", other, content="v2")])
    assert (after.people_added, after.people_matched, after.merge_proposals) == (0, 1, [])
    assert (
        count(
            seeded_db,
            Identifier,
            Identifier.scheme == "test",
            Identifier.value == "2",
            Identifier.entity_id == seeded,
        )
        == 1
    )
