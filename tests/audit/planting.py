"""The clean audit test database and the helpers that plant defects in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text

from refdb.audit import Settings, run_audit
from refdb.database import Database
from refdb.models import Citation, Entity, EntryName, Name, SanctionEntry
from refdb.services.edits import Editor

TODAY = date(2026, 11, 29)


@dataclass
class Base:
    """Ids of the rows of the clean database."""

    db: Database
    ids: dict[str, int] = field(default_factory=dict)

    def findings(self, *rules: str) -> set[tuple[str, str]]:
        with self.db.session() as session:
            found = run_audit(session, rules or None, Settings(today=TODAY))
        return {(f.rule, f.subject) for f in found}

    def raw(self, sql: str, **params: object) -> None:
        with self.db.engine.begin() as connection:
            connection.execute(text(sql), params)

    def cite(self, editor: Editor, table: str, row_id: int, source: str = "verified") -> int:
        citation = editor.create(Citation(source_id=self.ids[source], subject_table=table, subject_id=row_id))
        return citation.id  # type: ignore[return-value]

    def person(self, editor: Editor, name: str, **facts: object) -> int:
        """A cited person whose display name is its primary name."""
        entity = editor.create(Entity(kind="person", name=name, **facts))
        editor.create(Name(entity_id=entity.id, name=name, kind="primary"))  # type: ignore[arg-type]
        self.cite(editor, "entity", entity.id)  # type: ignore[arg-type]
        return entity.id  # type: ignore[return-value]

    def entry(self, editor: Editor, record_id: str, name: str, **facts: object) -> int:
        entry = editor.create(
            SanctionEntry(
                list_id=self.ids["list"], record_id=record_id, name=name, target_kind="person", **facts
            )
        )
        editor.create(EntryName(entry_id=entry.id, name=name, kind="primary"))  # type: ignore[arg-type]
        self.cite(editor, "sanction_entry", entry.id)  # type: ignore[arg-type]
        return entry.id  # type: ignore[return-value]
