"""What every officials parser yields: people with their names, identifiers and dated posts,
as the source publishes them, before any database work (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass, field

from refdb.importers.downloads import Download
from refdb.importers.records import ImportFormatError, ParsedEntry


@dataclass(frozen=True, slots=True)
class OfficialName:
    name: str
    kind: str = "alias"  # primary, alias, weak_alias, former, original_script
    lang: str | None = None  # e.g. "en", "ru", "zh"
    script: str | None = None  # ISO 15924, e.g. "Latn", "Cyrl", "Hani"


@dataclass(frozen=True, slots=True)
class OfficialIdentifier:
    scheme: str  # lower case: "wikidata", "bioguide", "govtrack", "fec", ...
    value: str
    country: str | None = None


@dataclass(frozen=True, slots=True)
class OfficialPost:
    """A position; the same title in the same organization and country is one post."""

    title: str
    organization: str | None = None  # the body's name, e.g. "United States Senate"
    country: str | None = None  # ISO alpha-2, lower case
    single_holder: bool = False
    key: str | None = None  # a stable key when the source has one, e.g. "wikidata-Q11696"


@dataclass(frozen=True, slots=True)
class OfficialTenure:
    post: OfficialPost
    start: str | None  # ISO partial date at the source's precision: "2012", "2012-05", "2012-05-07"
    end: str | None
    acting: bool = False
    status: str = "unknown"  # current, ended, unknown; a tenure with an end is "ended"
    locator: str | None = None  # where in the file, e.g. "bioguide P000197, terms[17]"


@dataclass(frozen=True, slots=True)
class OfficialPerson:
    record_id: str  # the source's own id of the person, for messages
    name: str  # display name
    names: tuple[OfficialName, ...] = ()  # besides the display name
    identifiers: tuple[OfficialIdentifier, ...] = ()
    birth_date: str | None = None
    death_date: str | None = None
    gender: str | None = None  # "male", "female", ... as the seeds write it
    nationality: str | None = None  # ISO alpha-2, lower case
    tenures: tuple[OfficialTenure, ...] = ()
    locator: str | None = None  # cites the person, names and identifiers


@dataclass(frozen=True, slots=True)
class StatedSanction:
    """A sanction the file states (an FtM Sanction): its target as the file describes it,
    as a list entry, and the authority that imposed it as the file names it."""

    authority: str | None
    entry: ParsedEntry  # record_id is the Sanction's id; remarks its reason
    ended: str | None  # the sanction's end date, if the file gives one
    locator: str


@dataclass(frozen=True)
class OfficialsDocument:
    """One file's people (and the sanctions it states), and the file they came from (a
    Download of importers.service)."""

    download: Download
    people: list[OfficialPerson] = field(default_factory=list)
    sanctions: list[StatedSanction] = field(default_factory=list)
    # Names' normalize_name forms worked out beside the parse (officials/forms.py): some or
    # all of the file's names, or none; the writer works out the rest.
    forms: dict[str, str] = field(default_factory=dict)


def require_people(source: str, people: list[OfficialPerson]) -> list[OfficialPerson]:
    """Refuse a file without people, or with a person without a name or an identifier."""
    if not people:
        raise ImportFormatError(f"{source}: the file holds no people")
    for person in people:
        if not person.name.strip():
            raise ImportFormatError(f"{source}: person {person.record_id} has no name")
        if not person.identifiers:
            raise ImportFormatError(f"{source}: person {person.record_id} has no identifier")
    return people
