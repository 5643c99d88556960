"""Write parsed officials into entities, names, identifiers, posts and tenures: one
transaction, every row logged in the change log and cited to the file it came from.

Only what is new is written: a re-import of an unchanged file reads, compares and writes
nothing. Rows are added to the session in bulk and flushed a table at a time (an import
holds thousands), each logged with its exact snapshot through the importers' bulk change
log; the few proposals (merges, links) go through the service layer like any edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, SQLModel, col

from refdb import changelog
from refdb.database import Database
from refdb.importers.bulk import ChainedChangeLog, take_import_lock
from refdb.importers.officials.reconcile import Candidate, Reconciler, chunks, group_people
from refdb.importers.officials.records import (
    OfficialPerson,
    OfficialPost,
    OfficialsDocument,
    OfficialTenure,
    require_people,
)
from refdb.matching.normalize import normalize_name
from refdb.models import Citation, Entity, Identifier, Name, Post, Source, Tenure
from refdb.services.edits import Editor, entity_of
from refdb.services.merges import propose_merge
from refdb.services.validation import validate

Progress = Callable[[str, int, int | None], None]  # stage, done, total (as the list importer's)
_PERSON_FACTS = ("birth_date", "death_date", "gender", "nationality")
_SHARED_IDENTIFIERS = "one person in the source has the identifiers of both"


@dataclass
class OfficialsResult:
    """What an officials import did, as `refdb import ... --json` prints it."""

    source: str
    files: list[dict[str, Any]] = field(default_factory=list)
    not_modified: bool = False
    people: int = 0  # in the files (records sharing an identifier count once)
    people_added: int = 0
    people_matched: int = 0  # reconciled with an entity already stored
    people_changed: int = 0  # stored people that gained a name, identifier, fact or tenure
    names_added: int = 0
    identifiers_added: int = 0
    organizations_added: int = 0
    posts_added: int = 0
    tenures_added: int = 0
    tenures_changed: int = 0
    tenures_unchanged: int = 0
    merge_proposals: list[dict[str, Any]] = field(default_factory=list)
    proposals: list[dict[str, Any]] = field(default_factory=list)  # link proposals
    touched: list[int] = field(default_factory=list, repr=False)  # entity ids added or changed

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


class OfficialsWriter:
    def __init__(
        self,
        database: Database,
        source: OfficialsSource,
        documents: list[OfficialsDocument],
        actor: str | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.database = database
        self.source = source
        self.documents = documents
        self.actor = actor or database.actor
        self.progress = progress or (lambda _stage, _done, _total: None)
        self.result = OfficialsResult(source=source.key)
        # Rows added but not yet flushed: (row, source id to cite, locator, reason to log)
        self.pending: list[tuple[SQLModel, int | None, str | None, str | None]] = []

    def run(self) -> OfficialsResult:
        with Session(self.database.engine) as session, session.begin():
            take_import_lock(session)
            self.session = session
            self.changes = ChainedChangeLog(session, self.actor)
            people = self._people_by_source()
            groups = group_people(people)
            self.result.people = len(groups)
            self.posts = _PostIndex(session)
            reconciler = Reconciler(session, groups)
            resolved = [(group, reconciler.resolve(group)) for group in groups]
            stored = _StoredFacts(session, [r.entity_id for _, r in resolved if r.entity_id])
            merges: list[tuple[int, Candidate]] = []
            for done, (group, resolution) in enumerate(resolved, 1):
                if resolution.entity_id is None:
                    entity_id = self._add_person(group)
                    reconciler.remember(group, entity_id)
                    merges += [(entity_id, candidate) for candidate in resolution.unsure]
                else:
                    entity_id = resolution.entity_id
                    self.result.people_matched += 1
                    self._update_person(entity_id, group, stored)
                    merges += [
                        (other, Candidate(entity_id, 1.0, _SHARED_IDENTIFIERS))
                        for other in resolution.conflicts
                    ]
                self._add_tenures(entity_id, group, stored)
                if done % 200 == 0 or done == len(resolved):
                    self.progress("write", done, len(resolved))
            self._flush()
            self.changes.flush()
            self._propose_merges(Editor(session, self.actor), merges)
        return self.result

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

    def _reason(self, verb: str) -> str:
        files = ", ".join(f"{f['file']} (sha256 {f['sha256'][:12]})" for f in self.result.files)
        return f"{verb} {self.source.key} {files}"

    # ------------------------------------------------------------------ sources

    def _people_by_source(self) -> list[OfficialPerson]:
        """Each file's Source row (found by its content, or created); its people cite it."""
        people: list[OfficialPerson] = []
        self.source_of: dict[int, int] = {}  # id(person) -> Source row id
        for document in self.documents:
            download = document.download
            key = f"{self.source.key}:{download.path.name[:60]}:{download.sha256[:16]}"
            row = self.session.scalars(select(Source).where(Source.key == key)).first()
            if row is None:
                row = Source(
                    key=key,
                    kind="dataset",
                    title=f"{self.source.title}: {download.path.name}"[:500],
                    publisher=self.source.publisher,
                    url=download.url,
                    fetched_at=download.fetched_at,
                    sha256=download.sha256,
                    size=download.size,
                    etag=download.etag,
                    last_modified=download.last_modified,
                )
                self._create(row, None, None, f"provenance of {self.source.key} {download.path.name}")
                self._flush()
            self.result.files.append(
                {
                    "file": download.path.name,
                    "url": download.url,
                    "sha256": download.sha256,
                    "source_id": row.id,
                    "people": len(document.people),
                    "not_modified": False,
                }
            )
            people += document.people
            self.source_of.update((id(person), row.id) for person in document.people)  # type: ignore[misc]
        return people

    # ------------------------------------------------------------------ people

    def _add_person(self, group: list[OfficialPerson]) -> int:
        first = group[0]
        entity = Entity(
            kind="person",
            name=first.name[:400],
            **{fact: _first(group, fact) for fact in _PERSON_FACTS},
        )
        self._create(entity, self.source_of[id(first)], first.locator)
        self._flush()  # the names and identifiers below need its id
        self.result.people_added += 1
        self.result.touched.append(entity.id)  # type: ignore[arg-type]
        self._add_names_and_identifiers(entity.id, group, set(), set())  # type: ignore[arg-type]
        return entity.id  # type: ignore[return-value]

    def _update_person(self, entity_id: int, group: list[OfficialPerson], stored: _StoredFacts) -> None:
        """Add what is new about a stored person; curated facts already there are kept."""
        entity = stored.entities[entity_id]
        blanks = {
            fact: value
            for fact in _PERSON_FACTS
            if getattr(entity, fact) is None and (value := _first(group, fact))
        }
        added = self._add_names_and_identifiers(entity_id, group, stored.names[entity_id], stored.identifiers)
        if blanks:
            before = changelog.snapshot(entity)
            for fact, value in blanks.items():
                setattr(entity, fact, value)
            validate(entity)
            self.session.flush()
            self._log("update", entity, before)
            self._cite(entity, self.source_of[id(group[0])], group[0].locator)
        if blanks or added:
            self.result.people_changed += 1
            self.result.touched.append(entity_id)

    def _add_names_and_identifiers(
        self,
        entity_id: int,
        group: list[OfficialPerson],
        names: set[str],
        identifiers: set[tuple[str, str]],
    ) -> int:
        added = 0
        for person in group:
            cited = self.source_of[id(person)]
            primary = not names
            for name in (person.name, *person.names):
                text = (name if isinstance(name, str) else name.name).strip()[:400]
                if not text or text in names:
                    continue
                names.add(text)
                row = Name(entity_id=entity_id, name=text, normalized="")
                if isinstance(name, str):
                    row.kind = "primary" if primary else "alias"
                else:
                    row.kind, row.lang, row.script = name.kind, name.lang, name.script
                primary = False
                self._create(row, cited, person.locator)
                self.result.names_added += 1
                added += 1
            for identifier in person.identifiers:
                key = (identifier.scheme, identifier.value)
                if key in identifiers:
                    continue
                identifiers.add(key)
                row = Identifier(
                    entity_id=entity_id,
                    scheme=identifier.scheme[:40],
                    value=identifier.value[:200],
                    country=identifier.country,
                )
                self._create(row, cited, person.locator)
                self.result.identifiers_added += 1
                added += 1
        return added

    # ------------------------------------------------------------------ tenures

    def _add_tenures(self, entity_id: int, group: list[OfficialPerson], stored: _StoredFacts) -> None:
        for person in group:
            source_id = self.source_of[id(person)]
            for tenure in person.tenures:
                post_id = self._post(tenure.post, source_id, tenure.locator)
                key = (entity_id, post_id, tenure.start)
                row = stored.tenures.get(key)
                if row is None:
                    row = Tenure(
                        person_id=entity_id,
                        post_id=post_id,
                        start_on=tenure.start,
                        end_on=tenure.end,
                        acting=tenure.acting,
                        status=tenure.status,
                    )
                    self._create(row, source_id, tenure.locator)
                    stored.tenures[key] = row
                    self.result.tenures_added += 1
                    self._touch(entity_id)
                    continue
                changes = _tenure_changes(row, tenure)
                if not changes:
                    self.result.tenures_unchanged += 1
                    continue
                before = changelog.snapshot(row)
                for name, value in changes.items():
                    setattr(row, name, value)
                validate(row)
                self.session.flush()
                self._log("update", row, before)
                self._cite(row, source_id, tenure.locator)
                self.result.tenures_changed += 1
                self._touch(entity_id)

    def _touch(self, entity_id: int) -> None:
        if entity_id not in self.result.touched:
            self.result.touched.append(entity_id)

    def _post(self, post: OfficialPost, source_id: int, locator: str | None) -> int:
        organization_id = None
        if post.organization:
            organization_id = self.posts.organization(post.organization)
            if organization_id is None:
                body = Entity(kind="public_body", name=post.organization[:400], country=post.country)
                self._create(body, source_id, locator)
                self._flush()
                self._create(
                    Name(entity_id=body.id, name=body.name, kind="primary", normalized=""),  # type: ignore[arg-type]
                    source_id,
                    locator,
                )
                organization_id = self.posts.add_organization(post.organization, body.id)  # type: ignore[arg-type]
                self.result.organizations_added += 1
        found = self.posts.find(post, organization_id)
        if found is not None:
            return found
        row = Post(
            key=post.key,
            title=post.title[:300],
            organization_id=organization_id,
            country=post.country,
            single_holder=post.single_holder,
        )
        self._create(row, source_id, locator)
        self._flush()
        self.result.posts_added += 1
        return self.posts.add(post, organization_id, row.id)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ rows and records

    def _create(
        self, row: SQLModel, source_id: int | None, locator: str | None, reason: str | None = None
    ) -> None:
        """Validate and add a row; it is flushed, logged and cited with the next flush."""
        validate(row)
        self.session.add(row)
        self.pending.append((row, source_id, locator, reason))

    def _flush(self) -> None:
        if not self.pending:
            return
        self.session.flush()
        pending, self.pending = self.pending, []
        citations: list[Citation] = []
        for row, source_id, locator, reason in pending:
            self._log("create", row, None, reason)
            if source_id is not None:
                citation = Citation(
                    source_id=source_id,
                    subject_table=row.__tablename__,  # type: ignore[arg-type]
                    subject_id=row.id,  # type: ignore[attr-defined]
                    locator=locator[:200] if locator else None,
                )
                validate(citation)
                self.session.add(citation)
                citations.append(citation)
        if citations:
            self.session.flush()
            for citation in citations:
                self._log("create", citation, None)

    def _cite(self, row: SQLModel, source_id: int, locator: str | None) -> None:
        citation = Citation(
            source_id=source_id,
            subject_table=row.__tablename__,  # type: ignore[arg-type]
            subject_id=row.id,  # type: ignore[attr-defined]
            locator=locator[:200] if locator else None,
        )
        self._create(citation, None, None)

    def _log(
        self, action: str, row: SQLModel, before: dict[str, Any] | None, reason: str | None = None
    ) -> None:
        self.changes.add(
            action,
            row.id,  # type: ignore[attr-defined]
            before,
            changelog.snapshot(row),
            reason or self._reason("imported from" if action == "create" else "updated by"),
            table_name=row.__tablename__,  # type: ignore[arg-type]
            entity_id=entity_of(row),
        )


def _first(group: list[OfficialPerson], fact: str) -> str | None:
    return next((value for person in group if (value := getattr(person, fact))), None)


def _tenure_changes(row: Tenure, tenure: OfficialTenure) -> dict[str, Any]:
    """What the source now says differently about a stored tenure (same person, post, start)."""
    wanted = {"end_on": tenure.end, "status": tenure.status, "acting": tenure.acting}
    return {name: value for name, value in wanted.items() if getattr(row, name) != value}


class _StoredFacts:
    """The stored rows of the people an import matched, read in a few bulk queries."""

    def __init__(self, session: Session, entity_ids: list[int]) -> None:
        ids = sorted(set(entity_ids))
        self.entities: dict[int, Entity] = {}
        self.names: dict[int, set[str]] = {entity_id: set() for entity_id in ids}
        self.identifiers: set[tuple[str, str]] = set()
        self.tenures: dict[tuple[int, int, str | None], Tenure] = {}
        for batch in chunks(ids):
            for entity in session.scalars(select(Entity).where(col(Entity.id).in_(batch))):
                self.entities[entity.id] = entity  # type: ignore[index]
            for entity_id, name in session.execute(
                select(Name.entity_id, Name.name).where(col(Name.entity_id).in_(batch))
            ):
                self.names[entity_id].add(name)
            self.identifiers.update(
                (scheme, value)
                for scheme, value in session.execute(
                    select(Identifier.scheme, Identifier.value).where(col(Identifier.entity_id).in_(batch))
                )
            )
            for tenure in session.scalars(select(Tenure).where(col(Tenure.person_id).in_(batch))):
                self.tenures[(tenure.person_id, tenure.post_id, tenure.start_on)] = tenure


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
        self.bodies: dict[str, int] = {}

    def find(self, post: OfficialPost, organization_id: int | None) -> int | None:
        if post.key and post.key in self.by_key:
            return self.by_key[post.key]
        return self.by_title.get((normalize_name(post.title), organization_id, post.country))

    def add(self, post: OfficialPost, organization_id: int | None, post_id: int) -> int:
        if post.key:
            self.by_key[post.key] = post_id
        self.by_title[(normalize_name(post.title), organization_id, post.country)] = post_id
        return post_id

    def organization(self, name: str) -> int | None:
        """The stored organization or public body of that name (any of its names)."""
        form = normalize_name(name)
        if form not in self.bodies:
            found = self.session.execute(
                select(Name.entity_id)
                .join(Entity, col(Entity.id) == Name.entity_id)
                .where(Name.normalized == form, col(Entity.kind).in_(("public_body", "organization")))
                .order_by(Name.entity_id)
                .limit(1)
            ).scalar()
            if found is None:
                return None
            self.bodies[form] = found
        return self.bodies[form]

    def add_organization(self, name: str, entity_id: int) -> int:
        self.bodies[normalize_name(name)] = entity_id
        return entity_id


def apply_officials(
    database: Database,
    source: OfficialsSource,
    documents: list[OfficialsDocument],
    *,
    actor: str | None = None,
    progress: Progress | None = None,
) -> OfficialsResult:
    """Write the documents' people in one transaction; nothing is written if any part fails."""
    for document in documents:
        require_people(f"{source.key} {document.download.path.name}", document.people)
    return OfficialsWriter(database, source, documents, actor, progress).run()
