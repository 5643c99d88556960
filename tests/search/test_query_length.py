"""Bounded queries (issue 13, item 8): a 20,000-character word took 2 GB of memory.
Queries and screened names are refused beyond MAX_QUERY_LENGTH, before any work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from refdb.search.service import MAX_QUERY_LENGTH, QueryTooLong, find

HUGE_WORD = "Shangfu" * 3000  # 21,000 characters, one word
MEASURED = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=300)
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(done.returncode, peak_mb, done.stderr.strip().replace("\\n", " | "), sep="\\t")
"""


def test_a_huge_query_is_refused_with_one_line_and_flat_memory(shared_seeded_db) -> None:
    if not shared_seeded_db.url.startswith("sqlite"):
        pytest.skip("the bound is the service's, before the database: measured once, on SQLite")
    with shared_seeded_db.reading() as reader:
        find(reader, "li shangfu")  # the index is up to date: the run below only searches
    refdb_cli = [sys.executable, "-c", "from refdb.cli import main; main()"]
    search = [*refdb_cli, "search", HUGE_WORD, "--db", shared_seeded_db.url]
    measured = subprocess.run(
        [sys.executable, "-c", MEASURED, *search], capture_output=True, text=True, timeout=600
    )
    returncode, peak_mb, stderr = measured.stdout.strip().split("\t")
    assert int(returncode) == 2, stderr
    assert stderr == f"refdb: a name to search has at most {MAX_QUERY_LENGTH} characters; this one has 21,000"
    assert int(peak_mb) < 300, f"peak memory {peak_mb} MB"


def test_the_service_refuses_it_for_every_caller(shared_seeded_db) -> None:
    """The API, the TUI and screening all search through find."""
    with shared_seeded_db.reading() as reader, pytest.raises(QueryTooLong):
        find(reader, HUGE_WORD)


def test_the_longest_listed_names_still_search(shared_seeded_db) -> None:
    # OFAC's longest name has 165 characters.
    long_name = ("Joint Stock Company Rosoboronexport Federal State Unitary Enterprise " * 5)[
        :MAX_QUERY_LENGTH
    ]
    with shared_seeded_db.reading() as reader:
        find(reader, long_name, threshold=0)


def test_a_huge_name_in_a_screening_file_is_a_bad_row(refdb, shared_seeded_db, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text(f"name\nLi Shangfu\n{HUGE_WORD}\nRosoboronexport\n", encoding="utf-8")
    result = refdb("screen", str(names), "--db", shared_seeded_db.url, "--nl")
    assert result.code == 2
    screened = dict.fromkeys(json.loads(line)["name"] for line in result.out.splitlines())
    assert list(screened) == ["Li Shangfu", "Rosoboronexport"]
    assert f"row 2 (line 3): a name to search has at most {MAX_QUERY_LENGTH} characters" in result.err
