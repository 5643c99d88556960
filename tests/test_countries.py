"""One rule for countries: codes, names, adjectives and list spellings as ISO alpha-2."""

from __future__ import annotations

import pytest

from refdb.countries import country_code, country_codes, country_name


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("cn", "cn"), ("RU", "ru"), ("China", "cn"), ("chinese", "cn"), ("Russia", "ru"),
        ("Russian Federation", "ru"), ("russian", "ru"), ("north korean", "kp"),
        ("Korea, North", "kp"), ("Democratic People's Republic of Korea", "kp"), ("DPRK", "kp"),
        ("Iran (Islamic Republic of)", "ir"), ("Syrian Arab Republic", "sy"), ("Burma", "mm"),
        ("Türkiye", "tr"), ("Turkey", "tr"), ("Congo, Democratic Republic of the", "cd"),
        ("Kosovo", "xk"), ("Palestinian", "ps"), ("Côte d'Ivoire", "ci"), ("RUS", "ru"),
    ],
)  # fmt: skip
def test_lists_and_people_write_a_country_many_ways(written: str, code: str) -> None:
    assert country_code(written) == code


@pytest.mark.parametrize("written", ["", "unknown", "Soviet Union", "Atlantis Republic", None])
def test_no_country_or_none_known_is_none(written: str | None) -> None:
    assert country_code(written) is None


def test_codes_of_a_list_are_each_once_in_order() -> None:
    assert country_codes(["Russia", "unknown", "russian", "China"]) == ["ru", "cn"]


@pytest.mark.parametrize(
    ("shown", "name"),
    [("cn", "China"), ("ch", "Switzerland"), ("kp", "North Korea"), ("stateless", "stateless"), ("qq", "qq")],
)
def test_people_read_a_code_as_the_country_s_name_and_anything_else_as_it_is(shown: str, name: str) -> None:
    assert country_name(shown) == name


def test_the_audit_and_the_importers_use_this_rule() -> None:
    """Two copies disagreed on 6 of 12 names; there is one now."""
    from refdb.audit import facts
    from refdb.importers import proposals

    assert facts.country_codes is country_codes
    assert proposals.country_codes is country_codes
