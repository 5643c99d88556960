"""Wikidata (CC0): people with their positions held (P39), from the MediaWiki API.

A person's entity (``wbgetentities``) gives labels and aliases in every language (kept
as names, in their own scripts), birth and death dates (P569, P570), sex (P21),
citizenship (P27) and P39 statements whose start and end qualifiers (P580, P582) keep
Wikidata's precision (day, month or year). Positions are entities too: their labels
become post titles and their country (P17) the post's country, read with a second
``wbgetentities``; a country's ISO code is its P297 claim (``wbgetclaims``). A post's body
is the organization Wikidata names, when it names exactly one: the position's P2389
("organization directed by the office or position"), else its P361 ("part of"), else the
P39 statement's own P2389 qualifier (then the post is that position in that body, keyed
``wikidata-<position>-<organization>``); its label comes from a third ``wbgetentities``.
P642 ("of") is not read: Wikidata deprecated it and the recorded answers do not use it.
The holders of a position come from the SPARQL endpoint (JSON results).

Deprecated statements are left out. A P39 without an end has status "unknown": Wikidata
does not say that the person is still in office.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from refdb.importers.inputs import check_head, guess_script, head_of
from refdb.importers.officials.records import (
    OfficialIdentifier,
    OfficialName,
    OfficialPerson,
    OfficialPost,
    OfficialTenure,
)
from refdb.importers.records import ImportFormatError

KEY = "wikidata"
API_URL = "https://www.wikidata.org/w/api.php"
SPARQL_URL = "https://query.wikidata.org/sparql"
TITLE = "Wikidata"
PUBLISHER = "Wikimedia Foundation, Wikidata (CC0)"
BATCH = 50  # ids per wbgetentities request: the API's limit for ordinary clients
HUMAN = "Q5"
_GENDERS = {"Q6581097": "male", "Q6581072": "female"}
_BODY_OF_POSITION = ("P2389", "P361")  # organization directed by the position; part of
_BODY_QUALIFIER = "P2389"  # on a P39 statement: the organization that position directed
_PRECISION = {11: 10, 10: 7, 9: 4}  # Wikidata time precision -> characters of the ISO date kept


def is_qid(text: str) -> bool:
    return len(text) > 1 and text[0] in "Qq" and text[1:].isdigit()


def entities_url(api_url: str, ids: Iterable[str], props: str) -> str:
    query = {"action": "wbgetentities", "ids": "|".join(ids), "props": props, "format": "json"}
    return f"{api_url}?{urlencode(query)}"


def claims_url(api_url: str, qid: str, prop: str) -> str:
    query = {"action": "wbgetclaims", "entity": qid, "property": prop, "format": "json"}
    return f"{api_url}?{urlencode(query)}"


def holders_url(sparql_url: str, position: str) -> str:
    query = f"SELECT DISTINCT ?person WHERE {{ ?person p:P39/ps:P39 wd:{position} . }}"
    return f"{sparql_url}?{urlencode({'query': query, 'format': 'json'})}"


def read_json(path: Path, what: str) -> Any:
    """A response body as JSON, or one line saying what is wrong with it."""
    data = path.read_bytes()
    check_head(f"{KEY} {what}", data[:4096])
    try:
        parsed = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise ImportFormatError(
            f"{KEY} {what}: malformed JSON ({error}; starts with {head_of(data)})"
        ) from None
    if isinstance(parsed, dict) and isinstance(parsed.get("error"), dict):
        problem = parsed["error"]
        raise ImportFormatError(
            f"{KEY} {what}: the API refused: {problem.get('code')}: {problem.get('info')}"
        )
    return parsed


def entities_of(path: Path, what: str, wanted: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The entities of a wbgetentities response; every wanted one must be there."""
    data = read_json(path, what)
    entities = data.get("entities") if isinstance(data, dict) else None
    if not isinstance(entities, dict):
        raise ImportFormatError(f"{KEY} {what}: not a wbgetentities response (no 'entities')")
    for qid in wanted:
        entity = entities.get(qid)
        if not isinstance(entity, dict) or "missing" in entity:
            raise ImportFormatError(f"{KEY} {what}: Wikidata has no entity {qid}")
    return entities


def holders_of(path: Path, position: str) -> list[str]:
    """The people a SPARQL JSON result names (the ``person`` variable)."""
    data = read_json(path, f"holders of {position}")
    try:
        bindings = data["results"]["bindings"]
        uris = [row["person"]["value"] for row in bindings]
    except (KeyError, TypeError):
        raise ImportFormatError(
            f"{KEY} holders of {position}: not a SPARQL JSON result with a 'person' column"
        ) from None
    return list(dict.fromkeys(uri.rsplit("/", 1)[-1] for uri in uris if is_qid(uri.rsplit("/", 1)[-1])))


def iso_code(path: Path, qid: str) -> str | None:
    """A country's ISO 3166-1 alpha-2 code from a wbgetclaims P297 response."""
    data = read_json(path, f"country {qid}")
    for statement in (data.get("claims") or {}).get("P297", []):
        value = _value(statement.get("mainsnak"))
        if isinstance(value, str) and len(value) == 2 and statement.get("rank") != "deprecated":
            return value.lower()
    return None


def positions_held(entity: dict[str, Any]) -> list[str]:
    """The position QIDs of a person's P39 statements (not deprecated)."""
    return list(dict.fromkeys(position for _, position in _p39(entity)))


def organization_of_position(entity: dict[str, Any] | None) -> str | None:
    """The one organization a position entity names as its body (P2389, else P361)."""
    for prop in _BODY_OF_POSITION:
        values = _item_values(entity or {}, prop)
        if len(values) == 1:
            return values[0]
    return None


def statement_organizations(entity: dict[str, Any]) -> list[str]:
    """The organizations a person's P39 statements name in a P2389 qualifier (one each)."""
    return list(dict.fromkeys(o for statement, _ in _p39(entity) if (o := _qualifier_item(statement))))


def labels(entities: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Each entity's English label, else its first; QID -> label (those with none left out)."""
    return {qid: text for qid, entity in entities.items() if (text := _label(entity))}


def countries_of(entity: dict[str, Any], prop: str) -> list[str]:
    """The items of a country property: P27 (citizenship) of a person, P17 of a position."""
    return _item_values(entity, prop)


def person(
    file: str,
    entity: dict[str, Any],
    posts: dict[str, OfficialPost],
    countries: dict[str, str | None],
    organizations: dict[str, str] | None = None,
) -> OfficialPerson:
    """A person entity as an OfficialPerson; ``posts`` by position QID, ``countries`` QID -> ISO,
    ``organizations`` QID -> label (the bodies P39 qualifiers name)."""
    qid = entity["id"]
    if HUMAN not in _item_values(entity, "P31"):
        raise ImportFormatError(f"{KEY}: {qid} is not a person (no 'instance of: human')")
    names = list(_names(entity))
    if not names:
        raise ImportFormatError(f"{KEY}: {qid} has no label in any language")
    display = next((n for n in names if n.lang == "en"), names[0])
    where = f"{file}: {qid}"
    nationality = next((code for c in _item_values(entity, "P27") if (code := countries.get(c))), None)
    tenures = []
    for statement, position in _p39(entity):
        qualifiers = statement.get("qualifiers") or {}
        start = _time(qualifiers.get("P580"))
        end = _time(qualifiers.get("P582"))
        held = posts[position]
        body = _qualifier_item(statement)
        if held.organization is None and body and (organizations or {}).get(body):
            held = replace(held, organization=(organizations or {})[body], key=f"{held.key}-{body}")
        tenures.append(
            OfficialTenure(
                held,
                start,
                end,
                status="ended" if end else "unknown",
                locator=f"{where} P39 {statement.get('id', position)}"[:200],
            )
        )
    return OfficialPerson(
        record_id=qid,
        name=display.name,
        names=tuple(n for n in names if n is not display),
        identifiers=(OfficialIdentifier("wikidata", qid),),
        birth_date=_time(_main_snaks(entity, "P569")),
        death_date=_time(_main_snaks(entity, "P570")),
        gender=next((g for q in _item_values(entity, "P21") if (g := _GENDERS.get(q))), None),
        nationality=nationality,
        tenures=tuple(tenures),
        locator=where,
    )


def post(
    qid: str,
    entity: dict[str, Any] | None,
    countries: dict[str, str | None],
    organizations: dict[str, str] | None = None,
) -> OfficialPost:
    """A position entity as a post: its English label (else any), its country's ISO code,
    the organization it names as its body (``organizations``: QID -> label)."""
    country = next((code for c in _item_values(entity or {}, "P17") if (code := countries.get(c))), None)
    body = (organizations or {}).get(organization_of_position(entity) or "")
    return OfficialPost(_label(entity) or qid, body, country, key=f"wikidata-{qid}")


def _label(entity: dict[str, Any] | None) -> str | None:
    found = (entity or {}).get("labels") or {}
    return (found.get("en") or next(iter(found.values()), None) or {}).get("value")


def _qualifier_item(statement: dict[str, Any]) -> str | None:
    """The item of a statement's P2389 qualifier, when it has exactly one."""
    snaks = (statement.get("qualifiers") or {}).get(_BODY_QUALIFIER) or []
    values = [v["id"] for snak in snaks if isinstance(v := _value(snak), dict) and is_qid(v.get("id", ""))]
    return values[0] if len(values) == 1 else None


def _names(entity: dict[str, Any]) -> Iterator[OfficialName]:
    """Labels, then aliases, in every language; each text once (with its first language)."""
    seen: set[str] = set()
    labels = [(lang, label, "alias") for lang, label in (entity.get("labels") or {}).items()]
    aliases = [(lang, a, "alias") for lang, values in (entity.get("aliases") or {}).items() for a in values]
    for lang, item, kind in labels + aliases:
        text = (item.get("value") or "").strip() if isinstance(item, dict) else ""
        if text and text not in seen:
            seen.add(text)
            yield OfficialName(text, kind=kind, lang=lang[:12], script=guess_script(text))


def _p39(entity: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    for statement in (entity.get("claims") or {}).get("P39", []):
        value = _value(statement.get("mainsnak"))
        if statement.get("rank") != "deprecated" and isinstance(value, dict) and is_qid(value.get("id", "")):
            yield statement, value["id"]


def _main_snaks(entity: dict[str, Any], prop: str) -> list[dict[str, Any]]:
    """The main snaks of a property's statements, preferred first, deprecated left out."""
    statements = [s for s in (entity.get("claims") or {}).get(prop, []) if s.get("rank") != "deprecated"]
    statements.sort(key=lambda s: s.get("rank") != "preferred")
    return [s["mainsnak"] for s in statements if isinstance(s.get("mainsnak"), dict)]


def _item_values(entity: dict[str, Any], prop: str) -> list[str]:
    values = [_value(snak) for snak in _main_snaks(entity, prop)]
    return [value["id"] for value in values if isinstance(value, dict) and value.get("id")]


def _value(snak: dict[str, Any] | None) -> Any:
    if not isinstance(snak, dict) or snak.get("snaktype") != "value":
        return None
    return (snak.get("datavalue") or {}).get("value")


def _time(snaks: list[dict[str, Any]] | None) -> str | None:
    """The first dated value as an ISO partial date at its precision (day, month, year);
    coarser precisions (decade, century) and dates before year 1 are left out."""
    for snak in snaks or []:
        value = _value(snak)
        if not isinstance(value, dict) or "time" not in value:
            continue
        keep = _PRECISION.get(value.get("precision", 0))
        text = value["time"]
        if keep is None or not text.startswith("+"):
            continue
        return text[1 : 1 + keep]
    return None
