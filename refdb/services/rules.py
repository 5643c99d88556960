"""The read rules the ORM lookups and the plain-SQL listings share, defined once:
which tenures are held on a date, which posts a title query means, and a tenure's
shape in answers. (Which sanction entries are in force on a date: ``refdb.listing``.)

Plain SQL and plain values, importing neither SQLAlchemy nor the models, so that
`refdb officials` starts without them; ``lookup`` wraps the conditions in ``text()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, TypeVar

Row = TypeVar("Row")


def sql_day(day: date) -> str:
    """A date as a SQL literal. Inlined, not bound: it is a ``date`` by construction, and
    the conditions then read the same under SQLite's ``?`` and psycopg's ``%s``."""
    return f"'{date.isoformat(day)}'"


def in_office_sql(first_day: date, last_day: date, tenure: str = "tenure") -> str:
    """A condition on the table (or alias) ``tenure``: held on some day from ``first_day``
    to ``last_day``.

    A partial start or end counts as covering every day of its interval (``start_from``
    and ``end_until`` are its outer bounds); a tenure with no recorded end is open."""
    return (
        f"({tenure}.start_from IS NULL OR {tenure}.start_from <= {sql_day(last_day)})"
        f" AND ({tenure}.end_until IS NULL OR {tenure}.end_until >= {sql_day(first_day)})"
    )


def rank_posts(query: str, posts: Iterable[tuple[Row, str]]) -> list[tuple[Row, float]]:
    """Of ``(post, title)`` pairs, the posts whose title contains every word of the query,
    best first, with their score; exact titles win outright."""
    # Imported here: the normaliser's tables cost a listing without --post 0.1 s.
    from rapidfuzz import fuzz

    from refdb.matching.normalize import normalize_name

    wanted = normalize_name(query)
    if not wanted:
        return []
    words = wanted.split()
    # Compare normalized titles ("People's" -> "peoples", accents folded): LIKE on the raw
    # title missed exact titles with punctuation. Curated posts are few; score them all.
    scored = []
    for post, raw_title in posts:
        title = normalize_name(raw_title)
        if all(word in title.split() for word in words):
            scored.append((post, fuzz.ratio(wanted, title) / 100))
    exact = [(post, score) for post, score in scored if score == 1.0]
    return exact or sorted(scored, key=lambda pair: -pair[1])


TENURE_FIELDS = (
    "id",
    "version",
    "post_id",
    "post",
    "organization_id",
    "organization",
    "start",
    "end",
    "acting",
    "status",
    "confirmed_on",
)


def tenure_item(values: Iterable[Any]) -> dict[str, Any]:
    """A tenure as answers show it, from its values in ``TENURE_FIELDS`` order."""
    item = dict(zip(TENURE_FIELDS, values, strict=True))
    confirmed_on = item.pop("confirmed_on")  # shown after "current", as it always was
    item["acting"] = bool(item["acting"])  # SQLite reads booleans back as 0 and 1
    item["current"] = item["status"] == "current"
    item["confirmed_on"] = confirmed_on
    return item
