"""The one output path's helpers."""

from __future__ import annotations

import pytest

from refdb.cli.output import csv_cell


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "=cmd|' /C calc'!A0"])
def test_a_cell_that_begins_like_a_formula_is_quoted(cell: str) -> None:
    assert csv_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Li Shangfu", "", "1958", 0.93, -1, None, "a=b"])
def test_other_cells_are_written_as_they_are(cell: object) -> None:
    assert csv_cell(cell) == cell
