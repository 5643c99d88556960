"""Files that parse badly or hold more than any list does: one line, exit 2, nothing written."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from tests.conftest import Run
from tests.faults.conftest import OFAC_2021, Victim
from tests.importers.excerpts import EXCERPTS

UN = EXCERPTS["un"].read_text(encoding="utf-8")
SDN = (OFAC_2021 / "sdn.csv").read_bytes()


def write(folder: Path, name: str, data: bytes | str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def run_import(refdb: Run, victim: Victim, source: str, path: Path):
    return refdb("import", source, "--file", str(path), "--db", str(victim.path))


def test_a_list_cut_at_a_line_end_would_delist_most_entries(
    refdb: Run, victim: Victim, tmp_path: Path
) -> None:
    cut = write(tmp_path / "cut", "sdn.csv", b"".join(SDN.splitlines(keepends=True)[:4]))

    victim.assert_refused(
        run_import(refdb, victim, "ofac-sdn", cut), "9 of the 13 listed entries", "--allow-shrink"
    )


def test_a_list_cut_inside_a_line(refdb: Run, victim: Victim, tmp_path: Path) -> None:
    cut = write(tmp_path / "cut", "sdn.csv", SDN[: len(SDN) // 2])

    victim.assert_refused(run_import(refdb, victim, "ofac-sdn", cut), "truncated")


def test_xml_nested_900_deep(refdb: Run, victim: Victim, tmp_path: Path) -> None:
    deep = UN.replace("<GENDER>Male</GENDER>", "<X>" * 900 + "</X>" * 900, 1)
    path = write(tmp_path, "consolidated.xml", deep)

    victim.assert_refused(run_import(refdb, victim, "un", path), "nested more than 32 deep")


def test_a_field_of_200_000_characters_in_xml(refdb: Run, victim: Victim, tmp_path: Path) -> None:
    huge = UN.replace("<COMMENTS1>", "<COMMENTS1>" + "A" * 200_000, 1)
    path = write(tmp_path, "consolidated.xml", huge)

    victim.assert_refused(
        run_import(refdb, victim, "un", path), "<COMMENTS1> in record 1 holds 200,", "131,072-character cap"
    )


def _sdn_with_a_huge_field(tmp_path: Path) -> Path:
    lines = SDN.splitlines(keepends=True)
    lines[0] = lines[0].replace(b',"', b',"' + b"A" * 200_000, 1)
    return write(tmp_path / "big", "sdn.csv", b"".join(lines))


def test_a_field_of_200_000_characters_in_csv(refdb: Run, victim: Victim, tmp_path: Path) -> None:
    path = _sdn_with_a_huge_field(tmp_path)

    victim.assert_refused(run_import(refdb, victim, "ofac-sdn", path), "field larger than field limit")


def test_the_field_cap_holds_after_a_library_raises_csv_limit(
    refdb: Run, victim: Victim, tmp_path: Path
) -> None:
    """followthemoney raises csv's process-wide field limit when imported; the cap is refdb's own."""
    path = _sdn_with_a_huge_field(tmp_path)
    default = csv.field_size_limit(sys.maxsize)
    try:
        result = run_import(refdb, victim, "ofac-sdn", path)
    finally:
        csv.field_size_limit(default)

    victim.assert_refused(result, "field larger than field limit")


def test_a_binary_file(refdb: Run, victim: Victim, tmp_path: Path) -> None:
    path = write(tmp_path / "bin", "sdn.csv", bytes(range(256)) * 64)

    victim.assert_refused(run_import(refdb, victim, "ofac-sdn", path), "unknown text encoding")


def test_a_megabyte_of_junk_is_refused_at_its_first_line(refdb: Run, victim: Victim, tmp_path: Path) -> None:
    path = write(tmp_path / "junk", "sdn.csv", b"junk," * 200_000 + b"\r\n")

    victim.assert_refused(run_import(refdb, victim, "ofac-sdn", path), "is not an OFAC CSV")
