"""Every write goes through the Editor: validated, version-checked and logged in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, SQLModel, select

from refdb import changelog
from refdb.errors import Conflict, InvalidInput, NotFound, StaleEdit
from refdb.models import (
    Citation,
    Entity,
    EntryName,
    Identifier,
    Link,
    MergeProposal,
    Name,
    Relation,
    SanctionEntry,
    ScreeningDecision,
    Tenure,
)
from refdb.services.validation import validate

if TYPE_CHECKING:
    from refdb.database import Database

Row = TypeVar("Row", bound=SQLModel)


def table_name(model: type[SQLModel] | SQLModel) -> str:
    """The table a model class or row is stored in (SQLModel types it loosely)."""
    name = model.__tablename__
    assert isinstance(name, str)
    return name


# Which column ties a row to the entity whose history it belongs to (for `refdb log ID`).
_ENTITY_COLUMN: dict[type[SQLModel], str] = {
    Name: "entity_id",
    Identifier: "entity_id",
    Tenure: "person_id",
    Relation: "subject_id",
    Link: "entity_id",
    MergeProposal: "other_id",
    ScreeningDecision: "entity_id",
}


# What a confirmed link rests on: when one of these changes, the link is flagged for re-review.
_ENTRY_FACTS = ("name", "target_kind", "birth_dates", "nationalities", "delisted_on")


def entity_of(row: SQLModel) -> int | None:
    if isinstance(row, Entity):
        return row.id
    column = _ENTITY_COLUMN.get(type(row))
    return getattr(row, column) if column else None


_ENTITY_COLUMN_OF_TABLE = {"entity": "id", **{table_name(m): c for m, c in _ENTITY_COLUMN.items()}}


def entity_of_values(table: str, values: dict[str, Any]) -> int | None:
    """entity_of for a row given as its table's name and column values (bulk writers)."""
    column = _ENTITY_COLUMN_OF_TABLE.get(table)
    return values[column] if column else None


@dataclass
class Editor:
    """Writes within the caller's transaction, on behalf of ``actor``."""

    session: Session
    actor: str

    def create(self, row: Row, *, reason: str | None = None) -> Row:
        validate(row)
        self.session.add(row)
        self._flush(row)
        self._log("create", row, None, changelog.snapshot(row), reason)
        self._flag_links_resting_on(row, None, None)
        return row

    def update(
        self,
        model: type[Row],
        row_id: int,
        changes: dict[str, Any],
        *,
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> Row:
        """Apply ``changes``; refuse if the row moved past ``expected_version``.

        A change that leaves the row as it was writes nothing and logs nothing.
        """
        row = self.get(model, row_id, expected_version)
        unknown = [field for field in changes if field not in model.model_fields]
        if unknown:
            raise InvalidInput({field: "no such field" for field in unknown}, table_name(model))
        before = changelog.snapshot(row)
        for field, value in changes.items():
            setattr(row, field, value)
        try:
            validate(row)
        except InvalidInput:
            self.session.expire(row)
            raise
        if changelog.snapshot(row) == before:
            return row
        self._flush(row)
        after = changelog.snapshot(row)
        self._log("update", row, before, after, reason)
        self._flag_links_resting_on(row, before, after)
        return row

    def delete(
        self,
        model: type[Row],
        row_id: int,
        *,
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> None:
        row = self.get(model, row_id, expected_version)
        before = changelog.snapshot(row)
        entity_id = entity_of(row)
        if model is not Citation:
            self._delete_citations(table_name(model), row_id, reason)
        self.session.delete(row)
        self._flush(row)
        changelog.record(
            self.session,
            actor=self.actor,
            action="delete",
            table_name=table_name(model),
            row_id=row_id,
            before=before,
            after=None,
            reason=reason,
            entity_id=entity_id,
        )
        self._flag_links_resting_on(row, before, None)

    def get(self, model: type[Row], row_id: int, expected_version: int | None = None) -> Row:
        row = self.session.get(model, row_id)
        if row is None:
            raise NotFound(f"no {table_name(model)} with id {row_id}")
        if expected_version is not None and row.version != expected_version:  # type: ignore[attr-defined]
            raise StaleEdit(
                f"{table_name(model)} {row_id} was changed by someone else since you read it "
                f"(now version {row.version}, yours {expected_version}): "  # type: ignore[attr-defined]
                "reload it and make your edit again"
            )
        return row

    def _flag_links_resting_on(
        self, row: SQLModel, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> None:
        """Flag the confirmed links that rest on ``row`` for re-review, never keeping them silently.

        A link rests on its sanction entry (listed names, kind, birth dates, nationalities,
        delisting) and on the tenure it points at (any edit).
        """
        if isinstance(row, SanctionEntry) and before is not None and after is not None:
            changed = [field for field in _ENTRY_FACTS if before[field] != after[field]]
            where = Link.entry_id == row.id
            what = f"sanction entry {row.id} changed ({', '.join(changed)})"
        elif isinstance(row, EntryName):
            changed = ["listed names"]
            where = Link.entry_id == row.entry_id
            what = f"the listed names of sanction entry {row.entry_id} changed"
        elif isinstance(row, Tenure) and before is not None and after is not None:
            changed = [field for field in after if field != "version" and before[field] != after[field]]
            where = Link.tenure_id == row.id
            what = f"tenure {row.id} it rests on was edited ({', '.join(changed)})"
        else:
            return
        if not changed:
            return
        links = self.session.exec(select(Link).where(where, Link.status == "confirmed")).all()
        for link in links:
            self.update(
                Link,
                link.id,  # type: ignore[arg-type]
                {"needs_review": True, "review_reason": what},
                reason=f"re-review: {what}",
            )

    def _delete_citations(self, table: str, row_id: int, reason: str | None) -> None:
        query = select(Citation).where(Citation.subject_table == table, Citation.subject_id == row_id)
        for citation in self.session.exec(query).all():
            self.delete(Citation, citation.id, reason=reason)  # type: ignore[arg-type]

    def _flush(self, row: SQLModel) -> None:
        # Read the id before flushing: after a failed flush the row is expired and reading
        # it would raise from the rolled-back transaction instead of reporting StaleEdit.
        row_id = row.__dict__.get("id") or ""
        try:
            self.session.flush()
        except StaleDataError:
            raise StaleEdit(
                f"{table_name(row)} {row_id} was changed by someone else "
                "while you edited it: reload it and make your edit again"
            ) from None
        except IntegrityError as error:
            raise Conflict(f"{table_name(row)}: {_integrity_reason(error)}") from None

    def _log(
        self,
        action: str,
        row: SQLModel,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        reason: str | None,
    ) -> None:
        changelog.record(
            self.session,
            actor=self.actor,
            action=action,
            table_name=table_name(row),
            row_id=row.id,  # type: ignore[attr-defined]
            before=before,
            after=after,
            reason=reason,
            entity_id=entity_of(row),
        )


def _integrity_reason(error: IntegrityError) -> str:
    text = str(error.orig).strip().splitlines()[0]
    if "UNIQUE" in text or "unique" in text:
        return f"already exists ({text})"
    if "FOREIGN KEY" in text or "foreign key" in text:
        return f"refers to a row that does not exist, or is still referred to ({text})"
    return text


@contextmanager
def editing(database: Database, actor: str | None = None) -> Iterator[Editor]:
    """One transaction of edits on ``database``, by ``actor`` (default: the database's):
    committed together, or rolled back together."""
    with Session(database.engine) as session, session.begin():
        yield Editor(session, actor or database.actor)
