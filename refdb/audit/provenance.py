"""Rules about evidence: facts with no citation, or citing only unverified sources.

The facts checked are tenures, sanction entries, names and confirmed links (a proposed
link is a question, not yet a fact; ``link-uncited`` covers confirmed links without any
citation). An entity's display name rests on the entity's own citations; a sanction
entry also rests on the list file it was imported from. A list file refdb fetched itself
from the publisher's server, recording its sha256, is verified evidence (imports before
refdb marked such files ``verified`` were stored unmarked: they count too).
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import and_, or_, select
from sqlmodel import col

from refdb.audit.registry import AuditContext, Hit, rule
from refdb.models import Entity, Link, Name, SanctionEntry, Source, Tenure

Evidence = tuple[str, int | None, str, list[bool]]  # subject, entity id, what, verified flags

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
            or_(col(Source.verified), _FETCHED_LIST_FILE),
        )
        .outerjoin(Source, Source.id == SanctionEntry.source_id)
        .order_by(SanctionEntry.id)
    )
    for entry_id, record_id, name, file_verified in ctx.rows(entries):
        flags = cited.get(("sanction_entry", entry_id), [])
        if file_verified is not None:
            flags = [*flags, bool(file_verified)]
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


@rule("fact-unverified", "provenance", "info", "Fact citing only unverified sources")
def fact_unverified(ctx: AuditContext) -> Iterator[Hit]:
    for subject, entity_id, what, flags in _evidence(ctx):
        if flags and not any(flags):
            yield subject, entity_id, f"{what} cites only unverified sources ({len(flags)})"
    links = select(Link.id, Link.entity_id).where(Link.status == "confirmed").order_by(Link.id)
    for link_id, entity_id in ctx.rows(links):
        flags = ctx.citations.get(("link", link_id), [])
        if flags and not any(flags):
            yield f"link:{link_id}", entity_id, f"confirmed link cites only unverified sources ({len(flags)})"
