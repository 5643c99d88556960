"""Candidate keys: which spellings of a name a query reaches through the index."""

import pytest
from sqlalchemy import Connection

from refdb.backends.postgresql import PostgresqlSearchIndex
from refdb.database import Database
from refdb.matching.normalize import fold_token
from refdb.reading import Raw
from refdb.search.index import CommonPostings, candidates, doc_id, index_keys, query_groups, rebuild, sync
from refdb.search.service import find


def _reach(query: str, name: str) -> set[str]:
    """Keys a query may look up (fallbacks included) that the name is indexed under."""
    looked_up = {k for group in query_groups(query) for k in (*group.keys, *group.fallback)}
    return looked_up & set(index_keys(name))


def test_a_word_counts_once_in_every_form() -> None:
    groups = query_groups("Mao Zedong")
    words = [g.words for g in groups if g.single]
    assert len(words) == 2, "the Wade-Giles spelling is the same word, not more evidence"
    assert any(fold_token("tsetung") in w for w in words)


def test_two_typos_in_one_word_meet_the_indexed_deletions() -> None:
    assert _reach("Cao Shdnkyu", "Cao Shanyu") - set(_reach("Cao Shdnkyu", "Cao Zhiming"))
    assert any(k.startswith("~~") for k in _reach("Wen Xilnaxing", "Wen Xinxing"))


def test_short_words_meet_longer_spellings() -> None:
    assert _reach("Luo Pana", "Luo Panya") - {"luo"}, "a four-letter word one letter short"
    assert _reach("Lsa Kohler", "Lisa Kohler") - set(index_keys("Kohler")), "a three-letter word"


def test_the_last_word_joined_to_the_first_meets_an_inverted_name() -> None:
    assert _reach("QIU, Xiong Dai", "Xiong Daiqiu") - _reach("Xiong Dai", "Xiong Daiqiu")


def test_common_words_kept_between_searches_change_no_candidates(db_url: str) -> None:
    from benchmarks import synthetic

    synthetic.load(db_url, 1500)
    database = Database(db_url, actor="tester")
    # A budget this small leaves many words too common to read: they go through the cache,
    # which this bound makes drop lists as it goes.
    common = CommonPostings(max_postings=300)
    with database.reading() as reader:
        find(reader, "catch up on the loaded names")
        for query in synthetic.make_queries(1500, 60):
            alone = candidates(reader.raw, query["query"], budget=40)
            assert candidates(reader.raw, query["query"], budget=40, common=common) == alone
    database.close()
    assert 0 < len(common) < 60, "common words were kept, and some dropped"


def test_a_surname_with_particles_is_found_written_in_one() -> None:
    assert "vanderberg" in _reach("Pieter VanderBerg", "Pieter van der Berg")
    assert "vanderberg" in _reach("Pieter van der Berg", "VANDERBERG, Pieter")


def test_a_korean_name_in_hangul_reaches_its_listed_spelling() -> None:
    assert {"kim", "jong", "un"} <= _reach("김정은", "KIM Jong Un")


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Mikehev", "Mikheev"),  # letters swapped across a fold (kh)
        ("Zhirinovskir", "ZHIRINOVSKY"),  # two edits in a word too long for double deletions
    ],
)
def test_a_typo_that_defeats_deletions_still_meets_the_skeleton(query: str, name: str) -> None:
    assert _reach(query, name)


def _postings(connection: Connection) -> dict[str, set[int]]:
    """Every key's documents as the index hands them to a search."""
    raw = Raw.of(connection)
    terms = [t for (t,) in connection.exec_driver_sql("SELECT term FROM search_term WHERE term <> '#keys'")]
    found: dict[str, set[int]] = {}
    for start in range(0, len(terms), 400):
        chunk = terms[start : start + 400]
        for part, ids in raw.rows(*raw.backend.search_index.postings_query(chunk, [])):
            found[chunk[part]] = {int(i) for i in ids.split(",")} if ids else set()
    return found


def _expected(connection: Connection) -> dict[str, set[int]]:
    """Every key's documents, computed from the names as they stand."""
    expected: dict[str, set[int]] = {}
    for source, table in ((0, "name"), (1, "entry_name")):
        for row_id, name in connection.exec_driver_sql(f"SELECT id, name FROM {table}"):
            for key in index_keys(name):
                expected.setdefault(key, set()).add(doc_id(source, row_id))
    return expected


def _check_postings(database: Database) -> None:
    with database.engine.begin() as connection:
        sync(connection)
        expected = _expected(connection)
        assert _postings(connection) == expected
        counts = dict(
            connection.exec_driver_sql("SELECT term, docs FROM search_term WHERE term <> '#keys'").all()
        )
        assert counts == {key: len(docs) for key, docs in expected.items()}


def test_postings_follow_every_rename_and_deletion(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import synthetic

    # Lists rewritten often, so that some keys are rewritten and others read with removals
    # set aside (PostgreSQL; SQLite's FTS5 keeps its own).
    monkeypatch.setattr(PostgresqlSearchIndex, "MAX_PIECES", 2)
    monkeypatch.setattr(PostgresqlSearchIndex, "MAX_GONE", 3)
    synthetic.load(db_url, 200)
    database = Database(db_url, actor="tester")
    try:
        _check_postings(database)
        # Each round adds the word "zzyzx" to more names, renames others, deletes one, and
        # in every other round renames some back.
        for round_ in range(12):
            with database.engine.begin() as connection:
                connection.exec_driver_sql(
                    f"UPDATE entry_name SET name = name || ' Zzyzx' WHERE mod(id, 12) = {round_}"
                )
                connection.exec_driver_sql(
                    f"UPDATE name SET name = 'Qwyxo ' || name WHERE mod(id, 24) = {round_}"
                )
                first = f"SELECT min(id) FROM entry_name WHERE mod(id, 12) = {round_}"
                connection.exec_driver_sql(f"DELETE FROM entry_name WHERE id = ({first})")
                if round_ % 2:
                    connection.exec_driver_sql(
                        f"UPDATE name SET name = substr(name, 7) WHERE mod(id, 24) = {round_ - 1}"
                    )
            with database.reading() as reader:
                hits = find(reader, "zzyzx", threshold=0.0)
            assert hits, "a word added by the last edit is found"
        _check_postings(database)
        with database.engine.begin() as connection:
            rebuild(connection)
        _check_postings(database)
    finally:
        database.close()
