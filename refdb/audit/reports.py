"""Reports: facts worth knowing that are not errors."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from refdb.audit.facts import certain_span, possible_span
from refdb.audit.registry import AuditContext, Hit, rule
from refdb.listing import ListingDates, overlap
from refdb.models import Entity, Link, Post, SanctionEntry, SanctionList, Tenure


@rule("in-office-while-sanctioned", "reports", "info", "Official in office while a linked entry was active")
def in_office_while_sanctioned(ctx: AuditContext) -> Iterator[Hit]:
    """Tenures overlapping the active period of an entry confirmed as linked to the holder.

    "held" when the dates make the overlap certain; "may have held" when it rests on a
    bound the sources leave open (e.g. a tenure whose end is not known).
    """
    statement = (
        select(  # type: ignore[misc]  # eleven columns: beyond select()'s typed overloads
            Tenure.id,
            Tenure.person_id,
            Tenure.start_on,
            Tenure.end_on,
            Tenure.status,
            Post.title,
            Link.id,
            SanctionList.key,
            SanctionEntry.record_id,
            SanctionEntry.listed_on,
            SanctionEntry.listed_no_later_than,
            SanctionEntry.delisted_on,
            SanctionEntry.delisted_after,
            Entity.name,
        )
        .join(Post, Post.id == Tenure.post_id)
        .join(Link, Link.entity_id == Tenure.person_id)
        .join(SanctionEntry, SanctionEntry.id == Link.entry_id)
        .join(SanctionList, SanctionList.id == SanctionEntry.list_id)
        .join(Entity, Entity.id == Tenure.person_id)
        .where(Link.status == "confirmed")
        .order_by(Tenure.person_id, Tenure.id, Link.id)
    )
    for row in ctx.rows(statement):
        (tenure_id, person_id, start_on, end_on, status, title, link_id) = row[:7]
        (list_key, record_id, person) = (row[7], row[8], row[13])
        listing = ListingDates(*row[9:13])
        tenure_certain = certain_span(start_on, end_on, status == "current")
        entry_certain = listing.certain()
        if tenure_certain and entry_certain and overlap(tenure_certain, entry_certain):
            verb = "held"
        elif overlap(possible_span(start_on, end_on), listing.possible()):
            verb = "may have held"
        else:
            continue
        held = f"{start_on or '?'}..{end_on or ('' if status == 'current' else '?')}"
        yield (
            f"tenure:{tenure_id}+link:{link_id}",
            person_id,
            f"{person} {verb} {title} ({held}) while on {list_key} {record_id} ({listing.describe()})",
        )
