"""Which stored entity an imported person is: by identifier first, by name and birth date
second, and when unsure, none (a new entity) with merge proposals for a person to decide.

Records of one import that share an identifier are one person before anything else
(``group_people``): Joe Biden in two files is reconciled once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session, col

from refdb import dates
from refdb.importers.officials.records import OfficialPerson
from refdb.matching.normalize import normalize_name
from refdb.matching.score import score_entity
from refdb.models import Entity, Identifier, Name

# Schemes whose values name one person for certain: two different values under one of
# these mean two different people, whatever their names.
STRONG_SCHEMES = ("wikidata", "bioguide")
SAME_PERSON = 0.85  # matcher score above which equal birth dates make a pair worth proposing
CHUNK = 500  # values per IN (...) list


@dataclass
class Candidate:
    """A stored person an imported one may be, and why."""

    entity_id: int
    score: float
    explanation: str


@dataclass
class Resolution:
    entity_id: int | None  # the stored entity this person is; None: a new one
    how: str | None = None  # "identifier" or "name and birth date"
    unsure: list[Candidate] = field(default_factory=list)  # proposed as merges with the new entity
    conflicts: list[int] = field(default_factory=list)  # several stored entities share its identifiers


def group_people(people: Iterable[OfficialPerson]) -> list[list[OfficialPerson]]:
    """Records sharing any identifier, grouped (union-find), in first-seen order."""
    parent: dict[int, int] = {}
    records = list(people)

    def root(i: int) -> int:
        while parent.setdefault(i, i) != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[str, str], int] = {}
    for index, person in enumerate(records):
        root(index)
        for identifier in person.identifiers:
            key = (identifier.scheme, identifier.value)
            if key in owner:
                parent[root(index)] = root(owner[key])
            else:
                owner[key] = index
    groups: dict[int, list[OfficialPerson]] = defaultdict(list)
    for index, person in enumerate(records):
        groups[root(index)].append(person)
    return list(groups.values())


def chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Reconciler:
    """Resolves grouped people against the stored entities with a few bulk reads."""

    def __init__(
        self, session: Session, groups: list[list[OfficialPerson]], forms: dict[str, str] | None = None
    ) -> None:
        self.session = session
        by_scheme: dict[str, set[str]] = defaultdict(set)
        for group in groups:
            for person in group:
                for identifier in person.identifiers:
                    by_scheme[identifier.scheme].add(identifier.value)
        self.by_identifier: dict[tuple[str, str], int] = {}
        # Asked a scheme at a time: the (scheme, value) index then answers each value.
        for scheme, values in sorted(by_scheme.items()):
            for batch in chunks(sorted(values)):
                for value, entity_id in session.execute(
                    select(Identifier.value, Identifier.entity_id).where(
                        Identifier.scheme == scheme, col(Identifier.value).in_(batch)
                    )
                ):
                    self.by_identifier[(scheme, value)] = entity_id
        self._people: _StoredPeople | None = None
        # name -> normalize_name(name), kept for the writer; some may be known already
        self.forms: dict[str, str] = forms if forms is not None else {}

    def form(self, name: str) -> str:
        """``normalize_name(name)``, remembered: the writer asks again for each new name
        (normalize_name's own cache is smaller than a large file's names)."""
        found = self.forms.get(name)
        if found is None:
            found = self.forms[name] = normalize_name(name)
        return found

    def resolve(self, group: list[OfficialPerson]) -> Resolution:
        found = sorted(
            {
                entity_id
                for person in group
                for i in person.identifiers
                if (entity_id := self.by_identifier.get((i.scheme, i.value))) is not None
            }
        )
        if found:
            return Resolution(found[0], "identifier", conflicts=found[1:])
        return self._by_name_and_birth(group)

    # ------------------------------------------------------------ second: name and birth date

    def _by_name_and_birth(self, group: list[OfficialPerson]) -> Resolution:
        person = group[0]
        names = list(dict.fromkeys(n for p in group for n in (p.name, *(x.name for x in p.names))))
        forms = {self.form(n) for n in names} - {""}
        birth = next((p.birth_date for p in group if p.birth_date), None)
        strong = {(i.scheme, i.value) for p in group for i in p.identifiers if i.scheme in STRONG_SCHEMES}
        sure: list[Candidate] = []
        unsure: list[Candidate] = []
        stored = self._stored()
        for entity_id in self._candidates(forms, birth):
            stored_birth, stored_names = stored.people[entity_id]
            agreement = _birth_agreement(birth, stored_birth)
            same_name = any(form in forms for _, form in stored_names)
            if agreement == "conflict" or not (same_name or agreement == "exact"):
                continue
            if self._identifiers_differ(entity_id, strong):
                continue
            if same_name and agreement == "exact":
                sure.append(Candidate(entity_id, 1.0, f"same name and birth date {birth}"))
                continue
            match = score_entity(
                person.name,
                [name for name, _ in stored_names],
                birth_date=birth,
                candidate_birth_dates=[stored_birth] if stored_birth else [],
            )
            if same_name or match.score >= SAME_PERSON:
                unsure.append(
                    Candidate(entity_id, min(match.score, 0.99), f"{match.explanation}; {_BORN[agreement]}")
                )
        if len(sure) == 1:
            return Resolution(sure[0].entity_id, "name and birth date")
        return Resolution(None, unsure=sure + unsure)

    def _candidates(self, forms: set[str], birth: str | None) -> list[int]:
        """Stored people with one of these names, or born on the same day."""
        stored = self._stored()
        found = {entity_id for form in forms for entity_id in stored.by_form.get(form, ())}
        if birth and len(birth) == 10:
            found |= stored.by_birth.get(birth, set())
        return sorted(found)

    def _stored(self) -> _StoredPeople:
        """Every stored person's birth date and names, read once on first need."""
        if self._people is None:
            people = _StoredPeople()
            for entity_id, birth in self.session.execute(
                select(Entity.id, Entity.birth_date).where(
                    Entity.kind == "person", col(Entity.merged_into_id).is_(None)
                )
            ):
                people.people[entity_id] = (birth, [])
                if birth:
                    people.by_birth[birth].add(entity_id)
            for entity_id, name, normalized in self.session.execute(
                select(Name.entity_id, Name.name, Name.normalized)
                .join(Entity, col(Entity.id) == Name.entity_id)
                .where(Entity.kind == "person")
            ):
                people.people[entity_id][1].append((name, normalized))
                people.by_form[normalized].add(entity_id)
            self._people = people
        return self._people

    def _identifiers_differ(self, entity_id: int, strong: set[tuple[str, str]]) -> bool:
        """The stored person has another value under a scheme that names one person."""
        schemes = {scheme for scheme, _ in strong}
        stored = {
            (scheme, value)
            for scheme, value in self.session.execute(
                select(Identifier.scheme, Identifier.value).where(
                    Identifier.entity_id == entity_id, col(Identifier.scheme).in_(schemes)
                )
            )
        }
        return bool(stored - strong)

    def remember(self, group: list[OfficialPerson], entity_id: int) -> None:
        """A person just written: later groups of the same import find it by identifier."""
        for person in group:
            for i in person.identifiers:
                self.by_identifier.setdefault((i.scheme, i.value), entity_id)


_BORN = {
    "exact": "same birth date",
    "compatible": "birth dates overlap",
    "unknown": "a birth date is missing on one side",
}


@dataclass
class _StoredPeople:
    people: dict[int, tuple[str | None, list[tuple[str, str]]]] = field(default_factory=dict)
    by_form: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_birth: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))


def _birth_agreement(ours: str | None, theirs: str | None) -> str:
    """exact (same full date), compatible (overlapping partial dates), conflict, or unknown."""
    if not ours or not theirs:
        return "unknown"
    if ours == theirs and len(ours) == 10:
        return "exact"
    if dates.latest(ours) < dates.earliest(theirs) or dates.latest(theirs) < dates.earliest(ours):
        return "conflict"
    return "compatible"
