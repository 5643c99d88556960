"""Counts read as English: "1 official", "2 people", never "1 officials" or "2 name"."""

from __future__ import annotations

from refdb import phrases


def test_a_count_agrees_with_its_noun() -> None:
    assert phrases.counted(1, "official") == "1 official"
    assert phrases.counted(5617, "official") == "5,617 officials"
    assert phrases.counted(0, "entry", "entries") == "0 entries"
    assert [phrases.counted(n, "person", "people") for n in (1, 2)] == ["1 person", "2 people"]


def test_a_merge_says_what_moved_in_agreeing_counts() -> None:
    decided = {
        "merge_id": 3,
        "status": "accepted",
        "merge": {
            "kept_id": 4,
            "retired_id": 9,
            "moved": {"name": 2, "tenure": 1},
            "collapsed": {"entry_name": 1},
        },
    }
    assert phrases.merge_decision(decided) == (
        "merged entity 9 into 4: moved 2 names, 1 tenure; duplicates collapsed: 1 entry name; "
        "entity 9 now leads to 4"
    )


def test_one_more_post_is_singular() -> None:
    hit = {
        "posts": [{"post": "Speaker", "current": False}, {"post": "Whip", "current": False}],
        "sanctions": [],
    }
    assert phrases.standing(hit) == "Speaker (former), +1 post"
