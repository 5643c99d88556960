"""Read FollowTheMoney entities (JSON lines, e.g. OpenSanctions' PEP exports) as officials.

Every Person becomes an official with its names, identifiers (its FtM id under the scheme
"ftm", so that a re-import finds it again; ``wikidataId``, and an id that is a Wikidata
QID, as OpenSanctions gives PEPs, under "wikidata"; its Identifications), birth and death
dates and nationality; each Occupancy whose holder it is becomes a tenure of the
Position occupied, in the Position's organization. Organizations are written as the bodies
of posts. Each Sanction of a Person or organization in the file is stated as a list entry
of its authority (officials/sanctions.py writes it); its target is described as the file
describes it.

The whole file is checked before anything is written: a line that is not JSON, a schema
FtM does not have, or a reference to an entity that is not in the file refuses it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

import orjson

from refdb import dates
from refdb.ftm import GENDERS, SCHEMATA
from refdb.importers.dates import from_iso
from refdb.importers.inputs import check_head, guess_script
from refdb.importers.officials.records import (
    OfficialIdentifier,
    OfficialName,
    OfficialPerson,
    OfficialPost,
    OfficialTenure,
    StatedSanction,
)
from refdb.importers.records import ImportFormatError, ParsedEntry, ParsedIdentifier, ParsedName, unique
from refdb.vocab import TENURE_STATUSES

KEY = "ftm"
TITLE = "FollowTheMoney entities"
PUBLISHER = "as named in the file (FollowTheMoney JSON lines)"
ORGANIZATIONS = ("Organization", "PublicBody", "Company", "LegalEntity")
# The schemata read, and which of their properties refer to entities of which schemata.
REFERENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "Person": {},
    **{schema: {} for schema in ORGANIZATIONS},
    "Position": {"organization": ORGANIZATIONS},
    "Occupancy": {"holder": ("Person",), "post": ("Position",)},
    "Identification": {"holder": ("Person", *ORGANIZATIONS)},
    "Passport": {"holder": ("Person", *ORGANIZATIONS)},
    "Address": {},
    "Sanction": {"entity": ()},  # any schema
}
PAPERS = ("Identification", "Passport")  # FtM's Passport is an Identification too
_QID = re.compile(r"^Q[1-9]\d*$")
_NAME_KINDS = {"name": "alias", "alias": "alias", "weakAlias": "weak_alias", "previousName": "former"}
# Person properties that hold identifiers, and the scheme refdb files them under.
_IDENTIFIER_PROPERTIES = {"passportNumber": "passport", "idNumber": "national id", "taxNumber": "tax id"}
# The identifier properties of a sanctioned Person or organization that its list entry
# carries, under FtM's label for the property (the label "as published", as the list
# importers keep OFAC's "Tax ID No."). Not carried: wikidataId, programId (not the
# target's), okvedCode (an activity), securities and commercial database codes.
_ENTRY_IDENTIFIERS = {
    "passportNumber": "Passport number",
    "idNumber": "ID Number",
    "taxNumber": "Tax Number",
    "socialSecurityNumber": "Social security number",
    "registrationNumber": "Registration number",
    "licenseNumber": "License Number",
    "vatCode": "V.A.T. Identifier",
    "innCode": "INN",
    "ogrnCode": "OGRN",
    "okpoCode": "OKPO",
    "kppCode": "KPP",
    "uscCode": "USCC",
    "leiCode": "LEI",
    "dunsCode": "DUNS",
    "swiftBic": "SWIFT/BIC",
    "imoNumber": "IMO Number",
    "cageCode": "CAGE",
    "giiNumber": "GIIN",
    "uniqueEntityId": "Unique Entity ID",
    "npiCode": "NPI",
    "irsCode": "IRS Number",
    "cikCode": "SEC Central Index Key",
}
_ADDRESS_PARTS = ("street", "street2", "postOfficeBox", "city", "postalCode", "region", "state", "country")
# The properties read of each schema: only these are kept while the file is read (a PEP
# export's notes, addresses and source URLs would otherwise all be held until the end).
_KEPT: dict[str, frozenset[str]] = {
    "Person": frozenset(
        {*_NAME_KINDS, *_ENTRY_IDENTIFIERS, "wikidataId", "birthDate", "deathDate", "gender"}
        | {"nationality", "citizenship", "country", "address", "addressEntity"}
    ),
    # A sanctioned organization's entry carries its identifiers and addresses.
    **{
        schema: frozenset({*_NAME_KINDS, *_ENTRY_IDENTIFIERS, "address", "addressEntity"})
        for schema in ORGANIZATIONS
    },
    "Position": frozenset(["name", "organization", "country", "wikidataId"]),
    "Occupancy": frozenset(["holder", "post", "startDate", "endDate", "status", "description"]),
    "Identification": frozenset(["holder", "type", "number", "country"]),
    "Passport": frozenset(["holder", "type", "number", "passportNumber", "country"]),
    "Address": frozenset(["full", *_ADDRESS_PARTS]),
    "Sanction": frozenset(
        {"entity", "authority", "program", "programId", "listingDate", "startDate", "endDate"}
        | {"reason", "sourceUrl", "authorityId", "unscId"}
    ),
}
_RECORD_ID = 60  # SanctionEntry.record_id's length


@dataclass(slots=True)
class _Entity:
    id: str
    schema: str
    line: int
    properties: dict[str, list[str]]
    caption: str | None = None

    def values(self, prop: str) -> Sequence[str]:
        return self.properties.get(prop, ())

    def first(self, prop: str) -> str | None:
        values = self.properties.get(prop)
        return values[0] if values else None

    @property
    def where(self) -> str:
        return f"line {self.line}: {self.schema} {self.id}"


@dataclass
class _File:
    label: str
    entities: dict[str, _Entity] = field(default_factory=dict)
    by_holder: dict[str, list[_Entity]] = field(default_factory=dict)  # person id → Occupancies, IDs
    posts: dict[str, tuple[OfficialPost, str]] = field(default_factory=dict)  # by Position id, and where


def parse(path: Path) -> list[OfficialPerson]:
    """The people of an FtM JSON lines file, in file order."""
    return read(path)[0]


def read(path: Path) -> tuple[list[OfficialPerson], list[StatedSanction]]:
    """The people and the sanctions of an FtM JSON lines file, in file order. Each entity
    read is let go once its person is made, so the file's entities and its people are not
    all held."""
    file = _read(path)
    _check_references(file)
    people: list[str] = []
    for entity_id, entity in list(file.entities.items()):
        if entity.schema == "Occupancy" or entity.schema in PAPERS:
            file.by_holder.setdefault(entity.first("holder") or "", []).append(entity)
            del file.entities[entity_id]
        elif entity.schema == "Person":
            people.append(entity_id)
    sanctions = [
        stated
        for entity in file.entities.values()
        if entity.schema == "Sanction"
        for stated in _sanctions(file, entity)
    ]
    return [_person(file, file.entities.pop(entity_id)) for entity_id in people], sanctions


def names_in(path: Path) -> list[str]:
    """Every name of the file's people and organizations, once each, read quickly: lines
    that are not JSON, or not entities, are passed over (``read`` refuses them)."""
    names: dict[str, None] = {}
    with path.open("rb") as handle:
        for line in handle:
            try:
                data = orjson.loads(line)
                if data["schema"] == "Person" or data["schema"] in ORGANIZATIONS:
                    properties = data["properties"]
                    for prop in _NAME_KINDS:
                        names.update((name, None) for name in properties.get(prop, ()) if type(name) is str)
            except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
                continue
    return list(names)


def _read(path: Path) -> _File:
    file = _File(f"{KEY} {path.name}")
    with path.open("rb") as handle:
        check_head(file.label, handle.read(4096))
    with path.open(encoding="utf-8", errors="strict") as handle:
        try:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    _add(file, _entity(file.label, number, line))
        except UnicodeDecodeError as error:
            raise ImportFormatError(f"{file.label}: not UTF-8 text ({error.reason})") from None
    if not any(e.schema == "Person" for e in file.entities.values()):
        raise ImportFormatError(f"{file.label}: the file holds no Person entities")
    return file


def _entity(label: str, number: int, line: str) -> _Entity | None:
    """One line as an entity of a schema this import reads; None for the other FtM schemata."""
    try:
        data = _decoded(line.rstrip("\r\n"))
    except json.JSONDecodeError as error:
        raise ImportFormatError(
            f"{label}: line {number} is not JSON ({error.msg}, column {error.colno})"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not data["id"]:
        raise ImportFormatError(f'{label}: line {number} is not an FtM entity (no "id")')
    schema = data.get("schema")
    if schema not in SCHEMATA:
        raise ImportFormatError(f"{label}: line {number}: unknown FtM schema {schema!r}")
    if schema not in REFERENCES:
        return None
    properties = data.get("properties", {})
    # Checked with C-level loops: this runs for every line of files of millions of lines.
    if (
        type(properties) is not dict
        or not set(map(type, properties.values())) <= {list}
        or not set(map(type, chain.from_iterable(properties.values()))) <= {str}
    ):
        raise ImportFormatError(f"{label}: line {number}: properties must be lists of strings")
    caption = data.get("caption") if isinstance(data.get("caption"), str) else None
    kept = _KEPT[schema]
    if not kept.issuperset(properties):
        properties = {prop: values for prop, values in properties.items() if prop in kept}
    if schema == "Occupancy" and "description" in properties:  # read only for "acting"
        acting = "acting" in (d.casefold() for d in properties.pop("description"))
        properties.update({"description": ["acting"]} if acting else {})
    return _Entity(data["id"], schema, number, properties, caption)


def _decoded(line: str) -> Any:
    """The line's JSON value: orjson reads a PEP export's lines in half json's time; what it
    refuses (NaN, a lone surrogate, a bad line) is read, or refused, by json, as before."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)


def _add(file: _File, entity: _Entity | None) -> None:
    """Fragments of one entity (FtM streams may repeat an id) are merged."""
    if entity is None:
        return
    known = file.entities.get(entity.id)
    if known is None:
        file.entities[entity.id] = entity
        return
    if known.schema != entity.schema:
        raise ImportFormatError(
            f"{file.label}: line {entity.line}: {entity.id} is a {entity.schema} here but a "
            f"{known.schema} on line {known.line}"
        )
    for prop, values in entity.properties.items():
        known.properties[prop] = list(dict.fromkeys([*known.values(prop), *values]))


def _check_references(file: _File) -> None:
    for entity in file.entities.values():
        for prop, schemata in REFERENCES[entity.schema].items():
            for ref in entity.values(prop):
                target = file.entities.get(ref)
                if target is None and not schemata:
                    continue  # a Sanction may name entities of schemata this import does not read
                if target is None:
                    raise ImportFormatError(
                        f"{file.label}: {entity.where} refers to {ref} ({prop}), which is not in the file"
                    )
                if schemata and target.schema not in schemata:
                    raise ImportFormatError(
                        f"{file.label}: {entity.where}: {prop} {ref} is a {target.schema}, "
                        f"not a {' or '.join(schemata)}"
                    )
        for prop in ("holder", "post") if entity.schema == "Occupancy" else ():
            if not entity.values(prop):
                raise ImportFormatError(f"{file.label}: {entity.where} has no {prop}")


def _person(file: _File, entity: _Entity) -> OfficialPerson:
    names = [name for prop in _NAME_KINDS for name in entity.values(prop)]
    if not names:
        raise ImportFormatError(f"{file.label}: {entity.where} has no name")
    display = entity.caption if entity.caption in names else names[0]
    linked = file.by_holder.pop(entity.id, [])
    return OfficialPerson(
        record_id=entity.id,
        name=display,
        names=_names(entity, display),
        identifiers=_identifiers(entity, [e for e in linked if e.schema in PAPERS]),
        birth_date=_date(file, entity, "birthDate"),
        death_date=_date(file, entity, "deathDate"),
        gender=next((g for g in entity.values("gender") if g in GENDERS), None),
        nationality=_country(entity, "nationality", "citizenship", "country"),
        tenures=tuple(_tenure(file, o) for o in linked if o.schema == "Occupancy"),
        locator=entity.where,
    )


def _sanctions(file: _File, sanction: _Entity) -> list[StatedSanction]:
    """The sanction as a list entry of each of its targets in the file (a target the file
    does not describe, or of a schema not read, gives no entry: nothing would name it)."""
    targets = [
        target
        for ref in sanction.values("entity")
        if (target := file.entities.get(ref))
        and (target.schema == "Person" or target.schema in ORGANIZATIONS)
    ]
    listed, ended = _date(file, sanction, "listingDate"), _date(file, sanction, "endDate")
    if listed and ended and dates.latest(ended) < dates.earliest(listed):
        raise ImportFormatError(
            f"{file.label}: {sanction.where} ends ({ended}) before it is listed ({listed})"
        )
    stated = []
    for target in targets:
        record_id = sanction.id if len(targets) == 1 else f"{sanction.id}/{target.id}"
        if len(record_id) > _RECORD_ID:  # kept unique and stable: a re-import finds it again
            record_id = (
                f"{record_id[: _RECORD_ID - 17]}-{hashlib.sha256(record_id.encode()).hexdigest()[:16]}"
            )
        names = [name for prop in _NAME_KINDS for name in target.values(prop)]
        if not names:
            raise ImportFormatError(f"{file.label}: {target.where} has no name")
        display = target.caption if target.caption in names else names[0]
        person = target.schema == "Person"
        entry = ParsedEntry(
            record_id=record_id,
            target_kind="person" if person else "organization",
            name=display,
            names=tuple(ParsedName(n.name, n.kind, n.lang, n.script) for n in _names(target, display)),
            birth_dates=tuple(d for d in [_date(file, target, "birthDate")] if d) if person else (),
            birth_places=(),
            nationalities=tuple(
                dict.fromkeys(
                    v.lower()
                    for p in ("nationality", "citizenship")
                    for v in target.values(p)
                    if len(v) == 2 and v.isalpha()
                )
            ),
            addresses=_addresses(file, target),
            identifiers=_entry_identifiers(file, target),
            programs=tuple(dict.fromkeys(sanction.values("programId") or sanction.values("program"))),
            listed_on=listed,
            remarks="\n".join(sanction.values("reason")) or None,
            title=None,
            raw={**sanction.properties, "entity": [target.id]},
        )
        stated.append(
            StatedSanction(sanction.first("authority"), entry, ended, f"{sanction.where}; {target.where}")
        )
    return stated


def _names(entity: _Entity, display: str) -> tuple[OfficialName, ...]:
    names: dict[str, OfficialName] = {}
    for prop, kind in _NAME_KINDS.items():
        for name in entity.values(prop):
            if name == display or name in names:
                continue
            script = guess_script(name)
            other_script = kind == "alias" and script not in (None, "Latn")
            names[name] = OfficialName(name, kind="original_script" if other_script else kind, script=script)
    return tuple(names.values())


def _identifiers(entity: _Entity, identifications: list[_Entity]) -> tuple[OfficialIdentifier, ...]:
    found = [OfficialIdentifier(KEY, entity.id)]
    qids = [entity.id] if _QID.match(entity.id) else []
    found += [OfficialIdentifier("wikidata", q) for q in dict.fromkeys([*qids, *entity.values("wikidataId")])]
    for prop, scheme in _IDENTIFIER_PROPERTIES.items():
        found += [OfficialIdentifier(scheme, value) for value in entity.values(prop)]
    found += [
        OfficialIdentifier(scheme.casefold(), number, country)
        for paper in identifications
        for scheme, number, country in _paper(paper)
    ]
    return tuple(dict.fromkeys(found))


def _paper(paper: _Entity) -> list[tuple[str, str, str | None]]:
    """An Identification's or Passport's numbers: (its type, else its schema; number; country)."""
    scheme = (paper.first("type") or "").strip() or paper.schema
    numbers = dict.fromkeys([*paper.values("number"), *paper.values("passportNumber")])
    return [(scheme, number, _country(paper, "country")) for number in numbers]


def _entry_identifiers(file: _File, target: _Entity) -> tuple[ParsedIdentifier, ...]:
    """A sanctioned target's identifiers as its list entry holds them: its identifier
    properties, then its Identifications and Passports in the file."""
    found = [
        ParsedIdentifier(label, value.strip())
        for prop, label in _ENTRY_IDENTIFIERS.items()
        for value in target.values(prop)
        if value.strip()
    ]
    found += [
        ParsedIdentifier(scheme, number.strip(), country)
        for paper in file.by_holder.get(target.id, ())
        if paper.schema in PAPERS
        for scheme, number, country in _paper(paper)
        if number.strip()
    ]
    return tuple(dict.fromkeys(found))


def _addresses(file: _File, target: _Entity) -> tuple[str, ...]:
    """A sanctioned target's addresses: its ``address`` texts, then each Address entity it
    refers to (``addressEntity``) as its ``full`` text, else its parts joined (the
    country as its code in capitals: "1 Main Street, Testburg, XK")."""
    texts = list(target.values("address"))
    for ref in target.values("addressEntity"):
        address = file.entities.get(ref)
        if address is None or address.schema != "Address":
            continue
        parts = [v.upper() if p == "country" else v for p in _ADDRESS_PARTS for v in address.values(p)]
        texts += address.values("full") or [", ".join(parts)]
    return unique(texts)


def _tenure(file: _File, occupancy: _Entity) -> OfficialTenure:
    position = file.entities[occupancy.first("post") or ""]
    start, end = _date(file, occupancy, "startDate"), _date(file, occupancy, "endDate")
    status = occupancy.first("status")
    status = "ended" if end else status if status in TENURE_STATUSES else "unknown"
    # ISO partial dates sort as their first days do: only end < start can be a conflict.
    if start and end and end < start and dates.latest(end) < dates.earliest(start):
        raise ImportFormatError(f"{file.label}: {occupancy.where} ends ({end}) before it starts ({start})")
    post, where = file.posts.get(position.id) or _post(file, position)
    return OfficialTenure(
        post=post,
        start=start,
        end=end,
        acting="acting" in occupancy.values("description"),  # as _entity left it
        status=status,
        locator=f"{occupancy.where}; {where}",
    )


def _post(file: _File, position: _Entity) -> tuple[OfficialPost, str]:
    title = position.first("name")
    if not title:
        raise ImportFormatError(f"{file.label}: {position.where} has no name")
    organization = file.entities.get(position.first("organization") or "")
    qid = next((q for q in position.values("wikidataId") if _QID.match(q)), None)
    post = OfficialPost(
        title=title,
        organization=organization.first("name") if organization else None,
        country=_country(position, "country"),
        key=f"wikidata-{qid}" if qid else None,
    )
    file.posts[position.id] = post, position.where  # a Position has many Occupancies
    return file.posts[position.id]


def _date(file: _File, entity: _Entity, prop: str) -> str | None:
    """The earliest of the property's dates at its precision ("2018", "2018-09", ...)."""
    values = entity.values(prop)
    if not values:
        return None
    if len(values) == 1 and (single := from_iso(values[0])):
        return single
    parsed = [from_iso(value) for value in values]
    for value, date in zip(values, parsed, strict=True):
        if date is None:
            raise ImportFormatError(f"{file.label}: {entity.where}: {prop} {value!r} is not a date")
    return min(parsed, key=lambda d: dates.earliest(d or "")) if parsed else None


def _country(entity: _Entity, *props: str) -> str | None:
    """The first two-letter code (FtM writes ISO 3166 alpha-2 in lower case)."""
    return next(
        (v.lower() for p in props for v in entity.values(p) if len(v) == 2 and v.isalpha()),
        None,
    )
