"""One source in full: what it is, where it came from, and the facts resting on it.

The audit reports unverified sources (``source:N``); whoever reads such a finding needs
the source itself (its file or URL, when it was fetched or published, its sha256) and
what cites it, to decide whether to verify it, cite something better or acknowledge it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlparse

from sqlalchemy import func
from sqlmodel import Session, col, select

from refdb import changelog
from refdb.errors import NotFound
from refdb.models import (
    Authority,
    Citation,
    Entity,
    Link,
    Post,
    Program,
    SanctionEntry,
    SanctionList,
    Source,
    Tenure,
)
from refdb.services.curation import EDITABLE

CITED_SHOWN = 200
"""Citing facts listed at most (the counts cover them all)."""


def source_detail(session: Session, source_id: int, *, limit: int = CITED_SHOWN) -> dict[str, Any]:
    """The source's columns, ``file`` (the local path or the URL's file name),
    ``citations`` (how many facts cite it, ``by_table`` per kind of fact),
    ``entries_imported`` (list entries imported from it, for a list file) and
    ``cited_by``: at most ``limit`` citing facts, each with ``what`` it is, the entity
    or list entry it belongs to (``entity_id``/``entity``, ``entry_id``) and the
    citation's ``locator`` and ``quote``."""
    source = session.get(Source, source_id)
    if source is None:
        raise NotFound(f"no source {source_id}")
    by_table = dict(
        session.exec(
            select(Citation.subject_table, func.count())
            .where(Citation.source_id == source_id)
            .group_by(col(Citation.subject_table))
            .order_by(col(Citation.subject_table))
        ).all()
    )
    imported = session.exec(
        select(func.count()).select_from(SanctionEntry).where(SanctionEntry.source_id == source_id)
    ).one()
    citations = session.exec(
        select(Citation)
        .where(Citation.source_id == source_id)
        .order_by(col(Citation.subject_table), col(Citation.subject_id), col(Citation.id))
        .limit(limit)
    ).all()
    return {
        **changelog.snapshot(source),
        "file": _file(source.url),
        "citations": sum(by_table.values()),
        "by_table": by_table,
        "entries_imported": imported,
        "cited_by": [
            {
                "table": citation.subject_table,
                "id": citation.subject_id,
                "locator": citation.locator,
                "quote": citation.quote,
                **_subject(session, citation.subject_table, citation.subject_id),
            }
            for citation in citations
        ],
    }


def _file(url: str | None) -> str | None:
    """A local file's path, or the file name a URL ends in."""
    if not url:
        return None
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return unquote(parsed.path)
    return unquote(parsed.path.rsplit("/", 1)[-1]) or None


def _subject(session: Session, table: str, row_id: int) -> dict[str, Any]:
    """What a cited row is, and the entity or list entry it belongs to."""
    describe = _DESCRIBE.get(table)
    row = session.get(_MODELS[table], row_id)
    if describe is None or row is None:
        return {"what": f"{table} {row_id} (gone)", "entity_id": None, "entity": None, "entry_id": None}
    what, entity_id, entry_id = describe(session, row)
    entity = session.get(Entity, entity_id) if entity_id is not None else None
    return {
        "what": what,
        "entity_id": entity_id,
        "entity": entity.name if entity else None,
        "entry_id": entry_id,
    }


def _entry_label(session: Session, entry: SanctionEntry) -> str:
    sanction_list = session.get(SanctionList, entry.list_id)
    return f"{sanction_list.key if sanction_list else '?'} {entry.record_id} {entry.name}"


def _tenure(session: Session, tenure: Tenure) -> tuple[str, int | None, int | None]:
    post = session.get(Post, tenure.post_id)
    span = f"{tenure.start_on or '?'}–{tenure.end_on or ''}"
    return f"tenure {post.title if post else '?'} {span}", tenure.person_id, None


def _link(session: Session, link: Link) -> tuple[str, int | None, int | None]:
    entry = session.get(SanctionEntry, link.entry_id)
    label = _entry_label(session, entry) if entry else "?"
    return f"{link.status} link to {label}", link.entity_id, link.entry_id


# The citable tables' rows: the editable ones and the list's own authorities and programs.
_MODELS: dict[str, type[Any]] = {**EDITABLE, "authority": Authority, "program": Program}

_DESCRIBE: dict[str, Callable[[Session, Any], tuple[str, int | None, int | None]]] = {
    "entity": lambda _s, e: (f"{e.kind} {e.name}", e.id, None),
    "name": lambda _s, n: (f"name {n.name!r}", n.entity_id, None),
    "identifier": lambda _s, i: (f"identifier {i.scheme} {i.value}", i.entity_id, None),
    "post": lambda _s, p: (f"post {p.title}", None, None),
    "tenure": _tenure,
    "relation": lambda _s, r: (f"relation {r.kind}", r.subject_id, None),
    "authority": lambda _s, a: (f"authority {a.name}", None, None),
    "program": lambda _s, p: (f"program {p.code}", None, None),
    "sanction_entry": lambda s, e: (f"list entry {_entry_label(s, e)}", None, e.id),
    "link": _link,
}
