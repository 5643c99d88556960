"""The one screening function and the screening file reader (refdb/search/screening.py)."""

from __future__ import annotations

from pathlib import Path

from refdb.database import Database
from refdb.search.filters import SearchFilters
from refdb.search.screening import BadRow, check_file, names_to_screen, read_rows, screening
from refdb.search.service import ScreeningInput


def test_a_file_s_bad_rows_are_reported_and_the_others_screened(tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    content = b'name,birth_date\nLi Shangfu,1958\n,1960\nIgor Sechin,1960-13\n"unclosed,1\nNobody\n'
    path.write_bytes(content)
    rows = list(read_rows(path, content))
    assert [r.name for r in rows if isinstance(r, ScreeningInput)] == ["Li Shangfu", "Nobody"]
    assert [r.line for r in rows if isinstance(r, BadRow)] == [3, 4, 5]
    good, bad, reported = check_file(path, content)
    assert (good, bad, len(reported)) == (2, 3, 3)
    assert [i.name for i in names_to_screen(path, content)] == ["Li Shangfu", "Nobody"]


def test_screening_in_one_process_or_several_gives_the_same_rows_in_order(seeded_db: Database) -> None:
    inputs = [
        ScreeningInput(name, row=i) for i, name in enumerate(["李尚福", "Rosoboronexport", "Nobody"] * 2)
    ]
    with screening(seeded_db, inputs, threshold=0.8) as results:
        alone = [r.as_dict() for r in results]
    with screening(seeded_db, inputs, threshold=0.8, workers=2) as results:
        shared = [r.as_dict() for r in results]
    assert alone == shared
    assert [bool(r["matches"]) for r in alone] == [True, True, False] * 2


def test_a_run_s_filters_apply_to_every_name_with_each_row_s_own(seeded_db: Database) -> None:
    inputs = [ScreeningInput("li shangfu", row=1), ScreeningInput("li shangfu", birth_date="1958", row=2)]
    assert inputs[1].filters(SearchFilters(active_on="1990")) == SearchFilters(
        birth_date="1958", active_on="1990"
    )
    for workers in (1, 2):
        with screening(
            seeded_db, inputs, filters=SearchFilters(active_on="2024-06"), workers=workers
        ) as results:
            assert all(r.hits for r in results)
        with screening(
            seeded_db, inputs, filters=SearchFilters(active_on="1990"), workers=workers
        ) as results:
            assert not any(r.hits for r in results), "nothing he is listed on was in force in 1990"
