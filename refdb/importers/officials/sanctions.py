"""Write the sanctions an officials file states (FtM Sanctions) as entries of a list of
their authority, in the officials import's transaction, each row logged by the Editor.

The list importers own the OFAC, UN, UK and EU lists, with their delta and delisting
rules; a file that merely states sanctions is not a whole list, so its entries go to a
list of their own per authority (key ``ftm-<authority>``), are only ever added (an entry
already stored is left as it is: a later file that omits it does not delist it), and cite
the file. Links to the officials follow from the import's link proposals: never confirmed.
"""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select
from sqlmodel import col

from refdb import dates
from refdb.importers.delta import content_hash
from refdb.importers.officials.records import StatedSanction
from refdb.importers.records import ParsedName
from refdb.matching.normalize import normalize_name
from refdb.models import Authority, EntryName, EntryProgram, Program, SanctionEntry, SanctionList
from refdb.services.edits import Editor

PREFIX = "ftm-"
_UNNAMED = "(authority not named in the file)"


def write_sanctions(editor: Editor, sanctions: list[StatedSanction], source_id: int, reason: str) -> int:
    """Add the entries not stored yet; how many were added."""
    lists: dict[str, SanctionList] = {}
    added = 0
    for sanction in sanctions:
        authority = (sanction.authority or "").strip() or _UNNAMED
        list_row = lists.get(authority) or _list(editor, authority, reason)
        lists[authority] = list_row
        entry = sanction.entry
        stored = editor.session.scalars(
            select(SanctionEntry.id).where(
                col(SanctionEntry.list_id) == list_row.id, col(SanctionEntry.record_id) == entry.record_id
            )
        ).first()
        if stored is not None:
            continue
        row = editor.create(
            SanctionEntry(
                list_id=list_row.id,  # type: ignore[arg-type]
                record_id=entry.record_id,
                target_kind=entry.target_kind,
                name=entry.name[:600],
                birth_dates=list(entry.birth_dates),
                nationalities=list(entry.nationalities),
                addresses=list(entry.addresses),
                identifiers=[i.as_stored() for i in entry.identifiers],
                measures=[],
                remarks=entry.remarks,
                listed_on=entry.listed_on,
                listed_from=dates.earliest_or_none(entry.listed_on),
                delisted_on=sanction.ended,
                delisted_from=dates.earliest_or_none(sanction.ended),
                raw={**entry.raw, "locator": sanction.locator},
                content_hash=content_hash(entry),
                source_id=source_id,
            ),
            reason=reason,
        )
        for name in dict.fromkeys((ParsedName(entry.name, "primary"), *entry.names)):
            editor.create(
                EntryName(
                    entry_id=row.id,  # type: ignore[arg-type]
                    name=name.name[:600],
                    kind=name.kind,
                    script=name.script,
                    normalized=normalize_name(name.name)[:600],
                ),
                reason=reason,
            )
        for code in entry.programs:
            program_id = _program(editor, list_row.authority_id, code[:120], reason)
            editor.create(EntryProgram(entry_id=row.id, program_id=program_id), reason=reason)  # type: ignore[arg-type]
        added += 1
    for list_row in lists.values():
        if list_row.last_source_id != source_id:
            update = {"last_source_id": source_id}
            editor.update(SanctionList, list_row.id, update, reason=reason)  # type: ignore[arg-type]
    return added


def _key(authority: str) -> str:
    """A stable key of at most 40 characters for the authority's name."""
    slug = re.sub(r"[^a-z0-9]+", "-", authority.casefold()).strip("-")
    key = PREFIX + slug
    return key if len(key) <= 40 else f"{key[:23]}-{hashlib.sha256(authority.encode()).hexdigest()[:16]}"


def _list(editor: Editor, authority: str, reason: str) -> SanctionList:
    key = _key(authority)
    found = editor.session.scalars(select(SanctionList).where(col(SanctionList.key) == key)).first()
    if found is not None:
        return found
    publisher = editor.session.scalars(select(Authority).where(col(Authority.key) == key)).first()
    if publisher is None:
        publisher = editor.create(Authority(key=key, name=authority[:300]), reason=reason)
    return editor.create(
        SanctionList(key=key, authority_id=publisher.id, name=f"{authority} (as stated in FtM files)"[:300]),  # type: ignore[arg-type]
        reason=reason,
    )


def _program(editor: Editor, authority_id: int, code: str, reason: str) -> int:
    found = editor.session.scalars(
        select(Program.id).where(col(Program.authority_id) == authority_id, col(Program.code) == code)
    ).first()
    if found is not None:
        return found
    return editor.create(Program(authority_id=authority_id, code=code), reason=reason).id  # type: ignore[return-value]
