"""`refdb screen` as an analyst uses it: a row per hit with the hit's list data, decisions
on hits (`refdb screen decide`) that later runs honour until the record changes."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from refdb.database import Database

OFAC = Path(__file__).resolve().parents[1] / "data" / "ofac" / "2021-07-07"
CIFUENTES = "ofac-sdn:12300"  # CIFUENTES VILLA, Jorge Milton: DOB 13 May 1965 (and two alternatives)


def _rows(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


def _log_size(refdb, url: str) -> int:
    return len(json.loads(refdb("log", "--db", url, "--limit", "0", "--json").out))


@pytest.fixture
def names(tmp_path: Path) -> Path:
    path = tmp_path / "names.csv"
    path.write_text("name,birth_date\nShangfu LI,1958\nSomebody Else,\n", encoding="utf-8")
    return path


def test_each_hit_is_a_row_with_the_hits_list_data(refdb, shared_seeded_db, names: Path) -> None:
    result = refdb("screen", str(names), "--db", shared_seeded_db.url, "--json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    rows = document["rows"]
    entry = next(row for row in rows if row["record"] == "ofac-sdn:24838")
    assert entry["row"] == 1 and entry["name"] == "Shangfu LI" and entry["outcome"] == "match"
    assert entry["hit_name"] == "LI, Shangfu"
    assert entry["programs"] == ["CAATSA - RUSSIA"]
    assert entry["hit_birth_dates"] == ["1958-02"]
    assert entry["hit_nationalities"] == ["cn"], "as codes, as the curated entity's: the list wrote China"
    assert entry["status"] == "active"
    assert entry["listing"]["listed_on"] == "2018-09-20"
    assert entry["listed"] == "listed 2018-09-20"
    curated = next(row for row in rows if row["type"] == "entity")
    assert curated["record"] == f"entity:{curated['id']}" and curated["standing"]["sanctions"]
    assert curated["hit_nationalities"] == ["cn"]
    nobody = [row for row in rows if row["row"] == 2]
    assert [(r["name"], r["outcome"], r["record"]) for r in nobody] == [("Somebody Else", "no match", None)]
    assert (document["screened"], document["matched"]) == (2, 1)


def test_status_follows_the_active_on_date(refdb, shared_seeded_db, names: Path) -> None:
    result = refdb("screen", str(names), "--db", shared_seeded_db.url, "--nl", "--active-on", "2018-09")
    rows = [json.loads(line) for line in result.out.splitlines()]
    entry = next(row for row in rows if row["record"] == "ofac-sdn:24838")
    # Listed on 2018-09-20: active on some day of 2018-09, so the entry stays; status as of then.
    assert entry["status"] == "active"
    before = refdb("screen", str(names), "--db", shared_seeded_db.url, "--nl", "--active-on", "2017")
    records = [json.loads(line)["record"] for line in before.out.splitlines()]
    assert "ofac-sdn:24838" not in records


def test_csv_has_one_row_per_hit_and_a_no_match_row(refdb, shared_seeded_db, names: Path) -> None:
    result = refdb("screen", str(names), "--db", shared_seeded_db.url, "--csv")
    assert result.code == 0, result.err
    rows = _rows(result.out)
    entry = next(row for row in rows if row["record"] == "ofac-sdn:24838")
    assert (entry["programs"], entry["hit_birth_dates"], entry["status"], entry["listed_on"]) == (
        "CAATSA - RUSSIA",
        "1958-02",
        "active",
        "2018-09-20",
    )
    assert [(r["row"], r["outcome"]) for r in rows if r["name"] == "Somebody Else"] == [("2", "no match")]


def test_a_cleared_hit_is_not_counted_and_says_why(refdb, seeded_db, names: Path) -> None:
    url = seeded_db.url
    made = refdb(
        "screen", "decide", "--db", url, "--name", "  shangfu   LI ", "--record", "ofac-sdn:24838",
        "--clear", "--reason", "our customer was born in 1990", "--json",
    )  # fmt: skip
    assert made.code == 0, made.err
    decision = json.loads(made.out)
    assert (decision["verdict"], decision["record"], decision["state"]) == (
        "cleared",
        "ofac-sdn:24838",
        "in force",
    )

    result = refdb("screen", str(names), "--db", url, "--json")
    rows = json.loads(result.out)["rows"]
    entry = next(row for row in rows if row["record"] == "ofac-sdn:24838")
    assert entry["outcome"] == "cleared"
    day = decision["decided_at"][:10]
    assert entry["decision"]["note"] == (
        f"cleared by decision {decision['id']} (our customer was born in 1990, {day})"
    )
    # The curated entity is still a match: the decision was on the list entry only.
    assert json.loads(result.out)["matched"] == 1
    assert "1 hit(s) cleared by decisions" in result.err

    # Cleared on every hit of the name: the name no longer counts as a match.
    entity = next(row for row in rows if row["type"] == "entity")
    refdb(
        "screen", "decide", "--db", url, "--name", "Shangfu Li", "--record", entity["record"],
        "--clear", "--reason", "not the minister",
    )  # fmt: skip
    # Worker processes honour decisions too.
    again = refdb("screen", str(names), "--db", url, "--csv", "--fail-on-match", "--workers", "2")
    assert again.code == 0, again.err
    assert [r["outcome"] for r in _rows(again.out) if r["row"] == "1"] == ["cleared", "cleared"]
    assert "screened 2 name(s): 0 with a match at 0.75; 2 hit(s) cleared by decisions" in again.err


def test_fail_on_match_exits_1_while_a_match_is_not_cleared(refdb, shared_seeded_db, names: Path) -> None:
    result = refdb("screen", str(names), "--db", shared_seeded_db.url, "--csv", "--fail-on-match")
    assert result.code == 1
    assert _rows(result.out), "the rows are still written"


def test_a_decision_for_one_birth_date_leaves_others_matched(refdb, seeded_db, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("name,birth_date\nShangfu LI,1990\nShangfu LI,1958\n", encoding="utf-8")
    refdb(
        "screen", "decide", "--db", seeded_db.url, "--name", "Shangfu LI", "--birth-date", "1990",
        "--record", "ofac-sdn:24838", "--clear", "--reason", "born 1990, the listed man 1958",
    )  # fmt: skip
    rows = _rows(refdb("screen", str(names), "--db", seeded_db.url, "--csv").out)
    outcomes = {r["row"]: r["outcome"] for r in rows if r["record"] == "ofac-sdn:24838"}
    assert outcomes == {"1": "cleared", "2": "match"}


def test_the_decision_is_in_the_change_log(refdb, seeded_db) -> None:
    refdb(
        "screen", "decide", "--db", seeded_db.url, "--name", "Shangfu LI", "--record", "ofac-sdn:24838",
        "--confirm", "--reason", "same passport number",
    )  # fmt: skip
    last = json.loads(refdb("log", "--db", seeded_db.url, "--limit", "1", "--json").out)[0]
    assert (last["table"], last["action"], last["after"]["verdict"]) == (
        "screening_decision",
        "create",
        "confirmed",
    )
    assert "same passport number" in last["reason"]
    assert refdb("log", "verify", "--db", seeded_db.url).code == 0
    listed = json.loads(refdb("screen", "decisions", "--db", seeded_db.url, "--json").out)
    assert [(d["name"], d["verdict"], d["state"]) for d in listed] == [
        ("Shangfu LI", "confirmed", "in force")
    ]


def test_a_later_decision_supersedes_an_earlier_one(refdb, seeded_db, names: Path) -> None:
    for verdict, reason in (("--clear", "looked different"), ("--confirm", "same passport after all")):
        refdb(
            "screen", "decide", "--db", seeded_db.url, "--name", "Shangfu LI", "--record",
            "ofac-sdn:24838", verdict, "--reason", reason,
        )  # fmt: skip
    listed = json.loads(refdb("screen", "decisions", "--db", seeded_db.url, "--json").out)
    assert [d["state"] for d in listed] == [f"superseded by {listed[1]['id']}", "in force"]
    rows = json.loads(refdb("screen", str(names), "--db", seeded_db.url, "--json").out)["rows"]
    assert next(r for r in rows if r["record"] == "ofac-sdn:24838")["outcome"] == "confirmed"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--record", "ofac-sdn:0000", "--clear", "--reason", "x"],
            "refdb: no record 'ofac-sdn:0000': give LIST:RECORD_ID or entity:ID as `refdb screen` "
            "prints it in 'record'",
        ),
        (
            ["--record", "ofac-sdn:24838", "--clear", "--reason", "   "],
            "refdb: a decision needs a reason (--reason): say why, for whoever reads it later",
        ),
        (
            ["--record", "ofac-sdn:24838", "--reason", "why"],
            "refdb: say --clear (not the person screened) or --confirm (the same person)",
        ),
        (
            ["--record", "ofac-sdn:24838", "--clear", "--reason", "why", "--birth-date", "1990-13"],
            "refdb: birth date: ",
        ),
    ],
    ids=["an unknown record", "an empty reason", "no verdict", "a bad birth date"],
)
def test_a_bad_decision_is_one_line_exit_2_and_nothing_written(
    refdb, seeded_db, args: list[str], message: str
) -> None:
    before = _log_size(refdb, seeded_db.url)
    result = refdb("screen", "decide", "--db", seeded_db.url, "--name", "Shangfu LI", *args)
    assert (result.code, result.out) == (2, "")
    assert len(result.err_lines) == 1 and result.err_lines[0].startswith(message), result.err
    assert _log_size(refdb, seeded_db.url) == before
    empty = refdb("screen", "decisions", "--db", seeded_db.url, "--json")
    assert (empty.code, json.loads(empty.out)) == (1, [])


def _import(refdb, url: str, folder: Path) -> None:
    result = refdb("import", "ofac-sdn", "--file", str(folder / "sdn.csv"), "--db", url, "--json")
    assert result.code == 0, result.err


def test_a_decision_is_outdated_when_a_later_import_changes_the_record(
    refdb, empty_db: Database, tmp_path: Path
) -> None:
    url = empty_db.url
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(OFAC, first)
    shutil.copytree(OFAC, second)
    sdn = second / "sdn.csv"
    text = sdn.read_text(encoding="utf-8")
    assert "DOB 13 May 1965" in text
    sdn.write_text(text.replace("DOB 13 May 1965", "DOB 13 May 1966"), encoding="utf-8")
    names = tmp_path / "names.csv"
    names.write_text("name\nJorge Milton Cifuentes Villa\n", encoding="utf-8")
    _import(refdb, url, first)
    decided = refdb(
        "screen", "decide", "--db", url, "--name", "JORGE MILTON CIFUENTES-VILLA", "--record", CIFUENTES,
        "--clear", "--reason", "our customer is a student born 2001", "--json",
    )  # fmt: skip
    assert decided.code == 0, decided.err
    decision_id = json.loads(decided.out)["id"]
    cleared = _rows(refdb("screen", str(names), "--db", url, "--csv", "--fail-on-match").out)
    assert [(r["record"], r["outcome"]) for r in cleared] == [(CIFUENTES, "cleared")]

    _import(refdb, url, first)  # the same file again: nothing changed, still cleared
    assert [r["outcome"] for r in _rows(refdb("screen", str(names), "--db", url, "--csv").out)] == ["cleared"]

    _import(refdb, url, second)  # the record's birth date changed
    result = refdb("screen", str(names), "--db", url, "--csv", "--fail-on-match")
    assert result.code == 1, "an outdated decision no longer clears the match"
    [row] = _rows(result.out)
    assert row["outcome"] == "match"
    assert row["decision"].startswith(f"decision {decision_id} outdated: record changed (birth dates)")
    assert "1 decision(s) outdated" in result.err
    listed = json.loads(refdb("screen", "decisions", "--db", url, "--json").out)
    assert listed[0]["state"] == "outdated: record changed (birth dates)"
