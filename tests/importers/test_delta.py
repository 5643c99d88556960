"""What an import checks before it writes: mass delisting, an older file, the files it read."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from db_state import state
from excerpts import DATA
from loopback import HttpServer
from sqlalchemy import func, select

from refdb.database import Database
from refdb.importers.delta import ShrinkRefused
from refdb.importers.service import import_list
from refdb.models import EntryName, Link, SanctionEntry

OFAC_2021 = DATA / "ofac" / "2021-07-07"
OFAC_2024 = DATA / "ofac" / "2024-05-03"
FAST = {"backoff": 0.01}


def cut_at_a_line_end(source: Path, folder: Path, lines: int) -> Path:
    """The main file cut after `lines` whole lines, as a download stopped at a line end is."""
    folder.mkdir(parents=True, exist_ok=True)
    cut = folder / source.name
    cut.write_bytes(b"".join(source.read_bytes().splitlines(keepends=True)[:lines]))
    return cut


def test_a_file_cut_at_a_line_end_is_refused_and_writes_nothing(empty_db: Database, tmp_path: Path) -> None:
    import_list(empty_db, "ofac-sdn", file=OFAC_2021 / "sdn.csv")
    cut = cut_at_a_line_end(OFAC_2021 / "sdn.csv", tmp_path / "cut", 5)
    before = state(empty_db)

    with pytest.raises(ShrinkRefused) as refused:
        import_list(empty_db, "ofac-sdn", file=cut)

    assert state(empty_db) == before
    message = str(refused.value)
    assert "8 of the 13 listed entries (62%) are missing from sdn.csv" in message
    assert "--allow-shrink" in message and "\n" not in message


def test_allow_shrink_delists_what_the_file_lacks(empty_db: Database, tmp_path: Path) -> None:
    import_list(empty_db, "ofac-sdn", file=OFAC_2021 / "sdn.csv")
    cut = cut_at_a_line_end(OFAC_2021 / "sdn.csv", tmp_path / "cut", 5)

    result = import_list(empty_db, "ofac-sdn", file=cut, allow_shrink=True)

    assert (result.entries, result.unchanged, result.delisted) == (5, 5, 8)


def test_a_few_delistings_need_no_flag(empty_db: Database, tmp_path: Path) -> None:
    import_list(empty_db, "ofac-sdn", file=OFAC_2021 / "sdn.csv")
    cut = cut_at_a_line_end(OFAC_2021 / "sdn.csv", tmp_path / "cut", 12)  # 1 of 13: under 10%

    assert import_list(empty_db, "ofac-sdn", file=cut).delisted == 1


def test_an_older_file_than_the_last_import_is_imported_with_a_warning(
    empty_db: Database, http_server: HttpServer
) -> None:
    new = http_server.publish(OFAC_2024 / "sdn.csv", "2024/sdn.csv")
    os.utime(http_server.root / "2024/sdn.csv", (1714761803, 1714761803))  # 2024-05-03
    old = http_server.publish(OFAC_2021 / "sdn.csv", "2021/sdn.csv")
    os.utime(http_server.root / "2021/sdn.csv", (1625652000, 1625652000))  # 2021-07-07
    first = import_list(empty_db, "ofac-sdn", url=new, fetch_options=FAST)

    result = import_list(empty_db, "ofac-sdn", url=old, allow_shrink=True, fetch_options=FAST)

    assert first.published_on == "2024-05-03" and not any("dated" in w for w in first.warnings)
    [warning] = [w for w in result.warnings if "dated" in w]
    assert warning == (
        f"sdn.csv is dated 2021-07-07, before the file imported last (source {first.source_id}, "
        "dated 2024-05-03): entries listed since then may be delisted by it"
    )


def test_the_companion_files_read_and_their_counts_are_reported(empty_db: Database) -> None:
    result = import_list(empty_db, "ofac-sdn", file=OFAC_2021 / "sdn.csv")

    assert result.companions_read == ["alt.csv", "add.csv", "sdn_comments.csv"]
    assert result.companions_missing == [] and result.warnings == []
    with empty_db.session() as session:
        entries = session.scalars(select(SanctionEntry)).all()
        aliases = session.scalar(select(func.count()).where(EntryName.kind != "primary"))
    assert (result.aliases, result.addresses) == (aliases, sum(len(e.addresses) for e in entries))
    assert result.aliases > 13 and result.addresses > 13  # alt.csv and add.csv rows among them


def test_a_missing_alias_file_is_reported_and_warned_about(empty_db: Database, tmp_path: Path) -> None:
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(OFAC_2021 / "sdn.csv", alone / "sdn.csv")
    shutil.copy(OFAC_2021 / "add.csv", alone / "add.csv")

    result = import_list(empty_db, "ofac-sdn", file=alone / "sdn.csv")

    assert result.companions_read == ["add.csv"]
    assert 0 < result.aliases < 19  # only the a.k.a. names written in the remarks
    assert result.companions_missing == ["alt.csv", "sdn_comments.csv"]
    [warning] = result.warnings
    assert warning.startswith("alt.csv was not beside sdn.csv: no aliases read from it")


def test_a_seeded_entry_keeps_the_former_name_its_seed_took_from_alt_csv(seeded_db: Database) -> None:
    # sdn.csv of 2024 alone (no alt.csv of that date exists): the seeded EDD entry keeps
    # "GENERAL ARMAMENT DEPARTMENT", and the confirmed link to it is not sent back for review.
    import_list(seeded_db, "ofac-sdn", file=OFAC_2024 / "sdn.csv")
    with seeded_db.session() as session:
        entry = session.scalars(select(SanctionEntry).where(SanctionEntry.record_id == "24837")).one()
        names = session.scalars(select(EntryName.name).where(EntryName.entry_id == entry.id)).all()
        review = session.scalars(select(Link.needs_review).where(Link.entry_id == entry.id)).all()
    assert "GENERAL ARMAMENT DEPARTMENT" in names
    assert review == [False]
