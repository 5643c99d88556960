"""`refdb screen` with bad input: one clear line, exit 2, and nothing written."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import pytest


def _screened(out: str) -> list[str]:
    """The names of a --csv output, once each (it has a row per hit)."""
    rows = list(csv.reader(io.StringIO(out)))[1:]
    return [name for _, name in dict.fromkeys((row[0], row[1]) for row in rows)]


@pytest.mark.parametrize(
    ("content", "bad"),
    [
        ("name,birth_date\nLi Shangfu,1958\nRosoboronexport,\n,1960\nWang Yi,\n", "row 3 (line 4): no name"),
        (
            "name,birth_date\nLi Shangfu,1958\nRosoboronexport,\nWang Yi,sometime\nZhang Youxia,1950\n",
            "row 3 (line 4): ",
        ),
        (
            'name,birth_date\nLi Shangfu,1958\nRosoboronexport,\n"Wang Yi,1953\nZhang Youxia,1950\n',
            "row 3 (line 4): cannot be read as CSV",
        ),
        (
            "name,nationality\nLi Shangfu,cn\nRosoboronexport,\nWang Yi,atlantis\nZhang Youxia,chinese\n",
            "row 3 (line 4): nationality 'atlantis' is no country refdb knows",
        ),
    ],
    ids=["a row without a name", "a bad birth date", "an unclosed quote", "an unknown nationality"],
)
def test_a_bad_row_is_reported_and_the_others_are_screened(
    refdb, shared_seeded_db, tmp_path: Path, content: str, bad: str
) -> None:
    names, receipt = tmp_path / "names.csv", tmp_path / "receipt.json"
    names.write_text(content, encoding="utf-8")
    result = refdb("screen", str(names), "--db", shared_seeded_db.url, "--receipt", str(receipt), "--csv")
    assert result.code == 2
    last = content.splitlines()[-1].split(",")[0]
    assert _screened(result.out) == ["Li Shangfu", "Rosoboronexport", last], "the rows after it too"
    assert f"refdb: {names}: {bad}" in result.err, result.err
    assert f"refdb: {names}: 1 row(s) could not be screened (named above); the others were" in result.err
    header = json.loads(receipt.read_text(encoding="utf-8"))["header"]
    assert header["bad_rows"]["count"] == 1
    assert header["bad_rows"]["first"][0]["row"] == 3


def test_no_name_column_is_refused_whole(refdb, shared_seeded_db, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("nom,naissance\nLi Shangfu,1958\n", encoding="utf-8")
    result = refdb("screen", str(names), "--db", shared_seeded_db.url)
    assert (result.code, result.out) == (2, "")
    assert result.err_lines == [
        f"refdb: {names}: the CSV header needs a 'name' column (and may have birth_date, nationality, kind)"
    ]


def test_a_file_of_only_bad_rows_is_refused_in_one_line(refdb, shared_seeded_db, tmp_path: Path) -> None:
    """FtM JSON lines (what `refdb export ftm` writes) have no name field: every row is bad,
    and the user is told once, not once per row up to a hundred, nor "the others were"."""
    names, receipt = tmp_path / "entities.json", tmp_path / "receipt.json"
    rows = [{"id": f"e{i}", "schema": "Person", "properties": {"name": ["Li Shangfu"]}} for i in range(150)]
    names.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    result = refdb("screen", str(names), "--db", shared_seeded_db.url, "--receipt", str(receipt))
    assert (result.code, result.out) == (2, "")
    assert len(result.err_lines) == 1, result.err
    first = f"refdb: {names}: none of its 150 row(s) can be screened; row 1 (line 1): "
    assert result.err_lines[0].startswith(first), result.err
    assert not receipt.exists(), "nothing written"


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (
            "Name,DOB\nLi Shangfu,1958\n",
            "'dob' looks like 'birth_date', which refdb would otherwise screen without: rename it, "
            "or remove it if it means something else (refdb reads name, birth_date, nationality, kind)",
        ),
        ("full_name,nationality\nLi Shangfu,cn\n", "'full_name' looks like 'name', which refdb"),
        (
            "name;birth_date\nLi Shangfu;1958\n",
            "the CSV header needs a 'name' column (and may have birth_date, nationality, kind); "
            "the header holds ';': refdb reads comma-separated CSV",
        ),
    ],
    ids=["a birth date column under another name", "a name column under another name", "semicolons"],
)
def test_a_header_refdb_would_misread_is_refused_whole(
    refdb, shared_seeded_db, tmp_path: Path, content: str, error: str
) -> None:
    # Screened without the birth date it carries, a name scores as if nothing disagreed.
    names = tmp_path / "names.csv"
    names.write_text(content, encoding="utf-8")
    result = refdb("screen", str(names), "--db", shared_seeded_db.url)
    assert (result.code, result.out) == (2, "")
    assert result.err_lines[0].startswith(f"refdb: {names}: {error}"), result.err


def test_a_column_beside_the_one_refdb_reads_is_left_alone(refdb, shared_seeded_db, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("name,surname,birth_date,dob\nLi Shangfu,Li,1958,1958\n", encoding="utf-8")
    result = refdb("screen", str(names), "--db", shared_seeded_db.url, "--csv")
    assert result.code == 0, result.err
    assert _screened(result.out) == ["Li Shangfu"]


def test_a_json_line_with_a_misnamed_key_is_a_bad_row(refdb, shared_seeded_db, tmp_path: Path) -> None:
    names = tmp_path / "names.jsonl"
    names.write_text('{"name": "Li Shangfu", "dob": "1958"}\n{"name": "Rosoboronexport"}\n', encoding="utf-8")
    result = refdb("screen", str(names), "--db", shared_seeded_db.url, "--csv")
    assert result.code == 2
    assert _screened(result.out) == ["Rosoboronexport"]
    assert f"refdb: {names}: row 1 (line 1): 'dob' looks like 'birth_date'" in result.err


def test_a_pipe_is_read_once(refdb, shared_seeded_db) -> None:
    # `refdb screen <(printf 'name\nLi Shangfu\n')`: a pipe gives its content once; reading
    # it for its first bytes, then its rows, then to check them found no header.
    reading, writing = os.pipe()
    os.write(writing, b"name\nLi Shangfu\n")
    os.close(writing)
    try:
        result = refdb("screen", f"/dev/fd/{reading}", "--db", shared_seeded_db.url, "--nl")
    finally:
        os.close(reading)
    assert result.code == 0, result.err
    assert {json.loads(line)["name"] for line in result.out.splitlines()} == {"Li Shangfu"}


def test_a_dash_reads_standard_input_once_and_the_receipt_hashes_it(
    refdb, shared_seeded_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = b"name\nLi Shangfu\nWang Yi\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(content)))
    receipt = tmp_path / "receipt.json"
    result = refdb("screen", "-", "--db", shared_seeded_db.url, "--receipt", str(receipt), "--csv")
    assert result.code == 0, result.err
    assert _screened(result.out) == ["Li Shangfu", "Wang Yi"]
    header = json.loads(receipt.read_text(encoding="utf-8"))["header"]
    assert header["input"]["size"] == len(content)


def test_a_missing_file_is_one_line_and_exit_2(refdb, shared_seeded_db, tmp_path: Path) -> None:
    absent = tmp_path / "absent.csv"
    result = refdb("screen", str(absent), "--db", shared_seeded_db.url)
    assert (result.code, result.out) == (2, "")
    assert result.err_lines == [f"refdb: {absent}: cannot be read (No such file or directory)"]


def test_a_file_that_is_not_utf8_is_one_line_and_exit_2(refdb, shared_seeded_db, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_bytes("name\nLi Shangfu\nJos\u00e9 Mar\u00eda\n".encode("latin-1"))
    result = refdb("screen", str(names), "--db", shared_seeded_db.url)
    assert (result.code, result.out) == (2, "")
    assert result.err_lines == [f"refdb: {names}: line 3 is not UTF-8 (byte 0xe9): save the file as UTF-8"]


def test_a_json_lines_file_names_its_bad_line(refdb, shared_seeded_db, tmp_path: Path) -> None:
    names = tmp_path / "names.jsonl"
    names.write_text('{"name": "Li Shangfu"}\n{"name": \n{"name": "Wang Yi"}\n', encoding="utf-8")
    result = refdb("screen", str(names), "--db", shared_seeded_db.url, "--nl")
    assert result.code == 2
    rows = [json.loads(line) for line in result.out.splitlines()]
    screened = list(dict.fromkeys((row["row"], row["name"]) for row in rows))
    assert screened == [(1, "Li Shangfu"), (3, "Wang Yi")]
    assert f"refdb: {names}: row 2 (line 2): not a JSON object" in result.err


def test_csv_output_escapes_cells_a_spreadsheet_would_run_as_formulas(
    refdb, shared_seeded_db, tmp_path: Path
) -> None:
    names = tmp_path / "names.csv"
    dangerous = ["=cmd|' /C calc'!A0", "+1 555 0100", "-2+3", "@SUM(A1:A9)"]
    names.write_text("name\n" + "".join(f'"{n}"\n' for n in dangerous) + "Li Shangfu\n", encoding="utf-8")
    result = refdb("screen", str(names), "--db", shared_seeded_db.url, "--csv")
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out)))[1:]
    assert _screened(result.out) == [*("'" + n for n in dangerous), "Li Shangfu"]
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], cells


@pytest.mark.parametrize("word", ["decisions", "decide", "run"])
def test_a_file_named_like_a_screen_command_is_refused_as_ambiguous(
    refdb, shared_seeded_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, word: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path(word).write_text("name\nLi Shangfu\n", encoding="utf-8")

    result = refdb("screen", word, "--json", "--db", shared_seeded_db.url)

    assert result.code == 2
    # Under --json the refusal is also the error object on stdout (docs/cli.md).
    assert json.loads(result.out) == {"error": result.err.strip().removeprefix("refdb: "), "exit_code": 2}
    assert result.err.startswith(f"refdb: '{word}' is ")
    assert f"refdb screen ./{word}`" in result.err
    assert len(result.err.splitlines()) == 1


def test_the_file_or_the_command_named_like_it_can_still_be_asked_for(
    refdb, shared_seeded_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("decisions").write_text("name\nLi Shangfu\n", encoding="utf-8")
    Path("run").write_text("name\nNobody Atall\n", encoding="utf-8")

    for spelled in (["./decisions"], ["run", "decisions"]):
        screened = refdb("screen", *spelled, "--json", "--db", shared_seeded_db.url)
        assert {row["name"] for row in json.loads(screened.out)["rows"]} == {"Li Shangfu"}, spelled
    listed = refdb("screen", "decisions", "--json", "--db", shared_seeded_db.url, "--")
    assert (listed.code, json.loads(listed.out)) == (1, [])  # no decisions yet


@pytest.mark.parametrize(
    ("file_name", "content", "reason"),
    [
        ("names.csv", "name,birth_date\n", "no names to screen: the file holds a header and no rows"),
        ("names.csv", "", "the file is empty: refdb screens a CSV with a 'name' column, or JSON lines"),
        ("names.jsonl", "\n", "the file is empty: refdb screens a CSV with a 'name' column, or JSON lines"),
    ],
    ids=["a header only", "0 bytes", "blank JSON lines"],
)
def test_a_file_without_names_is_refused_not_screened_as_no_match(
    refdb, shared_seeded_db, tmp_path: Path, file_name: str, content: str, reason: str
) -> None:
    """Exit 0 and no `refdb:` line read as a clean run to a script gating on the status
    (with --fail-on-match too): nothing was screened."""
    names, receipt = tmp_path / file_name, tmp_path / "receipt.json"
    names.write_text(content, encoding="utf-8")

    shown = refdb(
        "screen", str(names), "--fail-on-match", "--receipt", str(receipt), "--db", shared_seeded_db.url
    )
    as_json = refdb("screen", str(names), "--json", "--db", shared_seeded_db.url)

    assert (shown.code, shown.out) == (2, "")
    assert shown.err_lines == [f"refdb: {names}: {reason}"]
    assert as_json.code == 2
    assert json.loads(as_json.out) == {"error": f"{names}: {reason}", "exit_code": 2}
    assert not receipt.exists(), "nothing written"


def test_the_table_fits_80_columns_without_folding_words(
    refdb, shared_seeded_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    names = tmp_path / "names.csv"
    names.write_text("name\nLi Shangfu\nJohn Nobody\n", encoding="utf-8")

    shown = refdb("screen", str(names), "--db", shared_seeded_db.url)

    assert max(len(line) for line in shown.out.splitlines()) <= 80
    words = set(shown.out.replace("│", " ").replace("┃", " ").split())
    # Twelve columns folded these mid-word ("outc" / "ome", "Shan" / "gfu").
    assert {"outcome", "Shangfu", "match", "CAATSA", "1.00", "entity:6"} <= words, shown.out


def test_the_table_names_a_hit_s_nationality_alike_for_an_entity_and_a_list_entry(
    refdb, shared_seeded_db, tmp_path: Path
) -> None:
    """The curated entity showed "cn", the OFAC entry "china" (the list's spelling)."""
    (tmp_path / "names.csv").write_text("name\nLi Shangfu\n", encoding="utf-8")

    table = refdb("screen", str(tmp_path / "names.csv"), "--db", shared_seeded_db.url).out

    born_nat = [line.split("│")[6].strip() for line in table.splitlines() if line.count("│") > 6]
    assert [cell for cell in born_nat if cell[:1].isalpha()] == ["China", "China"], table
