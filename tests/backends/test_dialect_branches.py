"""No module outside refdb/backends/ asks which database it is on: each difference
between SQLite and PostgreSQL is one member of the ``Backend`` both implement."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [ROOT / "refdb", ROOT / "tui"]
BACKENDS = ROOT / "refdb" / "backends"
DIALECT_NAMES = {"sqlite", "postgresql", "postgres"}
# URLs, not connections: which scheme names a SQLite file or a libpq URI.
URL_PARSING = ROOT / "refdb" / "connection.py"


def dialect_questions(source: str) -> list[str]:
    """Where ``source`` tells the back ends apart itself: a dialect's name or parameter
    style read, a dialect's name written as a string, a name saying "am I on ...".
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        where = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute):
            if node.attr == "paramstyle" or (
                node.attr == "name" and isinstance(node.value, ast.Attribute) and node.value.attr == "dialect"
            ):
                found.append(f"{where}: reads the dialect's {node.attr}")
            elif node.attr.lstrip("_").removeprefix("is_") in DIALECT_NAMES:
                found.append(f"{where}: attribute {node.attr}")
        elif isinstance(node, ast.FunctionDef) and node.name.lstrip("_").removeprefix("is_") in DIALECT_NAMES:
            found.append(f"{where}: function {node.name}")
        elif isinstance(node, ast.Constant) and node.value in DIALECT_NAMES:
            found.append(f"{where}: the string {node.value!r}")
    return found


def branches_in(packages: list[Path]) -> dict[str, list[str]]:
    found = {}
    for package in packages:
        for path in sorted(package.rglob("*.py")):
            if path.is_relative_to(BACKENDS) or path == URL_PARSING:
                continue
            if questions := dialect_questions(path.read_text(encoding="utf-8")):
                found[str(path.relative_to(ROOT))] = questions
    return found


def test_no_module_outside_the_back_ends_asks_which_database_it_is_on() -> None:
    assert branches_in(PACKAGES) == {}


def test_each_way_of_asking_is_caught() -> None:
    asked = {
        "connection.dialect.name == 'postgresql'": 2,
        "x = session.get_bind().dialect.paramstyle": 1,
        "if raw.postgres: pass": 1,
        "def _postgres(connection): pass": 1,
        "WRITERS = {'sqlite': write}": 1,
        "if backend.name == 'sqlite': pass": 1,
    }
    for source, count in asked.items():
        assert len(dialect_questions(source)) == count, source
    assert dialect_questions("backend.placeholder; database.sqlite_file; dialect_impl(dialect)") == []
