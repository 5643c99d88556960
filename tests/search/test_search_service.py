"""Search as users meet it: one matcher over entities and sanction entries, on both back ends."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import text
from sqlmodel import select

from refdb.database import Database
from refdb.models import Entity, Name, SanctionEntry
from refdb.search.filters import SearchFilters
from refdb.search.service import SCREENING_THRESHOLD, entity_candidates, find, indexing_notice, search
from refdb.services.curation import create_entity
from refdb.services.edits import editing


@pytest.fixture
def seeded(shared_seeded_db):
    with shared_seeded_db.session() as session:
        yield session


def _li(session) -> int:
    return session.exec(select(Entity.id).where(Entity.key == "li-shangfu")).one()


@pytest.mark.parametrize(
    "query", ["li shang-fu", "Shangfu LI", "李尚福", "Li Shangfoo", "Ли Шанфу", "LI, Shangfu"]
)
def test_li_shangfu_comes_first(seeded, query):
    hits = find(seeded, query)
    assert hits, f"nothing found for {query!r}"
    first_entity = next(h for h in hits if h.type == "entity")
    assert first_entity.id == _li(seeded)
    assert hits[0].score == first_entity.score, "no other result outranks him"
    assert hits[0].matched_name
    assert "~" in hits[0].explanation


def test_results_cover_sanction_entries_with_their_list_and_record(seeded):
    items = search(seeded, "li shangfu")
    entry = next(i for i in items if i["type"] == "sanction_entry")
    assert (entry["list"], entry["record_id"], entry["kind"]) == ("ofac-sdn", "24838", "person")
    assert set(entry) >= {"id", "name", "kind", "score", "explanation", "matched_name", "match", "status"}
    entity = next(i for i in items if i["type"] == "entity")
    assert "list" not in entity and 0.0 <= entity["score"] <= 1.0


def test_unrelated_and_generic_queries_find_nothing_strong(seeded):
    assert not find(seeded, "Johnathan Q. Nobody", threshold=0.6)
    # "Li" is one word of many names: shown, never as strong as a screening hit.
    assert all(h.score < SCREENING_THRESHOLD for h in find(seeded, "Li"))


def test_kind_filter(seeded):
    hits = find(seeded, "Rosoboronexport", SearchFilters(kind="organization"))
    assert hits and all(h.kind == "organization" for h in hits)
    assert not find(seeded, "Rosoboronexport", SearchFilters(kind="person"), threshold=0.8)


def test_sanction_filters(seeded):
    listed = find(seeded, "li shangfu", SearchFilters(list_key="ofac-sdn"))
    assert listed and all((h.type, h.list) == ("sanction_entry", "ofac-sdn") for h in listed)
    assert find(seeded, "li shangfu", SearchFilters(program="caatsa - russia", types=("entity",))), (
        "linked to one"
    )
    assert not find(seeded, "li shangfu", SearchFilters(list_key="no-such-list"))
    assert not find(seeded, "li shangfu", SearchFilters(active_on="1990"))
    assert find(seeded, "li shangfu", SearchFilters(active_on="2024-06"))
    assert find(seeded, "li shangfu", SearchFilters(program="caatsa - russia"))


@pytest.mark.parametrize("typed", ["rosob", "Rosobo", "rosoboronex"])
def test_the_last_word_typed_so_far_finds_the_names_it_begins(seeded, typed):
    hit = find(seeded, typed)[0]
    assert hit.name == "Rosoboronexport" and hit.match.name.method == "prefix"
    assert hit.score < find(seeded, "Rosoboronexport")[0].score, "an unfinished word is weaker evidence"


def test_a_word_followed_by_a_space_or_screened_is_not_a_prefix(seeded):
    assert not find(seeded, "rosob ")
    assert not find(seeded, "rosob", prefix=False)


def test_birth_date_moves_the_score(seeded):
    plain = find(seeded, "Li Shangfoo", SearchFilters(types=("entity",)))[0]
    agrees = find(seeded, "Li Shangfoo", SearchFilters(birth_date="1958", types=("entity",)))[0]
    conflicts = find(
        seeded, "Li Shangfoo", SearchFilters(birth_date="1970-01-01", types=("entity",)), threshold=0
    )[0]
    assert conflicts.score < plain.score < agrees.score
    assert "agrees" in agrees.explanation and "not 1970-01-01" in conflicts.explanation


def test_entity_candidates_for_link_proposals(seeded):
    hits = entity_candidates(seeded, ["LI, Shangfu", "李尚福"], birth_dates=["1958-02"])
    assert hits[0].id == _li(seeded)
    assert all(h.type == "entity" for h in hits)


def test_index_follows_every_write(seeded_db: Database):
    with editing(seeded_db) as editor:
        entity_id = editor.create(Entity(kind="person", name="Zhang Youxia")).id
        name = Name(entity_id=entity_id, name="张又侠", kind="original_script", normalized="")
        name_id = editor.create(name).id
    with seeded_db.session() as session:
        hit = find(session, "张又侠")[0]
        assert (hit.id, hit.matched_name) == (entity_id, "张又侠")
    with editing(seeded_db) as editor:
        editor.update(Name, name_id, {"name": "Chang Yu-hsia"})
    with seeded_db.session() as session:
        hit = find(session, "Chang Yu-hsia")[0]
        assert (hit.id, hit.matched_name) == (entity_id, "Chang Yu-hsia")
    with editing(seeded_db) as editor:
        editor.delete(Name, name_id)
    with seeded_db.session() as session:
        assert all(h.matched_name != "Chang Yu-hsia" for h in find(session, "Chang Yu-hsia", threshold=0))


@pytest.mark.parametrize("kana", ["キヨタ ジロウ", "きよた じろう"])
def test_a_japanese_name_in_kana_finds_its_listed_romaji(seeded_db: Database, kana):
    """KIYOTA, Jiro as OFAC lists him, searched as a Japanese writer spells him."""
    with editing(seeded_db) as editor:
        entity_id = create_entity(editor, kind="person", name="KIYOTA, Jiro").id
    with seeded_db.session() as session:
        hit = find(session, kana, threshold=0.75)[0]
    assert (hit.id, hit.score) == (entity_id, 1.0)


@pytest.mark.parametrize(
    ("katakana", "latin", "listed"),
    [
        ("プーチン", "Putin", "PUTIN, Vladimir Vladimirovich"),
        ("ヴィクトル・ヤヌコーヴィチ", "Viktor Yanukovich", "Viktor Yanukovich"),
    ],
)
def test_a_foreign_name_in_katakana_finds_what_its_latin_spelling_finds(
    seeded_db: Database, katakana, latin, listed
):
    """プーチン read in Hepburn is "puchin"; read as the foreign name it spells, Putin."""
    with editing(seeded_db) as editor:
        entity_id = create_entity(editor, kind="person", name=listed).id
    with seeded_db.session() as session:
        as_latin = next(h for h in find(session, latin, threshold=0) if h.id == entity_id)
        hit = find(session, katakana, threshold=0)[0]
    assert hit.id == entity_id
    assert hit.score >= 0.98 * as_latin.score


def test_a_name_listed_in_katakana_is_found_by_its_latin_spelling(seeded_db: Database):
    with editing(seeded_db) as editor:
        entity_id = create_entity(editor, kind="person", name="ヴィクトル・ヤヌコーヴィチ").id
    with seeded_db.session() as session:
        hit = find(session, "Viktor Yanukovich", threshold=0.75)[0]
    assert (hit.id, hit.score) == (entity_id, 0.98)


def test_entry_names_written_in_bulk_are_indexed(seeded_db: Database):
    """Importers may write entry names with plain SQL: the triggers still queue them."""
    with seeded_db.session() as session:
        entry_id = session.exec(select(SanctionEntry.id).where(SanctionEntry.record_id == "24838")).one()
    with seeded_db.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO entry_name (entry_id, name, kind, normalized) "
            f"VALUES ({entry_id}, 'Shangfu Lee', 'weak_alias', 'shangfu lee')"
        )
    with seeded_db.session() as session:
        hit = find(session, "Shangfu Lee", SearchFilters(types=("sanction_entry",)))[0]
        assert (hit.record_id, hit.matched_name, hit.score) == ("24838", "Shangfu Lee", 1.0)


def test_a_search_that_must_first_index_many_names_says_so_once(seeded_db: Database, queue_entry_names):
    with seeded_db.reading() as reader:
        find(reader, "catch up on the seed")
        assert indexing_notice(reader) is None
        queue_entry_names(seeded_db, 1999)
        assert indexing_notice(reader) is None, "a few names index in a blink: nothing to say"
        queue_entry_names(seeded_db, 1)
        assert str(indexing_notice(reader)) == (
            "indexing 2,000 names written since the last search, once, before searching"
        )
        assert find(reader, "alias number", SearchFilters(types=("sanction_entry",)))[
            0
        ].matched_name.startswith("alias")
        assert indexing_notice(reader) is None
    # An index built with another version's keys is rebuilt whole, and says so.
    with seeded_db.engine.begin() as connection:
        connection.execute(text("UPDATE search_term SET docs = 0 WHERE term = '#keys'"))
        names = connection.execute(
            text("SELECT (SELECT count(*) FROM name) + (SELECT count(*) FROM entry_name)")
        ).scalar_one()
    with seeded_db.reading() as reader:
        assert str(indexing_notice(reader)) == (
            f"reindexing all {names:,} names for this version of refdb, once, before searching"
        )


def test_both_back_ends_return_the_same_top_results(db_url, tmp_path):
    """The same synthetic data on SQLite and PostgreSQL gives the same ranked results."""
    if not db_url.startswith("postgresql"):
        pytest.skip("compared in the PostgreSQL run, against a SQLite copy")
    from benchmarks import synthetic

    sqlite_url = f"sqlite:///{tmp_path / 'same.db'}"
    for url in (sqlite_url, db_url):
        synthetic.load(url, 3000)
    queries = synthetic.make_queries(3000, 96)
    answers = []
    for url in (sqlite_url, db_url):
        database = Database(url, actor="tester")
        with database.session() as session:
            answers.append(
                [[(h.type, h.id, h.score) for h in find(session, q["query"], limit=5)] for q in queries]
            )
        database.close()
    assert answers[0] == answers[1]
    assert sum(1 for a in answers[0] if a) >= 0.9 * len(queries)


def test_screen_a_csv_of_1000_names_with_a_receipt(seeded_db: Database, tmp_path):
    from typer.testing import CliRunner

    from benchmarks import synthetic
    from refdb.cli import app

    names = ["li shang-fu", "李尚福", "Shangfu LI"] + [e.name for e in synthetic.iter_entities(997, seed=7)]
    source = tmp_path / "names.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "birth_date"])
        writer.writerows([name, "1958" if i == 0 else ""] for i, name in enumerate(names))
    receipt = tmp_path / "receipt.json"
    runner = CliRunner()
    result = runner.invoke(
        app, ["screen", str(source), "--db", seeded_db.url, "--receipt", str(receipt), "--csv"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    best = {r["row"]: r for r in reversed(rows)}  # each input's first row: its best hit, or 'no match'
    assert [int(row) for row in best] == list(range(1, 1001))[::-1]
    li = f"entity:{find_li(seeded_db)}"
    assert all(best[str(row)]["record"] == li for row in (1, 2, 3))
    assert "born 1958-02 agrees with 1958" in best["1"]["explanation"]

    verified = runner.invoke(app, ["receipt", "verify", str(receipt), "--db", seeded_db.url, "--json"])
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout)["ok"] is True
    document = json.loads(receipt.read_text(encoding="utf-8"))
    assert len(document["results"]) == 1000
    assert document["header"]["input"]["sha256"] and document["header"]["database"]["lists"]

    receipt.write_text(
        receipt.read_text(encoding="utf-8").replace("Li Shangfu", "Li Shangfo", 1), encoding="utf-8"
    )
    tampered = runner.invoke(app, ["receipt", "verify", str(receipt), "--db", seeded_db.url, "--json"])
    assert tampered.exit_code == 1
    assert json.loads(tampered.stdout)["intact"] is False


def find_li(database: Database) -> int:
    with database.session() as session:
        return _li(session)


def test_parallel_screening_gives_the_same_rows_in_order(seeded_db: Database):
    from refdb.search.service import ScreeningInput, screen, screen_in_parallel

    inputs = [
        ScreeningInput(name, row=i) for i, name in enumerate(["李尚福", "Rosoboronexport", "Nobody"] * 4)
    ]
    with seeded_db.session() as session:
        expected = [r.as_dict() for r in screen(session, inputs)]
    parallel = [r.as_dict() for r in screen_in_parallel(seeded_db.url, inputs, workers=2, window=5)]
    assert parallel == expected


def test_screening_runs_in_parallel_by_default_only_when_it_pays(monkeypatch):
    from refdb.search import service as search

    monkeypatch.setattr(search.os, "sched_getaffinity", lambda _pid: set(range(16)), raising=False)
    assert search.default_workers(search.PARALLEL_FROM - 1) == 1
    assert search.default_workers(search.PARALLEL_FROM) == search.MAX_WORKERS
    monkeypatch.setattr(search.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert search.default_workers(100_000) == 2
