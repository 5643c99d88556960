"""Rules about links between curated entities and sanction entries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import exists, select, union
from sqlmodel import col

from refdb.audit.facts import (
    NameIndex,
    birth_dates_conflict,
    interval,
    nationalities_conflict,
    screened,
)
from refdb.audit.registry import AuditContext, Hit, rule
from refdb.countries import country_codes
from refdb.matching.score import (
    BIRTH_DATE_AGREES,
    BIRTH_DATE_CONFLICTS,
    NATIONALITY_AGREES,
    NATIONALITY_CONFLICTS,
    score_entity,
)
from refdb.models import Entity, EntryName, Link, Name, Post, SanctionEntry, Tenure
from refdb.vocab import kinds_agree

# Bases under which the entry's target is the entity itself, so its listed facts must fit.
_SELF_BASES = (None, "named", "post_holder")
# A name token held by more than this share of officials ("bin", "li") does not make a candidate.
_COMMON_SHARE = 0.01


@rule("link-uncited", "links", "warning", "Confirmed link without a citation")
def link_uncited(ctx: AuditContext) -> Iterator[Hit]:
    for link_id, entity_id in ctx.rows(
        select(Link.id, Link.entity_id).where(Link.status == "confirmed").order_by(Link.id)
    ):
        if ("link", link_id) not in ctx.citations:
            yield f"link:{link_id}", entity_id, "confirmed link cites no source"


@rule("link-decision-incomplete", "links", "error", "Decided link without actor, time or reason")
def link_decision_incomplete(ctx: AuditContext) -> Iterator[Hit]:
    statement = (
        select(Link.id, Link.entity_id, Link.status, Link.decided_by, Link.decided_at, Link.decision_reason)
        .where(Link.status.in_(("confirmed", "rejected")))  # type: ignore[attr-defined]
        .order_by(Link.id)
    )
    for link_id, entity_id, status, actor, at, reason in ctx.rows(statement):
        missing = [
            label
            for label, value in (("actor", actor), ("time", at), ("reason", reason))
            if value is None or not str(value).strip()
        ]
        if missing:
            yield f"link:{link_id}", entity_id, f"{status} link records no decision {' or '.join(missing)}"


@rule("link-contradicts-entry", "links", "error", "Confirmed link whose entry contradicts the entity")
def link_contradicts_entry(ctx: AuditContext) -> Iterator[Hit]:
    statement = (
        select(
            Link.id,
            Link.entity_id,
            Link.basis,
            Entity.kind,
            Entity.birth_date,
            Entity.nationality,
            SanctionEntry.record_id,
            SanctionEntry.target_kind,
            SanctionEntry.birth_dates,
            SanctionEntry.nationalities,
        )
        .join(Entity, Entity.id == Link.entity_id)
        .join(SanctionEntry, SanctionEntry.id == Link.entry_id)
        .where(Link.status == "confirmed")
        .order_by(Link.id)
    )
    for row in ctx.rows(statement):
        (link_id, entity_id, basis, kind, born, nationality, record, target, listed_born, listed_nat) = row
        if basis not in _SELF_BASES:
            continue
        conflicts = []
        if not kinds_agree(kind, target):
            conflicts.append(f"entry {record} lists a {target}, the entity is a {kind}")
        if birth_dates_conflict(born, listed_born):
            conflicts.append(f"born {born}, entry lists {', '.join(listed_born)}")
        if nationalities_conflict(nationality, listed_nat):
            conflicts.append(f"nationality {nationality}, entry lists {', '.join(listed_nat)}")
        if conflicts:
            yield f"link:{link_id}", entity_id, "; ".join(conflicts)


@rule("link-pending", "links", "warning", "Proposed link waiting too long for a decision")
def link_pending(ctx: AuditContext) -> Iterator[Hit]:
    days = ctx.settings.pending_days
    cutoff = datetime.combine(ctx.settings.today, datetime.min.time(), UTC) - timedelta(days=days)
    statement = select(Link.id, Link.entity_id, Link.proposed_at).where(Link.status == "proposed")
    for link_id, entity_id, proposed_at in ctx.rows(statement.order_by(Link.id)):
        if proposed_at is None:
            yield f"link:{link_id}", entity_id, "proposed link records no proposal time"
            continue
        if proposed_at.tzinfo is None:  # SQLite gives naive UTC
            proposed_at = proposed_at.replace(tzinfo=UTC)
        if proposed_at < cutoff:
            age = (ctx.settings.today - proposed_at.date()).days
            yield f"link:{link_id}", entity_id, f"proposed {age} days ago (limit {days}), still undecided"


@rule("link-to-delisted", "links", "warning", "Link to an entry that has since been delisted")
def link_to_delisted(ctx: AuditContext) -> Iterator[Hit]:
    statement = (
        select(Link.id, Link.entity_id, Link.status, SanctionEntry.record_id, SanctionEntry.delisted_on)
        .join(SanctionEntry, SanctionEntry.id == Link.entry_id)
        .where(Link.status != "rejected", SanctionEntry.delisted_on.is_not(None))  # type: ignore[union-attr]
        .order_by(Link.id)
    )
    for link_id, entity_id, status, record, delisted in ctx.rows(statement):
        yield f"link:{link_id}", entity_id, f"{status} link to entry {record}, delisted {delisted}"


@rule("link-needs-review", "links", "warning", "Confirmed link flagged for re-review")
def link_needs_review(ctx: AuditContext) -> Iterator[Hit]:
    statement = (
        select(Link.id, Link.entity_id, Link.review_reason)
        .where(Link.status == "confirmed", Link.needs_review.is_(True))  # type: ignore[attr-defined]
        .order_by(Link.id)
    )
    for link_id, entity_id, reason in ctx.rows(statement):
        yield f"link:{link_id}", entity_id, f"needs re-review: {reason or 'no reason recorded'}"


@rule("missed-link", "links", "warning", "Entry matching a curated official, with no link at all")
def missed_link(ctx: AuditContext) -> Iterator[Hit]:
    """Unlinked entries whose names score at or above the threshold against an official.

    Officials are people who hold or held a post and the bodies posts belong to.
    Candidates share rare name keys (see ``NameIndex``), need a name score the birth
    dates and nationalities leave within reach, and pass a cheap letters screen before
    ``score_entity`` scores them.
    """
    officials = {i: official for i, official in _officials(ctx).items() if official.names}
    if not officials:
        return
    threshold = ctx.settings.match_threshold
    index = NameIndex(
        {i: [ctx.forms(*name) for name in official.names.items()] for i, official in officials.items()},
        _COMMON_SHARE,
        20,
        {i: official.birth_year for i, official in officials.items()},
    )
    # When a conflicting birth date leaves no score within reach, only officials born
    # in a year an entry lists (or of unknown birth) are worth counting as candidates.
    by_year = threshold + BIRTH_DATE_CONFLICTS - NATIONALITY_AGREES > 1
    screens = {
        i: {name: ctx.letters(name, normalized) for name, normalized in official.names.items()}
        for i, official in officials.items()
    }
    for entry_id, entry in _unlinked_entries(ctx):
        years = {None, *(start.year for start, _ in entry.born_days)} if by_year and entry.born_days else None
        candidates = set().union(*(index.candidates(ctx.forms(*name), years) for name in entry.names.items()))
        best: dict[int, tuple[float, str]] = {}
        for entity_id in candidates:
            official = officials[entity_id]
            # The name score needed, once birth date and nationality move it up or down.
            needed = threshold - _adjustment(official, entry)
            if needed > 1 or not kinds_agree(official.kind, entry.target):
                continue
            for listed_name, listed_normalized in entry.names.items():
                close = screened(ctx.letters(listed_name, listed_normalized), screens[entity_id], needed)
                if not close:
                    continue
                match = score_entity(
                    listed_name,
                    close,
                    birth_date=official.born,
                    candidate_birth_dates=entry.born,
                    nationality=official.nationality if entry.codes else None,
                    candidate_nationalities=entry.codes,
                )
                if match.score >= threshold and match.score > best.get(entity_id, (0.0, ""))[0]:
                    best[entity_id] = (match.score, match.explanation)
        for entity_id, (score, explanation) in sorted(best.items()):
            yield (
                f"sanction_entry:{entry_id}+entity:{entity_id}",
                entity_id,
                f"entry {entry.record} matches this official at {score:.2f} ({explanation}) but has no link",
            )


@dataclass
class _Official:
    kind: str
    born: str | None
    nationality: str | None
    born_days: tuple[date, date] | None
    names: dict[str, str] = field(default_factory=dict)  # name -> normalized

    @property
    def birth_year(self) -> int | None:
        # A partial date never spans two years.
        return self.born_days[0].year if self.born_days else None


@dataclass
class _Entry:
    record: str
    target: str
    born: list[str]
    codes: list[str]
    born_days: list[tuple[date, date]]
    names: dict[str, str] = field(default_factory=dict)  # name -> normalized


def _officials(ctx: AuditContext) -> dict[int, _Official]:
    """People who hold or held a post and the bodies posts belong to, with their names."""
    officials = union(
        select(Tenure.person_id.label("id")),  # type: ignore[attr-defined]
        select(Post.organization_id.label("id")).where(Post.organization_id.is_not(None)),  # type: ignore[union-attr]
    ).subquery()
    found: dict[int, _Official] = {}
    for entity_id, kind, born, nationality in ctx.rows(
        select(Entity.id, Entity.kind, Entity.birth_date, Entity.nationality).join(
            officials, officials.c.id == Entity.id
        )
    ):
        found[entity_id] = _Official(kind, born, nationality, interval(born))
    names = select(Name.entity_id, Name.name, Name.normalized)
    for entity_id, name, normalized in ctx.rows(names.join(officials, officials.c.id == Name.entity_id)):
        found[entity_id].names[name] = normalized
    return found


def _unlinked_entries(ctx: AuditContext) -> Iterator[tuple[int, _Entry]]:
    """Entries no link points at, with their listed names, in id order."""
    unlinked = (
        select(
            SanctionEntry.id,
            SanctionEntry.record_id,
            SanctionEntry.target_kind,
            SanctionEntry.birth_dates,
            SanctionEntry.nationalities,
        )
        .where(~exists().where(col(Link.entry_id) == SanctionEntry.id))
        .subquery()
    )
    entries = {}
    for entry_id, record, target, born, nationalities in ctx.rows(select(unlinked)):
        spans = [span for span in map(interval, born) if span]
        entries[entry_id] = _Entry(record, target, born, country_codes(nationalities), spans)
    for entry_id, name, normalized in ctx.rows(
        select(EntryName.entry_id, EntryName.name, EntryName.normalized).join(
            unlinked, unlinked.c.id == EntryName.entry_id
        )
    ):
        entries[entry_id].names[name] = normalized
    return ((entry_id, entries[entry_id]) for entry_id in sorted(entries) if entries[entry_id].names)


def _adjustment(official: _Official, entry: _Entry) -> float:
    """What ``score_entity`` will add to the name score for these facts."""
    adjustment = 0.0
    own = official.born_days
    if own and entry.born_days:
        agree = any(start <= own[1] and own[0] <= end for start, end in entry.born_days)
        adjustment += BIRTH_DATE_AGREES if agree else -BIRTH_DATE_CONFLICTS
    if official.nationality and entry.codes:
        agrees = official.nationality.lower() in entry.codes
        adjustment += NATIONALITY_AGREES if agrees else -NATIONALITY_CONFLICTS
    return adjustment
