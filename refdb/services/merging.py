"""Merging two entities into one: every fact of the retired entity moves onto the kept one,
through the Editor (validated, logged), in the caller's transaction.

Names, identifiers, tenures, relations, links, posts (as their body) and citations move;
a fact the kept entity already has (the same name, the same post from the same start, a
link to the same entry, the same relation) collapses into the kept one, which takes over
its citations. The retired entity stays, emptied, with ``merged_into_id`` set: its id
still resolves (``lookup.survivor``) and its change history stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import or_, select

from refdb.errors import Conflict
from refdb.models import Citation, Entity, Identifier, Link, Name, Post, Relation, Tenure
from refdb.services.edits import Editor, table_name

# Person facts the kept entity takes from the retired one where it has none.
_FACTS = ("birth_date", "birth_place", "death_date", "nationality", "gender", "country")
# A decided link outranks a proposed one when two links to one entry collapse.
_DECIDED = ("confirmed", "rejected")


@dataclass
class MergeResult:
    """What a merge moved (counted by table) and what collapsed into the kept entity's facts."""

    kept_id: int
    retired_id: int
    moved: dict[str, int] = field(default_factory=dict)
    collapsed: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kept_id": self.kept_id,
            "retired_id": self.retired_id,
            "moved": self.moved,
            "collapsed": self.collapsed,
        }


def merge_entities(editor: Editor, kept_id: int, retired_id: int, reason: str) -> MergeResult:
    """Move every fact of ``retired_id`` onto ``kept_id`` and retire it (see the module)."""
    session = editor.session
    kept, retired = editor.get(Entity, kept_id), editor.get(Entity, retired_id)
    result = MergeResult(kept_id, retired_id)
    if kept.id == retired.id:
        raise Conflict(f"entity {kept_id} cannot be merged with itself")
    if retired.merged_into_id is not None or kept.merged_into_id is not None:
        raise Conflict(f"entity {retired_id if retired.merged_into_id else kept_id} was already merged")
    if kept.kind != retired.kind:
        raise Conflict(f"entity {kept_id} is a {kept.kind}, entity {retired_id} a {retired.kind}: not one")
    mover = _Mover(editor, result, reason)
    mover.names(kept_id, retired_id)
    mover.identifiers(kept_id, retired_id)
    mover.tenures(kept_id, retired_id)
    mover.relations(kept_id, retired_id)
    mover.links(kept_id, retired_id)
    for post in session.exec(select(Post).where(Post.organization_id == retired_id)).all():
        mover.move(Post, post.id, {"organization_id": kept_id})  # type: ignore[arg-type]
    mover.citations("entity", retired_id, kept_id)
    blanks = {
        fact: getattr(retired, fact)
        for fact in _FACTS
        if getattr(kept, fact) is None and getattr(retired, fact) is not None
    }
    if blanks:
        editor.update(Entity, kept_id, blanks, reason=reason)
    editor.update(Entity, retired_id, {"merged_into_id": kept_id}, reason=reason)
    return result


class _Mover:
    def __init__(self, editor: Editor, result: MergeResult, reason: str) -> None:
        self.editor = editor
        self.session = editor.session
        self.result = result
        self.reason = reason

    def move(self, model: type, row_id: int, changes: dict[str, Any]) -> None:
        self.editor.update(model, row_id, changes, reason=self.reason)
        name = table_name(model)
        self.result.moved[name] = self.result.moved.get(name, 0) + 1

    def collapse(self, model: type, row_id: int, into_id: int) -> None:
        """Delete a duplicate row after its citations moved onto the row it duplicates."""
        name = table_name(model)
        self.citations(name, row_id, into_id)
        self.editor.delete(model, row_id, reason=self.reason)
        self.result.collapsed[name] = self.result.collapsed.get(name, 0) + 1

    def citations(self, table: str, from_id: int, to_id: int) -> None:
        """The citations of one row, moved to another (one already there is not doubled)."""
        held = {
            (c.source_id, c.locator, c.quote)
            for c in self._rows(Citation, Citation.subject_table == table, Citation.subject_id == to_id)
        }
        for citation in self._rows(Citation, Citation.subject_table == table, Citation.subject_id == from_id):
            if (citation.source_id, citation.locator, citation.quote) in held:
                self.editor.delete(Citation, citation.id, reason=self.reason)
            else:
                held.add((citation.source_id, citation.locator, citation.quote))
                self.move(Citation, citation.id, {"subject_id": to_id})

    def names(self, kept_id: int, retired_id: int) -> None:
        held = {name.name: name.id for name in self._rows(Name, Name.entity_id == kept_id)}
        for name in self._rows(Name, Name.entity_id == retired_id):
            if name.name in held:
                self.collapse(Name, name.id, held[name.name])
                continue
            # The kept entity's primary name stays the primary one.
            kind = "alias" if name.kind == "primary" else name.kind
            self.move(Name, name.id, {"entity_id": kept_id, "kind": kind})

    def identifiers(self, kept_id: int, retired_id: int) -> None:
        # (scheme, value) is unique in the database, so two entities never hold the same one.
        for identifier in self._rows(Identifier, Identifier.entity_id == retired_id):
            self.move(Identifier, identifier.id, {"entity_id": kept_id})

    def tenures(self, kept_id: int, retired_id: int) -> None:
        held = {(t.post_id, t.start_on): t.id for t in self._rows(Tenure, Tenure.person_id == kept_id)}
        for tenure in self._rows(Tenure, Tenure.person_id == retired_id):
            same = held.get((tenure.post_id, tenure.start_on))
            if same is None:
                self.move(Tenure, tenure.id, {"person_id": kept_id})
                continue
            for link in self._rows(Link, Link.tenure_id == tenure.id):
                self.move(Link, link.id, {"tenure_id": same})
            self.collapse(Tenure, tenure.id, same)

    def relations(self, kept_id: int, retired_id: int) -> None:
        def shape(r: Relation) -> tuple[int, int, str, str | None]:
            return (r.subject_id, r.object_id, r.kind, r.start_on)

        involving = or_(Relation.subject_id == kept_id, Relation.object_id == kept_id)
        held = {shape(r): r.id for r in self._rows(Relation, involving)}
        retired_side = or_(Relation.subject_id == retired_id, Relation.object_id == retired_id)
        for relation in self._rows(Relation, retired_side):
            subject = kept_id if relation.subject_id == retired_id else relation.subject_id
            target = kept_id if relation.object_id == retired_id else relation.object_id
            moved = (subject, target, relation.kind, relation.start_on)
            if subject == target:  # a relation between the two would be one with itself now
                self.editor.delete(Relation, relation.id, reason=self.reason)
                self.result.collapsed["relation"] = self.result.collapsed.get("relation", 0) + 1
            elif moved in held:
                self.collapse(Relation, relation.id, held[moved])
            else:
                held[moved] = relation.id
                self.move(Relation, relation.id, {"subject_id": subject, "object_id": target})

    def links(self, kept_id: int, retired_id: int) -> None:
        held = {link.entry_id: link for link in self._rows(Link, Link.entity_id == kept_id)}
        for link in self._rows(Link, Link.entity_id == retired_id):
            ours = held.get(link.entry_id)
            if ours is None:
                self.move(Link, link.id, {"entity_id": kept_id})
                continue
            if ours.status in _DECIDED and link.status in _DECIDED and ours.status != link.status:
                raise Conflict(
                    f"entity {kept_id}'s link {ours.id} is {ours.status} and entity {retired_id}'s link "
                    f"{link.id} to the same sanction entry is {link.status}: decide them alike first"
                )
            if link.status in _DECIDED and ours.status not in _DECIDED:
                # The decided link survives; the proposed one gives way (the pair is unique).
                self.collapse(Link, ours.id, link.id)
                self.move(Link, link.id, {"entity_id": kept_id})
            else:
                self.collapse(Link, link.id, ours.id)

    def _rows(self, model: type, *where: Any) -> list[Any]:
        return list(self.session.exec(select(model).where(*where).order_by(model.id)).all())  # type: ignore[attr-defined]
