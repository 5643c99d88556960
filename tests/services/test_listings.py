"""The auditors' listings over tests/listing_world.py (read its docstring for the people)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session

from refdb.database import Database
from refdb.dates import InvalidDate
from refdb.services import listings
from refdb.services.listings import BadFilter, LinkFilters, OfficialFilters, PostFilters


@pytest.fixture
def session(listing_db: Database) -> Iterator[Session]:
    with listing_db.session() as session:
        yield session


def names(page: dict[str, Any]) -> list[str]:
    return [item["name"] for item in page["items"]]


def officials(session: Session, **filters: Any) -> list[str]:
    return names(listings.officials(session, OfficialFilters(**filters)))


# --- officials -------------------------------------------------------------------


def test_officials_are_people_with_a_post_by_name(session: Session) -> None:
    page = listings.officials(session)
    assert names(page) == ["=Eve Formula", "Anna Alpha", "Boris Beta", "Carl Gamma", "Emil Epsilon"]
    assert page["total"] == 5, "Dora Delta holds no post and the ministry is no person"


def test_sanctioned_today_rests_on_confirmed_links_to_entries_in_force(session: Session) -> None:
    # Carl's entry was delisted in 2008; Boris's link is only proposed; Emil's is rejected.
    assert officials(session, sanctioned="yes") == ["Anna Alpha"]
    assert officials(session, sanctioned="no") == ["=Eve Formula", "Boris Beta", "Carl Gamma", "Emil Epsilon"]


def test_proposed_links_count_when_asked(session: Session) -> None:
    assert officials(session, sanctioned="yes", proposed=True) == ["Anna Alpha", "Boris Beta"]


def test_in_office_while_sanctioned(session: Session) -> None:
    # Anna was minister from 2010 but listed only in 2014; Carl was listed 2005 to 2008.
    assert officials(session, in_office_on="2012", sanctioned="yes") == []
    assert officials(session, in_office_on="2014-06", sanctioned="yes") == ["Anna Alpha"]
    assert officials(session, in_office_on="2006-01-01", sanctioned="yes") == ["Carl Gamma"]
    page = listings.officials(session, OfficialFilters(in_office_on="2006", sanctioned="yes"))
    assert page["items"][0]["sanctioned_on"] == "2006-01-01 to 2006-12-31"


def test_a_partial_date_is_the_interval_it_covers(session: Session) -> None:
    # Anna's ministry ended "2015-06": any day of 2015 may be in office, July 2015 is not.
    assert "Anna Alpha" in officials(session, in_office_on="2015")
    assert "Anna Alpha" in officials(session, in_office_on="2015-06-30")
    assert "Anna Alpha" not in officials(session, in_office_on="2015-07")


def test_post_country_and_date_filters_hold_for_one_tenure(session: Session) -> None:
    assert officials(session, post="governor central bank") == ["Anna Alpha", "Boris Beta"]
    # Anna was in office in 2012 (as minister) and was governor (till 2005), not both at once.
    assert officials(session, post="governor central bank", in_office_on="2012") == []
    assert officials(session, country="US") == ["=Eve Formula", "Carl Gamma", "Emil Epsilon"]
    assert officials(session, post="nothing like this") == []


def test_an_official_lists_the_tenures_kept_and_the_links_not_rejected(session: Session) -> None:
    (anna,) = listings.officials(session, OfficialFilters(post="minister of finance"))["items"]
    assert [t["post"] for t in anna["tenures"]] == ["Minister of Finance"]
    assert [(s["record_id"], s["link_status"]) for s in anna["sanctions"]] == [("RU-1", "confirmed")]
    (emil,) = listings.officials(session, OfficialFilters(post="senator", in_office_on="2020"))["items"]
    assert emil["name"] == "Emil Epsilon" and emil["sanctions"] == [] and not emil["sanctioned"]


def test_source_filter_follows_citations_of_the_entity_and_its_tenures(session: Session) -> None:
    assert officials(session, source="listing-test") == ["Anna Alpha", "Emil Epsilon"]
    assert officials(session, source="importer-x") == ["Boris Beta"], "an importer's key names its files"
    for unknown in ("nope", "importer"):  # a key's prefix is no key
        with pytest.raises(BadFilter, match=f"no source with key '{unknown}'"):
            listings.officials(session, OfficialFilters(source=unknown))


def test_name_filters_as_you_type(session: Session) -> None:
    assert officials(session, name="ALPH") == ["Anna Alpha"]
    assert links(session, entity="epsil") == [("Emil Epsilon", "RU-3")]


def test_pages_are_counted(session: Session) -> None:
    page = listings.officials(session, limit=2, offset=1)
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 1)
    assert names(page) == ["Anna Alpha", "Boris Beta"]
    past = listings.officials(session, limit=2, offset=10)
    assert (past["total"], past["items"]) == (5, [])


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (OfficialFilters(sanctioned="maybe"), "--sanctioned takes yes or no"),  # type: ignore[arg-type]
        (OfficialFilters(in_office_on="2023-13"), "not a valid date"),
    ],
)
def test_bad_official_filters_are_refused(session: Session, filters: OfficialFilters, message: str) -> None:
    with pytest.raises((BadFilter, InvalidDate), match=message):
        listings.officials(session, filters)


# --- links -----------------------------------------------------------------------


def links(session: Session, **filters: Any) -> list[tuple[str, str]]:
    page = listings.links(session, LinkFilters(**filters))
    assert page["total"] == len(page["items"])
    return [(item["entity"], item["record_id"]) for item in page["items"]]


def test_links_by_status_basis_score_and_review(session: Session) -> None:
    assert len(links(session)) == 5
    assert links(session, status="proposed") == [("Boris Beta", "RU-2")]
    assert links(session, status="rejected") == [("Emil Epsilon", "RU-3")]
    assert links(session, basis="named", min_score=0.95) == [("Anna Alpha", "RU-1"), ("Carl Gamma", "US-1")]
    assert links(session, max_score=0.7) == [("Emil Epsilon", "RU-3")]
    assert links(session, needs_review=True) == [("Boris Beta", "RU-2")]
    assert len(links(session, needs_review=False)) == 4


def test_a_link_says_whether_its_entry_is_delisted(session: Session) -> None:
    (carl,) = listings.links(session, LinkFilters(min_score=0.99))["items"]
    assert (carl["entity"], carl["entry_status"], carl["status"]) == ("Carl Gamma", "delisted", "confirmed")


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (LinkFilters(status="maybe"), "--status takes proposed, confirmed, rejected"),
        (LinkFilters(basis="hunch"), "--basis takes named"),
        (LinkFilters(min_score=1.5), "--min-score must be between 0 and 1"),
    ],
)
def test_bad_link_filters_are_refused(session: Session, filters: LinkFilters, message: str) -> None:
    with pytest.raises(BadFilter, match=message):
        listings.links(session, filters)


# --- posts -----------------------------------------------------------------------


def posts(session: Session, **filters: Any) -> list[tuple[str, int, int]]:
    page = listings.posts(session, PostFilters(**filters))
    return [(p["title"], p["holders"], p["current_holders"]) for p in page["items"]]


def test_posts_with_holder_counts(session: Session) -> None:
    assert posts(session) == [
        ("Governor of the Central Bank", 2, 1),
        ("Minister of Finance", 1, 0),
        ("Senator for Ohio", 3, 1),
    ]


def test_posts_by_title_country_and_organization(session: Session) -> None:
    assert [p[0] for p in posts(session, title="senator")] == ["Senator for Ohio"]
    assert [p[0] for p in posts(session, country="ru")] == [
        "Governor of the Central Bank",
        "Minister of Finance",
    ]
    assert [p[0] for p in posts(session, organization="ministry of fin")] == ["Minister of Finance"]
    assert posts(session, title="admiral") == []


def test_paging_is_checked(session: Session) -> None:
    with pytest.raises(BadFilter, match="--limit must be at least 1"):
        listings.posts(session, limit=0)
    with pytest.raises(BadFilter, match="--offset must be 0 or more"):
        listings.links(session, offset=-1)
