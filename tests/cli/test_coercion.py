"""Option values converted without pydantic (``refdb.cli.coercion``): the values and the
messages Typer's own conversion gives."""

from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Invalid value for '--limit': Input should be greater than or equal to 1"),
        ("10001", "Invalid value for '--limit': Input should be less than or equal to 10000"),
        ("many", "Invalid value for '--limit': Input should be a valid integer"),
        ("2.5", "Invalid value for '--limit': Input should be a valid integer"),
    ],
)
def test_a_bad_number_is_refused_as_typer_refuses_it(refdb, shared_seeded_db, value, message):
    result = refdb("officials", "--limit", value, "--db", shared_seeded_db.url)
    assert result.code == 2
    assert message in " ".join(result.err.replace("│", " ").split())


def test_numbers_and_text_reach_the_command_converted(refdb, shared_seeded_db):
    page = json.loads(
        refdb("posts", "--limit", " 2.0 ", "--country", "cn", "--json", "--db", shared_seeded_db.url).out
    )
    assert page["limit"] == 2 and len(page["items"]) == 2
    assert all(post["country"] == "cn" for post in page["items"])
    links = refdb("links", "--min-score", "1e0", "--json", "--db", shared_seeded_db.url)
    assert links.code == 0, links.err
    assert all(link["score"] >= 1 for link in json.loads(links.out)["items"])
    bad = refdb("links", "--min-score", "high", "--db", shared_seeded_db.url)
    assert "Input should be a valid number" in bad.err
