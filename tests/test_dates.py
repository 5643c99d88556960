"""Partial ISO dates keep their precision and stand for the whole interval they cover."""

from __future__ import annotations

from datetime import date

import pytest

from refdb import dates
from refdb.errors import ExitCode, RefdbError


@pytest.mark.parametrize(
    ("text", "parts", "precision"),
    [
        ("2018", (2018, None, None), "year"),
        ("2023-05", (2023, 5, None), "month"),
        ("2018-09-20", (2018, 9, 20), "day"),
    ],
)
def test_partial_dates_keep_their_precision(text, parts, precision):
    assert dates.parse_partial(text) == parts
    assert dates.precision(text) == precision
    assert dates.normalize(text) == text


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2023", date(2023, 1, 1), date(2023, 12, 31)),
        ("2023-05", date(2023, 5, 1), date(2023, 5, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-02", date(2023, 2, 1), date(2023, 2, 28)),
        ("2018-09-20", date(2018, 9, 20), date(2018, 9, 20)),
    ],
)
def test_a_partial_date_covers_its_whole_interval(text, first, last):
    assert dates.earliest(text) == first
    assert dates.latest(text) == last
    assert dates.as_of(text) == (first, last)


@pytest.mark.parametrize(
    "text",
    [
        "2023-13",
        "2023-02-30",
        "2023-00",
        "2023-05-00",
        "0000",
        "May 2023",
        "23",
        "2023/05/01",
        "2023-5",
        "20230501",
        "x",
    ],
)
def test_bad_dates_are_refused_with_the_offending_text(text):
    with pytest.raises(dates.InvalidDate) as raised:
        dates.normalize(text)
    assert repr(text) in str(raised.value)
    # A bad date is bad input: the CLI exits 2 on it.
    assert isinstance(raised.value, RefdbError)
    assert raised.value.exit_code == ExitCode.BAD_INPUT


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_empty_dates_mean_unknown(empty):
    assert dates.normalize(empty) is None
    assert dates.earliest_or_none(None) is None
    assert dates.latest_or_none(None) is None


def test_surrounding_spaces_are_dropped():
    assert dates.normalize(" 2023-05 ") == "2023-05"
