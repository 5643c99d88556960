"""The documentation tells the truth: every example in docs/cli.md and the README runs,
the JSON shapes docs/cli.md shows are the ones the commands print, every relative link
resolves, and docs/audit.md is what scripts/gen_audit_docs.py writes from the registry."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main

from refdb import bootstrap
from refdb.cli import app
from refdb.database import Database

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
NOT_RUN_REASONS = ("fetches the list over the network", "fetches the files over the network", "interactive")


@dataclass
class Example:
    line: int
    argv: list[str]
    exit_code: int
    shape: Any = None  # the documented JSON output, when a ```json block follows


def examples(path: Path) -> tuple[list[Example], list[str]]:
    """The `$ refdb ...` lines of a file's console blocks, and the reasons of those marked
    'not run:'. A ```json block right after a console block is its last command's shape."""
    runnable: list[Example] = []
    skipped: list[str] = []
    block: str | None = None
    last: Example | None = None
    body: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        fence = re.match(r"^```(\w*)\s*$", line)
        if fence and block is None:
            block, body = fence.group(1), []
            if block != "json":
                last = None
            continue
        if fence:
            if block == "json" and last is not None:
                last.shape = json.loads("\n".join(body))
                last = None
            block = None
            continue
        if block == "console" and line.startswith("$ refdb"):
            command, _, comment = line[2:].partition("#")
            if "not run:" in comment:
                skipped.append(comment.split("not run:", 1)[1].strip())
                last = None
                continue
            code = re.search(r"exit (\d)", comment)
            last = Example(number, shlex.split(command)[1:], int(code.group(1)) if code else 0)
            runnable.append(last)
        elif block is not None:
            body.append(line)
    return runnable, skipped


def shape_errors(documented: Any, actual: Any, where: str = "$") -> list[str]:
    """How `actual` departs from the documented shape: keys, nesting and kinds of value."""
    if isinstance(documented, dict):
        if not isinstance(actual, dict):
            return [f"{where}: documented an object, got {type(actual).__name__}"]
        errors = []
        open_ended = documented.get("...") == "..."
        keys = set(documented) - {"..."}
        if not open_ended and set(actual) - keys:
            errors.append(f"{where}: undocumented keys {sorted(set(actual) - keys)}")
        if keys - set(actual):
            errors.append(f"{where}: documented keys missing {sorted(keys - set(actual))}")
        for key in keys & set(actual):
            errors += shape_errors(documented[key], actual[key], f"{where}.{key}")
        return errors
    if isinstance(documented, list):
        if not isinstance(actual, list):
            return [f"{where}: documented a list, got {type(actual).__name__}"]
        errors = []
        for index, item in enumerate(actual):
            tries = [shape_errors(choice, item, f"{where}[{index}]") for choice in documented]
            if tries and all(tries):
                errors += min(tries, key=len)
        return errors
    if documented is None or actual is None or documented == "...":
        return []
    numbers = (int, float)
    if isinstance(documented, numbers) and not isinstance(documented, bool):
        same = isinstance(actual, numbers) and not isinstance(actual, bool)
    else:
        same = type(documented) is type(actual)
    return [] if same else [f"{where}: documented {documented!r}, got {actual!r}"]


def parse_output(text: str) -> Any:
    """One JSON document, or JSON lines (refdb screen --format json): then the first line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return json.loads(text.splitlines()[0])


@pytest.fixture
def docs_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refdb) -> Path:
    """An empty folder holding names.csv, with REFDB_URL naming a seeded database in it."""
    url = f"sqlite:///{tmp_path / 'refdb.db'}"
    database = Database(url, actor="tester")
    bootstrap.initialize(database, announce=lambda _message: None)
    database.close()
    (tmp_path / "names.csv").write_text("name,birth_date\nShangfu LI,1958\nSomebody Else,\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFDB_URL", url)
    return tmp_path


@pytest.mark.parametrize("doc", ["docs/cli.md", "README.md"])
def test_every_example_runs_and_prints_the_documented_shape(doc, docs_folder, refdb, monkeypatch):
    runnable, skipped = examples(ROOT / doc)
    assert runnable, f"{doc} has no examples"
    assert set(skipped) <= set(NOT_RUN_REASONS), f"{doc}: examples skipped for {skipped}"
    for example in runnable:
        # The refdb fixture clears REFDB_URL on creation only: the folder's database stays.
        result = refdb(*example.argv)
        where = f"{doc}:{example.line} `refdb {shlex.join(example.argv)}`"
        assert result.code == example.exit_code, f"{where} exited {result.code}: {result.err}"
        if example.shape is not None:
            errors = shape_errors(example.shape, parse_output(result.out))
            assert not errors, f"{where}: " + "; ".join(errors)


def test_every_command_is_in_the_command_line_doc():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    missing = [" ".join(path) for path in _leaf_commands(typer.main.get_command(app))]
    missing = [path for path in missing if f"refdb {path}" not in text]
    assert not missing, f"docs/cli.md does not mention: {missing}"


def _leaf_commands(command, path=()):
    if not hasattr(command, "list_commands"):  # the top-level group loads commands lazily
        yield path
        return
    context = typer.Context(command)
    for name in command.list_commands(context):
        yield from _leaf_commands(command.get_command(context, name), (*path, name))


def test_the_shape_check_catches_a_missing_or_extra_key():
    documented = [{"id": 1, "name": "...", "match": {"...": "..."}}]
    assert not shape_errors(documented, [{"id": 2, "name": "x", "match": {"score": 1.0}}])
    assert shape_errors(documented, [{"id": 2, "name": "x", "match": {}, "new": 1}])
    assert shape_errors(documented, [{"id": 2, "match": {}}])
    assert shape_errors(documented, [{"id": "2", "name": "x", "match": {}}])


LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchors(path: Path) -> set[str]:
    """GitHub's anchors for a Markdown file's headings."""
    anchors = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return anchors


@pytest.mark.parametrize("doc", DOCS, ids=[str(p.relative_to(ROOT)) for p in DOCS])
def test_every_relative_link_resolves(doc):
    broken = []
    for target in LINK.findall(doc.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target):
            continue  # an absolute URL
        file_part, _, anchor = target.partition("#")
        path = (doc.parent / file_part).resolve() if file_part else doc
        if not path.exists() or (anchor and path.suffix == ".md" and anchor not in _anchors(path)):
            broken.append(target)
    assert not broken, f"{doc.relative_to(ROOT)}: links that resolve to nothing: {broken}"


def test_audit_doc_is_generated_from_the_rule_registry():
    generated = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_audit_docs.py"), "--print"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    committed = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    assert committed == generated, "docs/audit.md is stale: run python scripts/gen_audit_docs.py"


def test_readme_stays_short():
    assert len((ROOT / "README.md").read_bytes()) <= 8 * 1024
