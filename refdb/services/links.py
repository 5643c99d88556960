"""Link decisions: importers and search propose, people confirm or reject, with a reason."""

from __future__ import annotations

from sqlmodel import select

from refdb.errors import InvalidInput
from refdb.models import Link, utcnow
from refdb.services.edits import Editor


def propose_link(
    editor: Editor,
    entity_id: int,
    entry_id: int,
    *,
    score: float | None,
    explanation: str | None,
    basis: str | None = None,
    tenure_id: int | None = None,
    reason: str | None = None,
) -> Link:
    """Propose a link, or refresh the score of a still-proposed one; decided links stay as decided."""
    existing = editor.session.exec(
        select(Link).where(Link.entity_id == entity_id, Link.entry_id == entry_id)
    ).first()
    if existing is not None:
        if existing.status != "proposed":
            return existing
        return editor.update(
            Link,
            existing.id,  # type: ignore[arg-type]  # a stored row's id (SQLModel types it optional)
            {"score": score, "explanation": explanation},
            reason=reason,
        )
    link = Link(
        entity_id=entity_id,
        entry_id=entry_id,
        status="proposed",
        score=score,
        explanation=explanation,
        basis=basis,
        tenure_id=tenure_id,
        proposed_by=editor.actor,
        proposed_at=utcnow(),
    )
    return editor.create(link, reason=reason)


def decide_link(
    editor: Editor,
    link_id: int,
    status: str,
    reason: str,
    *,
    expected_version: int | None = None,
    basis: str | None = None,
    tenure_id: int | None = None,
) -> Link:
    """Confirm or reject a link; the reason and the deciding actor are required and logged."""
    if status not in ("confirmed", "rejected"):
        raise InvalidInput({"status": "a decision is confirmed or rejected"}, "link")
    if not reason or not reason.strip():
        raise InvalidInput({"decision_reason": "say why you decide so"}, "link")
    changes = {
        "status": status,
        "decision_reason": reason.strip(),
        "decided_by": editor.actor,
        "decided_at": utcnow(),
        "needs_review": False,
        "review_reason": None,
    }
    if basis is not None:
        changes["basis"] = basis
    if tenure_id is not None:
        changes["tenure_id"] = tenure_id
    return editor.update(Link, link_id, changes, expected_version=expected_version, reason=reason)
