"""The change log's hash chain: tampering by raw SQL is found and named, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlmodel import select

from refdb import changelog
from refdb.database import Database
from refdb.models import Change, Entity
from refdb.services.edits import editing


@pytest.fixture
def logged_db(empty_db: Database) -> Database:
    """Ten change records: five entities created, then each renamed."""
    for round_ in ("created", "renamed"):
        with editing(empty_db) as editor:
            for number in range(1, 6):
                if round_ == "created":
                    editor.create(Entity(kind="person", name=f"Person {number}"), reason="test")
                else:
                    editor.update(Entity, number, {"name": f"Person {number}b"}, reason="rename")
    return empty_db


def verify(database: Database, anchor: changelog.Anchor | None = None) -> changelog.ChainReport:
    with database.session() as session:
        return changelog.verify_chain(session, anchor)


def raw(database: Database, sql: str, **params: object) -> None:
    with database.engine.begin() as connection:
        connection.execute(text(sql), params)


def test_untouched_log_is_intact(logged_db: Database) -> None:
    report = verify(logged_db)
    assert report.intact and report.records == 10 and report.last_id == 10
    assert report.first_bad_id is None


def test_update_by_raw_sql_is_named(logged_db: Database) -> None:
    raw(logged_db, "UPDATE change SET reason = 'nothing to see' WHERE id = 4")
    report = verify(logged_db)
    assert not report.intact
    assert (report.first_bad_id, report.problem) == (4, "altered")
    assert "change 4 was altered" in report.message


def test_update_with_recomputed_hash_is_named(logged_db: Database) -> None:
    with logged_db.session() as session:
        change = session.get(Change, 6)
        assert change is not None
        change.actor = "someone else"
        forged = changelog.record_hash(change, changelog.log_key())  # even with the key
    raw(logged_db, "UPDATE change SET actor = 'someone else', hash = :h WHERE id = 6", h=forged)
    report = verify(logged_db)
    assert (report.first_bad_id, report.problem) == (6, "altered")
    assert "hash recomputed" in report.message


def test_delete_by_raw_sql_is_named(logged_db: Database) -> None:
    raw(logged_db, "DELETE FROM change WHERE id IN (3, 4)")
    report = verify(logged_db)
    assert (report.first_bad_id, report.problem) == (3, "deleted")
    assert "change 3-4 deleted" in report.message


def test_insert_by_raw_sql_is_named(logged_db: Database) -> None:
    raw(
        logged_db,
        "INSERT INTO change (id, at, actor, action, table_name, row_id, before, after, prev_hash, hash) "
        "VALUES (11, CURRENT_TIMESTAMP, 'intruder', 'update', 'entity', 1, NULL, '{}', :p, :h)",
        p="f" * 64,
        h="e" * 64,
    )
    report = verify(logged_db)
    assert (report.first_bad_id, report.problem) == (11, "inserted")


def test_insert_with_forged_hash_before_the_first_record_is_named(logged_db: Database) -> None:
    with logged_db.session() as session:
        first = session.get(Change, 1)
        assert first is not None
        forged = Change(
            at=first.at,
            actor="intruder",
            action="create",
            table_name="entity",
            row_id=99,
            after="{}",
            prev_hash=changelog.GENESIS,
        )
        digest = changelog.record_hash(forged)
    raw(
        logged_db,
        "INSERT INTO change (id, at, actor, action, table_name, row_id, after, prev_hash, hash) "
        "SELECT 0, at, 'intruder', 'create', 'entity', 99, '{}', :p, :h FROM change WHERE id = 1",
        p=changelog.GENESIS,
        h=digest,
    )
    report = verify(logged_db)
    assert (report.first_bad_id, report.problem) == (0, "inserted")


def test_deleting_the_last_records_needs_an_anchor(logged_db: Database) -> None:
    anchor = verify(logged_db).head
    assert anchor is not None and anchor.id == 10
    raw(logged_db, "DELETE FROM change WHERE id >= 9")
    # What is left is a valid chain: without the anchor, the deletion cannot be seen.
    assert verify(logged_db).intact
    report = verify(logged_db, anchor)
    assert (report.intact, report.first_bad_id, report.problem) == (False, 10, "deleted")
    assert changelog.Anchor.parse(str(anchor)) == anchor


def test_edits_after_a_verified_anchor_keep_it_valid(logged_db: Database) -> None:
    anchor = verify(logged_db).head
    with editing(logged_db) as editor:
        editor.create(Entity(kind="organization", name="Later Org"))
    report = verify(logged_db, anchor)
    assert report.intact and report.records == 11


def test_bad_anchor_text_is_refused() -> None:
    with pytest.raises(ValueError, match="not an anchor"):
        changelog.Anchor.parse("12:abc")


def test_verifying_inside_an_edit_leaves_the_session_writable(logged_db: Database) -> None:
    # Streaming must not stay switched on for the connection (PostgreSQL would then
    # declare a server-side cursor for the INSERT that follows).
    with editing(logged_db) as editor:
        assert changelog.verify_chain(editor.session).intact
        editor.create(Entity(kind="person", name="Written after verifying"))
    assert verify(logged_db).records == 11


# ------------------------------------------------------------ the log key (issue 13 item 14)


def _append_forged(database: Database, key: bytes | None) -> None:
    """What someone with write access but not the key can do: append a record chained onto
    the last one, sealed as the code would seal it, and make the data change it claims."""
    with database.session() as session:
        last = session.exec(select(Change).order_by(Change.id.desc())).first()
        assert last is not None
        forged = Change(
            at=last.at,
            actor="refdb",
            action="update",
            table_name="entity",
            row_id=1,
            entity_id=1,
            before='{"name":"Person 1b"}',
            after='{"name":"Someone Else"}',
            reason="routine",
            prev_hash=last.hash,
        )
        forged.hash = changelog.record_hash(forged, key)
        session.add(forged)
        session.commit()
    raw(database, "UPDATE entity SET name = 'Someone Else' WHERE id = 1")


def test_a_forged_record_appended_without_the_key_is_found(logged_db: Database) -> None:
    _append_forged(logged_db, None)  # plain sha256, as every record was sealed before keys
    report = verify(logged_db)
    assert (report.intact, report.first_bad_id, report.problem) == (False, 11, "forged")
    assert "not sealed with the log key" in report.message


def test_a_forged_record_sealed_with_another_key_is_found(logged_db: Database) -> None:
    _append_forged(logged_db, b"a guess")
    report = verify(logged_db)
    assert (report.intact, report.first_bad_id) == (False, 11)


def test_an_emptied_log_over_data_is_not_intact(logged_db: Database) -> None:
    raw(logged_db, "DELETE FROM change")
    report = verify(logged_db)
    assert not report.intact and report.problem == "deleted"
    assert "the change log is empty, but the database holds 5 entity rows" in report.message


def test_an_empty_database_with_an_empty_log_is_intact(empty_db: Database) -> None:
    assert verify(empty_db).intact


def test_records_sealed_before_keys_existed_still_verify(logged_db: Database) -> None:
    """Version-1 records (plain sha256) before keyed ones: the log as an upgrade leaves it."""
    with logged_db.session() as session:
        rows = session.exec(select(Change).order_by(Change.id)).all()
        previous = changelog.GENESIS
        for change in rows[:4]:  # reseal the first four as the old code did, rechaining
            change.prev_hash = previous
            change.hash = previous = changelog.record_hash(change)
        rows[4].prev_hash = previous
        rows[4].hash = changelog.record_hash(rows[4], changelog.log_key())
        later = rows[4].hash
        for change in rows[5:]:
            change.prev_hash = later
            change.hash = later = changelog.record_hash(change, changelog.log_key())
        session.commit()
    report = verify(logged_db)
    assert report.intact and report.records == 10


def test_without_the_key_a_keyed_log_cannot_be_checked(
    logged_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv(changelog.KEY_FILE_VARIABLE, str(tmp_path / "elsewhere.key"))
    report = verify(logged_db)
    assert (report.intact, report.first_bad_id, report.problem) == (False, 1, "key")
    assert not (tmp_path / "elsewhere.key").exists()  # verifying never makes a key


def test_the_key_is_made_on_first_write_outside_the_database(
    empty_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    path = tmp_path / "config" / "log.key"
    monkeypatch.setenv(changelog.KEY_FILE_VARIABLE, str(path))
    with editing(empty_db) as editor:
        editor.create(Entity(kind="person", name="First"), reason="test")
    assert path.exists() and oct(path.stat().st_mode & 0o777) == "0o600"
    assert verify(empty_db).intact


def test_plain_json_writes_the_bytes_canonical_json_writes() -> None:
    """Records are hashed as plain_json writes them (orjson): the bytes must be those of
    canonical_json, which the chain's verification recomputes, for every character and
    every kind of plain value, and what orjson would write otherwise falls back to it."""
    every_character = "".join(map(chr, [*range(0xD800), *range(0xE000, 0x110000)]))
    values = [
        every_character,
        [every_character[i : i + 7] for i in range(0, 300, 7)],
        {chr(c): c for c in range(0, 0x3000, 37)},  # keys sorted by code point
        {"id": 7, "name": 'Li "Shang-fu" \\ 李尚福 😀', "lang": None, "acting": True, "version": 1},
        {"id": -(2**63), "big": 2**63 - 1, "rows_created": {"name": [], "citation": [{"b": 0, "a": None}]}},
        [None, True, False, 0, -1, "", [], {}],
        {
            "start_from": date(1999, 10, 13),
            "end_until": date(9, 1, 2),
            "status": "ended",
        },  # json_ready's text
    ]
    for value in values:
        assert changelog.plain_json(value) == changelog.canonical_json(value).encode()

    class Name(str):
        pass

    fallen_back = [
        2**64,
        -(2**63) - 1,
        Name("x"),
        {Name("key"): 1},
        date(2020, 1, 2),
        {"at": datetime(2020, 1, 2, tzinfo=UTC)},
    ]
    for value in fallen_back:
        assert changelog.plain_json(value) == changelog.canonical_json(value).encode()
