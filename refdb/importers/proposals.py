"""Link proposals: after an import, curated entities that look like new or changed entries
are proposed (never confirmed) as links, for a person to decide."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlmodel import Session, col

from refdb.countries import country_codes
from refdb.importers.records import ParsedEntry
from refdb.matching.normalize import normalize_name
from refdb.matching.score import MATCHER_NAME, EntityMatch, score_entity
from refdb.models import Entity, EntryName, Identifier, Link, Name, SanctionEntry, SanctionList
from refdb.services.edits import Editor
from refdb.services.links import propose_link
from refdb.vocab import kinds_agree

PROPOSE_AT = 0.9  # lowest match score for which an import proposes a link for review
MIN_KEY = 4  # shorter tokens ("li", "co", "ltd") would pair every entry with every curated name
PREFIX = 5  # letters of a token used as its blocking key
PRESCREEN = 60  # rapidfuzz token-set ratio (0-100) below which the matcher is not even asked


@dataclass
class _Curated:
    id: int
    kind: str
    name: str
    birth_date: str | None
    nationality: str | None
    names: list[str]
    forms: set[str] = field(default_factory=set)  # every name's normalize_name form
    identifiers: set[str] = field(default_factory=set)  # values, folded: a passport is a passport


@dataclass(frozen=True)
class _Listed:
    """A list entry as the matcher weighs it: names, birth dates, nationalities, identifiers."""

    id: int
    record_id: str
    list_key: str
    target_kind: str
    name: str
    names: tuple[str, ...]
    birth_dates: tuple[str, ...]
    nationalities: tuple[str, ...]
    identifiers: frozenset[str]


def _blocking_keys(normalized: str) -> set[str]:
    """The first PREFIX letters of each token long enough to mean something ("rosob" for
    both "rosoboronexport" and "rosoboroneksport"): cheap, and tolerant of spelling variants
    past the prefix. The matcher itself decides; this only picks whom it compares."""
    return {token[:PREFIX] for token in normalized.split() if len(token) >= MIN_KEY}


def _fold_identifier(value: str) -> str:
    return "".join(ch for ch in value.casefold() if ch.isalnum())


def propose_links(
    editor: Editor, touched: list[tuple[int, ParsedEntry]], reason: str, list_key: str = ""
) -> list[dict[str, Any]]:
    """Propose (never confirm) links from curated entities to new or changed entries."""
    listed = [
        _Listed(
            entry_id,
            entry.record_id,
            list_key,
            entry.target_kind,
            entry.name,
            tuple(n.name for n in entry.names),
            tuple(entry.birth_dates),
            tuple(entry.nationalities),
            frozenset(_fold_identifier(i.value) for i in entry.identifiers if i.value),
        )
        for entry_id, entry in touched
    ]
    return _propose(editor, _curated(editor.session, None), listed, reason)


def propose_links_for_entities(editor: Editor, entity_ids: list[int], reason: str) -> list[dict[str, Any]]:
    """Propose links from these (new or changed) entities to the list entries still active:
    what an officials import asks after writing its people."""
    if not entity_ids:
        return []
    return _propose(editor, _curated(editor.session, entity_ids), _active_entries(editor.session), reason)


def _curated(session: Session, ids: list[int] | None) -> dict[int, _Curated]:
    """Curated entities (all, or these) with their names and identifier values."""
    curated: dict[int, _Curated] = {}
    wanted = set(ids) if ids is not None else None
    for row in session.execute(
        select(Entity.id, Entity.kind, Entity.name, Entity.birth_date, Entity.nationality).where(
            col(Entity.merged_into_id).is_(None)  # a merged entity's names are the kept one's now
        )
    ):
        if wanted is None or row.id in wanted:
            curated[row.id] = _Curated(row.id, row.kind, row.name, row.birth_date, row.nationality, [])
    # Each name's form as stored (written by the import or the edit that added the name, as
    # the audit reads it): normalising them all again took seconds for a large import.
    for entity_id, name, normalized in session.execute(select(Name.entity_id, Name.name, Name.normalized)):
        if entity_id in curated:
            curated[entity_id].names.append(name)
            curated[entity_id].forms.add(normalized)
    for entity in curated.values():
        if entity.name not in entity.names:
            entity.forms.add(normalize_name(entity.name))
    for entity_id, value in session.execute(select(Identifier.entity_id, Identifier.value)):
        if entity_id in curated:
            curated[entity_id].identifiers.add(_fold_identifier(value))
    return curated


def _active_entries(session: Session) -> list[_Listed]:
    names: dict[int, list[str]] = defaultdict(list)
    for entry_id, name in session.execute(select(EntryName.entry_id, EntryName.name)):
        names[entry_id].append(name)
    statement = (
        select(
            SanctionEntry.id,
            SanctionEntry.record_id,
            SanctionList.key,
            SanctionEntry.target_kind,
            SanctionEntry.name,
            SanctionEntry.birth_dates,
            SanctionEntry.nationalities,
            SanctionEntry.identifiers,
        )
        .join(SanctionList, col(SanctionList.id) == SanctionEntry.list_id)
        .where(col(SanctionEntry.delisted_on).is_(None))
    )
    return [
        _Listed(
            row.id,
            row.record_id,
            row.key,
            row.target_kind,
            row.name,
            tuple(names.get(row.id, ())),
            tuple(row.birth_dates or ()),
            tuple(row.nationalities or ()),
            frozenset(_fold_identifier(str(i.get("value"))) for i in row.identifiers or () if i.get("value")),
        )
        for row in session.execute(statement)
    ]


def _propose(
    editor: Editor, curated: dict[int, _Curated], listed: list[_Listed], reason: str
) -> list[dict[str, Any]]:
    """Candidates share a blocking key and pass a quick rapidfuzz token-set screen (PRESCREEN);
    each is then scored by the project matcher over all names on both sides (every alias and
    script, through its normalisation), with birth date and nationality as corroboration,
    and proposed at PROPOSE_AT or above, or when the two share an identifier value."""
    session = editor.session
    index: dict[str, set[int]] = defaultdict(set)
    forms: dict[int, list[str]] = {}
    for entity in curated.values():
        forms[entity.id] = list(entity.forms - {""})
        for form in forms[entity.id]:
            for key in _blocking_keys(form):
                index[key].add(entity.id)
    if not index:
        return []
    decided = {
        (row.entity_id, row.entry_id)
        for row in session.execute(select(Link.__table__.c.entity_id, Link.__table__.c.entry_id))  # type: ignore[attr-defined]
    }
    proposals = []
    for entry in listed:
        entry_names = [entry.name, *entry.names]
        entry_forms = [normalize_name(n) for n in entry_names]
        candidates = {e for form in entry_forms for key in _blocking_keys(form) for e in index.get(key, ())}
        for entity_id in sorted(candidates):
            entity = curated[entity_id]
            if not kinds_agree(entity.kind, entry.target_kind):
                continue
            screen = max(fuzz.token_set_ratio(q, c) for q in forms[entity_id] for c in entry_forms)
            if screen < PRESCREEN:
                continue
            match = _best_match(entity, entry, entry_names)
            shared = sorted(entity.identifiers & entry.identifiers)
            if match.score < PROPOSE_AT and not shared:
                continue
            explanation = match.explanation + (f"; same identifier {', '.join(shared)}" if shared else "")
            explanation += f" [{MATCHER_NAME}]"
            link = propose_link(
                editor,
                entity_id,
                entry.id,
                score=match.score,
                explanation=explanation,
                basis="named",
                reason=reason,
            )
            if link.status != "proposed":  # already confirmed or rejected by a person: left as decided
                continue
            proposals.append(
                {
                    "link_id": link.id,
                    "entity_id": entity_id,
                    "entity": entity.name,
                    "entry_id": entry.id,
                    "list": entry.list_key,
                    "record_id": entry.record_id,
                    "entry": entry.name,
                    "score": match.score,
                    "explanation": explanation,
                    "new": (entity_id, entry.id) not in decided,
                }
            )
    return proposals


def _best_match(entity: _Curated, entry: _Listed, entry_names: list[str]) -> EntityMatch:
    codes = country_codes(entry.nationalities)
    best: EntityMatch | None = None
    for query in dict.fromkeys([entity.name, *entity.names]):
        match = score_entity(
            query,
            entry_names,
            birth_date=entity.birth_date if entity.kind == "person" else None,
            candidate_birth_dates=entry.birth_dates,
            nationality=entity.nationality if codes else None,
            candidate_nationalities=codes,
        )
        if best is None or match.score > best.score:
            best = match
    assert best is not None
    return best
