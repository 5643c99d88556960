"""Read-side answers: an entity's profile, who held a post on a date, sanction entries."""

from __future__ import annotations

import pytest
from sqlmodel import select

from refdb.errors import NotFound
from refdb.models import (
    Authority,
    Entity,
    EntryProgram,
    Link,
    Post,
    Program,
    SanctionEntry,
    SanctionList,
    Tenure,
)
from refdb.services import lookup
from refdb.services.edits import editing


@pytest.fixture
def seeded(shared_seeded_db):
    with shared_seeded_db.session() as session:
        yield session


def _people(answers) -> list[str]:
    return [answer["person"] for answer in answers]


# --------------------------------------------------------------------------- profile


def test_li_shangfu_profile_has_both_posts(seeded):
    profile = lookup.entity_profile(seeded, "li-shangfu")
    assert (profile["name"], profile["kind"], profile["key"]) == ("Li Shangfu", "person", "li-shangfu")
    posts = {t["post"]: t for t in profile["tenures"]}
    assert set(posts) == {
        "Director of the Equipment Development Department",
        "Minister of National Defense",
        "State Councilor",
        "Member of the Central Military Commission of the People's Republic of China",
        "Member of the Central Military Commission of the Communist Party of China",
    }
    minister = posts["Minister of National Defense"]
    assert (minister["start"], minister["end"], minister["status"]) == ("2023-03-12", "2023-10-24", "ended")
    assert minister["organization"] == "Ministry of National Defense of the People's Republic of China"
    director = posts["Director of the Equipment Development Department"]
    assert (director["start"], director["end"]) == ("2017", "2022-10")
    assert all(t["citations"] for t in profile["tenures"]), "every tenure carries a citation"
    # Most recent post first.
    assert profile["tenures"][0]["post"] in ("Minister of National Defense", "State Councilor")
    assert profile["tenures"][-1]["post"] == "Director of the Equipment Development Department"


def test_li_shangfu_profile_has_his_chinese_name(seeded):
    profile = lookup.entity_profile(seeded, "li-shangfu")
    names = {(n["name"], n["kind"]) for n in profile["names"]}
    assert ("李尚福", "original_script") in names
    assert ("Li Shangfu", "primary") in names


def test_li_shangfu_profile_has_the_2018_ofac_listing_with_its_confirmed_link(seeded):
    profile = lookup.entity_profile(seeded, "li-shangfu")
    [sanction] = profile["sanctions"]
    assert (sanction["list"], sanction["record_id"], sanction["name"]) == ("ofac-sdn", "24838", "LI, Shangfu")
    assert sanction["programs"] == [{"code": "CAATSA - RUSSIA", "legal_basis": "CAATSA Section 231"}]
    assert sanction["listed_on"] == "2018-09-20"
    assert sanction["status"] == "active"
    assert "Office of Foreign Assets Control" in sanction["authority"]
    assert sanction["citations"], "the entry is cited"
    link = sanction["link"]
    assert link["status"] == "confirmed"
    assert link["decided_by"] and link["reason"]
    assert link["citations"], "the link is cited"
    assert all(c["source"] for c in link["citations"] + sanction["citations"])


def test_a_profile_is_found_by_numeric_id_as_well_as_by_key(seeded):
    by_key = lookup.entity_profile(seeded, "li-shangfu")
    assert lookup.entity_profile(seeded, str(by_key["id"]))["key"] == "li-shangfu"
    assert lookup.entity_profile(seeded, by_key["id"])["key"] == "li-shangfu"


def test_an_organization_profile_shows_its_sanction_and_relations(seeded):
    profile = lookup.entity_profile(seeded, "cmc-equipment-development-department")
    assert [s["record_id"] for s in profile["sanctions"]] == ["24837"]
    assert profile["sanctions"][0]["link"]["status"] == "confirmed"
    relations = {(r["kind"], r["direction"], r["other"]) for r in profile["relations"]}
    assert ("bought_from", "outgoing", "Rosoboronexport") in relations


def test_a_person_without_sanctions_has_none(seeded):
    profile = lookup.entity_profile(seeded, "lloyd-austin")
    assert profile["sanctions"] == []
    assert [t["post"] for t in profile["tenures"]] == ["Secretary of Defense"]


def test_an_unknown_entity_is_not_found(seeded):
    with pytest.raises(NotFound, match="nobody-at-all"):
        lookup.entity_profile(seeded, "nobody-at-all")
    with pytest.raises(NotFound):
        lookup.entity_profile(seeded, "987654")


def test_an_entity_asked_for_by_name_is_pointed_to(seeded):
    # `refdb show "Nancy Pelosi"` (what a newcomer tries after `refdb search pelosi`)
    # said only "no entity with id, key or identifier": the message now names the id.
    pelosi = seeded.exec(select(Entity).where(Entity.key == "nancy-pelosi")).one()
    with pytest.raises(NotFound, match=rf"; by that name: Nancy Pelosi is id {pelosi.id}$"):
        lookup.entity_profile(seeded, "nancy  PELOSI")
    with pytest.raises(NotFound, match=r"\(`refdb search pelosi` finds it by name, with its id\)$"):
        lookup.entity_profile(seeded, "pelosi")


# --------------------------------------------------------------------------- holders


def test_the_secretary_of_defense_in_july_2023_was_lloyd_austin_only(seeded):
    answers = lookup.holders(seeded, "Secretary of Defense", "2023-07-12")
    assert _people(answers) == ["Lloyd Austin"]
    [answer] = answers
    assert answer["certain"] is True
    assert answer["tenure"]["post"] == "Secretary of Defense"
    assert answer["tenure"]["organization"] == "U.S. Department of Defense"


def test_post_queries_ignore_case_and_punctuation(seeded):
    assert _people(lookup.holders(seeded, "secretary of defense", "2023-07-12")) == ["Lloyd Austin"]
    # The exact title as `refdb show` prints it, apostrophe and all.
    title = "Ambassador of the People's Republic of China to the United States"
    assert _people(lookup.holders(seeded, title, "2023-07-12")) == ["Xie Feng"]


def test_holders_before_and_after_a_tenure_are_not_holders(seeded):
    assert lookup.holders(seeded, "Secretary of Defense", "2021-01-21") == []
    assert _people(lookup.holders(seeded, "Secretary of Defense", "2021-01-22")) == ["Lloyd Austin"]
    assert _people(lookup.holders(seeded, "Secretary of Defense", "2025-01-20")) == ["Lloyd Austin"]
    assert lookup.holders(seeded, "Secretary of Defense", "2025-01-21") == []


def test_a_month_start_covers_every_day_of_that_month_but_not_the_day_before(seeded):
    """Xie Feng became ambassador in "2023-05"."""
    assert _people(lookup.holders(seeded, "ambassador", "2023-05-20")) == ["Xie Feng"]
    assert _people(lookup.holders(seeded, "ambassador", "2023-05-01")) == ["Xie Feng"]
    assert lookup.holders(seeded, "ambassador", "2023-04-30") == []


def test_a_year_asks_about_any_day_of_that_year(seeded):
    """Li Shangfu was minister from March to October 2023: "2023" finds him, "2024" does not."""
    assert _people(lookup.holders(seeded, "Minister of National Defense", "2023")) == ["Li Shangfu"]
    assert lookup.holders(seeded, "Minister of National Defense", "2024") == []


def test_a_tenure_that_ended_on_an_unknown_date_is_an_uncertain_answer(seeded):
    """Li Shangfu's removal from the party's Central Military Commission was never announced."""
    [answer] = lookup.holders(seeded, "Member of the Central Military Commission Communist Party", "2023-12")
    assert answer["person"] == "Li Shangfu"
    assert answer["certain"] is False
    [answer] = lookup.holders(seeded, "Director of the Equipment Development Department", "2020")
    assert answer["certain"] is True  # he left it in October 2022


def test_a_current_tenure_is_certain_only_until_it_was_last_confirmed(seeded):
    """Xie Feng's ambassadorship is confirmed by the July 2023 article, and no later source."""
    [then] = lookup.holders(seeded, "ambassador", "2023-06")
    [now] = lookup.holders(seeded, "ambassador", "2026-12")
    assert then["tenure"]["confirmed_on"] == now["tenure"]["confirmed_on"] == "2023-07"
    assert (then["certain"], now["certain"]) == (True, False)


def test_nobody_holds_an_unknown_post(seeded):
    assert lookup.holders(seeded, "Grand Vizier", "2023") == []


def test_a_bad_date_is_refused(seeded):
    from refdb.dates import InvalidDate

    with pytest.raises(InvalidDate):
        lookup.holders(seeded, "Secretary of Defense", "2023-13")


@pytest.fixture
def partial_tenures(empty_db):
    """A tenure known only as the year 2023, on a post nobody else holds."""
    with editing(empty_db) as editor:
        person = editor.create(Entity(kind="person", name="Year Only"))
        post = editor.create(Post(title="Harbour Master"))
        editor.create(
            Tenure(person_id=person.id, post_id=post.id, start_on="2023", end_on="2023", status="ended")
        )
    with empty_db.session() as session:
        yield session


def test_a_tenure_known_only_as_a_year_covers_every_day_of_it(partial_tenures):
    for day in ("2023-01-01", "2023-06-01", "2023-12-31", "2023-06", "2023"):
        assert _people(lookup.holders(partial_tenures, "Harbour Master", day)) == ["Year Only"], day
    for day in ("2022-12-31", "2024-01-01", "2024"):
        assert lookup.holders(partial_tenures, "Harbour Master", day) == [], day


# --------------------------------------------------------------------------- sanctions


def test_sanctions_of_an_entity_are_those_linked_to_it(seeded):
    entries = lookup.sanctions(seeded, entity="li-shangfu")
    assert [e["record_id"] for e in entries] == ["24838"]
    assert [(k["entity"], k["status"]) for k in entries[0]["links"]] == [("Li Shangfu", "confirmed")]


def test_sanctions_by_program(seeded):
    entries = lookup.sanctions(seeded, program="CAATSA - RUSSIA")
    assert {e["record_id"] for e in entries} == {"24837", "24838"}
    assert lookup.sanctions(seeded, program="caatsa - russia") == entries
    assert lookup.sanctions(seeded, program="SDGT") == []


def test_sanctions_active_on_a_date(seeded):
    assert lookup.sanctions(seeded, active_on="2018-09-19") == []
    assert {e["record_id"] for e in lookup.sanctions(seeded, active_on="2018-09-20")} == {"24837", "24838"}
    # A month asks about any day of it.
    assert {e["record_id"] for e in lookup.sanctions(seeded, active_on="2018-09")} == {"24837", "24838"}


def test_sanctions_are_counted_under_the_same_filters(seeded):
    assert lookup.count_sanctions(seeded, program="CAATSA - RUSSIA") == 2
    assert lookup.count_sanctions(seeded, entity="li-shangfu") == 1
    assert lookup.count_sanctions(seeded, active_on="2018-09-19") == 0
    assert len(lookup.sanctions(seeded, program="CAATSA - RUSSIA", limit=1)) == 1


def test_sanctions_of_an_unknown_entity_is_not_found(seeded):
    with pytest.raises(NotFound):
        lookup.sanctions(seeded, entity="nobody-at-all")


def test_one_sanction_entry_with_all_its_names_and_links(seeded):
    entry = lookup.sanction_entry(seeded, "ofac-sdn", "24837")
    assert entry["name"] == "EQUIPMENT DEVELOPMENT DEPARTMENT"
    assert entry["target_kind"] == "organization"
    assert ("GENERAL ARMAMENT DEPARTMENT", "former") in {(n["name"], n["kind"]) for n in entry["names"]}
    assert [k["entity"] for k in entry["links"]] == [
        "Equipment Development Department of the Central Military Commission"
    ]
    assert "CAATSA Section 235" in entry["remarks"]


def test_an_unknown_sanction_entry_is_not_found(seeded):
    with pytest.raises(NotFound, match="99999"):
        lookup.sanction_entry(seeded, "ofac-sdn", "99999")
    # A list that is not there is named as such, with the lists that are.
    with pytest.raises(NotFound, match=r"^no list 'un-consolidated'; the lists are .*ofac-sdn"):
        lookup.sanction_entry(seeded, "un-consolidated", "24838")
    with pytest.raises(NotFound, match=r"^no list 'ofac'; the lists are .*ofac-sdn"):
        lookup.sanctions(seeded, list_key="ofac")


@pytest.fixture
def listed_and_delisted(empty_db):
    """One list with an entry in force, a delisted one, and one listed only as "2019"."""
    with editing(empty_db) as editor:
        authority = editor.create(Authority(key="uk-ofsi", name="UK OFSI"))
        sanction_list = editor.create(
            SanctionList(key="uk-consolidated", name="UK", authority_id=authority.id)
        )
        program = editor.create(Program(authority_id=authority.id, code="RUSSIA"))
        person = editor.create(Entity(kind="person", name="Former Target"))
        for record_id, listed, delisted in [
            ("in-force", "2014-03-20", None),
            ("delisted", "2014-03-20", "2022-06-15"),
            ("year-only", "2019", None),
        ]:
            entry = editor.create(
                SanctionEntry(
                    list_id=sanction_list.id,
                    record_id=record_id,
                    target_kind="person",
                    name=record_id.upper(),
                    listed_on=listed,
                    delisted_on=delisted,
                )
            )
            editor.create(EntryProgram(entry_id=entry.id, program_id=program.id))
            if record_id == "delisted":
                editor.create(Link(entity_id=person.id, entry_id=entry.id, status="proposed"))
    with empty_db.session() as session:
        yield session


def _records(entries) -> set[str]:
    return {e["record_id"] for e in entries}


def test_a_delisted_entry_is_active_until_its_delisting_day(listed_and_delisted):
    session = listed_and_delisted
    assert _records(lookup.sanctions(session, active_on="2022-06-14")) == {
        "in-force",
        "delisted",
        "year-only",
    }
    assert _records(lookup.sanctions(session, active_on="2022-06-15")) == {"in-force", "year-only"}
    assert _records(lookup.sanctions(session, active_on="2013")) == set()
    # Without a date every entry is listed, delisted or not, each saying which.
    statuses = {e["record_id"]: e["status"] for e in lookup.sanctions(session)}
    assert statuses == {"in-force": "active", "delisted": "delisted", "year-only": "active"}


def test_a_year_only_listing_counts_from_the_start_of_that_year(listed_and_delisted):
    session = listed_and_delisted
    assert "year-only" in _records(lookup.sanctions(session, active_on="2019-01-01"))
    assert "year-only" not in _records(lookup.sanctions(session, active_on="2018-12-31"))


def test_sanctions_by_list_and_with_a_limit(listed_and_delisted):
    session = listed_and_delisted
    assert len(lookup.sanctions(session, list_key="uk-consolidated")) == 3
    with pytest.raises(NotFound, match="no list 'sdn'; the lists are uk-consolidated"):
        lookup.sanctions(session, list_key="sdn")  # no such list here
    assert len(lookup.sanctions(session, limit=2)) == 2


def test_an_entity_filter_keeps_proposed_links_and_drops_rejected_ones(listed_and_delisted):
    session = listed_and_delisted
    person = session.exec(select(Entity).where(Entity.name == "Former Target")).one()
    assert _records(lookup.sanctions(session, entity=person.id)) == {"delisted"}
    link = session.exec(select(Link)).one()
    link.status = "rejected"
    session.add(link)
    session.flush()
    assert lookup.sanctions(session, entity=person.id) == []
    session.rollback()
