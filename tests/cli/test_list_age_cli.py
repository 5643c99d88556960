"""`refdb sanctions|show` say when a list has not been refreshed for over a week: a warning
on stderr beside a table, `list_age_days` on each entry in JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from refdb.database import Database
from refdb.importers.service import import_list
from refdb.models import Source

FCDO = Path(__file__).resolve().parents[1] / "data" / "uk" / "uk-sanctions-list_handcrafted.csv"


@pytest.fixture
def uk_db(empty_db: Database) -> Database:
    import_list(empty_db, "uk", file=FCDO)
    return empty_db


def fetched_days_ago(database: Database, days: int) -> None:
    """As if the list had been published and imported ``days`` ago (and not since)."""
    with database.engine.begin() as connection:
        then = datetime.now(UTC) - timedelta(days=days, hours=1)
        connection.execute(update(Source).values(fetched_at=then, published_on=then.date().isoformat()))


def test_a_list_published_and_fetched_today_gets_no_warning(refdb, uk_db: Database) -> None:
    fetched_days_ago(uk_db, 0)
    result = refdb("sanctions", "--list", "uk", "--db", uk_db.url)
    assert result.code == 0, result.err
    assert "warning" not in result.err


def test_a_file_fetched_today_but_published_long_ago_is_as_old_as_its_publication(
    refdb, uk_db: Database
) -> None:
    """The handcrafted FCDO file says "Report Date: 04-Aug-2026": importing it today does not
    make its list current."""
    age = (datetime.now(UTC).date() - date(2026, 8, 4)).days

    table = refdb("sanctions", "--list", "uk", "--db", uk_db.url)
    as_json = refdb("sanctions", "--list", "uk", "--json", "--db", uk_db.url)

    assert f"warning: list uk dates from {age} days ago" in table.err
    assert {entry["list_age_days"] for entry in json.loads(as_json.out)} == {age}


def test_a_month_old_list_is_named_on_stderr_once(refdb, uk_db: Database) -> None:
    fetched_days_ago(uk_db, 30)

    result = refdb("sanctions", "--list", "uk", "--db", uk_db.url)

    assert result.code == 0, result.err
    assert result.err.count("warning: list uk dates from 30 days ago") == 1
    assert "EXAMPLE STAR" in result.out and "warning" not in result.out


def test_json_carries_the_age_and_stderr_stays_quiet(refdb, uk_db: Database) -> None:
    fetched_days_ago(uk_db, 30)

    result = refdb("sanctions", "--list", "uk", "--json", "--db", uk_db.url)

    assert result.code == 0, result.err
    assert {entry["list_age_days"] for entry in json.loads(result.out)} == {30}
    assert "warning" not in result.err


def test_show_warns_about_the_lists_of_its_entries(refdb, seeded_db: Database) -> None:
    ofac = Path(__file__).resolve().parents[1] / "data" / "ofac" / "2024-05-03" / "sdn.csv"
    import_list(seeded_db, "ofac-sdn", file=ofac)  # updates the seeded entry Li Shangfu is linked to
    fetched_days_ago(seeded_db, 12)

    table = refdb("show", "li-shangfu", "--db", seeded_db.url)
    as_json = refdb("show", "li-shangfu", "--json", "--db", seeded_db.url)

    assert table.code == 0, table.err
    assert "warning: list ofac-sdn dates from 12 days ago" in table.err
    assert "warning" not in as_json.err
    ages = {e["list"]: e["list_age_days"] for e in json.loads(as_json.out)["sanctions"]}
    assert ages["ofac-sdn"] == 12


def test_a_file_published_in_a_month_is_at_least_as_old_as_that_month(refdb, uk_db: Database) -> None:
    """A file that gives only its month ("2026-08") holds that month's list: fetched
    today, it is aged from the month's last day, not from today."""
    month = (datetime.now(UTC) - timedelta(days=90)).date().replace(day=1)
    last_day = (month + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    with uk_db.engine.begin() as connection:
        connection.execute(
            update(Source).values(fetched_at=datetime.now(UTC), published_on=month.isoformat()[:7])
        )
    age = (datetime.now(UTC).date() - last_day).days

    result = refdb("sanctions", "--list", "uk", "--json", "--db", uk_db.url)

    assert result.code == 0, result.err
    assert {entry["list_age_days"] for entry in json.loads(result.out)} == {age}


def test_no_match_names_the_lists_searched_with_their_age_and_those_never_imported(
    refdb, uk_db: Database
) -> None:
    fetched_days_ago(uk_db, 30)
    result = refdb("search", "Zzyzx Qwerty", "--db", uk_db.url)
    assert result.code == 1
    records = json.loads(refdb("sanctions", "--list", "uk", "--json", "--db", uk_db.url).out)
    assert result.err_lines[-1] == (
        f"no match for 'Zzyzx Qwerty'; lists: uk ({len(records)} records, 30 days old); "
        "never imported: eu, ofac-cons, ofac-sdn, un"
    )
    only_eu = refdb("search", "Zzyzx Qwerty", "--list", "eu", "--db", uk_db.url)
    assert (only_eu.code, only_eu.err_lines) == (
        1,
        ["refdb: list 'eu' was never imported: `refdb import eu` fetches it"],
    )


def test_a_screening_says_which_lists_it_checked(refdb, uk_db: Database, tmp_path: Path) -> None:
    fetched_days_ago(uk_db, 30)
    names = tmp_path / "names.csv"
    names.write_text("name\nZzyzx Qwerty\n", encoding="utf-8")
    result = refdb("screen", str(names), "--json", "--db", uk_db.url)
    assert result.code == 0, result.err
    lists = {item["list"]: item for item in json.loads(result.out)["lists"]}
    assert lists["uk"]["age_days"] == 30 and lists["uk"]["records"] > 0
    assert lists["ofac-sdn"] == {"list": "ofac-sdn", "records": 0, "age_days": None}
    assert "; lists: uk (" in result.err and "never imported: eu, ofac-cons, ofac-sdn, un" in result.err
