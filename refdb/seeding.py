"""Load the curated seed files (seeds/*.yaml) through the Editor, idempotently.

Rows are matched by their natural keys. Curated reference rows (sources, entities,
names, posts, tenures, relations) follow the files; sanction entries and links are
only created, never overwritten, because after creation the list imports and the
reviewers own them.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from importlib.resources import files
from typing import Any

import yaml
from sqlmodel import SQLModel, select

from refdb.models import (
    Authority,
    Citation,
    Entity,
    EntryName,
    EntryProgram,
    Identifier,
    Link,
    Name,
    Post,
    Program,
    Relation,
    SanctionEntry,
    SanctionList,
    Source,
    Tenure,
)
from refdb.services.edits import Editor

SEED_FILES = ("sources", "entities", "posts", "tenures", "relations", "sanctions")
REASON = "seed data (seeds/*.yaml)"


def read_seed_files() -> dict[str, Any]:
    folder = files("refdb.seeds")
    data: dict[str, Any] = {}
    for name in SEED_FILES:
        data.update(yaml.safe_load(folder.joinpath(f"{name}.yaml").read_text("utf-8")) or {})
    return data


def _text(value: Any) -> str | None:
    """YAML turns unquoted dates into date objects and years into ints; keep them as text."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _Seeder:
    def __init__(self, editor: Editor) -> None:
        self.editor = editor
        self.session = editor.session
        self.counts: Counter[str] = Counter()
        self.ids: dict[tuple[str, str], int] = {}

    def upsert(
        self, model: type[SQLModel], match: dict[str, Any], values: dict[str, Any], *, update: bool = True
    ) -> SQLModel:
        query = select(model).where(*(getattr(model, k) == v for k, v in match.items()))
        row = self.session.exec(query).first()
        if row is None:
            self.counts["created"] += 1
            return self.editor.create(model(**match, **values), reason=REASON)
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        if update and changed:
            self.counts["updated"] += 1
            return self.editor.update(model, row.id, changed, reason=REASON)  # type: ignore[attr-defined]
        self.counts["unchanged"] += 1
        return row

    def cite(self, table: str, row_id: int, citations: list[dict[str, Any]] | None) -> None:
        for citation in citations or []:
            self.upsert(
                Citation,
                {
                    "source_id": self.ids[("source", citation["source"])],
                    "subject_table": table,
                    "subject_id": row_id,
                    "quote": citation.get("quote"),
                },
                {"locator": _text(citation.get("locator"))},
            )

    def keyed(self, kind: str, key: str, row: SQLModel) -> None:
        self.ids[(kind, key)] = row.id  # type: ignore[attr-defined]

    def run(self, data: dict[str, Any]) -> dict[str, int]:
        for item in data.get("sources", []):
            row = self.upsert(
                Source,
                {"key": item["key"]},
                {
                    "kind": item["kind"],
                    "title": item["title"],
                    "publisher": item.get("publisher"),
                    "url": item.get("url"),
                    "published_on": _text(item.get("published_on")),
                    "verified": bool(item.get("verified", False)),
                    "notes": item.get("notes"),
                },
            )
            self.keyed("source", item["key"], row)
        for item in data.get("entities", []):
            self._entity(item)
        for item in data.get("posts", []):
            organization = item.get("organization")
            row = self.upsert(
                Post,
                {"key": item["key"]},
                {
                    "title": item["title"],
                    "organization_id": self.ids[("entity", organization)] if organization else None,
                    "country": item.get("country"),
                    "single_holder": bool(item.get("single_holder", False)),
                },
            )
            self.keyed("post", item["key"], row)
            self.cite("post", row.id, item.get("citations"))  # type: ignore[attr-defined]
        for item in data.get("tenures", []):
            person, post = self.ids[("entity", item["person"])], self.ids[("post", item["post"])]
            row = self.upsert(
                Tenure,
                {"person_id": person, "post_id": post, "start_on": _text(item.get("start"))},
                {
                    "end_on": _text(item.get("end")),
                    "acting": bool(item.get("acting", False)),
                    "status": item.get("status", "unknown"),
                    "confirmed_on": _text(item.get("confirmed")),
                },
            )
            self.ids[("tenure", f"{item['person']}/{item['post']}")] = row.id  # type: ignore[attr-defined]
            self.cite("tenure", row.id, item.get("citations"))  # type: ignore[attr-defined]
        for item in data.get("relations", []):
            row = self.upsert(
                Relation,
                {
                    "subject_id": self.ids[("entity", item["subject"])],
                    "object_id": self.ids[("entity", item["object"])],
                    "kind": item["kind"],
                },
                {
                    "start_on": _text(item.get("start")),
                    "end_on": _text(item.get("end")),
                    "description": item.get("description"),
                },
            )
            self.cite("relation", row.id, item.get("citations"))  # type: ignore[attr-defined]
        self._sanctions(data)
        return {key: self.counts[key] for key in ("created", "updated", "unchanged")}

    def _entity(self, item: dict[str, Any]) -> None:
        entity = self.upsert(
            Entity,
            {"key": item["key"]},
            {
                "kind": item["kind"],
                "name": item["name"],
                "birth_date": _text(item.get("birth_date")),
                "birth_place": item.get("birth_place"),
                "death_date": _text(item.get("death_date")),
                "nationality": item.get("nationality"),
                "gender": item.get("gender"),
                "country": item.get("country"),
                "notes": item.get("notes"),
            },
        )
        self.keyed("entity", item["key"], entity)
        self.cite("entity", entity.id, item.get("citations"))  # type: ignore[attr-defined]
        names = [{"name": item["name"], "kind": "primary"}, *item.get("names", [])]
        for name in names:
            row = self.upsert(
                Name,
                {"entity_id": entity.id, "name": name["name"]},  # type: ignore[attr-defined]
                {
                    "kind": name.get("kind", "alias"),
                    "lang": name.get("lang"),
                    "script": name.get("script"),
                },
            )
            self.cite("name", row.id, name.get("citations"))  # type: ignore[attr-defined]
        for identifier in item.get("identifiers", []):
            self.upsert(
                Identifier,
                {"scheme": identifier["scheme"], "value": str(identifier["value"])},
                {"entity_id": entity.id},  # type: ignore[attr-defined]
            )

    def _sanctions(self, data: dict[str, Any]) -> None:
        for item in data.get("authorities", []):
            row = self.upsert(
                Authority,
                {"key": item["key"]},
                {"name": item["name"], "country": item.get("country")},
            )
            self.keyed("authority", item["key"], row)
            self.cite("authority", row.id, item.get("citations"))  # type: ignore[attr-defined]
        for item in data.get("programs", []):
            row = self.upsert(
                Program,
                {"authority_id": self.ids[("authority", item["authority"])], "code": item["code"]},
                {"name": item.get("name"), "legal_basis": item.get("legal_basis")},
            )
            self.keyed("program", item["code"], row)
            self.cite("program", row.id, item.get("citations"))  # type: ignore[attr-defined]
        for item in data.get("lists", []):
            row = self.upsert(
                SanctionList,
                {"key": item["key"]},
                {
                    "authority_id": self.ids[("authority", item["authority"])],
                    "name": item["name"],
                    "url": item.get("url"),
                },
                update=False,
            )
            self.keyed("list", item["key"], row)
        for item in data.get("entries", []):
            self._entry(item)
        for item in data.get("links", []):
            self._link(item)

    def _entry(self, item: dict[str, Any]) -> None:
        entry_key = f"{item['list']}/{item['record_id']}"
        match = {"list_id": self.ids[("list", item["list"])], "record_id": str(item["record_id"])}
        existing = self.session.exec(
            select(SanctionEntry).where(*(getattr(SanctionEntry, k) == v for k, v in match.items()))
        ).first()
        entry = self.upsert(
            SanctionEntry,
            match,
            {
                "target_kind": item["target_kind"],
                "name": item["name"],
                "title": item.get("title"),
                "birth_dates": [_text(d) for d in item.get("birth_dates", [])],
                "birth_places": item.get("birth_places", []),
                "nationalities": item.get("nationalities", []),
                "addresses": item.get("addresses", []),
                "identifiers": item.get("identifiers", []),
                "remarks": item.get("remarks"),
                "listed_on": _text(item.get("listed_on")),
                # A seed may give rows of the list's companion files (OFAC alt.csv) as an
                # import stores them, for a later import without those files to carry over.
                "raw": {"seeded_from": "seeds/sanctions.yaml", **item.get("raw", {})},
            },
            update=False,
        )
        self.keyed("entry", entry_key, entry)
        entry_id: int = entry.id  # type: ignore[attr-defined]  # upsert returns the row as SQLModel
        self.cite("sanction_entry", entry_id, item.get("citations"))
        if existing is not None:
            return
        for name in [{"name": item["name"], "kind": "primary"}, *item.get("names", [])]:
            self.editor.create(
                EntryName(
                    entry_id=entry_id, name=name["name"], kind=name.get("kind", "alias"), normalized=""
                ),
                reason=REASON,
            )
        for code in item.get("programs", []):
            self.editor.create(
                EntryProgram(entry_id=entry_id, program_id=self.ids[("program", code)]),
                reason=REASON,
            )

    def _link(self, item: dict[str, Any]) -> None:
        tenure = item.get("tenure")
        decided_at = item.get("decided_at")
        if isinstance(decided_at, date) and not isinstance(decided_at, datetime):
            decided_at = datetime(decided_at.year, decided_at.month, decided_at.day)
        elif isinstance(decided_at, str):
            decided_at = datetime.fromisoformat(decided_at)
        row = self.upsert(
            Link,
            {
                "entity_id": self.ids[("entity", item["entity"])],
                "entry_id": self.ids[("entry", f"{item['list']}/{item['record_id']}")],
            },
            {
                "status": item.get("status", "proposed"),
                "basis": item.get("basis"),
                "tenure_id": self.ids[("tenure", f"{tenure['person']}/{tenure['post']}")] if tenure else None,
                "score": item.get("score"),
                "explanation": item.get("explanation"),
                "proposed_by": item.get("decided_by"),
                "proposed_at": decided_at,
                "decided_by": item.get("decided_by"),
                "decided_at": decided_at,
                "decision_reason": item.get("decision_reason"),
            },
            update=False,
        )
        self.cite("link", row.id, item.get("citations"))  # type: ignore[attr-defined]


def load_seeds(editor: Editor, data: dict[str, Any] | None = None) -> dict[str, int]:
    """Create or update the seed records; returns counts of created/updated/unchanged rows."""
    return _Seeder(editor).run(read_seed_files() if data is None else data)
