"""Search filters are checked in one place: a bad one gives the same error from the
CLI (one line, exit 2), the Python API and a screening file's row."""

from __future__ import annotations

from pathlib import Path

import pytest

from refdb import open_db
from refdb.database import Database
from refdb.errors import RefdbError
from refdb.search.filters import SearchFilters
from refdb.search.screening import BadRow, read_rows

BAD = [
    ("--kind", "kind", "dragon", "kind 'dragon' is not one of person, organization"),
    ("--nationality", "nationality", "atlantis", "nationality 'atlantis' is no country refdb knows"),
    ("--birth-date", "birth_date", "sometime", "sometime"),
    ("--active-on", "active_on", "2023-13", "2023-13"),
]


@pytest.mark.parametrize(("option", "keyword", "value", "says"), BAD, ids=[b[1] for b in BAD])
def test_a_bad_filter_gives_the_same_error_from_the_cli_and_the_api(
    refdb, shared_seeded_db: Database, option: str, keyword: str, value: str, says: str
) -> None:
    result = refdb("search", "li shangfu", option, value, "--db", shared_seeded_db.url)
    with open_db(shared_seeded_db.url) as db, pytest.raises(RefdbError) as raised:
        db.search("li shangfu", **{keyword: value})
    assert says in str(raised.value)
    assert (result.code, result.err) == (2, f"refdb: {raised.value}\n")
    assert not result.out


def test_a_list_that_is_not_there_is_named_from_the_cli_and_the_api(
    refdb, shared_seeded_db: Database
) -> None:
    result = refdb("search", "li shangfu", "--list", "ofac", "--db", shared_seeded_db.url)
    with open_db(shared_seeded_db.url) as db, pytest.raises(RefdbError) as raised:
        db.search("li shangfu", list_key="ofac")
    assert str(raised.value).startswith("no list 'ofac'; the lists are ")
    assert "ofac-sdn" in str(raised.value)
    assert (result.code, result.out, result.err) == (1, "", f"refdb: {raised.value}\n")


def test_a_screening_row_with_a_bad_kind_is_reported_as_a_search_would_say(tmp_path: Path) -> None:
    content = b"name,kind\nLi Shangfu,person\nRosoboronexport,dragon\n"
    rows = list(read_rows(tmp_path / "names.csv", content))
    with pytest.raises(RefdbError) as raised:
        SearchFilters(kind="dragon")
    assert rows[1] == BadRow(2, 3, str(raised.value))


def test_filters_keep_the_nationality_as_its_code_and_a_list_keeps_entries_only() -> None:
    filters = SearchFilters(nationality="Chinese", list_key="ofac-sdn")
    assert (filters.nationality, filters.types) == ("cn", ("sanction_entry",))
    assert not SearchFilters(birth_date="1958", nationality="ru").narrowing, "these weigh, not narrow"
