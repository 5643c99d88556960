"""Rules about evidence: facts with no citation, or citing only unverified sources.

The facts checked are tenures, sanction entries, names and confirmed links (a proposed
link is a question, not yet a fact; ``link-uncited`` covers confirmed links without any
citation). An entity's display name rests on the entity's own citations; a sanction
entry also rests on the list file it was imported from. A list file refdb fetched itself
from the publisher's server, recording its sha256, is verified evidence (imports before
refdb marked such files ``verified`` were stored unmarked: they count too).

Facts citing only unverified sources are reported per source, not per fact: an import
from a local file makes every fact it brings rest on that one file, and tens of
thousands of findings saying so would bury the rest of the audit.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from urllib.parse import unquote, urlparse

from sqlalchemy import and_, or_, select
from sqlmodel import col

from refdb.audit.registry import AuditContext, Cited, CountedHit, Hit, rule
from refdb.models import Entity, Link, Name, SanctionEntry, Source, Tenure

Evidence = tuple[str, int | None, str, list[Cited]]  # subject, entity id, what, its sources

_FETCHED_LIST_FILE = and_(
    col(Source.kind) == "list_file",
    col(Source.sha256).is_not(None),
    or_(col(Source.url).startswith("https://"), col(Source.url).startswith("http://")),
)


def _evidence(ctx: AuditContext) -> Iterator[Evidence]:
    cited = ctx.citations
    tenures = select(Tenure.id, Tenure.person_id, Tenure.start_on, Tenure.end_on).order_by(Tenure.id)
    for tenure_id, person_id, start_on, end_on in ctx.rows(tenures):
        what = f"tenure {start_on or '?'}..{end_on or ''}"
        yield f"tenure:{tenure_id}", person_id, what, cited.get(("tenure", tenure_id), [])
    entries = (
        select(
            SanctionEntry.id,
            SanctionEntry.record_id,
            SanctionEntry.name,
            Source.id,
            or_(col(Source.verified), _FETCHED_LIST_FILE),
        )
        .outerjoin(Source, Source.id == SanctionEntry.source_id)
        .order_by(SanctionEntry.id)
    )
    for entry_id, record_id, name, file_id, file_verified in ctx.rows(entries):
        flags = cited.get(("sanction_entry", entry_id), [])
        if file_id is not None:
            flags = [*flags, (file_id, bool(file_verified))]
        yield f"sanction_entry:{entry_id}", None, f"sanction entry {record_id} ({name})", flags
    names = (
        select(Name.id, Name.entity_id, Name.name, Entity.name)
        .join(Entity, Entity.id == Name.entity_id)
        .order_by(Name.id)
    )
    for name_id, entity_id, name, display_name in ctx.rows(names):
        flags = cited.get(("name", name_id), [])
        if name == display_name:
            flags = flags + cited.get(("entity", entity_id), [])
        yield f"name:{name_id}", entity_id, f"name {name!r}", flags


@rule("fact-uncited", "provenance", "warning", "Fact with no citation")
def fact_uncited(ctx: AuditContext) -> Iterator[Hit]:
    for subject, entity_id, what, flags in _evidence(ctx):
        if not flags:
            yield subject, entity_id, f"{what} cites no source"


# How a report names each kind of fact, one and many.
_FACTS = {
    "sanction_entry": ("sanction entry", "sanction entries"),
    "tenure": ("tenure", "tenures"),
    "name": ("name", "names"),
    "link": ("confirmed link", "confirmed links"),
}


@rule("fact-unverified", "provenance", "info", "Facts resting only on unverified sources, by source")
def fact_unverified(ctx: AuditContext) -> Iterator[CountedHit]:
    """One finding per unverified source, counting the facts (tenures, sanction entries,
    names, confirmed links) that cite it and no verified source, and saying why it is
    unverified (e.g. a list file read from disk, not fetched from the publisher)."""
    resting: dict[int, Counter[str]] = defaultdict(Counter)  # source id -> table -> facts
    for table, sources in _unverified_facts(ctx):
        for source_id in {source_id for source_id, _ in sources}:
            resting[source_id][table] += 1
    described = select(Source.id, Source.kind, Source.title, Source.url).where(
        col(Source.id).in_(list(resting))
    )
    for source_id, kind, title, url in sorted(ctx.rows(described)):
        tables = dict(sorted(resting[source_id].items()))
        facts = sum(tables.values())
        counted = ", ".join(f"{n} {_FACTS[table][n != 1]}" for table, n in tables.items())
        why = _why_unverified(kind, url)
        yield (
            f"source:{source_id}",
            None,
            f"{_clip(title)}: {why}; {facts} fact(s) cite it and no verified source ({counted})",
            {"source_id": source_id, "facts": facts, "by_table": tables, "why": why},
        )


def _unverified_facts(ctx: AuditContext) -> Iterator[tuple[str, list[Cited]]]:
    """(table, sources) of each fact whose sources are all unverified."""
    for subject, _entity_id, _what, sources in _evidence(ctx):
        if sources and not any(verified for _, verified in sources):
            yield subject.split(":")[0], sources
    for (link_id,) in ctx.rows(select(Link.id).where(Link.status == "confirmed")):
        sources = ctx.citations.get(("link", link_id), [])
        if sources and not any(verified for _, verified in sources):
            yield "link", sources


def _why_unverified(kind: str, url: str | None) -> str:
    if url and url.startswith("file:"):
        return f"read from a local file ({unquote(urlparse(url).path)}), not fetched from the publisher"
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind.replace('_', ' ')} no one marked verified"


def _clip(title: str, length: int = 80) -> str:
    return title if len(title) <= length else f"{title[: length - 1]}…"
