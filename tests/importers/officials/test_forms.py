"""Name forms worked out in a second process while a large FtM file is parsed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, select

from refdb.database import Database
from refdb.importers.officials import forms, reconcile
from refdb.importers.officials.forms import forms_beside
from refdb.importers.officials.service import import_ftm
from refdb.matching.normalize import normalize_name
from refdb.models import Name

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "ftm" / "officials.ftm.json"
NAMES = [  # the names of the fixture's people and bodies
    "Nancy Pelosi",
    "Nancy Patricia D'Alesandro Pelosi",
    "United States House of Representatives",
    "Ivana Testova",
    "Ивана Тестова",
    "I. Testova",
    "Vana",
    "Ministry of Handcrafted Fixtures",
]


@pytest.fixture
def every_file_is_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forms, "MIN_BYTES", 0)


@pytest.fixture
def normalised_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names the importing process itself normalises while it reconciles people."""
    asked: list[str] = []

    def spy(name: str) -> str:
        asked.append(name)
        return normalize_name(name)

    monkeypatch.setattr(reconcile, "normalize_name", spy)
    return asked


def test_the_second_process_gives_each_name_of_people_and_bodies_its_form(tmp_path, every_file_is_large):
    path = tmp_path / "officials.ftm.json"
    han = '{"id":"p-han","schema":"Person","properties":{"name":["李尚福"],"alias":["Li Shangfu"]}}\n'
    path.write_text(FIXTURE.read_text(encoding="utf-8") + han + "not json\n", encoding="utf-8")
    with forms_beside(path) as forms_of_file:
        found = forms_of_file()
    assert found == {name: normalize_name(name) for name in [*NAMES, "李尚福", "Li Shangfu"]}
    assert found["李尚福"] == "li shangfu"


def test_an_import_normalises_no_name_the_second_process_did(seeded_db, every_file_is_large, normalised_here):
    import_ftm(seeded_db, FIXTURE)
    assert set(normalised_here).isdisjoint(NAMES)
    assert _stored_forms_are_right(seeded_db, "Ивана Тестова")


def test_without_the_second_process_the_import_works_the_forms_out_itself(
    seeded_db, every_file_is_large, normalised_here, monkeypatch
):
    monkeypatch.setattr(sys, "executable", "/bin/false")  # the process fails at once
    result = import_ftm(seeded_db, FIXTURE)
    assert result.people_added == 1
    assert "Ивана Тестова" in normalised_here
    assert _stored_forms_are_right(seeded_db, "Ивана Тестова")


def test_the_process_is_ended_when_the_parse_fails(tmp_path, every_file_is_large, monkeypatch):
    started: list[subprocess.Popen] = []

    class Recorded(subprocess.Popen):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(subprocess, "Popen", Recorded)
    with pytest.raises(ValueError, match="the parse failed"), forms_beside(FIXTURE):
        raise ValueError("the parse failed")
    assert [process.returncode is not None for process in started] == [True]


def test_a_small_file_is_parsed_without_a_second_process(monkeypatch):
    monkeypatch.setattr(subprocess, "Popen", None)  # starting one would fail
    with forms_beside(FIXTURE) as forms_of_file:
        assert forms_of_file() == {}


def _stored_forms_are_right(database: Database, name: str) -> bool:
    with Session(database.engine) as session:
        rows = session.exec(select(Name.name, Name.normalized)).all()
    assert name in dict(rows)
    return all(normalized == normalize_name(text) for text, normalized in rows)
