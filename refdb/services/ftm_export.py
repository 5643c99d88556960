"""Export the database as FollowTheMoney entities, streamed a batch of rows at a time.

What becomes what:
  entity (+ its names)        Person / Organization / PublicBody / Vessel / Airplane
  identifier                  Identification (holder: the entity); wikidata also as wikidataId
  post                        Position (organization: its body)
  tenure                      Occupancy (holder, post, start/end at their precision, status)
  relation                    UnknownLink (role: the relation kind)
  sanction entry              the target as listed (its own entity, with its identifiers)
                              + Sanction (authority, program, listing and delisting dates)
  confirmed link              Similar (basis "named": the official is the listed target, and the
                              Sanction names the official too) or UnknownLink (other bases)
  source                      Document (title, sourceUrl, publisher, publishedAt, retrievedAt)

Every exported fact carries its citations: ``proof`` (the cited sources' Documents) and the
sources' ``sourceUrl``, ``publisher`` and ``retrievedAt``. A person's names have no entity of
their own in FtM, so their citations are the person's; a sanction entry cites the list file
it was last read from. Similar has no such properties: a confirmed link's citations are not
exported.

Ids are ``refdb-<table>-<row id>``: stable across exports of one database. Memory stays
bounded: every table is read in id order, BATCH rows at a time, with the names, identifiers
and programs of that batch only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from sqlalchemy import Select, func, select
from sqlmodel import Session, col

from refdb import dates
from refdb.backends import backend_of
from refdb.countries import country_code, country_codes
from refdb.ftm import GENDERS, KIND_SCHEMA, LEGAL_ENTITIES, NAME_PROPERTY, Entity, entity
from refdb.listing import status as entry_status
from refdb.models import (
    Authority,
    Citation,
    EntryName,
    EntryProgram,
    Identifier,
    Link,
    Name,
    Post,
    Program,
    Relation,
    SanctionEntry,
    SanctionList,
    Source,
    Tenure,
)
from refdb.models import Entity as EntityRow

BATCH = 2000
_FILES = ("list_file", "dataset")  # source kinds that are downloaded files
# An entity merged into another is a redirect, not an entity: its facts are the other's now.
_NOT_MERGED = col(EntityRow.merged_into_id).is_(None)
Progress = Callable[[int, int], None]  # rows read so far, rows in all


def ftm_id(table: str, row_id: int) -> str:
    return f"refdb-{table}-{row_id}"


def count_rows(session: Session) -> int:
    """How many rows the export reads (for a progress bar): the tables that become entities."""
    tables = (Source, Identifier, Post, Tenure, Relation, SanctionEntry)
    total = sum(session.execute(select(func.count()).select_from(t)).scalar_one() for t in tables)
    total += session.execute(select(func.count()).select_from(EntityRow).where(_NOT_MERGED)).scalar_one()
    confirmed = select(func.count()).select_from(Link).where(col(Link.status) == "confirmed")
    return total + session.execute(confirmed).scalar_one()


def export_entities(session: Session, progress: Progress | None = None) -> Iterator[Entity]:
    """Every entity, identifier, post, tenure, relation, sanction entry and confirmed link."""
    _snapshot(session)
    total = count_rows(session) if progress else 0
    done = 0
    kinds: dict[int, str] = {}  # entity id → FtM schema, for the references that follow
    sources = _Sources()
    for part in (_documents, _entities, _posts, _tenures, _relations, _entries, _links):
        for rows, entities in part(session, kinds, sources):
            yield from entities
            done += rows
            if progress:
                progress(done, total)


def _snapshot(session: Session) -> None:
    """Read every batch from one snapshot, so an import running meanwhile cannot leave a
    tenure pointing at a post the export did not see."""
    backend_of(session).read_snapshot(session)


Batches = Iterator[tuple[int, list[Entity]]]  # rows read, entities made of them


def _batches(session: Session, query: Select, id_column: Any) -> Iterator[Sequence[Any]]:
    """The query's rows in id order, BATCH at a time (keyset pagination: flat at any depth)."""
    last = 0
    while True:
        rows = session.execute(query.where(id_column > last).order_by(id_column).limit(BATCH)).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _grouped(rows: Iterable[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row)
    return grouped


class _Sources:
    """What a cited fact repeats of each source (its Document's id, sourceUrl, publisher,
    retrievedAt). Read once, with the Documents: there is one source per document or list
    file, not per fact, so this stays small whatever the number of facts."""

    def __init__(self) -> None:
        self.properties: dict[int, dict[str, str | None]] = {}

    def cited(self, session: Session, table: str, row_ids: list[int]) -> dict[int, list[int]]:
        """The sources cited by these rows of ``table``, by row id."""
        if not row_ids:
            return {}
        found: dict[int, list[int]] = defaultdict(list)
        for start in range(0, len(row_ids), BATCH):
            for subject_id, source_id in session.execute(
                select(Citation.subject_id, Citation.source_id)
                .where(
                    Citation.subject_table == table,
                    col(Citation.subject_id).in_(row_ids[start : start + BATCH]),
                )
                .order_by(col(Citation.id))
            ):
                found[subject_id].append(source_id)
        return found

    def cite(self, made: Entity, source_ids: Iterable[int]) -> Entity:
        """``made`` with the sources as its ``proof`` and their URLs, publishers and times."""
        if made["schema"] == "Similar":  # FtM gives a match no proof, URL or publisher
            return made
        properties = made["properties"]
        for source_id in dict.fromkeys(source_ids):
            cited = {"proof": ftm_id("source", source_id), **self.properties.get(source_id, {})}
            for prop, value in cited.items():
                if value and value not in properties.setdefault(prop, []):
                    properties[prop].append(value)
        return made


def _documents(session: Session, kinds: dict[int, str], sources: _Sources) -> Batches:
    """Every source first, as the facts after it refer to it as their proof: a downloaded
    file (list file, dataset) as a Document named by its file, anything else (article,
    press release, record, reference work) as an Article (a kind of Document)."""

    def document(row: Any) -> Entity:
        retrieved = row.fetched_at.strftime("%Y-%m-%dT%H:%M:%S") if row.fetched_at else None
        # FtM's url type is the web's: a file:// path (a local import) is no sourceUrl.
        url = row.url if (row.url or "").startswith(("https://", "http://")) else None
        sources.properties[row.id] = {
            "sourceUrl": url,
            "publisher": row.publisher,
            "retrievedAt": retrieved,
        }
        properties = {
            "title": row.title,
            "sourceUrl": url,
            "publisher": row.publisher,
            "publishedAt": row.published_on,
            "retrievedAt": retrieved,
            "fileSize": None if row.size is None else str(row.size),
            "notes": f"sha256 {row.sha256}" if row.sha256 else None,
        }
        if row.kind not in _FILES:
            return entity("Article", ftm_id("source", row.id), properties)
        file_name = urlsplit(row.url or "").path.rsplit("/", 1)[-1] or row.title
        return entity("Document", ftm_id("source", row.id), {**properties, "fileName": file_name})

    columns = (
        Source.kind,
        Source.publisher,
        Source.url,
        Source.published_on,
        Source.fetched_at,
        Source.size,
        Source.sha256,
    )
    query = select(Source.id, Source.title, *columns)
    return _each_row(session, query, col(Source.id), document)


def _entities(session: Session, kinds: dict[int, str], sources: _Sources) -> Batches:
    query = select(  # type: ignore[misc]  # more columns than select()'s typed overloads
        EntityRow.id,
        EntityRow.kind,
        EntityRow.name,
        EntityRow.birth_date,
        EntityRow.birth_place,
        EntityRow.death_date,
        EntityRow.nationality,
        EntityRow.gender,
        EntityRow.country,
        EntityRow.notes,
    ).where(_NOT_MERGED)
    for batch in _batches(session, query, col(EntityRow.id)):
        ids = [row.id for row in batch]
        names = _grouped(
            session.execute(
                select(Name.entity_id, Name.name, Name.kind, Name.id)
                .where(col(Name.entity_id).in_(ids))
                .order_by(col(Name.id))
            )
        )
        identifiers = _grouped(
            session.execute(
                select(
                    Identifier.entity_id,
                    Identifier.id,
                    Identifier.scheme,
                    Identifier.value,
                    Identifier.country,
                )
                .where(col(Identifier.entity_id).in_(ids))
                .order_by(col(Identifier.id))
            )
        )
        cited_entity = sources.cited(session, "entity", ids)
        cited_name = sources.cited(session, "name", [n.id for found in names.values() for n in found])
        cited_identifier = sources.cited(
            session, "identifier", [i.id for found in identifiers.values() for i in found]
        )
        out: list[Entity] = []
        for row in batch:
            schema = kinds[row.id] = KIND_SCHEMA[row.kind]
            holder = ftm_id("entity", row.id)
            own = [
                _Identifier(f"{holder}-id-{i.id}", i.scheme, i.value, i.country)
                for i in identifiers.get(row.id, [])
            ]
            made = _entity(row, schema, names.get(row.id, []), own)
            name_sources = [s for n in names.get(row.id, []) for s in cited_name.get(n.id, ())]
            out.append(sources.cite(made, [*cited_entity.get(row.id, ()), *name_sources]))
            for identification, i in zip(
                _identifications(holder, schema, own), identifiers.get(row.id, []), strict=False
            ):
                out.append(sources.cite(identification, cited_identifier.get(i.id, ())))
        yield len(batch) + sum(len(v) for v in identifiers.values()), out


class _Identifier(NamedTuple):
    ftm_id: str
    scheme: str
    value: str
    country: str | None


def _entity(row: Any, schema: str, names: list[Any], identifiers: list[_Identifier]) -> Entity:
    properties: dict[str, Any] = defaultdict(list)
    properties["name"].append(row.name)
    for _, name, kind, _ in names:
        properties[NAME_PROPERTY[kind]].append(name)
    properties["country"].append(row.country)
    properties["notes"].append(row.notes)
    properties["wikidataId"] = [i.value for i in identifiers if i.scheme == "wikidata"]
    properties.update(_vehicle_numbers(schema, identifiers))
    if schema == "Person":
        properties.update(
            birthDate=row.birth_date,
            birthPlace=row.birth_place,
            deathDate=row.death_date,
            nationality=row.nationality,
            gender=row.gender if row.gender in GENDERS else None,
        )
    return entity(schema, ftm_id("entity", row.id), properties)


def _identifications(holder: str, schema: str, identifiers: Iterable[_Identifier]) -> list[Entity]:
    """Identification entities; a vessel or aircraft (not a legal entity) cannot hold one,
    so their numbers go on the vehicle itself (see _vehicle_numbers)."""
    if schema not in LEGAL_ENTITIES:
        return []
    return [
        entity(
            "Identification",
            i.ftm_id,
            {"holder": holder, "type": i.scheme, "number": i.value, "country": country_code(i.country)},
        )
        for i in identifiers
    ]


def _vehicle_numbers(schema: str, identifiers: Iterable[_Identifier]) -> dict[str, list[str]]:
    numbers: dict[str, list[str]] = defaultdict(list)
    if schema in LEGAL_ENTITIES:
        return numbers
    for i in identifiers:
        scheme = i.scheme.casefold()
        if schema == "Vessel" and "imo" in scheme:
            numbers["imoNumber"].append(i.value)
        elif schema == "Vessel" and "mmsi" in scheme:
            numbers["mmsi"].append(i.value)
        else:
            numbers["registrationNumber"].append(i.value)
    return numbers


def _each_row(
    session: Session,
    query: Select,
    id_column: Any,
    make: Callable[[Any], Entity | None],
    sources: _Sources | None = None,
) -> Batches:
    """Tables whose rows become one entity each (or none, when ``make`` says so), each with
    its row's citations when ``sources`` is given."""
    table = id_column.table.name
    for batch in _batches(session, query, id_column):
        cited = sources.cited(session, table, [row.id for row in batch]) if sources else {}
        made = [(row, entity) for row in batch if (entity := make(row)) is not None]
        if sources:
            for row, entity in made:
                sources.cite(entity, cited.get(row.id, ()))
        yield len(batch), [entity for _, entity in made]


def _posts(session: Session, kinds: dict[int, str], sources: _Sources) -> Batches:
    def position(row: Any) -> Entity:
        organization = _organization(row.organization_id, kinds)
        properties = {"name": row.title, "organization": organization, "country": row.country}
        return entity("Position", ftm_id("post", row.id), properties)

    query = select(Post.id, Post.title, Post.organization_id, Post.country)
    return _each_row(session, query, col(Post.id), position, sources)


def _organization(entity_id: int | None, kinds: dict[int, str]) -> str | None:
    """A Position's organization must be an Organization (or PublicBody)."""
    if entity_id is None or kinds.get(entity_id) not in ("Organization", "PublicBody"):
        return None
    return ftm_id("entity", entity_id)


def _tenures(session: Session, kinds: dict[int, str], sources: _Sources) -> Batches:
    def occupancy(row: Any) -> Entity | None:
        if kinds.get(row.person_id) != "Person":  # an Occupancy's holder is a Person
            return None
        properties = {
            "holder": ftm_id("entity", row.person_id),
            "post": ftm_id("post", row.post_id),
            "startDate": row.start_on,
            "endDate": row.end_on,
            "status": row.status,
            "description": "acting" if row.acting else None,
        }
        return entity("Occupancy", ftm_id("tenure", row.id), properties)

    columns = (Tenure.start_on, Tenure.end_on, Tenure.acting, Tenure.status)
    query = select(Tenure.id, Tenure.person_id, Tenure.post_id, *columns)
    return _each_row(session, query, col(Tenure.id), occupancy, sources)


def _relations(session: Session, kinds: dict[int, str], sources: _Sources) -> Batches:
    def link(row: Any) -> Entity:
        properties = {
            "subject": ftm_id("entity", row.subject_id),
            "object": ftm_id("entity", row.object_id),
            "role": row.kind,
            "startDate": row.start_on,
            "endDate": row.end_on,
            "description": row.description,
        }
        return entity("UnknownLink", ftm_id("relation", row.id), properties)

    columns = (Relation.kind, Relation.start_on, Relation.end_on, Relation.description)
    query = select(Relation.id, Relation.subject_id, Relation.object_id, *columns)
    return _each_row(session, query, col(Relation.id), link, sources)


def _entries(session: Session, kinds: dict[int, str], sources: _Sources) -> Batches:
    query = (
        select(  # type: ignore[misc]  # more columns than select()'s typed overloads
            SanctionEntry.id,
            SanctionEntry.record_id,
            SanctionEntry.target_kind,
            SanctionEntry.name,
            SanctionEntry.title,
            SanctionEntry.birth_dates,
            SanctionEntry.birth_places,
            SanctionEntry.nationalities,
            SanctionEntry.addresses,
            SanctionEntry.identifiers,
            SanctionEntry.measures,
            SanctionEntry.remarks,
            SanctionEntry.listed_on,
            SanctionEntry.delisted_on,
            SanctionEntry.source_id,
            col(SanctionList.name).label("list_name"),
            SanctionList.url,
            col(Authority.name).label("authority"),
            col(Authority.country).label("authority_country"),
        )
        .join(SanctionList, col(SanctionList.id) == SanctionEntry.list_id)
        .join(Authority, col(Authority.id) == SanctionList.authority_id)
    )
    for batch in _batches(session, query, col(SanctionEntry.id)):
        ids = [row.id for row in batch]
        names = _grouped(
            session.execute(
                select(EntryName.entry_id, EntryName.name, EntryName.kind)
                .where(col(EntryName.entry_id).in_(ids))
                .order_by(col(EntryName.id))
            )
        )
        programs = _grouped(
            session.execute(
                select(EntryProgram.entry_id, Program.code)
                .join(Program, col(Program.id) == EntryProgram.program_id)
                .where(col(EntryProgram.entry_id).in_(ids))
                .order_by(col(EntryProgram.id))
            )
        )
        named = _grouped(
            session.execute(
                select(Link.entry_id, Link.entity_id).where(
                    col(Link.entry_id).in_(ids),
                    Link.status == "confirmed",
                    col(Link.basis).is_(None) | (Link.basis == "named"),
                )
            )
        )
        cited = sources.cited(session, "sanction_entry", ids)
        out: list[Entity] = []
        for row in batch:
            program_codes = [code for _, code in programs.get(row.id, [])]
            officials = [ftm_id("entity", entity_id) for _, entity_id in named.get(row.id, [])]
            # The list file the entry was last read from, then its other citations.
            evidence = [row.source_id, *cited.get(row.id, ())] if row.source_id else cited.get(row.id, [])
            listed = [
                *_listed_target(row, names.get(row.id, []), program_codes),
                _sanction(row, program_codes, officials),
            ]
            out.extend(sources.cite(made, evidence) for made in listed)
        yield len(batch), out


def _listed_target(row: Any, names: list[Any], programs: list[str]) -> list[Entity]:
    """The target as the list publishes it, and its identifications."""
    schema = KIND_SCHEMA[row.target_kind]
    target = ftm_id("entry", row.id)
    identifiers = [
        _Identifier(f"{target}-id-{n}", i.get("scheme") or "", i["value"], i.get("country"))
        for n, i in enumerate(row.identifiers, start=1)
        if i.get("value")
    ]
    properties: dict[str, Any] = defaultdict(list)
    properties["name"].append(row.name)
    for _, name, kind in names:
        properties[NAME_PROPERTY[kind]].append(name)
    countries = country_codes(row.nationalities)
    properties.update(
        _vehicle_numbers(schema, identifiers),
        notes=row.remarks,
        program=programs,
        topics="sanction" if row.delisted_on is None else None,
        address=row.addresses,
    )
    if schema == "Person":
        properties.update(
            nationality=countries,
            birthDate=[d for d in row.birth_dates if _is_date(d)],
            birthPlace=row.birth_places,
            position=row.title,
        )
    elif schema == "Vessel":
        properties["flag"] = countries
    else:
        properties["country"] = countries
    return [entity(schema, target, properties), *_identifications(target, schema, identifiers)]


def _is_date(text: str) -> bool:
    try:
        return dates.normalize(text) is not None
    except dates.InvalidDate:
        return False


def _sanction(row: Any, programs: list[str], officials: list[str]) -> Entity:
    return entity(
        "Sanction",
        ftm_id("sanction", row.id),
        {
            "entity": [ftm_id("entry", row.id), *officials],
            "authority": row.authority,
            "authorityId": row.record_id,
            "program": programs,
            "provisions": row.measures,
            "listingDate": row.listed_on,
            "startDate": row.listed_on,
            "endDate": row.delisted_on,
            "status": entry_status(row.delisted_on),
            "country": row.authority_country,
            "publisher": row.list_name,
            "recordId": row.record_id,
        },
    )


def _links(session: Session, kinds: dict[int, str], sources: _Sources) -> Batches:
    columns = (Link.basis, Link.score, Link.explanation, Link.decided_by, Link.decided_at)
    query = select(Link.id, Link.entity_id, Link.entry_id, *columns).where(Link.status == "confirmed")
    return _each_row(session, query, col(Link.id), _link, sources)


def _link(row: Any) -> Entity:
    official, target = ftm_id("entity", row.entity_id), ftm_id("entry", row.entry_id)
    if row.basis in (None, "named"):
        return entity(
            "Similar",
            ftm_id("link", row.id),
            {
                "candidate": official,
                "match": target,
                "confidenceScore": None if row.score is None else f"{row.score:g}",
                "criteria": row.explanation,
                "matcher": row.decided_by,
            },
        )
    return entity(
        "UnknownLink",
        ftm_id("link", row.id),
        {
            "subject": official,
            "object": target,
            "role": f"{row.basis} (confirmed link)",
            "date": row.decided_at.date().isoformat() if row.decided_at else None,
            "description": row.explanation,
        },
    )
