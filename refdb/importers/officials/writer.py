"""Write parsed officials into entities, names, identifiers, posts and tenures: one
transaction, every row logged in the change log and cited to the file it came from.

Only what is new is written: a re-import of an unchanged file reads, compares and writes
nothing. An import holds thousands of rows, so they are built as plain column values,
given ids up front (IdPool) and inserted a table at a time with many-row INSERTs. A new
person is logged in one change record holding its entity row and every row created with
it (names, identifiers, tenures and their citations, under ``changelog.PARTS``), as the
list importer logs an entry with its names; the audit and the history read those rows
from it. Rows shared by many people (posts, public bodies) and changes to stored people
get a record each. The few proposals (merges) go through the service layer like any edit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Date, DateTime, Table, select, update
from sqlmodel import Session, SQLModel, col

from refdb import changelog, dates
from refdb.database import Database
from refdb.errors import InvalidInput
from refdb.importers.bulk import BackgroundInserts, IdPool, take_import_lock
from refdb.importers.downloads import source_fields
from refdb.importers.officials.reconcile import Candidate, Reconciler, chunks, group_people
from refdb.importers.officials.records import (
    OfficialName,
    OfficialPerson,
    OfficialPost,
    OfficialsDocument,
    OfficialTenure,
    require_people,
)
from refdb.importers.officials.sanctions import write_sanctions
from refdb.importers.proposals import propose_links_for_entities
from refdb.matching.normalize import normalize_name
from refdb.models import Citation, Entity, Identifier, Name, Post, Source, Tenure, utcnow
from refdb.services.edits import Editor, entity_of_values, table_name
from refdb.services.merges import propose_merge
from refdb.vocab import NAME_KINDS, TENURE_STATUSES

Progress = Callable[[str, int, int | None], None]  # stage, done, total (as the list importer's)
Parts = dict[str, list[dict[str, Any]]]  # table -> rows created with a new person (changelog.PARTS)
_PERSON_FACTS = ("birth_date", "death_date", "gender", "nationality")
_SHARED_IDENTIFIERS = "one person in the source has the identifiers of both"
_TABLES: dict[str, Table] = {
    table_name(model): SQLModel.metadata.tables[table_name(model)]
    for model in (Source, Entity, Post, Name, Identifier, Tenure, Citation)
}
_ORDER = tuple(_TABLES)  # insert order: a row only refers to rows of earlier tables
# Copied per new row; keyed by plain str (SQLAlchemy's column keys are a str subclass,
# which orjson refuses as keys: changelog.plain_json).
_BLANK = {name: dict.fromkeys(map(str, table.columns.keys())) for name, table in _TABLES.items()}
_TEMPORAL = {
    name: tuple(c.key for c in table.columns if isinstance(c.type, Date | DateTime))
    for name, table in _TABLES.items()
}
_WRITE_EVERY = 1000  # people: their rows are written, and forgotten, a thousand at a time


@dataclass
class OfficialsResult:
    """What an officials import did, as `refdb import ... --json` prints it."""

    source: str
    files: list[dict[str, Any]] = field(default_factory=list)
    not_modified: bool = False
    people: int = 0  # in the files (records sharing an identifier count once)
    people_added: int = 0
    people_matched: int = 0  # reconciled with an entity already stored
    people_changed: int = 0  # stored people that gained a name, identifier or fact
    names_added: int = 0
    identifiers_added: int = 0
    organizations_added: int = 0
    posts_added: int = 0
    tenures_added: int = 0
    tenures_changed: int = 0
    tenures_unchanged: int = 0
    sanctions_added: int = 0  # list entries of the sanctions the files state (FtM Sanction)
    # The day written as the last confirmation of tenures the files still list as held, and why
    # that day: "fetched" (downloaded now), "file date" (a local file's modification date) or
    # "as of" (given by the user).
    confirmed_on: str | None = None
    confirmed_by: str | None = None
    merge_proposals: list[dict[str, Any]] = field(default_factory=list)
    proposals: list[dict[str, Any]] = field(default_factory=list)  # link proposals
    # People added or changed, in order; a dict, as membership is asked once per tenure.
    touched: dict[int, None] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["touched"]
        return data


@dataclass(frozen=True)
class OfficialsSource:
    """An officials source: its key (also the prefix of its Source rows' keys) and publisher."""

    key: str
    title: str
    publisher: str


def apply_officials(
    database: Database,
    source: OfficialsSource,
    documents: list[OfficialsDocument],
    *,
    actor: str | None = None,
    progress: Progress | None = None,
    confirmed: tuple[date, str] | None = None,
) -> OfficialsResult:
    """Write the documents' people in one transaction; nothing is written if any part fails.
    ``confirmed``: the day the files' facts were true and why (default: today, "fetched")."""
    for document in documents:
        require_people(f"{source.key} {document.download.path.name}", document.people)
    return OfficialsWriter(database, source, documents, actor, progress, confirmed).run()


class OfficialsWriter:
    def __init__(
        self,
        database: Database,
        source: OfficialsSource,
        documents: list[OfficialsDocument],
        actor: str | None = None,
        progress: Progress | None = None,
        confirmed: tuple[date, str] | None = None,
    ) -> None:
        self.database = database
        self.source = source
        self.documents = documents
        self.actor = actor or database.actor
        self.progress = progress or (lambda _stage, _done, _total: None)
        self.result = OfficialsResult(source=source.key)
        self.now = utcnow()
        confirmed_on, self.result.confirmed_by = confirmed or (self.now.date(), "fetched")
        self.result.confirmed_on = confirmed_on.isoformat()
        self.new: dict[str, list[dict[str, Any]]] = defaultdict(list)  # table -> rows to insert
        self.loose: dict[str, list[dict[str, Any]]] = defaultdict(list)  # table -> rows logged alone
        self.people: list[tuple[dict[str, Any], Parts]] = []  # new people and the rows made with them
        self.source_of: dict[int, int] = {}  # id(person) -> its file's Source row id
        self.unwritten: set[int] = set()  # ids of tenures added but not yet inserted
        self.plain: dict[Any, Any] = {}  # date or time -> as change records write it
        self.post_ids: dict[OfficialPost, int] = {}  # a post as parsed -> its row's id
        self.reasons: dict[str, str] = {}

    def run(self) -> OfficialsResult:
        with Session(self.database.engine) as session, session.begin():
            take_import_lock(session)
            self.session = session
            self.ids = {name: IdPool(session, table) for name, table in _TABLES.items()}
            with BackgroundInserts(session) as self.inserts:
                self.changes = changelog.ChangeWriter(session, self.actor, self.inserts.insert)
                merges = self._write_people()
            editor = Editor(session, self.actor)
            self._propose_merges(editor, merges)
            for document, file in zip(self.documents, self.result.files, strict=True):
                self.result.sanctions_added += write_sanctions(
                    editor, document.sanctions, file["source_id"], self._reason("stated by")
                )
            self.result.proposals = propose_links_for_entities(
                editor, list(self.result.touched), self._reason("proposed by the import of")
            )
        return self.result

    def _write_people(self) -> list[tuple[int, Candidate]]:
        """Add or update each person of the files; the merges to propose."""
        session = self.session
        people = self._people_by_source()
        groups = group_people(people)
        self.result.people = len(groups)
        self.posts = _PostIndex(session)
        forms = {name: form for document in self.documents for name, form in document.forms.items()}
        reconciler = self.reconciler = Reconciler(session, groups, forms)
        resolved = [(group, reconciler.resolve(group)) for group in groups]
        stored = _StoredFacts(session, [r.entity_id for _, r in resolved if r.entity_id])
        # An identifier stored on another entity (a conflict, proposed as a merge) stays there.
        stored.identifiers.update(reconciler.by_identifier)
        merges: list[tuple[int, Candidate]] = []
        for done, (group, resolution) in enumerate(resolved, 1):
            parts: Parts | None = None
            if resolution.entity_id is None:
                entity_id, parts = self._add_person(group)
                reconciler.remember(group, entity_id)
                merges += [(entity_id, candidate) for candidate in resolution.unsure]
            else:
                entity_id = resolution.entity_id
                self.result.people_matched += 1
                self._update_person(entity_id, group, stored)
                merges += [
                    (other, Candidate(entity_id, 1.0, _SHARED_IDENTIFIERS)) for other in resolution.conflicts
                ]
            self._add_tenures(entity_id, group, stored, parts)
            if done % _WRITE_EVERY == 0 or done == len(resolved):
                self._write_new()
                self.progress("write", done, len(resolved))
        return merges

    def _reason(self, verb: str) -> str:
        if verb not in self.reasons:  # asked once per row written
            files = ", ".join(f"{f['file']} (sha256 {f['sha256'][:12]})" for f in self.result.files)
            self.reasons[verb] = f"{verb} {self.source.key} {files}"
        return self.reasons[verb]

    # ------------------------------------------------------------------ sources

    def _people_by_source(self) -> list[OfficialPerson]:
        """Each file's Source row (found by its content, or added); its people cite it."""
        people: list[OfficialPerson] = []
        for document in self.documents:
            download = document.download
            key = f"{self.source.key}:{download.path.name[:60]}:{download.sha256[:16]}"
            source_id = self.session.scalars(select(Source.id).where(Source.key == key)).first()
            if source_id is None:
                source_id = self._add(
                    "source",
                    None,
                    None,
                    key=key,
                    kind="dataset",
                    title=f"{self.source.title}: {download.path.name}"[:500],
                    publisher=self.source.publisher,
                    **source_fields(download),
                )
            self.result.files.append(
                {
                    "file": download.path.name,
                    "url": download.url,
                    "sha256": download.sha256,
                    "source_id": source_id,
                    "people": len(document.people),
                    "not_modified": False,
                }
            )
            people += document.people
            self.source_of.update((id(person), source_id) for person in document.people)
        return people

    # ------------------------------------------------------------------ people

    def _add_person(self, group: list[OfficialPerson]) -> tuple[int, Parts]:
        """The new person's entity id, and the rows its change record is to hold."""
        first = group[0]
        facts = {fact: _first(group, fact) for fact in _PERSON_FACTS}
        row = self._new_row(
            "entity",
            {
                "kind": "person",
                "name": first.name.strip()[:400],
                "created_at": self.now,
                **_checked_person(first.record_id, facts),
            },
        )
        entity_id = row["id"]
        parts: Parts = defaultdict(list)
        self.people.append((row, parts))
        self._cite("entity", entity_id, self.source_of[id(first)], first.locator, parts)
        self.result.people_added += 1
        self.result.touched[entity_id] = None
        self._add_names_and_identifiers(entity_id, group, set(), set(), parts)
        return entity_id, parts

    def _update_person(self, entity_id: int, group: list[OfficialPerson], stored: _StoredFacts) -> None:
        """Add what is new about a stored person; facts already there (curated) are kept."""
        row = stored.entities[entity_id]
        blanks = {
            fact: value for fact in _PERSON_FACTS if row[fact] is None and (value := _first(group, fact))
        }
        added = self._add_names_and_identifiers(entity_id, group, stored.names[entity_id], stored.identifiers)
        if blanks:
            self._update("entity", row, _checked_person(group[0].record_id, blanks))
            self._cite("entity", entity_id, self.source_of[id(group[0])], group[0].locator)
        if blanks or added:
            self.result.people_changed += 1
            self.result.touched[entity_id] = None

    def _add_names_and_identifiers(
        self,
        entity_id: int,
        group: list[OfficialPerson],
        names: set[str],
        identifiers: set[tuple[str, str]],
        parts: Parts | None = None,
    ) -> int:
        added = 0
        primary = not names
        for person in group:
            cited = self.source_of[id(person)]
            spellings: tuple[str | OfficialName, ...] = (person.name, *person.names)
            for name in spellings:
                text = (name if isinstance(name, str) else name.name).strip()[:400]
                if not text or text in names:
                    continue
                names.add(text)
                if isinstance(name, str):
                    kind, lang, script = ("primary" if primary else "alias"), None, None
                else:
                    kind, lang, script = name.kind, name.lang, name.script
                if kind not in NAME_KINDS:
                    raise InvalidInput({"kind": f"{kind!r} is not one of: {', '.join(NAME_KINDS)}"}, "name")
                primary = False
                self._add_row(
                    "name",
                    cited,
                    person.locator,
                    parts,
                    entity_id=entity_id,
                    name=text,
                    kind=kind,
                    lang=lang,
                    script=script,
                    normalized=self.reconciler.form(text),
                )
                self.result.names_added += 1
                added += 1
            for identifier in person.identifiers:
                key = (identifier.scheme[:40], identifier.value.strip()[:200])
                if key in identifiers or not key[1]:
                    continue
                identifiers.add(key)
                self._add_row(
                    "identifier",
                    cited,
                    person.locator,
                    parts,
                    entity_id=entity_id,
                    scheme=key[0],
                    value=key[1],
                    country=_country(identifier.country),
                )
                self.result.identifiers_added += 1
                added += 1
        return added

    # ------------------------------------------------------------------ tenures and posts

    def _add_tenures(
        self, entity_id: int, group: list[OfficialPerson], stored: _StoredFacts, parts: Parts | None
    ) -> None:
        for key, (values, listings) in self._listed_tenures(entity_id, group).items():
            if values["status"] in ("current", "unknown"):
                # The file still lists it as held: that is its confirmation (the audit's
                # tenure-unconfirmed rule and as-of certainty read this date).
                values["confirmed_on"] = self.result.confirmed_on
            row = stored.tenures.get(key)
            if row is None:
                stored.tenures[key] = self._add_tenure(entity_id, values, listings, parts)
                continue
            changes = {name: value for name, value in values.items() if row.get(name) != value}
            if not changes:
                self.result.tenures_unchanged += 1
                continue
            if row["id"] in self.unwritten:
                row.update(changes)  # added earlier in this import: its create record shows these
            else:
                self._update("tenure", row, changes)
            for source_id, locator in listings:
                self._cite("tenure", row["id"], source_id, locator)
            self.result.tenures_changed += 1
            self.result.touched[entity_id] = None

    def _listed_tenures(
        self, entity_id: int, group: list[OfficialPerson]
    ) -> dict[tuple[int, int, str | None], tuple[dict[str, Any], list[tuple[int, str | None]]]]:
        """The group's tenures by (person, post, start): a post listed twice from one start
        is one tenure, valued as its last listing, cited to every listing."""
        listed: dict[tuple[int, int, str | None], tuple[dict[str, Any], list[tuple[int, str | None]]]] = {}
        for person in group:
            source_id = self.source_of[id(person)]
            for tenure in person.tenures:
                post_id = self._post(tenure.post, source_id, tenure.locator)
                values = _checked_tenure(person.record_id, tenure)
                values["post_id"] = post_id
                key = (entity_id, post_id, values["start_on"])
                listing = (source_id, tenure.locator)
                cited = listed[key][1] if key in listed else []
                listed[key] = (values, cited if listing in cited else [*cited, listing])
        return listed

    def _add_tenure(
        self,
        entity_id: int,
        values: dict[str, Any],
        listings: list[tuple[int, str | None]],
        parts: Parts | None,
    ) -> dict[str, Any]:
        """The new tenure's row (its values as its create record will show them)."""
        self.result.tenures_added += 1
        self.result.touched[entity_id] = None
        (source_id, locator), *more = listings
        row = self._add_row("tenure", source_id, locator, parts, person_id=entity_id, **values)
        for source_id, locator in more:
            self._cite("tenure", row["id"], source_id, locator, parts)
        self.unwritten.add(row["id"])
        return row

    def _post(self, post: OfficialPost, source_id: int, locator: str | None) -> int:
        """The post's id (added, cited to this listing, when it is new); asked once per
        tenure, so answered from ``post_ids`` after the post's first listing."""
        found = self.post_ids.get(post)
        if found is None:
            found = self.post_ids[post] = self._find_or_add_post(post, source_id, locator)
        return found

    def _find_or_add_post(self, post: OfficialPost, source_id: int, locator: str | None) -> int:
        country = _country(post.country)
        organization_id = None
        if post.organization:
            organization_id = self.posts.organization(post.organization)
            if organization_id is None:
                name = post.organization.strip()[:400]
                organization_id = self._add(
                    "entity", source_id, locator, kind="public_body", name=name, country=country,
                    created_at=self.now,
                )  # fmt: skip
                self._add(
                    "name", source_id, locator, entity_id=organization_id, name=name, kind="primary",
                    normalized=normalize_name(name),
                )  # fmt: skip
                self.posts.add_organization(name, organization_id)
                self.result.organizations_added += 1
        found = self.posts.find(post, organization_id, country)
        if found is not None:
            return found
        post_id = self._add(
            "post",
            source_id,
            locator,
            key=post.key,
            title=post.title.strip()[:300],
            organization_id=organization_id,
            country=country,
            single_holder=post.single_holder,
        )
        self.result.posts_added += 1
        return self.posts.add(post, organization_id, country, post_id)

    def _propose_merges(self, editor: Editor, merges: list[tuple[int, Candidate]]) -> None:
        for other_id, candidate in merges:
            proposal = propose_merge(
                editor,
                candidate.entity_id,
                other_id,
                score=candidate.score,
                explanation=candidate.explanation,
                reason=self._reason("proposed by the import of"),
            )
            if proposal.status != "proposed":
                continue  # decided already: a rejected pair is not proposed again
            self.result.merge_proposals.append(
                {
                    "merge_id": proposal.id,
                    "entity_id": proposal.entity_id,
                    "other_id": proposal.other_id,
                    "status": proposal.status,
                    "score": proposal.score,
                    "explanation": proposal.explanation,
                }
            )

    # ------------------------------------------------------------------ rows and records

    def _add(
        self,
        table: str,
        source_id: int | None,
        locator: str | None,
        parts: Parts | None = None,
        /,
        **values: Any,
    ) -> int:
        """A new row's id; its INSERT comes with the others of its table (_write_new).
        Cited when ``source_id`` is given. Logged in a new person's record when ``parts``
        are that person's, else in a record of its own."""
        return self._add_row(table, source_id, locator, parts, **values)["id"]

    def _add_row(
        self,
        table: str,
        source_id: int | None,
        locator: str | None,
        parts: Parts | None = None,
        /,
        **values: Any,
    ) -> dict[str, Any]:
        row = self._new_row(table, values)
        (self.loose if parts is None else parts)[table].append(row)
        if source_id is not None:
            self._cite(table, row["id"], source_id, locator, parts)
        return row

    def _new_row(self, table: str, values: dict[str, Any]) -> dict[str, Any]:
        """A new row with every column, as its create record shows it."""
        row = _BLANK[table].copy()
        row.update(values, id=self.ids[table].take(), version=1)
        self.new[table].append(row)
        return row

    def _cite(
        self, table: str, row_id: int, source_id: int, locator: str | None, parts: Parts | None = None
    ) -> None:
        # Built directly, not through _add: about half the rows an import writes are these.
        row = {
            "id": self.ids["citation"].take(),
            "source_id": source_id,
            "subject_table": table,
            "subject_id": row_id,
            "quote": None,
            "locator": locator[:200] if locator else None,
            "version": 1,
        }
        self.new["citation"].append(row)
        (self.loose if parts is None else parts)["citation"].append(row)

    def _write_new(self) -> None:
        """INSERT the rows added so far, a table at a time (a row only refers to rows of
        earlier tables or already written), then their create records: one for each row
        logged alone, one for each new person with the rows made with it."""
        for table in _ORDER:
            for batch in chunks(self.new.pop(table, []), 2000):
                self.inserts.insert(self.session, _TABLES[table], batch)
        for table in _ORDER:
            for row in self.loose.pop(table, []):
                self._log("create", table, None, self._json_ready(table, row))
        for row, parts in self.people:
            # The record's text in one orjson call (changelog.plain_json: these tables hold
            # no floats), the canonical JSON of the person's row with the rows made with it
            # (as they are: it writes their dates as json_ready would; not created_at's time).
            after = changelog.plain_json({**self._json_ready("entity", row), changelog.PARTS: dict(parts)})
            self.changes.add(
                "create",
                "entity",
                row["id"],
                None,
                after.decode(),
                self._reason("imported from"),
                entity_id=row["id"],
            )
        self.people = []
        self.changes.flush()
        self.unwritten.clear()

    def _json_ready(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """changelog.json_ready of a new row: only its date and time columns need it, and
        an import repeats their values (every row's created_at), so each is converted once."""
        temporal = _TEMPORAL[table]
        if not temporal:
            return row  # read, not changed: JSON takes its values as they are
        ready = dict(row)
        for key in temporal:
            value = ready[key]
            if value is not None:
                if value not in self.plain:
                    self.plain[value] = changelog.json_ready({key: value})[key]
                ready[key] = self.plain[value]
        return ready

    def _update(self, table: str, row: dict[str, Any], changes: dict[str, Any]) -> None:
        """Update a stored row (given as its column values, which are updated in place)."""
        before = changelog.json_ready(row)
        row.update(changes, version=row["version"] + 1)
        target = _TABLES[table]
        self.session.execute(
            update(target)
            .where(target.c.id == row["id"], target.c.version == before["version"])
            .values(**changes, version=row["version"])
        )
        self._log("update", table, before, changelog.json_ready(row))

    def _log(self, action: str, table: str, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
        verb = (
            "provenance of" if table == "source" else "imported from" if action == "create" else "updated by"
        )
        self.changes.add(
            action,
            table,
            after["id"],
            before,
            after,
            self._reason(verb),
            entity_id=entity_of_values(table, after),
        )


# ---------------------------------------------------------------------- values checked


def _first(group: list[OfficialPerson], fact: str) -> str | None:
    return next((value for person in group if (value := getattr(person, fact))), None)


def _country(code: str | None) -> str | None:
    if code and (len(code) != 2 or not code.isalpha()):
        raise InvalidInput({"country": f"{code!r} is not a two-letter ISO country code"}, "post")
    return code.lower() if code else None


def _checked_person(record_id: str, facts: dict[str, Any]) -> dict[str, Any]:
    """The person's facts as the entity validator would store them, or InvalidInput."""
    try:
        checked = {
            fact: dates.normalize(value) if fact.endswith("_date") else value for fact, value in facts.items()
        }
    except dates.InvalidDate as error:
        raise InvalidInput({"birth_date": f"person {record_id}: {error}"}, "entity") from None
    if "nationality" in checked:
        checked["nationality"] = _country(checked["nationality"])
    return checked


def _checked_tenure(record_id: str, tenure: OfficialTenure) -> dict[str, Any]:
    """A tenure's columns as the tenure validator would store them, or InvalidInput."""
    try:
        start, end = dates.normalize(tenure.start), dates.normalize(tenure.end)
    except dates.InvalidDate as error:
        raise InvalidInput(
            {"start_on": f"person {record_id}, {tenure.post.title}: {error}"}, "tenure"
        ) from None
    values: dict[str, Any] = {
        "start_on": start,
        "end_on": end,
        "start_from": dates.earliest_or_none(start),
        "end_until": dates.latest_or_none(end),
        "acting": tenure.acting,
        "status": tenure.status,
    }
    where = f"person {record_id}, {tenure.post.title} from {start}"
    if tenure.status not in TENURE_STATUSES:
        raise InvalidInput(
            {"status": f"{where}: {tenure.status!r} is not one of {TENURE_STATUSES}"}, "tenure"
        )
    if values["start_from"] and values["end_until"] and values["end_until"] < values["start_from"]:
        raise InvalidInput({"end_on": f"{where}: ends {end}, before it starts"}, "tenure")
    if end and tenure.status == "current":
        raise InvalidInput({"status": f"{where}: a tenure with an end date is not current"}, "tenure")
    return values


# ---------------------------------------------------------------------- what is stored


class _StoredFacts:
    """The stored rows of the people an import matched, read in a few bulk queries."""

    def __init__(self, session: Session, entity_ids: list[int]) -> None:
        ids = sorted(set(entity_ids))
        entity, tenure = _TABLES["entity"], _TABLES["tenure"]
        self.entities: dict[int, dict[str, Any]] = {}
        self.names: dict[int, set[str]] = {entity_id: set() for entity_id in ids}
        self.identifiers: set[tuple[str, str]] = set()
        self.tenures: dict[tuple[int, int, str | None], dict[str, Any]] = {}
        for batch in chunks(ids):
            for row in session.execute(select(entity).where(entity.c.id.in_(batch))):
                self.entities[row.id] = dict(row._mapping)
            for entity_id, name in session.execute(
                select(Name.entity_id, Name.name).where(col(Name.entity_id).in_(batch))
            ):
                self.names[entity_id].add(name)
            for scheme, value in session.execute(
                select(Identifier.scheme, Identifier.value).where(col(Identifier.entity_id).in_(batch))
            ):
                self.identifiers.add((scheme, value))
            for row in session.execute(select(tenure).where(tenure.c.person_id.in_(batch))):
                self.tenures[(row.person_id, row.post_id, row.start_on)] = dict(row._mapping)


class _PostIndex:
    """Stored posts by key and by (title, organization, country); bodies by name."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_key: dict[str, int] = {}
        self.by_title: dict[tuple[str, int | None, str | None], int] = {}
        for post_id, key, title, organization_id, country in session.execute(
            select(Post.id, Post.key, Post.title, Post.organization_id, Post.country)
        ):
            if key:
                self.by_key[key] = post_id
            self.by_title.setdefault((normalize_name(title), organization_id, country), post_id)
        self.bodies: dict[str, int | None] = {}

    def find(self, post: OfficialPost, organization_id: int | None, country: str | None) -> int | None:
        if post.key and post.key in self.by_key:
            return self.by_key[post.key]
        return self.by_title.get((normalize_name(post.title), organization_id, country))

    def add(self, post: OfficialPost, organization_id: int | None, country: str | None, post_id: int) -> int:
        if post.key:
            self.by_key[post.key] = post_id
        self.by_title[(normalize_name(post.title), organization_id, country)] = post_id
        return post_id

    def organization(self, name: str) -> int | None:
        """The stored organization or public body of that name (any of its names)."""
        form = normalize_name(name)
        if form not in self.bodies:
            self.bodies[form] = self.session.execute(
                select(Name.entity_id)
                .join(Entity, col(Entity.id) == Name.entity_id)
                .where(Name.normalized == form, col(Entity.kind).in_(("public_body", "organization")))
                .order_by(Name.entity_id)
                .limit(1)
            ).scalar()
        return self.bodies[form]

    def add_organization(self, name: str, entity_id: int) -> None:
        self.bodies[normalize_name(name)] = entity_id
