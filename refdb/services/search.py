"""Name search over curated entities and sanction-entry targets.

Candidates come from the normalized-name columns; rapidfuzz re-scores them.
"""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import or_
from sqlmodel import Session, col, select

from refdb.matching.normalize import normalize_name
from refdb.models import Entity, EntryName, Name, SanctionEntry, SanctionList

CANDIDATES = 500


def _score(query: str, name: str) -> float:
    return (
        max(
            fuzz.token_sort_ratio(query, name),
            fuzz.ratio(query.replace(" ", ""), name.replace(" ", "")),
        )
        / 100
    )


def search(session: Session, query: str, *, kind: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    wanted = normalize_name(query)
    if not wanted:
        return []
    patterns = [col(Name.normalized).contains(token) for token in wanted.split() if len(token) > 1]
    entity_rows = session.exec(
        select(Name, Entity)
        .join(Entity, col(Entity.id) == Name.entity_id)
        .where(or_(*patterns) if patterns else True)
        .where(True if kind is None else Entity.kind == kind)
        .limit(CANDIDATES)
    ).all()
    best: dict[tuple[str, int], dict[str, Any]] = {}
    for name, entity in entity_rows:
        score = _score(wanted, name.normalized)
        key = ("entity", entity.id)
        if key not in best or score > best[key]["score"]:
            best[key] = {
                "type": "entity",
                "id": entity.id,
                "name": entity.name,
                "kind": entity.kind,
                "score": round(score, 3),
                "matched_name": name.name,
            }
    entry_patterns = [col(EntryName.normalized).contains(token) for token in wanted.split() if len(token) > 1]
    entry_rows = session.exec(
        select(EntryName, SanctionEntry, SanctionList)
        .join(SanctionEntry, col(SanctionEntry.id) == EntryName.entry_id)
        .join(SanctionList, col(SanctionList.id) == SanctionEntry.list_id)
        .where(or_(*entry_patterns) if entry_patterns else True)
        .where(True if kind is None else SanctionEntry.target_kind == kind)
        .limit(CANDIDATES)
    ).all()
    for name, entry, sanction_list in entry_rows:
        score = _score(wanted, name.normalized)
        key = ("sanction_entry", entry.id)
        if key not in best or score > best[key]["score"]:
            best[key] = {
                "type": "sanction_entry",
                "id": entry.id,
                "name": entry.name,
                "kind": entry.target_kind,
                "score": round(score, 3),
                "matched_name": name.name,
                "list": sanction_list.key,
                "record_id": entry.record_id,
            }
    ranked = sorted(best.values(), key=lambda item: (-item["score"], item["type"], item["id"]))
    return [item for item in ranked if item["score"] >= 0.5][:limit]
