"""The seed files in seeds/ are well-formed, cross-referenced and cited.

These tests read the YAML files directly (no database), so they pin the data itself:
every key resolves, every fact has a citation to a known source, every date is a valid
partial ISO date, periods do not run backwards, and quotes are really in the documents
they cite. The checks against the seed article and the OFAC file need ../shared next to
the repository and are skipped where it is absent (the article is not ours to copy).
"""

from __future__ import annotations

import csv
import itertools
import re
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from refdb import dates, vocab

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
ARTICLE = SHARED / "source" / "seed-article.txt"
SDN_CSV = SHARED / "data" / "ofac" / "sdn.csv"
SDN_2021 = SHARED / "data" / "ofac" / "2021-07-07"

ARTICLE_SOURCE = "scmp-2023-07-xie-ratner"
SDN_SOURCE = "ofac-sdn-csv-2024-05-03"
SDN_2021_SOURCE = "ofac-sdn-csv-2021-07-07"

ENTITY_KINDS = set(vocab.ENTITY_KINDS)
TARGET_KINDS = set(vocab.TARGET_KINDS)
NAME_KINDS = set(vocab.NAME_KINDS)
TENURE_STATUSES = set(vocab.TENURE_STATUSES)
RELATION_KINDS = set(vocab.RELATION_KINDS)
LINK_STATUSES = set(vocab.LINK_STATUSES)
LINK_BASES = set(vocab.LINK_BASES)
SOURCE_KINDS = set(vocab.SOURCE_KINDS)

# Keys each record may carry (a typo in a key would otherwise be silently ignored).
ALLOWED_KEYS = {
    "source": {"key", "kind", "title", "publisher", "url", "published_on", "verified", "notes"},
    "entity": {
        "key", "kind", "name", "birth_date", "birth_place", "nationality", "gender",
        "death_date", "country", "names", "identifiers", "citations",
    },
    "name": {"name", "kind", "lang", "script", "citations"},
    "identifier": {"scheme", "value", "country", "citations"},
    "post": {"key", "title", "organization", "country", "single_holder", "citations"},
    "tenure": {"person", "post", "start", "end", "acting", "status", "confirmed", "citations"},
    "relation": {"subject", "object", "kind", "start", "end", "description", "citations"},
    "authority": {"key", "name", "country", "citations"},
    "program": {"authority", "code", "name", "legal_basis", "citations"},
    "list": {"key", "authority", "name", "url"},
    "entry": {
        "list", "record_id", "target_kind", "name", "names", "title", "birth_dates",
        "birth_places", "nationalities", "addresses", "identifiers", "programs",
        "listed_on", "delisted_on", "remarks", "raw", "citations",
    },
    "entry_name": {"name", "kind", "lang", "script"},
    "link": {
        "entity", "list", "record_id", "status", "basis", "tenure", "score", "explanation",
        "decided_by", "decided_at", "decision_reason", "citations",
    },
    "citation": {"source", "quote", "locator"},
}  # fmt: skip

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


# --------------------------------------------------------------------------- helpers


def load(name: str) -> dict:
    path = SEEDS / f"{name}.yaml"
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict), f"{path.name}: top level must be a mapping"
    return data


@pytest.fixture(scope="module")
def seeds() -> dict:
    sanctions = load("sanctions")
    return {
        "sources": load("sources")["sources"],
        "entities": load("entities")["entities"],
        "posts": load("posts")["posts"],
        "tenures": load("tenures")["tenures"],
        "relations": load("relations")["relations"],
        "authorities": sanctions["authorities"],
        "programs": sanctions["programs"],
        "lists": sanctions["lists"],
        "entries": sanctions["entries"],
        "links": sanctions["links"],
    }


def parse_partial(text: object) -> tuple[int, int | None, int | None]:
    # Seeds must quote dates: unquoted, YAML turns 2018-09-20 into a date and 2023 into an int.
    assert isinstance(text, str), f"date {text!r} must be a quoted string, not {type(text)}"
    return dates.parse_partial(text)


earliest = dates.earliest
latest = dates.latest


def normalize_text(text: str) -> str:
    """Straighten curly quotes and collapse whitespace, for quote comparison."""
    for curly, straight in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(curly, straight)
    return re.sub(r"\s+", " ", text).strip()


def facts(seeds: dict) -> list[tuple[str, dict]]:
    """Every record that must carry citations, with a label for messages."""
    out: list[tuple[str, dict]] = []
    for entity in seeds["entities"]:
        out.append((f"entity {entity['key']}", entity))
        for name in entity.get("names") or []:
            out.append((f"name {name['name']!r} of {entity['key']}", name))
        for ident in entity.get("identifiers") or []:
            out.append((f"identifier {ident} of {entity['key']}", ident))
    out += [(f"post {post['key']}", post) for post in seeds["posts"]]
    out += [(f"tenure {t['person']} / {t['post']} from {t['start']}", t) for t in seeds["tenures"]]
    out += [(f"relation {r['subject']} {r['kind']} {r['object']}", r) for r in seeds["relations"]]
    out += [(f"authority {a['key']}", a) for a in seeds["authorities"]]
    out += [(f"program {p['code']}", p) for p in seeds["programs"]]
    out += [(f"entry {e['list']}/{e['record_id']}", e) for e in seeds["entries"]]
    out += [(f"link {k['entity']} -> {k['list']}/{k['record_id']}", k) for k in seeds["links"]]
    return out


def all_citations(seeds: dict) -> list[tuple[str, dict]]:
    return [(label, c) for label, fact in facts(seeds) for c in fact.get("citations") or []]


def by_key(rows: list[dict], key: str = "key") -> dict:
    out: dict = {}
    for row in rows:
        assert row[key] not in out, f"duplicate {key} {row[key]!r}"
        out[row[key]] = row
    return out


def sdn_records() -> dict[str, list[str]]:
    with SDN_CSV.open(encoding="utf-8", newline="") as handle:
        return {row[0]: row for row in csv.reader(handle) if row}


# --------------------------------------------------------------------------- structure


def test_files_parse_with_the_expected_top_level_keys():
    assert set(load("sources")) == {"sources"}
    assert set(load("entities")) == {"entities"}
    assert set(load("posts")) == {"posts"}
    assert set(load("tenures")) == {"tenures"}
    assert set(load("relations")) == {"relations"}
    assert set(load("sanctions")) == {"authorities", "programs", "lists", "entries", "links"}


def test_records_use_only_known_keys(seeds):
    def check(kind: str, row: dict, label: str) -> None:
        unknown = set(row) - ALLOWED_KEYS[kind]
        assert not unknown, f"{label}: unknown keys {sorted(unknown)}"

    for source in seeds["sources"]:
        check("source", source, f"source {source.get('key')}")
    for entity in seeds["entities"]:
        check("entity", entity, f"entity {entity.get('key')}")
        for name in entity.get("names") or []:
            check("name", name, f"name of {entity['key']}")
        for ident in entity.get("identifiers") or []:
            check("identifier", ident, f"identifier of {entity['key']}")
    for kind, section in (
        ("post", "posts"),
        ("tenure", "tenures"),
        ("relation", "relations"),
        ("authority", "authorities"),
        ("program", "programs"),
        ("list", "lists"),
        ("entry", "entries"),
        ("link", "links"),
    ):
        for row in seeds[section]:
            check(kind, row, f"{kind} {row}")
    for entry in seeds["entries"]:
        for name in entry.get("names") or []:
            check("entry_name", name, f"name of entry {entry['record_id']}")
    for label, citation in all_citations(seeds):
        check("citation", citation, f"citation of {label}")


def test_keys_are_unique_slugs(seeds):
    slug = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    for section in ("sources", "entities", "posts", "authorities", "lists"):
        keys = by_key(seeds[section])
        for key in keys:
            assert slug.match(key), f"{section}: key {key!r} is not a lowercase slug"
    assert len({(p["authority"], p["code"]) for p in seeds["programs"]}) == len(seeds["programs"])
    entries = [(e["list"], e["record_id"]) for e in seeds["entries"]]
    assert len(set(entries)) == len(entries), "a list's record id appears twice"
    links = [(k["entity"], k["list"], k["record_id"]) for k in seeds["links"]]
    assert len(set(links)) == len(links), "an entity is linked twice to the same entry"


def test_vocabularies(seeds):
    for source in seeds["sources"]:
        assert source["kind"] in SOURCE_KINDS, source["key"]
        assert isinstance(source["verified"], bool), source["key"]
        assert source.get("title"), source["key"]
    for entity in seeds["entities"]:
        assert entity["kind"] in ENTITY_KINDS, entity["key"]
        assert entity.get("name"), entity["key"]
        for name in entity.get("names") or []:
            assert name["kind"] in NAME_KINDS, (entity["key"], name)
            assert str(name["name"]).strip(), entity["key"]
        for field in ("nationality", "country"):
            value = entity.get(field)
            assert value is None or re.fullmatch(r"[a-z]{2}", value), (entity["key"], value)
        if entity["kind"] != "person":
            for field in ("birth_date", "birth_place", "death_date", "nationality", "gender"):
                assert entity.get(field) is None, f"{entity['key']}: {field} on a non-person"
    for post in seeds["posts"]:
        assert isinstance(post["single_holder"], bool), post["key"]
        assert post.get("country") is None or re.fullmatch(r"[a-z]{2}", post["country"])
    for tenure in seeds["tenures"]:
        assert tenure["status"] in TENURE_STATUSES, tenure
        assert isinstance(tenure["acting"], bool), tenure
    for relation in seeds["relations"]:
        assert relation["kind"] in RELATION_KINDS, relation
        assert relation["subject"] != relation["object"], relation
    for entry in seeds["entries"]:
        assert entry["target_kind"] in TARGET_KINDS, entry["record_id"]
        assert isinstance(entry["record_id"], str), "record ids are strings, as published"
        for name in entry.get("names") or []:
            assert name["kind"] in NAME_KINDS, (entry["record_id"], name)
    for link in seeds["links"]:
        assert link["status"] in LINK_STATUSES, link
        assert link.get("basis") is None or link["basis"] in LINK_BASES, link
        assert link.get("score") is None or 0 <= link["score"] <= 1, link
        if link["status"] != "proposed":
            assert link.get("decided_by") and link.get("decided_at"), link
            assert link.get("decision_reason"), link


# --------------------------------------------------------------------------- references


def test_cross_references_resolve(seeds):
    entities = by_key(seeds["entities"])
    posts = by_key(seeds["posts"])
    authorities = by_key(seeds["authorities"])
    lists = by_key(seeds["lists"])
    programs = {(p["authority"], p["code"]) for p in seeds["programs"]}
    entries = {(e["list"], e["record_id"]): e for e in seeds["entries"]}
    tenures = {}
    for tenure in seeds["tenures"]:
        tenures.setdefault((tenure["person"], tenure["post"]), []).append(tenure)

    for post in seeds["posts"]:
        org = entities.get(post["organization"])
        assert org, f"post {post['key']}: unknown organization {post['organization']!r}"
        assert org["kind"] != "person", f"post {post['key']}: organization is a person"
    for tenure in seeds["tenures"]:
        person = entities.get(tenure["person"])
        assert person and person["kind"] == "person", f"tenure: {tenure['person']!r}"
        assert tenure["post"] in posts, f"tenure: unknown post {tenure['post']!r}"
    for relation in seeds["relations"]:
        assert relation["subject"] in entities, relation
        assert relation["object"] in entities, relation
    for program in seeds["programs"]:
        assert program["authority"] in authorities, program
    for sanction_list in seeds["lists"]:
        assert sanction_list["authority"] in authorities, sanction_list
    for entry in seeds["entries"]:
        assert entry["list"] in lists, entry["record_id"]
        authority = lists[entry["list"]]["authority"]
        for code in entry["programs"]:
            assert (authority, code) in programs, f"entry {entry['record_id']}: program {code}"
    for link in seeds["links"]:
        assert link["entity"] in entities, link
        assert (link["list"], link["record_id"]) in entries, link
        if link.get("tenure"):
            key = (link["tenure"]["person"], link["tenure"]["post"])
            assert key[0] == link["entity"], "a link's tenure belongs to the linked person"
            assert len(tenures.get(key, [])) == 1, f"link tenure {key} must match one tenure"


def test_every_fact_is_cited_by_a_known_source(seeds):
    sources = by_key(seeds["sources"])
    for label, fact in facts(seeds):
        citations = fact.get("citations")
        assert citations, f"{label} has no citation"
        for citation in citations:
            assert citation["source"] in sources, f"{label}: unknown source {citation['source']}"
            for field in ("quote", "locator"):
                value = citation.get(field)
                assert value is None or (isinstance(value, str) and value.strip()), label


def test_every_source_is_used(seeds):
    used = {citation["source"] for _, citation in all_citations(seeds)}
    unused = set(by_key(seeds["sources"])) - used
    assert not unused, f"sources cited by nothing: {sorted(unused)}"


# --------------------------------------------------------------------------- dates


def test_dates_are_valid_partial_iso_dates(seeds):
    for source in seeds["sources"]:
        if source.get("published_on") is not None:
            parse_partial(source["published_on"])
    for entity in seeds["entities"]:
        for field in ("birth_date", "death_date"):
            if entity.get(field) is not None:
                parse_partial(entity[field])
    for row in seeds["tenures"] + seeds["relations"]:
        for field in ("start", "end"):
            if row.get(field) is not None:
                parse_partial(row[field])
    for entry in seeds["entries"]:
        for field in ("listed_on", "delisted_on"):
            if entry.get(field) is not None:
                parse_partial(entry[field])
        for birth in entry.get("birth_dates") or []:
            parse_partial(birth)
    for link in seeds["links"]:
        if link.get("decided_at") is not None:
            value = link["decided_at"]
            assert isinstance(value, str), f"decided_at {value!r} must be a quoted string"
            if not _PARTIAL.match(value):
                datetime.fromisoformat(value)


def test_periods_do_not_run_backwards(seeds):
    entities = by_key(seeds["entities"])
    for entity in seeds["entities"]:
        if entity.get("birth_date") and entity.get("death_date"):
            assert latest(entity["death_date"]) >= earliest(entity["birth_date"]), entity["key"]
    for row in seeds["tenures"] + seeds["relations"]:
        if row.get("start") and row.get("end"):
            assert latest(row["end"]) >= earliest(row["start"]), f"end before start: {row}"
    for entry in seeds["entries"]:
        if entry.get("listed_on") and entry.get("delisted_on"):
            assert latest(entry["delisted_on"]) >= earliest(entry["listed_on"]), entry
    for tenure in seeds["tenures"]:
        person = entities[tenure["person"]]
        if tenure.get("start") and person.get("birth_date"):
            assert earliest(tenure["start"]) > latest(person["birth_date"]), tenure
        if tenure.get("end") and person.get("death_date"):
            assert earliest(tenure["end"]) <= latest(person["death_date"]), tenure


def test_tenure_status_agrees_with_dates(seeds):
    entities = by_key(seeds["entities"])
    for tenure in seeds["tenures"]:
        if tenure["status"] == "current":
            assert tenure.get("end") is None, f"a current tenure has an end: {tenure}"
            assert entities[tenure["person"]].get("death_date") is None, tenure
        if tenure.get("end") is not None:
            assert tenure["status"] == "ended", f"a tenure with an end is ended: {tenure}"


def test_tenures_still_held_say_when_they_were_last_confirmed(seeds):
    sources = by_key(seeds["sources"])
    for tenure in seeds["tenures"]:
        if tenure["status"] in ("current", "unknown"):
            confirmed = tenure.get("confirmed")
            assert confirmed, f"a {tenure['status']} tenure needs the date it was last confirmed: {tenure}"
            dates.parse_partial(confirmed)
            # No later than the latest source cited for it that says when it was published.
            published = [
                dates.latest(sources[c["source"]]["published_on"])
                for c in tenure["citations"]
                if sources[c["source"]].get("published_on")
            ]
            assert published and earliest(confirmed) <= max(published), tenure


def test_the_seeded_officials_facts_hold_as_of_2026_12(seeds):
    """Tenures that had ended by December 2026 say so (issue 12 item 5)."""
    ended = {(t["person"], t["post"]): t for t in seeds["tenures"] if t["status"] == "ended"}
    for person, post, end in (
        ("ely-ratner", "us-asd-indo-pacific-security-affairs", "2025-01"),
        ("daniel-kritenbrink", "us-assistant-secretary-of-state-eap", "2025-01"),
        ("li-shangfu", "cmc-edd-director", "2022-10"),
        ("li-shangfu", "prc-state-councilor", "2023-10-24"),
        ("li-shangfu", "prc-cmc-member", "2023-10-24"),
        ("lloyd-austin", "us-secretary-of-defense", "2025-01-20"),
        ("joe-biden", "us-president", "2025-01-20"),
    ):
        assert ended[(person, post)]["end"] == end


def test_single_holder_posts_have_no_overlapping_holders(seeds):
    posts = by_key(seeds["posts"])
    by_post: dict[str, list[dict]] = {}
    for tenure in seeds["tenures"]:
        if posts[tenure["post"]]["single_holder"] and tenure.get("start") and tenure.get("end"):
            by_post.setdefault(tenure["post"], []).append(tenure)
    for post, rows in by_post.items():
        rows.sort(key=lambda t: earliest(t["start"]))
        for before, after in itertools.pairwise(rows):
            # a hand-over day is shared (term ends and next begins the same day)
            assert earliest(after["start"]) >= earliest(before["end"]), (post, before, after)


# --------------------------------------------------------------------------- content


def test_the_article_officials_and_the_seed_case_are_present(seeds):
    entities = by_key(seeds["entities"])
    for key in (
        "xie-feng", "ely-ratner", "martin-meiners", "nancy-pelosi", "lloyd-austin",
        "li-shangfu", "antony-blinken", "janet-yellen", "daniel-kritenbrink",
        "henry-kissinger", "joe-biden",
    ):  # fmt: skip
        assert entities[key]["kind"] == "person", key
        assert any(t["person"] == key for t in seeds["tenures"]), f"{key} holds no post"
    li = entities["li-shangfu"]
    assert {"name": "李尚福", "kind": "original_script"}.items() <= next(
        n for n in li["names"] if n["name"] == "李尚福"
    ).items()
    links = {(k["entity"], k["record_id"]): k for k in seeds["links"]}
    assert links[("li-shangfu", "24838")]["status"] == "confirmed"
    assert links[("cmc-equipment-development-department", "24837")]["status"] == "confirmed"
    entries = {e["record_id"]: e for e in seeds["entries"]}
    assert entries["24838"]["listed_on"] == entries["24837"]["listed_on"] == "2018-09-20"
    assert entries["24838"]["programs"] == ["CAATSA - RUSSIA"]


def test_verified_sources_are_only_documents_held_here(seeds):
    verified = {s["key"] for s in seeds["sources"] if s["verified"]}
    assert verified <= {ARTICLE_SOURCE, SDN_SOURCE, SDN_2021_SOURCE}, verified


# --------------------------------------------------------------------------- documents


@pytest.mark.skipif(not ARTICLE.exists(), reason="../shared/source/seed-article.txt is absent")
def test_article_quotes_occur_in_the_article(seeds):
    article = normalize_text(ARTICLE.read_text(encoding="utf-8"))
    quotes = [
        (label, c["quote"])
        for label, c in all_citations(seeds)
        if c["source"] == ARTICLE_SOURCE and c.get("quote")
    ]
    assert quotes, "no article quotes found"
    missing = [(label, q) for label, q in quotes if normalize_text(q) not in article]
    assert not missing, f"quotes not in the article: {missing}"


@pytest.mark.skipif(not SDN_CSV.exists(), reason="../shared/data/ofac/sdn.csv is absent")
def test_sdn_quotes_and_entries_match_the_list_file(seeds):
    text = SDN_CSV.read_text(encoding="utf-8")
    for label, citation in all_citations(seeds):
        if citation["source"] == SDN_SOURCE and citation.get("quote"):
            assert citation["quote"] in text, f"{label}: quote not in sdn.csv"
    records = sdn_records()
    kinds = {"individual": "person", "vessel": "vessel", "aircraft": "aircraft"}
    for entry in seeds["entries"]:
        if entry["list"] != "ofac-sdn":
            continue
        row = records[entry["record_id"]]
        clean = [None if cell.strip() == "-0-" else cell for cell in row]
        assert entry["name"] == clean[1]
        assert entry["target_kind"] == kinds.get(clean[2], "organization")
        assert entry["programs"] == clean[3].split("] [")
        assert entry.get("title") == clean[4]
        assert entry.get("remarks") == clean[11]


@pytest.mark.skipif(not SDN_2021.exists(), reason="../shared/data/ofac/2021-07-07 is absent")
def test_2021_sdn_quotes_occur_in_that_file_set(seeds):
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SDN_2021.glob("*.csv")))
    for label, citation in all_citations(seeds):
        if citation["source"] == SDN_2021_SOURCE and citation.get("quote"):
            assert citation["quote"] in text, f"{label}: quote not in the 2021-07-07 files"
