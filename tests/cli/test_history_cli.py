"""`refdb log` as people read it."""

from __future__ import annotations


def test_the_log_table_names_each_change_in_one_column_and_fits_80_columns(refdb, shared_seeded_db) -> None:
    result = refdb("log", "li-shangfu", "--limit", "0", "--db", shared_seeded_db.url)
    assert result.code == 0, result.err
    header = next(line for line in result.out.splitlines() if "actor" in line)
    assert [cell.strip() for cell in header.strip("┃ ").split("┃")] == [
        "id", "at", "actor", "change", "fields", "reason",
    ]  # fmt: skip
    for change in ("create entity:", "create tenure:", "create link:"):
        assert change in result.out
    assert all(len(line) <= 80 for line in result.out.splitlines())
