"""Merge proposals: importers that cannot tell whether two entities are one propose it;
a person accepts or rejects, with a reason. Nothing is merged silently; an accepted
proposal merges the two (refdb.services.merging), a rejected one is never proposed again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, or_, select

from refdb.errors import Conflict, InvalidInput, NotFound
from refdb.models import Entity, MergeProposal, utcnow
from refdb.services.edits import Editor
from refdb.services.lookup import entity_profile, survivor
from refdb.services.merging import MergeResult, merge_entities


def propose_merge(
    editor: Editor,
    entity_id: int,
    other_id: int,
    *,
    score: float | None,
    explanation: str,
    reason: str | None = None,
) -> MergeProposal:
    """Propose that ``other_id`` is the same as ``entity_id``; a pair already proposed or
    decided (in either order) is returned as it stands."""
    existing = editor.session.exec(
        select(MergeProposal).where(
            or_(
                (col(MergeProposal.entity_id) == entity_id) & (col(MergeProposal.other_id) == other_id),
                (col(MergeProposal.entity_id) == other_id) & (col(MergeProposal.other_id) == entity_id),
            )
        )
    ).first()
    if existing is not None:
        return existing
    proposal = MergeProposal(
        entity_id=entity_id,
        other_id=other_id,
        status="proposed",
        score=score,
        explanation=explanation,
        proposed_by=editor.actor,
        proposed_at=utcnow(),
    )
    return editor.create(proposal, reason=reason)


def decide_merge(
    editor: Editor, proposal_id: int, status: str, reason: str, *, expected_version: int | None = None
) -> tuple[MergeProposal, MergeResult | None]:
    """Accept or reject a merge proposal; the reason and the deciding actor are logged.

    Accepting merges the proposal's other entity (or what it was since merged into) into
    its entity, in the caller's transaction, every moved fact logged with the reason; the
    second value says what moved (None when rejected, or when another merge already made
    the two one). A decision is final: a decided proposal is not decided again.
    """
    if status not in ("accepted", "rejected"):
        raise InvalidInput({"status": "a decision is accepted or rejected"}, "merge_proposal")
    if not reason or not reason.strip():
        raise InvalidInput({"decision_reason": "say why you decide so"}, "merge_proposal")
    proposal = editor.get(MergeProposal, proposal_id, expected_version)
    if proposal.status != "proposed":
        raise Conflict(
            f"merge proposal {proposal_id} was already {proposal.status} by {proposal.decided_by} "
            f"({proposal.decision_reason})"
        )
    result = None
    if status == "accepted":
        kept, retired = (
            survivor(editor.session, proposal.entity_id),
            survivor(editor.session, proposal.other_id),
        )
        if kept != retired:
            result = merge_entities(
                editor, kept, retired, f"merge proposal {proposal_id} accepted: {reason.strip()}"
            )
    changes = {
        "status": status,
        "decision_reason": reason.strip(),
        "decided_by": editor.actor,
        "decided_at": utcnow(),
    }
    decided = editor.update(MergeProposal, proposal_id, changes, reason=reason)
    return decided, result


def merge_proposals(session: Session, status: str | None = "proposed") -> list[MergeProposal]:
    """Merge proposals, oldest first; all of them when ``status`` is None."""
    query = select(MergeProposal).order_by(col(MergeProposal.id))
    if status is not None:
        query = query.where(MergeProposal.status == status)
    return list(session.exec(query).all())


def proposal_page(
    session: Session, status: str | None = "proposed", name: str = "", *, limit: int = 200
) -> tuple[list[dict[str, Any]], int]:
    """At most ``limit`` proposals (as ``proposal_dict``), oldest first, whose either
    entity's name holds ``name``; and how many match in all."""
    kept, other = aliased(Entity), aliased(Entity)
    query = (
        select(MergeProposal, kept, other)
        .join(kept, col(kept.id) == MergeProposal.entity_id)
        .join(other, col(other.id) == MergeProposal.other_id)
    )
    if status is not None:
        query = query.where(MergeProposal.status == status)
    if name.strip():
        pattern = f"%{name.strip().lower()}%"
        query = query.where(or_(func.lower(kept.name).like(pattern), func.lower(other.name).like(pattern)))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(MergeProposal.id)).limit(limit)).all()
    # The entities were read with their proposals: proposal_dict finds them in the session.
    return [proposal_dict(session, proposal) for proposal, _kept, _other in rows], total


def proposal_sides(session: Session, proposal_id: int) -> list[dict[str, Any]]:
    """Both entities of a proposal, with what a reviewer compares side by side: names,
    birth date, identifiers, posts and the sources cited for them. An entity merged into
    another since is shown as that one (its ``proposed_id`` is then not its ``id``), as
    accepting would merge that one."""
    proposal = session.get(MergeProposal, proposal_id)
    if proposal is None:
        raise NotFound(f"no merge proposal {proposal_id}")
    return [
        _side(entity_profile(session, entity_id), entity_id)
        for entity_id in (proposal.entity_id, proposal.other_id)
    ]


def _side(profile: dict[str, Any], proposed_id: int) -> dict[str, Any]:
    cited = [
        *profile["citations"],
        *(c for part in ("names", "tenures") for row in profile[part] for c in row["citations"]),
    ]
    return {
        "id": profile["id"],
        "proposed_id": proposed_id,  # another id than "id": merged into it since proposed
        "key": profile["key"],
        "kind": profile["kind"],
        "name": profile["name"],
        "birth_date": profile["birth_date"],
        "birth_place": profile["birth_place"],
        "nationality": profile["nationality"],
        "names": sorted({n["name"] for n in profile["names"]} - {profile["name"]}),
        "identifiers": [f"{i['scheme']} {i['value']}" for i in profile["identifiers"]],
        "posts": [t["post"] for t in profile["tenures"]],
        "sources": sorted({c["source"] for c in cited}),
    }


def proposal_dict(session: Session, proposal: MergeProposal) -> dict[str, Any]:
    """A proposal as `refdb merges --json` prints it, with both entities' display names."""
    entity, other = session.get(Entity, proposal.entity_id), session.get(Entity, proposal.other_id)
    return {
        "merge_id": proposal.id,
        "entity_id": proposal.entity_id,
        "entity": entity.name if entity else None,
        "other_id": proposal.other_id,
        "other": other.name if other else None,
        "status": proposal.status,
        "score": proposal.score,
        "explanation": proposal.explanation,
        "proposed_by": proposal.proposed_by,
        "decided_by": proposal.decided_by,
        "decision_reason": proposal.decision_reason,
        "version": proposal.version,
    }


def decision_dict(session: Session, proposal: MergeProposal, merged: MergeResult | None) -> dict[str, Any]:
    """A decided proposal as `refdb merges accept/reject --json` prints it: ``merge`` says
    what moved (None when nothing did)."""
    return {**proposal_dict(session, proposal), "merge": merged.as_dict() if merged else None}
