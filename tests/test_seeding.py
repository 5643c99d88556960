"""Loading the curated seeds into a database: complete, cited, partial dates kept, idempotent."""

from __future__ import annotations

import copy

from sqlmodel import col, func, select

from refdb.models import Change, Citation, Entity, Link, Name, SanctionEntry, SanctionList, Tenure
from refdb.seeding import load_seeds, read_seed_files
from refdb.services.edits import editing

ARTICLE_OFFICIALS = {
    "Xie Feng",
    "Ely Ratner",
    "Martin Meiners",
    "Nancy Pelosi",
    "Lloyd Austin",
    "Li Shangfu",
    "Antony Blinken",
    "Janet Yellen",
    "Daniel Kritenbrink",
    "Henry Kissinger",
    "Joe Biden",
}


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_the_seeds_hold_every_official_the_article_names(shared_seeded_db):
    with shared_seeded_db.session() as session:
        people = set(session.exec(select(Entity.name).where(Entity.kind == "person")).all())
    assert people >= ARTICLE_OFFICIALS


def test_the_seeded_ofac_entries_keep_the_lists_own_record_ids(shared_seeded_db):
    with shared_seeded_db.session() as session:
        rows = session.exec(
            select(SanctionList.key, SanctionEntry.record_id, SanctionEntry.listed_on)
            .join(SanctionList, col(SanctionList.id) == SanctionEntry.list_id)
            .order_by(col(SanctionEntry.record_id))
        ).all()
        statuses = set(session.exec(select(Link.status)).all())
    assert [tuple(row) for row in rows] == [
        ("ofac-sdn", "24837", "2018-09-20"),
        ("ofac-sdn", "24838", "2018-09-20"),
    ]
    assert statuses == {"confirmed"}


def test_every_tenure_entry_and_link_is_cited(shared_seeded_db):
    with shared_seeded_db.session() as session:
        for model, table in ((Tenure, "tenure"), (SanctionEntry, "sanction_entry"), (Link, "link")):
            ids = set(session.exec(select(model.id)).all())
            cited = set(
                session.exec(select(Citation.subject_id).where(Citation.subject_table == table)).all()
            )
            assert ids and ids <= cited, f"uncited {table} rows: {sorted(ids - cited)}"


def test_partial_dates_stay_partial(shared_seeded_db):
    with shared_seeded_db.session() as session:
        xie = session.exec(select(Entity).where(Entity.key == "xie-feng")).one()
        starts = set(session.exec(select(Tenure.start_on).where(Tenure.person_id == xie.id)).all())
        li = session.exec(select(Entity).where(Entity.key == "li-shangfu")).one()
    assert "2023-05" in starts
    assert "2021" in starts
    assert li.birth_date == "1958-02"


def test_a_second_load_changes_nothing_and_logs_nothing(seeded_db):
    with seeded_db.session() as session:
        changes_before = _count(session, Change)
        entities_before = _count(session, Entity)
    with editing(seeded_db) as editor:
        counts = load_seeds(editor)
    assert counts["created"] == 0
    assert counts["updated"] == 0
    assert counts["unchanged"] > 0
    with seeded_db.session() as session:
        assert _count(session, Change) == changes_before
        assert _count(session, Entity) == entities_before


def test_an_edited_seed_file_updates_curated_rows_but_not_published_entries(seeded_db):
    data = copy.deepcopy(read_seed_files())
    austin = next(item for item in data["entities"] if item["key"] == "lloyd-austin")
    austin["names"] = [*austin.get("names", []), {"name": "Lloyd James Austin III", "kind": "alias"}]
    austin["notes"] = "28th Secretary of Defense"
    entry = next(item for item in data["entries"] if str(item["record_id"]) == "24838")
    entry["name"] = "LI, Shang-fu (edited in the seed file)"

    with editing(seeded_db, "curator") as editor:
        counts = load_seeds(editor, data)
    assert (counts["created"], counts["updated"]) == (1, 1)

    with seeded_db.session() as session:
        person = session.exec(select(Entity).where(Entity.key == "lloyd-austin")).one()
        assert person.notes == "28th Secretary of Defense"
        assert session.exec(select(Name).where(Name.name == "Lloyd James Austin III")).one()
        # After creation, the published entry belongs to the list imports, not to the seeds.
        listed = session.exec(select(SanctionEntry).where(SanctionEntry.record_id == "24838")).one()
        assert listed.name == "LI, Shangfu"
        latest = session.exec(select(Change).order_by(col(Change.id).desc()).limit(2)).all()
    assert {(c.action, c.table_name, c.actor) for c in latest} == {
        ("update", "entity", "curator"),
        ("create", "name", "curator"),
    }
