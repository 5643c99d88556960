"""Audit rules as small functions in a registry, and the findings they produce.

A rule is a generator over an :class:`AuditContext` yielding ``(subject, entity_id,
explanation)``; the registry gives each rule its name, group and severity, so rules
stay short and the runner, acknowledgements and output treat them alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from refdb.audit.facts import letters
from refdb.changelog import Anchor, ChainReport, canonical_json, record_parts, verify_chain
from refdb.matching.normalize import foreign_reading, forms_of, spelled_reading, with_foreign_reading
from refdb.matching.score import NameLetters
from refdb.models import Citation, Source

SEVERITIES = ("info", "warning", "error")

Hit = tuple[str, int | None, str]  # subject ("link:5"), entity id, one-line explanation
# A finding standing for many facts adds its figures for --json ({"facts": 18990, ...}).
CountedHit = tuple[str, int | None, str, dict[str, Any]]
Cited = tuple[int, bool]  # a source citing a fact: its id, and whether it is verified
LastRecord = tuple[int, str, int | None, str | None]  # change id, action, entity id, after


@dataclass(frozen=True)
class Settings:
    pending_days: int = 30
    stale_days: int = 365  # a current tenure not confirmed for longer is a finding
    match_threshold: float = 0.9
    today: date = field(default_factory=date.today)
    anchor: Anchor | None = None  # a change-log head noted earlier (see changelog.Anchor)


@dataclass(frozen=True)
class Rule:
    name: str
    group: str
    severity: str
    title: str
    check: Callable[[AuditContext], Iterable[Hit | CountedHit]]


RULES: dict[str, Rule] = {}


def rule(name: str, group: str, severity: str, title: str) -> Callable:
    """Register the decorated generator as an audit rule."""
    assert severity in SEVERITIES

    def register(check: Callable[[AuditContext], Iterable[Hit | CountedHit]]) -> Callable:
        RULES[name] = Rule(name, group, severity, title, check)
        return check

    return register


@dataclass
class Finding:
    rule: str
    severity: str
    subject: str
    entity_id: int | None
    explanation: str
    figures: dict[str, Any] | None = None  # a CountedHit's
    acknowledged: bool = False
    ack_reason: str | None = None
    ack_actor: str | None = None
    ack_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "subject": self.subject,
            "entity_id": self.entity_id,
            "explanation": self.explanation,
            "figures": self.figures,
            "acknowledged": self.acknowledged,
            "ack": {"reason": self.ack_reason, "actor": self.ack_actor, "at": self.ack_at}
            if self.acknowledged
            else None,
        }


def remember(
    last: dict[str, dict[int, LastRecord]],
    change_id: int,
    action: str,
    table_name: str,
    row_id: int,
    entity_id: int | None,
    after: str | None,
) -> None:
    """Note a record as the last about its row, and about each row it created with it
    (``changelog.PARTS``: an imported person's names, tenures, ...), as if each had a
    create record of its own; records must come in id order."""
    parts = record_parts(after)
    if parts is not None:
        after, created = parts
        for part_table, rows in created.items():
            for row in rows:
                last[part_table][row["id"]] = (change_id, "create", entity_id, canonical_json(row))
    last[table_name][row_id] = (change_id, action, entity_id, after)


def at_least(severity: str, threshold: str) -> bool:
    return SEVERITIES.index(severity) >= SEVERITIES.index(threshold)


class AuditContext:
    """The session and settings, plus what several rules need, loaded once as plain tuples."""

    def __init__(self, session: Session, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self._forms: dict[str, tuple[str, ...]] = {}
        self._letters: dict[str, list[NameLetters]] = {}

    def forms(self, name: str, normalized: str) -> tuple[str, ...]:
        """The forms the matcher compares of a stored name (written, normalized), once
        per audit (the matcher's own cache holds fewer names than a large database has,
        and several rules read them all). Keyed by the normalized name, or by the name
        as written when it has a foreign reading of its own (katakana)."""
        key = name if foreign_reading(name) else normalized
        found = self._forms.get(key)
        if found is None:
            found = self._forms[key] = with_foreign_reading(name, forms_of(normalized))
        return found

    def letters(self, name: str, normalized: str) -> list[NameLetters]:
        """``letters`` of a stored name's forms, once per audit: the screens of several
        rules compare each name with many others."""
        respelled = spelled_reading(name) is not None
        key = name if respelled or foreign_reading(name) else normalized
        found = self._letters.get(key)
        if found is None:
            found = self._letters[key] = letters(self.forms(name, normalized), respelled)
        return found

    def rows(self, statement: Any) -> Iterator[Any]:
        """Plain result rows of a Core statement, streamed in batches."""
        # Options on the statement, not the connection: the session may write afterwards.
        streamed = statement.execution_options(stream_results=True, yield_per=5000)
        return iter(self.session.connection().execute(streamed))

    @cached_property
    def history(self) -> tuple[ChainReport, dict[str, dict[int, LastRecord]] | None]:
        """The change log's verification and, when the chain is intact, the last record
        about each row (table -> row id -> record), read in the same pass."""
        last: dict[str, dict[int, LastRecord]] = defaultdict(dict)

        def keep(change_id: int, fields: list[Any]) -> None:
            _actor, action, table_name, row_id, entity_id, _before, after, _reason = fields
            remember(last, change_id, action, table_name, row_id, entity_id, after)

        report = verify_chain(self.session, self.settings.anchor, visit=keep)
        return report, (last if report.intact else None)

    @cached_property
    def citations(self) -> dict[tuple[str, int], list[Cited]]:
        """(table, row id) -> each source citing it: its id and ``verified`` flag."""
        found: dict[tuple[str, int], list[Cited]] = defaultdict(list)
        statement = select(Citation.subject_table, Citation.subject_id, Source.id, Source.verified).join(
            Source, Source.id == Citation.source_id
        )
        for table, row_id, source_id, verified in self.rows(statement):
            found[(table, row_id)].append((source_id, bool(verified)))
        return found
