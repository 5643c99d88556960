"""`refdb screen` with bad input: one clear line, exit 2, and nothing written."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("name,birth_date\nLi Shangfu,1958\nRosoboronexport,\n,1960\n", "row 3 has no name"),
        ("name,birth_date\nLi Shangfu,1958\nWang Yi,sometime\n", "row 2: "),
        ("nom,naissance\nLi Shangfu,1958\n", "the CSV header needs a 'name' column"),
    ],
    ids=["a row without a name", "a bad birth date", "no name column"],
)
def test_a_bad_row_stops_the_run_before_any_result_or_receipt(
    refdb, shared_seeded_db, tmp_path: Path, content: str, reason: str
) -> None:
    names, receipt = tmp_path / "names.csv", tmp_path / "receipt.json"
    names.write_text(content, encoding="utf-8")
    result = refdb("screen", str(names), "--db", shared_seeded_db.url, "--receipt", str(receipt))
    assert result.code == 2
    assert result.out == "", "no result rows before the error"
    assert len(result.err_lines) == 1 and reason in result.err, result.err
    assert not receipt.exists()


def test_a_json_lines_file_names_its_bad_line(refdb, shared_seeded_db, tmp_path: Path) -> None:
    names = tmp_path / "names.jsonl"
    names.write_text('{"name": "Li Shangfu"}\n{"name": \n', encoding="utf-8")
    result = refdb("screen", str(names), "--db", shared_seeded_db.url, "--format", "json")
    assert result.code == 2
    assert result.out == ""
    assert f"{names}:2: not a JSON object" in result.err


def test_csv_output_escapes_cells_a_spreadsheet_would_run_as_formulas(
    refdb, shared_seeded_db, tmp_path: Path
) -> None:
    names = tmp_path / "names.csv"
    dangerous = ["=cmd|' /C calc'!A0", "+1 555 0100", "-2+3", "@SUM(A1:A9)"]
    names.write_text("name\n" + "".join(f'"{n}"\n' for n in dangerous) + "Li Shangfu\n", encoding="utf-8")
    result = refdb("screen", str(names), "--db", shared_seeded_db.url)
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out)))[1:]
    assert [row[1] for row in rows] == [*("'" + n for n in dangerous), "Li Shangfu"]
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], cells
