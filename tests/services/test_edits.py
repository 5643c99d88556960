"""The Editor: every write validated, version-checked and logged in the same transaction."""

from __future__ import annotations

import itertools
import json

import pytest
from sqlmodel import col, func, select

from refdb.errors import Conflict, ExitCode, InvalidInput, NotFound, StaleEdit
from refdb.models import Change, Citation, Entity, Identifier, Name, Post, Source, Tenure
from refdb.services.edits import editing


def _count(database, model) -> int:
    with database.session() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def _changes(database) -> list[Change]:
    with database.session() as session:
        return list(session.exec(select(Change).order_by(col(Change.id))).all())


@pytest.fixture
def person_and_post(empty_db) -> tuple[int, int]:
    with editing(empty_db) as editor:
        person = editor.create(Entity(kind="person", name="Lloyd Austin", key="lloyd-austin"))
        post = editor.create(Post(title="Secretary of Defense", country="US"))
        return person.id, post.id


# --------------------------------------------------------------------------- validation


def test_a_tenure_ending_before_it_starts_is_refused_on_the_end_field(empty_db, person_and_post):
    person, post = person_and_post
    before = _changes(empty_db)
    with pytest.raises(InvalidInput) as raised, editing(empty_db) as editor:
        editor.create(Tenure(person_id=person, post_id=post, start_on="2023-10", end_on="2023-03"))
    assert set(raised.value.problems) == {"end_on"}
    assert "2023-03" in raised.value.problems["end_on"]
    assert raised.value.exit_code == ExitCode.BAD_INPUT
    assert _count(empty_db, Tenure) == 0
    assert _changes(empty_db) == before


def test_a_tenure_within_one_month_is_fine_whatever_the_precision(empty_db, person_and_post):
    """ "2023-05" to "2023-05-20": the end is not before the start month."""
    person, post = person_and_post
    with editing(empty_db) as editor:
        tenure = editor.create(
            Tenure(person_id=person, post_id=post, start_on="2023-05", end_on="2023-05-20", status="ended")
        )
        assert (str(tenure.start_from), str(tenure.end_until)) == ("2023-05-01", "2023-05-20")


def test_a_bad_partial_date_is_reported_on_its_field(empty_db, person_and_post):
    person, post = person_and_post
    with pytest.raises(InvalidInput) as raised, editing(empty_db) as editor:
        editor.create(Tenure(person_id=person, post_id=post, start_on="2023-13"))
    assert set(raised.value.problems) == {"start_on"}
    assert "2023-13" in raised.value.problems["start_on"]
    assert "start_on" in str(raised.value)


def test_every_problem_of_a_row_is_reported_at_once(empty_db):
    with pytest.raises(InvalidInput) as raised, editing(empty_db) as editor:
        editor.create(Entity(kind="planet", name=" ", birth_date="1958-02-30", nationality="China"))
    assert set(raised.value.problems) == {"kind", "name", "birth_date", "nationality"}
    assert raised.value.problems["name"] == "required"


def test_a_current_tenure_cannot_have_an_end(empty_db, person_and_post):
    person, post = person_and_post
    with pytest.raises(InvalidInput) as raised, editing(empty_db) as editor:
        editor.create(
            Tenure(person_id=person, post_id=post, start_on="2021", end_on="2025", status="current")
        )
    assert set(raised.value.problems) == {"status"}


def test_updating_an_unknown_field_is_refused(empty_db, person_and_post):
    person, _ = person_and_post
    with pytest.raises(InvalidInput) as raised, editing(empty_db) as editor:
        editor.update(Entity, person, {"shoe_size": 44})
    assert raised.value.problems == {"shoe_size": "no such field"}


def test_editing_a_row_that_does_not_exist_is_not_found(empty_db):
    with pytest.raises(NotFound) as raised, editing(empty_db) as editor:
        editor.update(Entity, 424242, {"name": "Ghost"})
    assert raised.value.exit_code == ExitCode.NOT_FOUND


def test_a_refused_update_leaves_the_row_as_it_was_for_the_next_edit(empty_db, person_and_post):
    """A form shows the problem; the user fixes it and saves in the same session."""
    person, _ = person_and_post
    with editing(empty_db) as editor:
        with pytest.raises(InvalidInput):
            editor.update(Entity, person, {"birth_date": "1953-13-08", "notes": "typo"})
        editor.update(Entity, person, {"birth_date": "1953-08-08"})
    with empty_db.session() as session:
        entity = session.get(Entity, person)
        assert (entity.birth_date, entity.notes, entity.version) == ("1953-08-08", None, 2)
    updates = [c for c in _changes(empty_db) if c.action == "update"]
    assert len(updates) == 1
    assert json.loads(updates[0].after)["birth_date"] == "1953-08-08"


def test_a_duplicate_is_a_conflict_and_nothing_is_written(empty_db, person_and_post):
    person, _ = person_and_post
    with editing(empty_db) as editor:
        editor.create(Identifier(entity_id=person, scheme="wikidata", value="Q1"))
    before = _changes(empty_db)
    with pytest.raises(Conflict, match="already exists"), editing(empty_db) as editor:
        editor.create(Identifier(entity_id=person, scheme="wikidata", value="Q1"))
    assert _count(empty_db, Identifier) == 1
    assert _changes(empty_db) == before


# --------------------------------------------------------------------------- change log


def test_create_update_and_delete_each_write_one_change_record(empty_db):
    with editing(empty_db, "analyst") as editor:
        entity_id = editor.create(Entity(kind="person", name="Xie Feng"), reason="from the article").id
    with editing(empty_db, "analyst") as editor:
        editor.update(Entity, entity_id, {"nationality": "CN"}, reason="checked")
    with editing(empty_db, "analyst") as editor:
        editor.delete(Entity, entity_id, expected_version=2, reason="duplicate")

    changes = _changes(empty_db)
    assert [(c.action, c.table_name, c.row_id, c.actor) for c in changes] == [
        ("create", "entity", entity_id, "analyst"),
        ("update", "entity", entity_id, "analyst"),
        ("delete", "entity", entity_id, "analyst"),
    ]
    assert [c.reason for c in changes] == ["from the article", "checked", "duplicate"]
    created, updated, deleted = changes
    assert created.before is None and json.loads(created.after)["name"] == "Xie Feng"
    assert json.loads(updated.before)["nationality"] is None
    assert json.loads(updated.after)["nationality"] == "cn"
    assert json.loads(deleted.before)["version"] == 2 and deleted.after is None
    assert all(c.entity_id == entity_id for c in changes)
    assert _count(empty_db, Entity) == 0


def test_edits_produce_chained_change_records(empty_db, person_and_post):
    person, _ = person_and_post
    with editing(empty_db) as editor:
        editor.update(Entity, person, {"notes": "first"})
        editor.update(Entity, person, {"notes": "second"})
    changes = _changes(empty_db)
    assert len(changes) == 4
    assert len({c.hash for c in changes}) == 4
    for previous, change in itertools.pairwise(changes):
        assert change.prev_hash == previous.hash


def test_a_failed_edit_leaves_no_change_record_and_no_data(empty_db, person_and_post):
    """A transaction that fails halfway keeps none of its writes, logged or not."""
    person, post = person_and_post
    before = _changes(empty_db)
    with pytest.raises(InvalidInput), editing(empty_db) as editor:
        editor.create(Name(entity_id=person, name="Lloyd James Austin III"))
        editor.update(Entity, person, {"notes": "retired general"})
        editor.create(Tenure(person_id=person, post_id=post, start_on="2025-01-20", end_on="2021-01-22"))
    assert _changes(empty_db) == before
    assert _count(empty_db, Name) == 0
    with empty_db.session() as session:
        assert session.get(Entity, person).notes is None


def test_an_update_that_changes_nothing_logs_nothing(empty_db, person_and_post):
    person, post = person_and_post
    before = _changes(empty_db)
    with editing(empty_db) as editor:
        editor.update(Entity, person, {"name": "Lloyd Austin"})
        # "US" is stored as "us": setting it again is no change either.
        editor.update(Post, post, {"country": "us"})
    assert _changes(empty_db) == before
    with empty_db.session() as session:
        assert session.get(Entity, person).version == 1


def test_deleting_a_row_deletes_and_logs_its_citations(empty_db, person_and_post):
    person, _ = person_and_post
    with editing(empty_db) as editor:
        source = editor.create(Source(kind="article", title="SCMP, July 2023"))
        name_id = editor.create(Name(entity_id=person, name="Lloyd J. Austin III")).id
        editor.create(Citation(source_id=source.id, subject_table="name", subject_id=name_id))
    with editing(empty_db) as editor:
        editor.delete(Name, name_id, reason="not a name he uses")
    assert _count(empty_db, Citation) == 0
    deletes = [(c.table_name, c.reason) for c in _changes(empty_db) if c.action == "delete"]
    assert deletes == [("citation", "not a name he uses"), ("name", "not a name he uses")]


def test_deleting_a_row_others_refer_to_is_a_conflict(empty_db, person_and_post):
    person, _ = person_and_post
    with editing(empty_db) as editor:
        editor.create(Name(entity_id=person, name="Lloyd J. Austin III"))
    before = _changes(empty_db)
    with pytest.raises(Conflict), editing(empty_db) as editor:
        editor.delete(Entity, person)
    assert _changes(empty_db) == before
    assert _count(empty_db, Entity) == 1


# --------------------------------------------------------------------------- optimistic locking


def test_an_edit_based_on_an_old_version_is_refused(empty_db, person_and_post):
    person, _ = person_and_post
    with editing(empty_db) as editor:
        editor.update(Entity, person, {"notes": "someone else's edit"}, expected_version=1)
    before = _changes(empty_db)
    with pytest.raises(StaleEdit) as raised, editing(empty_db) as editor:
        editor.update(Entity, person, {"notes": "my edit"}, expected_version=1)
    assert "reload" in str(raised.value)
    assert raised.value.exit_code == ExitCode.BAD_INPUT
    with pytest.raises(StaleEdit), editing(empty_db) as editor:
        editor.delete(Entity, person, expected_version=1)
    with empty_db.session() as session:
        entity = session.get(Entity, person)
        assert (entity.notes, entity.version) == ("someone else's edit", 2)
    assert _changes(empty_db) == before


def test_two_sessions_racing_the_second_writer_is_refused(empty_db, person_and_post):
    """Both read version 1; the first to write wins, the other gets StaleEdit, not a silent overwrite."""
    person, _ = person_and_post
    before = len(_changes(empty_db))
    with pytest.raises(StaleEdit, match=f"entity {person} was changed"), editing(empty_db, "alice") as alice:
        mine = alice.get(Entity, person)
        assert mine.version == 1
        with editing(empty_db, "bob") as bob:
            bob.update(Entity, person, {"notes": "bob was here"}, expected_version=1)
        alice.update(Entity, person, {"notes": "alice was here"}, expected_version=1)
    with empty_db.session() as session:
        entity = session.get(Entity, person)
        assert (entity.notes, entity.version) == ("bob was here", 2)
    changes = _changes(empty_db)
    assert len(changes) == before + 1
    assert changes[-1].actor == "bob"
