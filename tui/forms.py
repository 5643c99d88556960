"""The edit forms: which fields each record has, and which service call saves it.

Builders take the data a worker already read (the row with its version, the choices)
and return a FormScreen whose submit runs in the form's own worker.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from refdb_tui.screens.form import Field, FormScreen

from refdb import phrases
from refdb.database import Database
from refdb.errors import InvalidInput
from refdb.services import curation, links, merges
from refdb.services.edits import editing
from refdb.vocab import (
    CITABLE,
    ENTITY_KINDS,
    LINK_STATUSES,
    NAME_KINDS,
    SOURCE_KINDS,
    TARGET_KINDS,
    TENURE_STATUSES,
)

DATE_HINT = "YYYY, YYYY-MM or YYYY-MM-DD"
POST_CHOICES = 2000
"""Posts offered in a tenure form; read one more to know whether the list is cut."""


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(value.replace("_", " "), value) for value in values]


def _reason_field() -> Field:
    return Field("reason", "Reason", placeholder="why (kept in the change log)")


def _split_reason(values: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    values = dict(values)
    return values, values.pop("reason", None)


def _saver(
    database: Database, table: str, row: dict[str, Any], create: Callable[..., Any]
) -> Callable[[dict[str, Any]], int]:
    """The form's submit: update ``row`` at the version read, or ``create(editor, **values)``."""

    def submit(values: dict[str, Any]) -> int:
        facts, reason = _split_reason(values)
        with editing(database) as editor:
            if not row:
                return create(editor, reason=reason, **facts).id
            curation.update_row(
                editor, table, row["id"], facts, expected_version=row["version"], reason=reason
            )
            return row["id"]

    return submit


def entity_form(database: Database, row: dict[str, Any] | None = None) -> FormScreen[int]:
    row = row or {}
    fields = [
        Field("name", "Name", row.get("name"), required=True),
        Field("kind", "Kind", row.get("kind", "person"), choices=_choices(ENTITY_KINDS), required=True),
        Field("birth_date", "Born", row.get("birth_date"), placeholder=DATE_HINT),
        Field("birth_place", "Birth place", row.get("birth_place")),
        Field("death_date", "Died", row.get("death_date"), placeholder=DATE_HINT),
        Field("nationality", "Nationality", row.get("nationality"), placeholder="two letters, e.g. cn"),
        Field("gender", "Gender", row.get("gender")),
        Field("country", "Country", row.get("country"), placeholder="two letters"),
        Field("notes", "Notes", row.get("notes")),
        _reason_field(),
    ]

    submit = _saver(database, "entity", row, curation.create_entity)

    title = f"Edit entity {row['name']}" if row else "New entity"
    return FormScreen(title, fields, submit)


def name_form(database: Database, entity_id: int, row: dict[str, Any] | None = None) -> FormScreen[int]:
    row = row or {}
    fields = [
        Field("name", "Name", row.get("name"), required=True),
        Field("kind", "Kind", row.get("kind", "alias"), choices=_choices(NAME_KINDS), required=True),
        Field("lang", "Language", row.get("lang"), placeholder="e.g. zh, ru"),
        Field("script", "Script", row.get("script"), placeholder="e.g. Hani, Cyrl"),
        _reason_field(),
    ]

    submit = _saver(database, "name", row, partial(curation.add_name, entity_id=entity_id))

    return FormScreen("Edit name" if row else "Add a name", fields, submit)


def tenure_form(
    database: Database,
    person_id: int,
    posts: list[dict[str, Any]],
    row: dict[str, Any] | None = None,
) -> FormScreen[int]:
    row = row or {}
    post_choices = [
        (f"{p['title']} — {p['organization']}" if p["organization"] else p["title"], p["id"])
        for p in posts[:POST_CHOICES]
    ]
    fields = [
        Field("post_id", "Post", row.get("post_id"), choices=post_choices, required=True),
        Field("start_on", "Start", row.get("start_on"), placeholder=DATE_HINT),
        Field("end_on", "End", row.get("end_on"), placeholder=DATE_HINT + ", blank if open"),
        Field("status", "Status", row.get("status", "unknown"), choices=_choices(TENURE_STATUSES)),
        Field("acting", "Acting", row.get("acting", False), boolean=True),
        _reason_field(),
    ]

    save = _saver(database, "tenure", row, partial(curation.add_tenure, person_id=person_id))

    def submit(values: dict[str, Any]) -> int:
        return save({**values, "status": values["status"] or "unknown"})

    note = "A post that is not listed can be created first (palette: post: new)."
    if len(posts) > POST_CHOICES:
        note = f"The first {POST_CHOICES} posts by title are listed (type to jump). " + note
    return FormScreen("Edit tenure" if row else "Add a tenure", fields, submit, note=note)


def post_form(database: Database, row: dict[str, Any] | None = None) -> FormScreen[int]:
    row = row or {}
    fields = [
        Field("title", "Title", row.get("title"), required=True),
        Field(
            "organization",
            "Organization",
            row.get("organization_id"),
            placeholder="entity id or key, e.g. prc-ministry-of-national-defense",
        ),
        Field("country", "Country", row.get("country"), placeholder="two letters"),
        Field("single_holder", "One holder", row.get("single_holder", False), boolean=True),
        _reason_field(),
    ]

    def submit(values: dict[str, Any]) -> int:
        facts, reason = _split_reason(values)
        with editing(database) as editor:
            if not row:
                return curation.create_post(editor, reason=reason, **facts).id  # type: ignore[return-value]
            organization = facts.pop("organization")
            facts["organization_id"] = curation.entity_id_of(editor.session, "organization", organization)
            curation.update_row(
                editor, "post", row["id"], facts, expected_version=row["version"], reason=reason
            )
            return row["id"]

    return FormScreen("Edit post" if row else "New post", fields, submit)


def entry_form(
    database: Database, lists: list[dict[str, Any]], row: dict[str, Any] | None = None
) -> FormScreen[int]:
    row = row or {}
    fields = []
    if not row:
        fields += [
            Field(
                "list_id",
                "List",
                choices=[(f"{x['key']} — {x['name']}", x["id"]) for x in lists],
                required=True,
            ),
            Field("record_id", "Record id", required=True, placeholder="the list's own id"),
        ]
    fields += [
        Field("name", "Name", row.get("name"), required=True),
        Field("target_kind", "Target", row.get("target_kind", "person"), choices=_choices(TARGET_KINDS)),
        Field("title", "Title", row.get("title")),
        Field("listed_on", "Listed on", row.get("listed_on"), placeholder=DATE_HINT),
        Field("delisted_on", "Delisted on", row.get("delisted_on"), placeholder=DATE_HINT),
        Field("remarks", "Remarks", row.get("remarks")),
        _reason_field(),
    ]

    submit = _saver(database, "sanction_entry", row, curation.create_entry)

    return FormScreen("Edit sanction entry" if row else "New sanction entry", fields, submit)


def source_form(database: Database, row: dict[str, Any] | None = None) -> FormScreen[int]:
    row = row or {}
    fields = [
        Field("title", "Title", row.get("title"), required=True),
        Field("kind", "Kind", row.get("kind", "article"), choices=_choices(SOURCE_KINDS), required=True),
        Field("publisher", "Publisher", row.get("publisher")),
        Field("url", "URL", row.get("url")),
        Field("published_on", "Published", row.get("published_on"), placeholder=DATE_HINT),
        Field("verified", "Verified", row.get("verified", False), boolean=True),
        Field("notes", "Notes", row.get("notes")),
        _reason_field(),
    ]

    submit = _saver(database, "source", row, curation.create_source)

    return FormScreen("Edit source" if row else "New source", fields, submit)


def citation_form(
    database: Database,
    sources: list[dict[str, Any]],
    subject: tuple[str, int] | None = None,
    row: dict[str, Any] | None = None,
) -> FormScreen[int]:
    """Cite a source for one row (``subject``: table and id), or edit a citation."""
    row = row or {}
    subject_table, subject_id = subject or (row["subject_table"], row["subject_id"])
    assert subject_table in CITABLE
    fields = [
        Field(
            "source_id",
            "Source",
            row.get("source_id"),
            choices=[(s["title"][:70], s["id"]) for s in sources],
            required=True,
        ),
        Field("quote", "Quote", row.get("quote")),
        Field("locator", "Locator", row.get("locator"), placeholder="page, paragraph, URL anchor"),
        _reason_field(),
    ]

    cite = partial(curation.add_citation, subject_table=subject_table, subject_id=subject_id)
    submit = _saver(database, "citation", row, cite)

    title = (
        f"Edit citation of {subject_table} {subject_id}"
        if row
        else f"Cite a source for {subject_table} {subject_id}"
    )
    return FormScreen(title, fields, submit)


def _decision_fields(status: str, choices: list[tuple[str, str]]) -> list[Field]:
    """A decision (one of ``choices``, ``status`` chosen) and its required reason."""
    return [
        Field("status", "Decision", status, choices=choices, required=True),
        Field("decision_reason", "Reason", placeholder="the evidence for this decision", required=True),
    ]


def decision_form(database: Database, link: dict[str, Any], status: str, about: str) -> FormScreen[int]:
    """Confirm or reject a link; the reason is required and goes into the change log."""
    assert status in LINK_STATUSES
    fields = _decision_fields(status, [("confirm", "confirmed"), ("reject", "rejected")])

    def submit(values: dict[str, Any]) -> int:
        with editing(database) as editor:
            links.decide_link(
                editor,
                link["id"],
                values["status"] or "",
                values["decision_reason"] or "",
                expected_version=link["version"],
            )
        return link["id"]

    score = f"{link['score']:.2f}" if link.get("score") is not None else "none"
    note = f"{about}\nnow {link['status']}, score {score}"
    return FormScreen(f"Decide link {link['id']}", fields, submit, note=note)


def merge_decision_form(database: Database, proposal: dict[str, Any], status: str) -> FormScreen[str]:
    """Accept (merge the two entities) or reject a merge proposal; the reason is required
    and logged with every moved fact. The form's result says what the decision did."""
    fields = _decision_fields(
        status, [("accept: merge the two", "accepted"), ("reject: keep them apart", "rejected")]
    )

    def submit(values: dict[str, Any]) -> str:
        with editing(database) as editor:
            decided, merged = merges.decide_merge(
                editor,
                proposal["merge_id"],
                values["status"] or "",
                values["decision_reason"] or "",
                expected_version=proposal["version"],
            )
            return phrases.merge_decision(merges.decision_dict(editor.session, decided, merged))

    score = phrases.score(proposal["score"]) or "none"
    note = (
        f"keep {proposal['entity']} ({proposal['entity_id']}), "
        f"merge {proposal['other']} ({proposal['other_id']}) into it\n"
        f"why proposed: {proposal['explanation'] or 'not said'}, score {score}"
    )
    return FormScreen(f"Decide merge proposal {proposal['merge_id']}", fields, submit, note=note)


def propose_form(
    database: Database,
    lists: list[dict[str, Any]],
    *,
    entity: str | None = None,
    list_key: str | None = None,
    record_id: str | None = None,
) -> FormScreen[int]:
    fields = [
        Field("entity", "Entity", entity, placeholder="entity id or key", required=True),
        Field("list_key", "List", list_key, choices=[(x["key"], x["key"]) for x in lists], required=True),
        Field("record_id", "Record id", record_id, required=True),
        Field("score", "Score", placeholder="0 to 1, blank if none"),
        Field("explanation", "Explanation", placeholder="why these are the same"),
        _reason_field(),
    ]

    def submit(values: dict[str, Any]) -> int:
        facts, reason = _split_reason(values)
        facts["score"] = _score(facts.get("score"))
        with editing(database) as editor:
            return curation.propose_link(editor, reason=reason, **facts).id  # type: ignore[return-value]

    return FormScreen("Propose a link", fields, submit)


def _score(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInput({"score": f"{text!r} is not a number"}, "link") from None
