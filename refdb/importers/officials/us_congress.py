"""The unitedstates/congress-legislators files (CC0): members of Congress, Presidents and
Vice Presidents, each term a tenure of a post with its exact dates.

Both files are YAML lists of people: ``id`` (bioguide, govtrack, wikidata, fec, ...),
``name`` (first, middle, last, suffix, nickname, official_full), ``bio`` (birthday,
gender) and ``terms`` (type rep/sen/prez/viceprez, start, end, state, district).
A term that ends after the day of the fetch is the current one: it is stored as
"current" without an end (the scheduled end is in its locator), so that as-of answers
do not claim to know when it will end.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from refdb.importers.inputs import check_head, head_of
from refdb.importers.officials.records import (
    OfficialIdentifier,
    OfficialName,
    OfficialPerson,
    OfficialPost,
    OfficialTenure,
)
from refdb.importers.records import ImportFormatError

KEY = "us-congress"
BASE = "https://unitedstates.github.io/congress-legislators/"
DEFAULT_URLS = (BASE + "legislators-current.yaml", BASE + "executive.yaml")
TITLE = "congress-legislators (United States Congress legislators and executives)"
PUBLISHER = "The @unitedstates project (github.com/unitedstates/congress-legislators), CC0"
# The identifier schemes kept, in the order they are written; others (wikipedia titles,
# picture ids) identify pages, not the person.
SCHEMES = (
    "bioguide",
    "wikidata",
    "govtrack",
    "opensecrets",
    "fec",
    "votesmart",
    "icpsr",
    "thomas",
    "lis",
    "cspan",
)
HOUSE = "United States House of Representatives"
SENATE = "United States Senate"
GOVERNMENT = "Government of the United States"  # the seeded us-government's name
# The House members of these places are Delegates (Puerto Rico: a Resident Commissioner).
_DELEGATES = {"AS", "DC", "GU", "MP", "VI"}
_PLACES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
    "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
    "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "DC": "the District of Columbia", "PR": "Puerto Rico", "AS": "American Samoa", "GU": "Guam",
    "MP": "the Northern Mariana Islands", "VI": "the United States Virgin Islands",
    # Territories of earlier times, in executive and historical files.
    "DK": "Dakota Territory", "OL": "the Territory of Orleans", "PI": "the Philippines",
}  # fmt: skip
_GENDERS = {"M": "male", "F": "female"}
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C loader: ~10x faster


def parse(path: Path, today: date) -> list[OfficialPerson]:
    """The people of a legislators or executive file; ``today`` decides which terms are current."""
    name = path.name
    with path.open("rb") as handle:
        head = handle.read(4096)
    check_head(f"{KEY} {name}", head)
    try:
        with path.open("rb") as handle:
            data = yaml.load(handle, Loader=_LOADER)  # a safe loader: plain data only
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or type(error).__name__
        raise ImportFormatError(f"{KEY} {name}: malformed YAML{where}: {problem}") from None
    if (
        not isinstance(data, list)
        or not data
        or not all(isinstance(item, dict) and "id" in item and "terms" in item for item in data)
    ):
        raise ImportFormatError(
            f"{KEY} {name}: not a congress-legislators file (expected a list of people with "
            f"'id' and 'terms'; file starts with {head_of(head)})"
        )
    return [_person(name, index, item, today.isoformat()) for index, item in enumerate(data)]


def _person(file: str, index: int, item: dict[str, Any], today: str) -> OfficialPerson:
    ids = item.get("id") or {}
    record_id = str(ids.get("bioguide") or ids.get("govtrack") or f"#{index}")
    where = f"{file}: {'bioguide' if ids.get('bioguide') else 'govtrack'} {record_id}"
    names = item.get("name") or {}
    bio = item.get("bio") or {}
    forms = _names(names)
    if not forms:
        raise ImportFormatError(f"{KEY} {file}: person {record_id} has no name")
    identifiers = tuple(
        OfficialIdentifier(scheme, str(value))
        for scheme in SCHEMES
        for value in _as_list(ids.get(scheme))
        if value not in (None, "")
    )
    tenures = tuple(
        _tenure(f"{where}, terms[{number}]", record_id, term, today)
        for number, term in enumerate(item.get("terms") or [])
    )
    return OfficialPerson(
        record_id=record_id,
        name=forms[0],
        names=tuple(OfficialName(form, lang="en", script="Latn") for form in forms[1:]),
        identifiers=identifiers,
        birth_date=_text(bio.get("birthday")),
        gender=_GENDERS.get(str(bio.get("gender"))),
        nationality="us",
        tenures=tenures,
        locator=where,
    )


def _names(name: dict[str, Any]) -> list[str]:
    """The official name first, then the full name and the short forms people are known by."""
    first, middle, last = (_text(name.get(part)) for part in ("first", "middle", "last"))
    suffix, nickname = _text(name.get("suffix")), _text(name.get("nickname"))
    forms = [
        _text(name.get("official_full")),
        _join(nickname, last) if nickname else None,
        _join(first, last),
        _join(first, middle, last, suffix),
    ]
    return list(dict.fromkeys(form for form in forms if form))


def _tenure(locator: str, record_id: str, term: dict[str, Any], today: str) -> OfficialTenure:
    start, end = _text(term.get("start")), _text(term.get("end"))
    if not start:
        raise ImportFormatError(f"{KEY} {locator}: the term has no start date")
    post = _post(locator, term)
    if end and end > today:
        return OfficialTenure(post, start, None, status="current", locator=f"{locator}, scheduled end {end}")
    return OfficialTenure(post, start, end, status="ended" if end else "unknown", locator=locator)


def _post(locator: str, term: dict[str, Any]) -> OfficialPost:
    kind = term.get("type")
    if kind == "prez":
        return OfficialPost("President of the United States", GOVERNMENT, "us", single_holder=True)
    if kind == "viceprez":
        return OfficialPost("Vice President of the United States", GOVERNMENT, "us", single_holder=True)
    state = str(term.get("state") or "")
    if kind == "sen" and state:
        return OfficialPost(f"United States Senator for {_PLACES.get(state, state)}", SENATE, "us")
    if kind == "rep" and state:
        return OfficialPost(_representative(state, term.get("district")), HOUSE, "us", single_holder=True)
    raise ImportFormatError(f"{KEY} {locator}: unknown term type {kind!r} or no state")


def _representative(state: str, district: Any) -> str:
    if state == "PR":
        return "Resident Commissioner of Puerto Rico"
    if state in _DELEGATES:
        return f"Delegate to the United States House of Representatives from {_PLACES.get(state, state)}"
    if district in (0, "0", None):
        return f"United States Representative for {state} at-large"
    return f"United States Representative for {state}-{district}"


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str | None:
    """YAML may give dates as date objects and numbers as ints: keep them as text."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _join(*parts: str | None) -> str | None:
    text = " ".join(part for part in parts if part)
    return text or None
