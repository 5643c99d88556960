"""`refdb import` as a user runs it: a real process, a real HTTP server on loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from excerpts import DATA, EXCERPTS
from loopback import HttpServer

from refdb import migrate
from refdb.database import Database
from refdb.matching.score import MATCHER_NAME


def refdb(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from refdb.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    path = tmp_path / "refdb.db"
    migrate.upgrade(Database(f"sqlite:///{path}").engine)
    return str(path)


def test_list_names_every_source_with_its_official_url() -> None:
    result = refdb("import", "--list", "--json")
    assert result.returncode == 0
    sources = {row["source"]: row["url"] for row in json.loads(result.stdout)}
    assert sources == {
        "ofac-sdn": "https://www.treasury.gov/ofac/downloads/sdn.csv",
        "ofac-cons": "https://www.treasury.gov/ofac/downloads/consolidated/cons_prim.csv",
        "un": "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
        "eu": "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/"
        "content?token=dG9rZW4tMjAxNw",
        "uk": "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv",
        "us-congress": "https://unitedstates.github.io/congress-legislators/legislators-current.yaml "
        "https://unitedstates.github.io/congress-legislators/executive.yaml",
        "wikidata": "https://www.wikidata.org/w/api.php https://query.wikidata.org/sparql",
        "ftm": "",  # no default: a FollowTheMoney file or URL is named
    }


def test_import_prints_the_delta_as_json(http_server: HttpServer, db_path: str) -> None:
    for name in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"):
        http_server.publish(DATA / "ofac" / "2021-07-07" / name, f"dl/{name}")

    first = refdb("import", "ofac-sdn", "--url", http_server.url("dl/sdn.csv"), "--db", db_path, "--json")
    again = refdb("import", "ofac-sdn", "--file", str(EXCERPTS["ofac-sdn"]), "--db", db_path, "--json")

    assert first.returncode == 0, first.stderr
    delta = json.loads(first.stdout)
    assert {k: delta[k] for k in ("source", "added", "changed", "unchanged", "delisted", "entries")} == {
        "source": "ofac-sdn",
        "added": 13,
        "changed": 0,
        "unchanged": 0,
        "delisted": 0,
        "entries": 13,
    }
    assert first.stderr == ""  # no progress bar under --json
    assert json.loads(again.stdout)["unchanged"] == 13


def test_bad_input_is_one_line_on_stderr_and_exit_2(http_server: HttpServer, db_path: str) -> None:
    url = http_server.publish(EXCERPTS["uk"], "ConList.csv")

    result = refdb("import", "un", "--url", url, "--db", db_path)

    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("refdb: un: not an XML file (file starts with 'Last Updated,13/04/2018,")


def test_unknown_source_and_missing_source_are_refused(db_path: str) -> None:
    unknown = refdb("import", "ofac", "--db", db_path)
    missing = refdb("import", "--db", db_path)
    assert unknown.returncode == missing.returncode == 2
    assert "unknown source 'ofac'; choose one of ofac-sdn, ofac-cons, un, eu, uk" in unknown.stderr
    # The officials sources too: `refdb import` takes them as well as the lists.
    assert "uk, us-congress, wikidata, ftm" in unknown.stderr
    assert "--list" in missing.stderr


def test_piped_output_has_the_summary_and_no_progress_bar(db_path: str) -> None:
    result = refdb("import", "ofac-sdn", "--file", str(EXCERPTS["ofac-sdn"]), "--db", db_path)

    assert result.returncode == 0 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "ofac-sdn: 13 entries — 13 added, 0 changed, 0 unchanged, 0 delisted"
    assert not any("writing" in line or "downloading" in line for line in lines)


def test_a_proposed_link_is_printed_as_written(tmp_path: Path) -> None:
    # Plain text: the matcher's tag "[refdb-name-v3]" once showed as "\\[refdb-name-v3]".
    seeded = str(tmp_path / "seeded.db")
    assert refdb("init", "--db", seeded).returncode == 0
    result = refdb("import", "ofac-sdn", "--file", str(EXCERPTS["ofac-sdn"]), "--db", seeded)
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "Rosoboronexport → ofac-sdn 18782" in line]
    assert line.startswith("proposed link") and line.endswith(f" [{MATCHER_NAME}]")


def test_a_mass_delisting_is_refused_with_exit_2_unless_allowed(db_path: str, tmp_path: Path) -> None:
    assert refdb("import", "ofac-sdn", "--file", str(EXCERPTS["ofac-sdn"]), "--db", db_path).returncode == 0
    cut = tmp_path / "cut" / "sdn.csv"
    cut.parent.mkdir()
    cut.write_bytes(b"".join(EXCERPTS["ofac-sdn"].read_bytes().splitlines(keepends=True)[:5]))

    refused = refdb("import", "ofac-sdn", "--file", str(cut), "--db", db_path)
    allowed = refdb("import", "ofac-sdn", "--file", str(cut), "--db", db_path, "--allow-shrink", "--json")

    assert refused.returncode == 2 and refused.stdout == ""
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith("refdb: ofac-sdn: 8 of the 13 listed entries (62%) are missing from sdn.csv")
    assert allowed.returncode == 0 and json.loads(allowed.stdout)["delisted"] == 8


def test_the_companion_files_read_are_named_and_a_missing_alias_file_warned(
    db_path: str, tmp_path: Path
) -> None:
    alone = tmp_path / "alone" / "sdn.csv"
    alone.parent.mkdir()
    alone.write_bytes(EXCERPTS["ofac-sdn"].read_bytes())

    full = refdb("import", "ofac-sdn", "--file", str(EXCERPTS["ofac-sdn"]), "--db", db_path)
    bare = refdb("import", "ofac-sdn", "--file", str(alone), "--db", db_path, "--json")

    assert "ofac-sdn: read with alt.csv, add.csv, sdn_comments.csv; 19 alternate names" in full.stderr
    assert json.loads(bare.stdout)["companions_missing"] == ["alt.csv", "add.csv", "sdn_comments.csv"]
    [warning] = bare.stderr.strip().splitlines()
    assert warning.startswith("refdb: warning: alt.csv was not beside sdn.csv: no aliases read from it")


def test_the_switch_from_ofsi_to_fcdo_says_how_many_entries_were_re_keyed(db_path: str) -> None:
    assert refdb("import", "uk", "--file", str(EXCERPTS["uk"]), "--db", db_path).returncode == 0

    fcdo = DATA / "uk" / "uk-sanctions-list_handcrafted_ofsi-2018-groups.csv"
    result = refdb("import", "uk", "--file", str(fcdo), "--db", db_path)

    assert result.returncode == 0, result.stderr
    assert (
        "uk: 5 entries — 1 added, 4 changed (4 re-keyed from the list's former ids), "
        "0 unchanged, 0 delisted" in result.stderr
    )


def test_the_import_summary_names_officials_as_well_as_lists() -> None:
    listed = refdb("--help").stdout
    row = listed[listed.index("│ import") : listed.index("│ export")]
    assert "sanction list" in row and "officials" in row, row
