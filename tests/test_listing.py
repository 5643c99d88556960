"""The one "active on D" rule for sanction entries (refdb/listing.py)."""

from __future__ import annotations

from datetime import date

import pytest

from refdb.listing import ListingDates

# OFAC publishes no listing date: the first file refdb read that held the entry is dated
# 2024-05-03; it vanished from a file fetched 2025-02-01 after being in one of 2025-01-02.
UNDATED = ListingDates(None, date(2024, 5, 3), None, None)
VANISHED = ListingDates(None, date(2024, 5, 3), "2025-02-01", date(2025, 1, 2))
PUBLISHED = ListingDates("2018-09-20", date(2024, 5, 3), "2021-01-08", None)


@pytest.mark.parametrize(
    ("listing", "on", "answer"),
    [
        (UNDATED, "2010", "uncertain"),  # was "yes": Putin "active" in 2010
        (UNDATED, "2024-05-02", "uncertain"),
        (UNDATED, "2024-05-03", "yes"),
        (UNDATED, "2026", "yes"),
        (VANISHED, "2024-12", "yes"),
        (VANISHED, "2025-01-02", "yes"),
        (VANISHED, "2025-01-15", "uncertain"),  # between the last file holding it and the first not
        (VANISHED, "2025-02-01", "no"),
        (PUBLISHED, "2018-09-19", "no"),
        (PUBLISHED, "2018", "yes"),
        (PUBLISHED, "2021-01-07", "yes"),
        (PUBLISHED, "2021-01-08", "no"),
    ],
)
def test_active_on_says_uncertain_where_the_dates_do_not_decide(listing, on, answer) -> None:
    assert listing.active_on(on) == answer


def test_bounds_are_shown_as_bounds() -> None:
    assert VANISHED.as_dict() == {
        "listed_on": None,
        "listed_no_later_than": "2024-05-03",
        "delisted_after": "2025-01-02",
        "delisted_on": "2025-02-01",
    }
    assert VANISHED.describe() == (
        "listed by 2024-05-03 (date not published), delisted between 2025-01-02 and 2025-02-01"
    )
    assert PUBLISHED.describe() == "listed 2018-09-20, delisted 2021-01-08"
