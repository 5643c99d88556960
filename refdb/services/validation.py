"""Per-table validation run before every write; also fills derived columns.

Rules here mirror the database's CHECK constraints, so a form can show a clear
message beside the field instead of a constraint name.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlmodel import SQLModel

from refdb import dates
from refdb.errors import InvalidInput
from refdb.matching.normalize import normalize_name
from refdb.models import (
    Authority,
    Citation,
    Entity,
    EntryName,
    EntryProgram,
    Identifier,
    Link,
    MergeProposal,
    Name,
    Post,
    Program,
    Relation,
    SanctionEntry,
    SanctionList,
    ScreeningDecision,
    Source,
    Tenure,
)
from refdb.models.base import utcnow
from refdb.vocab import (
    CITABLE,
    ENTITY_KINDS,
    LINK_BASES,
    LINK_STATUSES,
    MERGE_STATUSES,
    NAME_KINDS,
    RELATION_KINDS,
    SCREENING_VERDICTS,
    SOURCE_KINDS,
    TARGET_KINDS,
    TENURE_STATUSES,
)

Problems = dict[str, str]


def _required(row: SQLModel, problems: Problems, *fields: str) -> None:
    for field in fields:
        value = getattr(row, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems[field] = "required"


def _choice(row: SQLModel, problems: Problems, field: str, allowed: tuple[str, ...]) -> None:
    value = getattr(row, field)
    if value is not None and value not in allowed:
        problems[field] = f"{value!r} is not one of: {', '.join(allowed)}"


def _partial_date(row: SQLModel, problems: Problems, field: str) -> None:
    try:
        setattr(row, field, dates.normalize(getattr(row, field)))
    except dates.InvalidDate as error:
        problems[field] = str(error)


def _country(row: SQLModel, problems: Problems, field: str) -> None:
    value = getattr(row, field)
    if value is None or value == "":
        setattr(row, field, None)
    elif len(value) != 2 or not value.isalpha():
        problems[field] = f"{value!r} is not a two-letter ISO country code"
    else:
        setattr(row, field, value.lower())


# A language tag as BCP 47 writes one ("ru", "zh-Hant", "be-tarask"); a script is an
# ISO 15924 code ("Cyrl"). Imports write what their sources say without these checks.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_SCRIPT_CODE = re.compile(r"[A-Za-z]{4}")


def _language_and_script(row: Name, problems: Problems) -> None:
    row.lang, row.script = (row.lang or "").strip() or None, (row.script or "").strip() or None
    if row.lang and not _LANGUAGE_TAG.fullmatch(row.lang):
        problems["lang"] = f"{row.lang!r} is not a language code such as ru, zh or zh-Hant"
    if row.script and not _SCRIPT_CODE.fullmatch(row.script):
        problems["script"] = f"{row.script!r} is not a four-letter ISO 15924 script code such as Cyrl or Hani"
    elif row.script:
        row.script = row.script.title()


def _entity(row: Entity, problems: Problems) -> None:
    _required(row, problems, "name", "kind")
    _choice(row, problems, "kind", ENTITY_KINDS)
    for field in ("birth_date", "death_date"):
        _partial_date(row, problems, field)
    for field in ("nationality", "country"):
        _country(row, problems, field)
    if (
        not problems
        and row.birth_date
        and row.death_date
        and dates.latest(row.death_date) < dates.earliest(row.birth_date)
    ):
        problems["death_date"] = "is before the birth date"


def _name(row: Name, problems: Problems) -> None:
    _required(row, problems, "entity_id", "name")
    _choice(row, problems, "kind", NAME_KINDS)
    _language_and_script(row, problems)
    if row.name:
        row.name = row.name.strip()
        row.normalized = normalize_name(row.name)


def _identifier(row: Identifier, problems: Problems) -> None:
    _required(row, problems, "entity_id", "scheme", "value")
    _country(row, problems, "country")


def _post(row: Post, problems: Problems) -> None:
    _required(row, problems, "title")
    _country(row, problems, "country")


def _tenure(row: Tenure, problems: Problems) -> None:
    _required(row, problems, "person_id", "post_id")
    _choice(row, problems, "status", TENURE_STATUSES)
    _partial_date(row, problems, "start_on")
    _partial_date(row, problems, "end_on")
    if "start_on" in problems or "end_on" in problems:
        return
    row.start_from = dates.earliest_or_none(row.start_on)
    row.end_until = dates.latest_or_none(row.end_on)
    if row.start_from and row.end_until and row.end_until < row.start_from:
        problems["end_on"] = f"{row.end_on} is before the start {row.start_on}"
    if row.end_on and row.status == "current":
        problems["status"] = "a tenure with an end date is not current"
    _partial_date(row, problems, "confirmed_on")
    if row.status in ("current", "unknown") and row.confirmed_on is None and "confirmed_on" not in problems:
        # Whoever writes a tenure as still held vouches for it as of now.
        row.confirmed_on = utcnow().date().isoformat()


def _relation(row: Relation, problems: Problems) -> None:
    _required(row, problems, "subject_id", "object_id", "kind")
    _choice(row, problems, "kind", RELATION_KINDS)
    _partial_date(row, problems, "start_on")
    _partial_date(row, problems, "end_on")
    if row.subject_id is not None and row.subject_id == row.object_id:
        problems["object_id"] = "an entity cannot relate to itself"
    if (
        not problems
        and row.start_on
        and row.end_on
        and dates.latest(row.end_on) < dates.earliest(row.start_on)
    ):
        problems["end_on"] = f"{row.end_on} is before the start {row.start_on}"


def _authority(row: Authority, problems: Problems) -> None:
    _required(row, problems, "key", "name")
    _country(row, problems, "country")


def _program(row: Program, problems: Problems) -> None:
    _required(row, problems, "authority_id", "code")


def _sanction_list(row: SanctionList, problems: Problems) -> None:
    _required(row, problems, "key", "authority_id", "name")
    _partial_date(row, problems, "published_on")


def _sanction_entry(row: SanctionEntry, problems: Problems) -> None:
    _required(row, problems, "list_id", "record_id", "name", "target_kind")
    _choice(row, problems, "target_kind", TARGET_KINDS)
    _partial_date(row, problems, "listed_on")
    _partial_date(row, problems, "delisted_on")
    if "listed_on" in problems or "delisted_on" in problems:
        return
    row.listed_from = dates.earliest_or_none(row.listed_on)
    row.delisted_from = dates.earliest_or_none(row.delisted_on)
    if row.listed_from and row.delisted_from and row.delisted_from < row.listed_from:
        problems["delisted_on"] = f"{row.delisted_on} is before the listing {row.listed_on}"


def _entry_name(row: EntryName, problems: Problems) -> None:
    _required(row, problems, "entry_id", "name")
    _choice(row, problems, "kind", NAME_KINDS)
    if row.name:
        row.name = row.name.strip()
        row.normalized = normalize_name(row.name)


def _entry_program(row: EntryProgram, problems: Problems) -> None:
    _required(row, problems, "entry_id", "program_id")


def _link(row: Link, problems: Problems) -> None:
    _required(row, problems, "entity_id", "entry_id", "status")
    _choice(row, problems, "status", LINK_STATUSES)
    _choice(row, problems, "basis", LINK_BASES)
    if row.score is not None and not 0 <= row.score <= 1:
        problems["score"] = "must be between 0 and 1"
    if row.status in ("confirmed", "rejected") and not (row.decision_reason or "").strip():
        problems["decision_reason"] = f"a {row.status} link needs the reason for the decision"
    if row.basis == "post_holder" and row.tenure_id is None:
        problems["tenure_id"] = "a post-holder link must point at the tenure it rests on"


def _merge_proposal(row: MergeProposal, problems: Problems) -> None:
    _required(row, problems, "entity_id", "other_id", "status")
    _choice(row, problems, "status", MERGE_STATUSES)
    if row.entity_id is not None and row.entity_id == row.other_id:
        problems["other_id"] = "an entity cannot be merged with itself"
    if row.score is not None and not 0 <= row.score <= 1:
        problems["score"] = "must be between 0 and 1"


def _source(row: Source, problems: Problems) -> None:
    _required(row, problems, "kind", "title")
    _choice(row, problems, "kind", SOURCE_KINDS)
    _partial_date(row, problems, "published_on")


def _citation(row: Citation, problems: Problems) -> None:
    _required(row, problems, "source_id", "subject_table", "subject_id")
    _choice(row, problems, "subject_table", CITABLE)


def _screening_decision(row: ScreeningDecision, problems: Problems) -> None:
    _required(row, problems, "name", "name_key", "verdict", "reason", "decided_by")
    _choice(row, problems, "verdict", SCREENING_VERDICTS)
    _partial_date(row, problems, "birth_date")
    if (row.entry_id is None) == (row.entity_id is None):
        problems["entry_id"] = "a decision is on one sanction entry or one entity"


VALIDATORS: dict[type[SQLModel], Callable[..., None]] = {
    Entity: _entity,
    Name: _name,
    Identifier: _identifier,
    Post: _post,
    Tenure: _tenure,
    Relation: _relation,
    Authority: _authority,
    Program: _program,
    SanctionList: _sanction_list,
    SanctionEntry: _sanction_entry,
    EntryName: _entry_name,
    EntryProgram: _entry_program,
    Link: _link,
    MergeProposal: _merge_proposal,
    Source: _source,
    Citation: _citation,
    ScreeningDecision: _screening_decision,
}


def validate(row: SQLModel) -> None:
    """Raise InvalidInput listing every problem with the row; fill derived columns."""
    problems: Problems = {}
    VALIDATORS[type(row)](row, problems)
    if problems:
        raise InvalidInput(problems, row.__tablename__)  # type: ignore[arg-type]
