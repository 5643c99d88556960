"""`refdb officials|links|posts`: the shared output flags, counts on stderr, exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest

from refdb.database import Database
from tests.conftest import Result, Run


@pytest.fixture
def listing(refdb: Run, listing_db: Database) -> Run:
    def run(*args: str) -> Result:
        return refdb(*args, "--db", listing_db.url)

    return run


def test_json_holds_the_page_and_its_total(listing: Run) -> None:
    result = listing("officials", "--sanctioned", "yes", "--json")
    assert result.code == 0, result.err
    page = json.loads(result.out)
    assert (page["total"], page["limit"], page["offset"]) == (1, 100, 0)
    assert [o["name"] for o in page["items"]] == ["Anna Alpha"]
    assert page["items"][0]["sanctioned"] is True


def test_a_cut_page_says_how_much_it_shows_on_stderr(listing: Run) -> None:
    result = listing("officials", "--limit", "2")
    assert result.code == 0
    assert result.err_lines == ["showing 2 of 5 officials (--offset for more)"]
    later = listing("officials", "--limit", "2", "--offset", "4")
    assert later.err_lines == ["showing 5-5 of 5 officials"]
    whole = listing("posts")
    assert whole.err_lines == [], "a page that shows everything needs no count"


def test_json_lines_are_one_item_a_line(listing: Run) -> None:
    result = listing("links", "--nl")
    lines = [json.loads(line) for line in result.out.splitlines()]
    assert len(lines) == 5 and {"entity", "record_id", "status", "score"} <= set(lines[0])


def test_csv_quotes_cells_a_spreadsheet_would_run(listing: Run) -> None:
    result = listing("officials", "--country", "us", "--csv")
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out)))
    assert rows[0] == ["person", "id", "post", "term", "sanctioned"]
    assert [row[0] for row in rows[1:]] == ["'=Eve Formula", "Carl Gamma", "Emil Epsilon"]
    assert rows[1][3] == "1990 to 1995"


def test_table_marks_who_is_sanctioned(listing: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    result = listing("officials", "--in-office-on", "2006", "--sanctioned", "yes")
    assert result.code == 0, result.err
    assert "Carl Gamma" in result.out and "yes: test-list US-1" in result.out


def test_links_and_posts_filters_reach_the_service(listing: Run) -> None:
    proposed = json.loads(listing("links", "--status", "proposed", "--needs-review", "--json").out)
    assert [(k["entity"], k["record_id"]) for k in proposed["items"]] == [("Boris Beta", "RU-2")]
    posts = json.loads(listing("posts", "--country", "ru", "--json").out)
    assert [(p["title"], p["holders"]) for p in posts["items"]] == [
        ("Governor of the Central Bank", 2),
        ("Minister of Finance", 1),
    ]


def test_posts_name_the_country_in_the_table_and_keep_its_code_for_machines(
    listing: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table showed "ru" where `refdb show` and `refdb officials` name countries."""
    monkeypatch.setenv("COLUMNS", "100")
    rows = [line.split("│") for line in listing("posts", "--country", "ru").out.splitlines() if "│" in line]
    assert [row[3].strip() for row in rows] == ["Russia", "Russia"]
    assert {p["country"] for p in json.loads(listing("posts", "--json").out)["items"]} == {"ru", "us"}
    shown = list(csv.DictReader(io.StringIO(listing("posts", "--country", "ru", "--csv").out)))
    assert [row["country"] for row in shown] == ["ru", "ru"]


def test_nothing_found_exits_1_with_an_empty_page(listing: Run) -> None:
    result = listing("officials", "--post", "admiral", "--json")
    assert result.code == 1
    assert json.loads(result.out)["items"] == []
    assert result.err_lines == ["no officials match"]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("officials", "--sanctioned", "maybe"), "refdb: --sanctioned takes yes or no, not 'maybe'"),
        (("officials", "--in-office-on", "2023-13"), "refdb: '2023-13' is not a valid date"),
        (("officials", "--source", "nope"), "refdb: no source with key 'nope'"),
        (("links", "--status", "maybe"), "refdb: --status takes proposed, confirmed, rejected"),
        (("posts", "--json", "--csv"), "refdb: choose one of --json, --csv, not both"),
    ],
)
def test_bad_filters_are_one_line_and_exit_2(listing: Run, args: tuple[str, ...], reason: str) -> None:
    result = listing(*args)
    assert result.code == 2
    # Under --json the error is also an object on stdout (docs/cli.md); else stdout is empty.
    expected_out = (
        {"error": result.err_lines[0].removeprefix("refdb: "), "exit_code": 2} if "--json" in args else None
    )
    assert (json.loads(result.out) if result.out else None) == expected_out
    assert len(result.err_lines) == 1 and result.err_lines[0].startswith(reason), result.err


def test_show_of_a_person_without_a_key_prints_no_key(listing: Run) -> None:
    """Imported people have no hand-given key: the profile must not say "key None"."""
    (anna,) = json.loads(listing("officials", "--sanctioned", "yes", "--json").out)["items"]
    result = listing("show", str(anna["id"]))
    assert result.code == 0, result.err
    first = result.out.splitlines()[0]
    assert "Anna Alpha" in first and f"id {anna['id']}" in first
    assert "key" not in first


def test_a_table_of_one_says_one_official_not_one_officials(listing: Run) -> None:
    assert listing("officials", "--sanctioned", "yes").out.splitlines()[0].strip() == "1 official"
    assert listing("officials").out.splitlines()[0].strip() == "5 officials"
