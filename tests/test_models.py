"""Rules the database itself enforces, even for writes that skip the service layer's validation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from refdb.models import (
    Authority,
    Entity,
    Identifier,
    Link,
    Name,
    Post,
    Relation,
    SanctionEntry,
    SanctionList,
    Tenure,
)


@pytest.fixture
def base_rows(empty_db) -> dict[str, int]:
    """A person, a post, and an OFAC list with one entry, written straight through the ORM."""
    with Session(empty_db.engine) as session:
        person = Entity(kind="person", name="Li Shangfu", key="li-shangfu")
        other = Entity(kind="organization", name="Rosoboronexport", key="rosoboronexport")
        authority = Authority(key="us-ofac", name="US Treasury OFAC")
        session.add_all([person, other, authority])
        session.flush()
        post = Post(title="Minister of National Defense")
        sanction_list = SanctionList(key="ofac-sdn", name="SDN", authority_id=authority.id)
        session.add_all([post, sanction_list])
        session.flush()
        entry = SanctionEntry(list_id=sanction_list.id, record_id="24838", target_kind="person", name="LI")
        session.add(entry)
        session.commit()
        return {
            "person": person.id,
            "other": other.id,
            "post": post.id,
            "list": sanction_list.id,
            "entry": entry.id,
        }


def _refused(database, *rows) -> None:
    with Session(database.engine) as session:
        session.add_all(rows)
        with pytest.raises(IntegrityError):
            session.commit()


def test_foreign_keys_are_enforced(empty_db):
    _refused(empty_db, Name(entity_id=9999, name="Nobody", normalized="nobody"))


def test_a_row_still_referred_to_cannot_be_deleted(empty_db, base_rows):
    with Session(empty_db.engine) as session:
        session.add(Name(entity_id=base_rows["person"], name="李尚福", normalized="li shang fu"))
        session.commit()
    with Session(empty_db.engine) as session, pytest.raises(IntegrityError):
        session.execute(text("DELETE FROM entity WHERE id = :id"), {"id": base_rows["person"]})
        session.commit()


def test_an_identifier_is_unique_within_its_scheme(empty_db, base_rows):
    with Session(empty_db.engine) as session:
        session.add(Identifier(entity_id=base_rows["person"], scheme="wikidata", value="Q123"))
        # The same value under another scheme is a different identifier.
        session.add(Identifier(entity_id=base_rows["person"], scheme="passport", value="Q123"))
        session.commit()
    _refused(empty_db, Identifier(entity_id=base_rows["other"], scheme="wikidata", value="Q123"))


def test_a_record_id_is_unique_within_its_list(empty_db, base_rows):
    _refused(
        empty_db,
        SanctionEntry(list_id=base_rows["list"], record_id="24838", target_kind="person", name="LI again"),
    )


def test_the_same_record_id_may_appear_in_another_list(empty_db, base_rows):
    with Session(empty_db.engine) as session:
        authority = session.exec(select(Authority).where(Authority.key == "us-ofac")).one()
        other_list = SanctionList(key="ofac-cons", name="Consolidated", authority_id=authority.id)
        session.add(other_list)
        session.flush()
        session.add(SanctionEntry(list_id=other_list.id, record_id="24838", target_kind="person", name="X"))
        session.commit()


def test_a_tenure_cannot_end_before_it_starts(empty_db, base_rows):
    _refused(
        empty_db,
        Tenure(
            person_id=base_rows["person"],
            post_id=base_rows["post"],
            start_on="2023-10",
            end_on="2023-03",
            start_from=date(2023, 10, 1),
            end_until=date(2023, 3, 31),
            status="ended",
        ),
    )


def test_a_tenure_ending_the_day_it_starts_is_allowed(empty_db, base_rows):
    with Session(empty_db.engine) as session:
        session.add(
            Tenure(
                person_id=base_rows["person"],
                post_id=base_rows["post"],
                start_from=date(2023, 3, 12),
                end_until=date(2023, 3, 12),
                status="ended",
            )
        )
        session.commit()


def test_a_link_status_comes_from_its_set(empty_db, base_rows):
    _refused(empty_db, Link(entity_id=base_rows["person"], entry_id=base_rows["entry"], status="maybe"))


def test_one_link_per_entity_and_entry(empty_db, base_rows):
    with Session(empty_db.engine) as session:
        session.add(Link(entity_id=base_rows["person"], entry_id=base_rows["entry"]))
        session.commit()
    _refused(empty_db, Link(entity_id=base_rows["person"], entry_id=base_rows["entry"]))


def test_a_link_score_is_between_0_and_1(empty_db, base_rows):
    _refused(empty_db, Link(entity_id=base_rows["person"], entry_id=base_rows["entry"], score=1.5))


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda ids: Entity(kind="planet", name="Mars"), id="entity-kind"),
        pytest.param(
            lambda ids: Relation(subject_id=ids["person"], object_id=ids["person"], kind="associate_of"),
            id="relation-to-itself",
        ),
        pytest.param(
            lambda ids: Relation(subject_id=ids["person"], object_id=ids["other"], kind="likes"),
            id="relation-kind",
        ),
        pytest.param(
            lambda ids: Tenure(person_id=ids["person"], post_id=ids["post"], status="maybe"),
            id="tenure-status",
        ),
        pytest.param(
            lambda ids: SanctionEntry(
                list_id=ids["list"],
                record_id="1",
                target_kind="person",
                name="X",
                listed_from=date(2020, 1, 1),
                delisted_from=date(2019, 1, 1),
            ),
            id="delisted-before-listed",
        ),
    ],
)
def test_other_check_constraints(empty_db, base_rows, make):
    _refused(empty_db, make(base_rows))


def test_the_version_column_moves_on_every_update(empty_db, base_rows):
    with Session(empty_db.engine) as session:
        entity = session.get(Entity, base_rows["person"])
        assert entity.version == 1
        entity.notes = "defence minister in 2023"
        session.commit()
        assert entity.version == 2
