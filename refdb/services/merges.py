"""Merge proposals: importers that cannot tell whether two entities are one propose it;
a person accepts or rejects, with a reason. Nothing is merged silently."""

from __future__ import annotations

from sqlmodel import Session, col, or_, select

from refdb.errors import InvalidInput
from refdb.models import MergeProposal, utcnow
from refdb.services.edits import Editor


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
) -> MergeProposal:
    """Accept or reject a merge proposal; the reason and the deciding actor are logged."""
    if status not in ("accepted", "rejected"):
        raise InvalidInput({"status": "a decision is accepted or rejected"}, "merge_proposal")
    if not reason or not reason.strip():
        raise InvalidInput({"decision_reason": "say why you decide so"}, "merge_proposal")
    changes = {
        "status": status,
        "decision_reason": reason.strip(),
        "decided_by": editor.actor,
        "decided_at": utcnow(),
    }
    return editor.update(
        MergeProposal, proposal_id, changes, expected_version=expected_version, reason=reason
    )


def merge_proposals(session: Session, status: str | None = "proposed") -> list[MergeProposal]:
    """Merge proposals, oldest first; all of them when ``status`` is None."""
    query = select(MergeProposal).order_by(col(MergeProposal.id))
    if status is not None:
        query = query.where(MergeProposal.status == status)
    return list(session.exec(query).all())
