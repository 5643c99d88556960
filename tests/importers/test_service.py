"""Importing lists into the database, on SQLite and PostgreSQL, served over loopback HTTP."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from db_state import state
from excerpts import DATA, EXCERPTS
from loopback import HttpServer, Reply
from sqlalchemy import func, select

from refdb import changelog
from refdb.database import Database
from refdb.errors import RefdbError
from refdb.importers import ImportFormatError
from refdb.importers.service import import_list
from refdb.models import Change, EntryName, Link, SanctionEntry, SanctionList, Source
from refdb.services.edits import editing
from refdb.services.links import decide_link, propose_link

OFAC_2021 = DATA / "ofac" / "2021-07-07"
OFAC_2024 = DATA / "ofac" / "2024-05-03"
FAST = {"backoff": 0.01}


def publish_ofac(server: HttpServer, folder: Path, base: str = "ofac") -> str:
    """Serve an OFAC main file with whichever companions the folder has; return the main URL."""
    for path in sorted(folder.glob("*.csv")):
        server.publish(path, f"{base}/{path.name}")
    main = "cons_prim.csv" if (folder / "cons_prim.csv").exists() else "sdn.csv"
    return server.url(f"{base}/{main}")


def entries_of(database: Database, list_key: str) -> dict[str, SanctionEntry]:
    with database.session() as session:
        rows = session.exec(
            select(SanctionEntry)
            .join(SanctionList, SanctionList.id == SanctionEntry.list_id)
            .where(SanctionList.key == list_key)
        ).all()
        return {row[0].record_id: row[0] for row in rows}


@pytest.mark.parametrize("source", ["ofac-sdn", "ofac-cons", "un", "eu", "uk"])
def test_each_source_imports_over_http_with_the_file_counts(
    empty_db: Database, http_server: HttpServer, source: str
) -> None:
    if source.startswith("ofac"):
        url = publish_ofac(http_server, EXCERPTS[source].parent)
    else:
        url = http_server.publish(EXCERPTS[source], f"{source}/{EXCERPTS[source].name}")
    expected = {"ofac-sdn": 13, "ofac-cons": 4, "un": 11, "eu": 5, "uk": 4}[source]

    result = import_list(empty_db, source, url=url, fetch_options=FAST)

    assert (result.entries, result.added, result.changed, result.delisted) == (expected, expected, 0, 0)
    stored = entries_of(empty_db, source)
    assert len(stored) == expected
    with empty_db.session() as session:
        file_source = session.get(Source, result.source_id)
        assert file_source is not None
        assert file_source.kind == "list_file" and file_source.url == url
        assert file_source.sha256 == hashlib.sha256(EXCERPTS[source].read_bytes()).hexdigest()
        assert file_source.etag and file_source.fetched_at is not None
        assert all(entry.source_id == file_source.id for entry in stored.values())
        names = session.exec(select(func.count()).select_from(EntryName)).one()[0]
        assert names >= expected


def test_seeded_entries_update_in_place_keeping_confirmed_links(
    seeded_db: Database, http_server: HttpServer
) -> None:
    before = entries_of(seeded_db, "ofac-sdn")
    with seeded_db.session() as session:
        confirmed = {
            (link.entity_id, link.entry_id, link.status)
            for (link,) in session.exec(select(Link).where(Link.status == "confirmed")).all()
        }

    result = import_list(seeded_db, "ofac-sdn", url=publish_ofac(http_server, OFAC_2021), fetch_options=FAST)

    after = entries_of(seeded_db, "ofac-sdn")
    assert (result.added, result.changed) == (11, 2)  # the two seeded records are updated, not added
    for record_id in ("24837", "24838"):
        assert after[record_id].id == before[record_id].id
        assert after[record_id].raw["sdn"]["ent_num"] == record_id  # now the record as published
    assert after["24838"].listed_on == "2018-09-20"  # the CSV has no listing date: kept
    assert after["24838"].birth_dates == ["1958-02"]
    with seeded_db.session() as session:
        still = {
            (link.entity_id, link.entry_id, link.status)
            for (link,) in session.exec(select(Link).where(Link.status == "confirmed")).all()
        }
    assert confirmed <= still

    roe = next(p for p in result.proposals if p["record_id"] == "18782")
    assert roe["entity"] == "Rosoboronexport" and roe["entry"] == "ROSOBORONEKSPORT OAO"
    # The listed alias spelled as the entity is, not the folded transliteration (0.98).
    assert roe["score"] >= 0.9 and "~ 'ROSOBORONEXPORT': exact 1.00" in roe["explanation"]
    with seeded_db.session() as session:
        link = session.get(Link, roe["link_id"])
        assert link is not None
        assert link.status == "proposed" and link.decided_by is None  # never confirmed by an import
        assert link.explanation == roe["explanation"]


def test_second_import_is_unchanged_and_a_conditional_request_skips_it(
    seeded_db: Database, http_server: HttpServer
) -> None:
    url = publish_ofac(http_server, OFAC_2021)
    first = import_list(seeded_db, "ofac-sdn", url=url, fetch_options=FAST)

    cached = import_list(seeded_db, "ofac-sdn", url=url, fetch_options=FAST)
    forced = import_list(seeded_db, "ofac-sdn", url=url, force=True, fetch_options=FAST)

    assert cached.not_modified and cached.unchanged == 13 and cached.source_id == first.source_id
    assert http_server.requests_for("ofac/sdn.csv")[1]["If-None-Match"]
    assert not forced.not_modified
    assert (forced.added, forced.changed, forced.unchanged, forced.delisted) == (0, 0, 13, 0)
    assert forced.proposals == []


def test_2021_then_2024_reports_real_changes_and_delists_without_deleting(
    empty_db: Database, http_server: HttpServer
) -> None:
    import_list(empty_db, "ofac-sdn", url=publish_ofac(http_server, OFAC_2021, "2021"), fetch_options=FAST)
    old = entries_of(empty_db, "ofac-sdn")

    result = import_list(  # 3 of 13 delisted: more than an import delists unasked
        empty_db,
        "ofac-sdn",
        url=publish_ofac(http_server, OFAC_2024, "2024"),
        allow_shrink=True,
        fetch_options=FAST,
    )

    today = datetime.now(UTC).date().isoformat()
    new = entries_of(empty_db, "ofac-sdn")
    assert (result.added, result.delisted, result.entries) == (2, 3, 12)
    assert result.added + result.changed + result.unchanged == result.entries
    assert {"48906", "48907"} <= set(new) and len(new) == 15  # nothing deleted
    for gone in ("2680", "2831", "12300"):
        assert new[gone].delisted_on == today and new[gone].id == old[gone].id
        assert new[gone].status == "delisted"
    # 18782 gained programs in 2024; the 2021 version stays readable in the change log
    assert "RUSSIA-EO14024" not in old["18782"].raw["sdn"]["Program"]
    assert "RUSSIA-EO14024" in new["18782"].raw["sdn"]["Program"]
    with empty_db.session() as session:
        change = session.exec(
            select(Change)
            .where(Change.table_name == "sanction_entry", Change.row_id == new["18782"].id)
            .order_by(Change.id.desc())
        ).first()[0]
        assert change.action == "update"
        previous = json.loads(change.before)
        assert previous["programs"] == ["SYRIA", "UKRAINE-EO13662"]
        assert ["ROSOBORONEXPORT JSC", "alias", None, None] in previous["names"]
        assert changelog.verify_chain(session).intact

    again = import_list(empty_db, "ofac-sdn", file=OFAC_2021 / "sdn.csv", allow_shrink=True)
    assert again.relisted == 3 and entries_of(empty_db, "ofac-sdn")["2680"].delisted_on is None


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(200, b"<!DOCTYPE html><html><body>Access Denied</body></html>"), "got an HTML page"),
        (Reply(404, b"<html>Not Found</html>"), "HTTP 404"),
    ],
)
def test_error_page_writes_nothing(
    seeded_db: Database, http_server: HttpServer, reply: Reply, message: str
) -> None:
    url = publish_ofac(http_server, OFAC_2021)
    http_server.script("ofac/sdn.csv", reply)
    before = state(seeded_db)

    with pytest.raises(RefdbError, match=message):
        import_list(seeded_db, "ofac-sdn", url=url, fetch_options=FAST)

    assert state(seeded_db) == before


def test_truncated_download_writes_nothing(seeded_db: Database, tmp_path: Path) -> None:
    data = EXCERPTS["un"].read_bytes()
    cut = tmp_path / "consolidated.xml"
    cut.write_bytes(data[: len(data) // 2])
    before = state(seeded_db)

    with pytest.raises(ImportFormatError, match="truncated"):
        import_list(seeded_db, "un", file=cut)

    assert state(seeded_db) == before


def test_two_imports_at_once_are_serialized(empty_db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "ofac"
    shutil.copytree(OFAC_2021, folder)
    results, errors = [], []

    def run() -> None:
        try:
            results.append(
                import_list(Database(empty_db.url, actor="tester"), "ofac-sdn", file=folder / "sdn.csv")
            )
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted((r.added, r.unchanged) for r in results) == [(0, 13), (13, 0)]
    assert len(entries_of(empty_db, "ofac-sdn")) == 13


def test_redirected_list_is_still_fetched_conditionally(seeded_db: Database, http_server: HttpServer) -> None:
    target = publish_ofac(http_server, OFAC_2021)
    moved = Reply(302, headers={"Location": target})
    http_server.script("downloads/sdn.csv", moved, moved)
    url = http_server.url("downloads/sdn.csv")

    first = import_list(seeded_db, "ofac-sdn", url=url, fetch_options=FAST)
    second = import_list(seeded_db, "ofac-sdn", url=url, fetch_options=FAST)

    assert first.added == 11 and second.not_modified
    with seeded_db.session() as session:
        source = session.get(Source, first.source_id)
        assert source is not None and source.url == url
        assert f"redirected to {target}" in (source.notes or "")


def test_confirmed_link_to_an_entry_that_changes_is_flagged_for_review(
    seeded_db: Database, http_server: HttpServer
) -> None:
    import_list(seeded_db, "ofac-sdn", url=publish_ofac(http_server, OFAC_2021, "2021"), fetch_options=FAST)
    gone = entries_of(seeded_db, "ofac-sdn")["2680"]  # HABBASH, George: not in the 2024 file
    with editing(seeded_db, "curator") as editor:
        entity = editor.session.exec(select(Link.entity_id).where(Link.status == "confirmed")).first()[0]
        link_id = propose_link(editor, entity, gone.id, score=0.5, explanation="test").id
        decide_link(editor, link_id, "confirmed", "checked by hand for this test")

    url = publish_ofac(http_server, OFAC_2024, "2024")
    import_list(seeded_db, "ofac-sdn", url=url, allow_shrink=True, fetch_options=FAST)

    with seeded_db.session() as session:
        flagged = session.get(Link, link_id)
        assert flagged is not None
        assert flagged.status == "confirmed" and flagged.needs_review
        assert f"sanction entry {gone.id} changed (delisted_on) in sdn.csv" == flagged.review_reason
        untouched = session.exec(select(Link).where(Link.id != link_id, Link.status == "confirmed")).all()
        assert untouched and not any(row[0].needs_review for row in untouched)


def test_a_listing_date_the_list_does_not_publish_is_bounded_by_the_files_that_held_it(
    empty_db: Database, http_server: HttpServer, refdb
) -> None:
    first = import_list(
        empty_db, "ofac-sdn", url=publish_ofac(http_server, OFAC_2021, "2021"), fetch_options=FAST
    )
    import_list(
        empty_db,
        "ofac-sdn",
        url=publish_ofac(http_server, OFAC_2024, "2024"),
        allow_shrink=True,
        fetch_options=FAST,
    )
    with empty_db.session() as session:
        fetched = session.get(Source, first.source_id).fetched_at.date()  # type: ignore[union-attr]
    entries = entries_of(empty_db, "ofac-sdn")
    li, gone = entries["24838"], entries["2680"]
    assert li.listed_on is None and li.listed_no_later_than is not None
    assert li.listed_no_later_than <= fetched  # the first file that held it (its date or its fetch)
    assert gone.delisted_after == fetched  # the last file that held it
    assert gone.delisted_on == datetime.now(UTC).date().isoformat()  # the first that did not

    shown = json.loads(refdb("entry", "ofac-sdn", "24838", "--db", empty_db.url, "--json").out)
    assert (shown["listed_on"], shown["listed_no_later_than"]) == (None, li.listed_no_later_than.isoformat())
    # Active in 2010? Not "yes": OFAC does not say when Li was listed, only that he was by then.
    listed = json.loads(
        refdb("sanctions", "--list", "ofac-sdn", "--active-on", "2010", "--db", empty_db.url, "--json").out
    )
    answers = {item["record_id"]: item["active_on"]["answer"] for item in listed}
    assert answers["24838"] == "uncertain" and set(answers.values()) == {"uncertain"}
    today = json.loads(
        refdb(
            "sanctions",
            "--list",
            "ofac-sdn",
            "--active-on",
            fetched.isoformat(),
            "--db",
            empty_db.url,
            "--json",
        ).out
    )
    assert {item["record_id"]: item["active_on"]["answer"] for item in today}["24838"] == "yes"
