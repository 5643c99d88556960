"""The candidate index: every name of a curated entity and of a sanction entry's target,
as matching keys, inside the database.

A name is one *document*: its id is the row id times two, plus 0 for ``name`` rows and
1 for ``entry_name`` rows, so both kinds share one index. Its keys (``index_keys``) are
the tokens of its folded forms, adjacent tokens joined, and consonant skeletons, so
spelling, spacing, script and romanisation variants share keys, and so do spellings
one typo apart.

* SQLite: an FTS5 table over the keys (contentless, ``detail=none``: only which
  documents hold a key is needed).
* PostgreSQL: a ``text[]`` column with a GIN index.
* Both: ``search_doc`` (owner and folded forms of each document), ``search_term``
  (how many documents hold each key) and ``search_pending`` (documents to reindex).

Maintenance: triggers on ``name`` and ``entry_name`` queue every insert, update and
delete in ``search_pending``, whoever writes (the ORM, bulk SQL, another client); the
keys are computed in Python by ``sync``, which the search service runs before reading
and writers may run after committing. Migrations call ``install`` and ``rebuild``.

Candidates for a query (``candidates``): look up how many documents hold each query
key, take keys rarest first while their postings fit in a budget, and rank documents
by the summed weight (rarer keys weigh more) of the keys they share with the query.
The ranking is computed here, identically for both back ends, so both return the same
candidates for the same data.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice, pairwise

from sqlalchemy import Connection

from refdb.matching.normalize import PARTICLES, name_forms

ENTITY_NAME, ENTRY_NAME = 0, 1
# Bump whenever normalisation, folding or index_keys change what they produce: a
# database indexed with other keys is then reindexed on its next search.
KEY_VERSION = 4
_VERSION_TERM = "#keys"  # a reserved row of search_term ("#" never occurs in a key)
BUDGET = 6000  # postings read per query: bounds latency whatever the database size
TOP_DOCS = 200  # documents handed on to the re-scorer
SHORTLIST_FACTOR = 5  # documents read from the postings, per document handed on
_WEIGHT_SCALE = 1e7  # weight of a key held by df documents: log(1 + scale / df)
_BATCH = 2000
_VOWELS = re.compile(r"[aeiouy]")

# Tables, in the order they are dropped.
TABLES = ("search_fts", "search_doc", "search_term", "search_pending")

_SQLITE_DDL = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "keys, content='', detail=none, columnsize=0, tokenize=\"unicode61 tokenchars '~'\")",
    "CREATE TABLE search_doc (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, "
    "forms TEXT NOT NULL, keys TEXT NOT NULL)",
    "CREATE TABLE search_term (term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE search_pending (doc INTEGER PRIMARY KEY)",
    *(
        f"CREATE TRIGGER search_{table}_{event} AFTER {event.upper()}{columns} ON {table} "
        f"BEGIN {body} END"
        for table, parity, owner in (("name", 0, "entity_id"), ("entry_name", 1, "entry_id"))
        for event, columns, body in (
            ("insert", "", f"INSERT OR IGNORE INTO search_pending VALUES (new.id * 2 + {parity});"),
            (
                "update",
                f" OF name, {owner}",
                f"INSERT OR IGNORE INTO search_pending VALUES (old.id * 2 + {parity}); "
                f"INSERT OR IGNORE INTO search_pending VALUES (new.id * 2 + {parity});",
            ),
            ("delete", "", f"INSERT OR IGNORE INTO search_pending VALUES (old.id * 2 + {parity});"),
        )
    ),
)  # fmt: skip

_POSTGRES_DDL = (
    "CREATE TABLE search_doc (id BIGINT PRIMARY KEY, owner BIGINT NOT NULL, "
    "forms TEXT NOT NULL, keys TEXT[] NOT NULL)",
    "CREATE INDEX search_doc_keys ON search_doc USING gin (keys)",
    "CREATE TABLE search_term (term TEXT PRIMARY KEY, docs INTEGER NOT NULL)",
    "CREATE TABLE search_pending (doc BIGINT PRIMARY KEY)",
    """CREATE FUNCTION search_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE parity integer := CASE WHEN TG_TABLE_NAME = 'name' THEN 0 ELSE 1 END;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO search_pending VALUES (OLD.id * 2 + parity) ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO search_pending VALUES (NEW.id * 2 + parity) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$""",
    "CREATE TRIGGER search_name_enqueue AFTER INSERT OR DELETE OR UPDATE OF name, entity_id "
    "ON name FOR EACH ROW EXECUTE FUNCTION search_enqueue()",
    "CREATE TRIGGER search_entry_name_enqueue AFTER INSERT OR DELETE OR UPDATE OF name, entry_id "
    "ON entry_name FOR EACH ROW EXECUTE FUNCTION search_enqueue()",
)


def _postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def install(connection: Connection) -> None:
    """Create the index tables and the triggers that queue changed names."""
    for statement in _POSTGRES_DDL if _postgres(connection) else _SQLITE_DDL:
        connection.exec_driver_sql(statement)


def uninstall(connection: Connection) -> None:
    if _postgres(connection):
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS search_name_enqueue ON name")
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS search_entry_name_enqueue ON entry_name")
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS search_enqueue()")
    else:
        for table in ("name", "entry_name"):
            for event in ("insert", "update", "delete"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS search_{table}_{event}")
    for table in TABLES:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")


# --- keys ---------------------------------------------------------------------------


def skeleton(token: str) -> str:
    """First letter and the consonants after it: absorbs vowel typos and vowel
    spellings ("shangfoo" and "shangfu" -> "shngf")."""
    return token[0] + _VOWELS.sub("", token[1:])


def _deletions(token: str) -> set[str]:
    """The token and every spelling with one letter less, as "~~" keys: two spellings
    one edit apart (substitution, insertion, deletion, transposition) share one."""
    return {"~~" + token} | {"~~" + token[:i] + token[i + 1 :] for i in range(len(token))}


def _joins(parts: Sequence[str]) -> list[str]:
    """Adjacent tokens joined, as written and with particles left out: "bin" and "al"
    recur in every Arabic name, so "uthman bin hasan" is found by "uthmanhasan"."""
    content = [t for t in parts if t not in PARTICLES]
    joins = [a + b for a, b in pairwise(parts)]
    joins += [a + b for a, b in pairwise(content) if a + b not in joins]
    return joins


def index_keys(name: str) -> list[str]:
    """Keys of a name in the index: the tokens of each folded form, adjacent tokens
    joined (also across particles), "~" + the skeleton of tokens of four letters or
    more, and the one-letter deletions of tokens of five letters or more."""
    keys: set[str] = set()
    for form in name_forms(name):
        parts = form.split()
        keys.update(parts)
        keys.update(_joins(parts))
        keys.update("~" + skeleton(t) for t in parts if len(t) >= 4)
        for token in parts:
            if len(token) >= 5:
                keys.update(_deletions(token))
    return sorted(keys)


def query_groups(query: str) -> list[tuple[str, list[str]]]:
    """The keys a query looks up, grouped by the token (or pair of adjacent tokens)
    they stand for: the token, its skeleton, and its one-letter deletions, which are
    only used when the token itself is in no name (a typo, or spaced differently:
    "Yu-tuon" reaches "Youduan" through the deletions of "yutuon")."""
    groups: dict[str, list[str]] = {}
    for form in name_forms(query):
        parts = form.split()
        for token in (*parts, *_joins(parts)):
            if token in groups:
                continue
            keys = [token]
            if len(token) >= 4 and token in parts:
                keys.append("~" + skeleton(token))
            if len(token) >= 5:
                keys.extend(sorted(_deletions(token)))
            groups[token] = keys
    return list(groups.items())


def doc_id(source: int, row_id: int) -> int:
    return row_id * 2 + source


@dataclass(frozen=True, slots=True)
class Doc:
    """One indexed name: ``source`` is ENTITY_NAME or ENTRY_NAME, ``row_id`` the id of
    its name row, ``owner`` the entity or sanction entry it names."""

    id: int
    owner: int
    forms: tuple[str, ...]
    weight: int = 0

    @property
    def source(self) -> int:
        return self.id % 2

    @property
    def row_id(self) -> int:
        return self.id // 2


def _document(doc: int, owner: int, name: str) -> tuple[int, int, str, list[str]]:
    return doc, owner, "|".join(name_forms(name)), index_keys(name)


def _chunks(items: Iterable[int], size: int = _BATCH) -> Iterator[list[int]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _in(values: Sequence[int]) -> str:
    # Integers only, from this module: safe to inline, and far faster than bound
    # parameters for lists of thousands.
    return ",".join(str(int(v)) for v in values)


def _source_rows(connection: Connection, docs: Sequence[int]) -> list[tuple[int, int, str]]:
    """(doc, owner, name) of the name rows behind ``docs`` that still exist."""
    rows: list[tuple[int, int, str]] = []
    for source, table, owner in ((0, "name", "entity_id"), (1, "entry_name", "entry_id")):
        ids = [d // 2 for d in docs if d % 2 == source]
        if ids:
            found = connection.exec_driver_sql(
                f"SELECT id, {owner}, name FROM {table} WHERE id IN ({_in(ids)})"
            )
            rows.extend((doc_id(source, i), o, n) for i, o, n in found)
    return rows


def _write_docs(connection: Connection, docs: list[tuple[int, int, str, list[str]]]) -> None:
    if not docs:
        return
    if _postgres(connection):
        raw = connection.connection.driver_connection
        with (
            raw.cursor() as cursor,
            cursor.copy(  # type: ignore[union-attr]
                "COPY search_doc (id, owner, forms, keys) FROM STDIN"
            ) as copy,
        ):
            for row in docs:
                copy.write_row(row)
        return
    connection.exec_driver_sql(
        "INSERT INTO search_doc (id, owner, forms, keys) VALUES (?, ?, ?, ?)",
        [(d, o, f, " ".join(k)) for d, o, f, k in docs],
    )
    connection.exec_driver_sql(
        "INSERT INTO search_fts (rowid, keys) VALUES (?, ?)", [(d, " ".join(k)) for d, _, _, k in docs]
    )


def _delete_docs(connection: Connection, docs: Sequence[int]) -> Counter[str]:
    """Remove documents; returns the key counts they held."""
    removed: Counter[str] = Counter()
    if not docs:
        return removed
    rows = connection.exec_driver_sql(f"SELECT id, keys FROM search_doc WHERE id IN ({_in(docs)})").all()
    postgres = _postgres(connection)
    for _, keys in rows:
        removed.update(keys if postgres else keys.split())
    if not postgres and rows:
        # A contentless FTS5 table forgets a row when told the exact keys it held.
        connection.exec_driver_sql(
            "INSERT INTO search_fts (search_fts, rowid, keys) VALUES ('delete', ?, ?)",
            [(d, k) for d, k in rows],
        )
    connection.exec_driver_sql(f"DELETE FROM search_doc WHERE id IN ({_in(docs)})")
    return removed


def _count_terms(connection: Connection, deltas: Counter[str]) -> None:
    changes = [(term, n) for term, n in deltas.items() if n]
    if not changes:
        return
    placeholder = "%s" if _postgres(connection) else "?"
    connection.exec_driver_sql(
        f"INSERT INTO search_term (term, docs) VALUES ({placeholder}, {placeholder}) "
        "ON CONFLICT (term) DO UPDATE SET docs = search_term.docs + excluded.docs",
        changes,
    )
    connection.exec_driver_sql(f"DELETE FROM search_term WHERE docs <= 0 AND term <> '{_VERSION_TERM}'")


def _recount_terms(connection: Connection) -> None:
    connection.exec_driver_sql("DELETE FROM search_term")
    connection.exec_driver_sql(
        f"INSERT INTO search_term (term, docs) VALUES ('{_VERSION_TERM}', {KEY_VERSION})"
    )
    if _postgres(connection):
        connection.exec_driver_sql(
            "INSERT INTO search_term (term, docs) "
            "SELECT key, count(*) FROM search_doc, unnest(keys) AS key GROUP BY key"
        )
    else:
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE temp.search_vocab USING fts5vocab(main, search_fts, 'row')"
        )
        connection.exec_driver_sql(
            "INSERT INTO search_term (term, docs) SELECT term, doc FROM temp.search_vocab"
        )
        connection.exec_driver_sql("DROP TABLE temp.search_vocab")


def stale(connection: Connection) -> bool:
    """Whether the index was built with keys other than this code's."""
    version = connection.exec_driver_sql(
        f"SELECT docs FROM search_term WHERE term = '{_VERSION_TERM}'"
    ).scalar()
    return version != KEY_VERSION


def pending(connection: Connection) -> int:
    return connection.exec_driver_sql("SELECT count(*) FROM search_pending").scalar_one()


def sync(connection: Connection) -> int:
    """Reindex the queued names in the caller's transaction; returns how many.

    Large queues (a first import, a benchmark load) recount the key table once at the
    end instead of updating it name by name."""
    total = last = 0
    bulk = pending(connection) > 50_000
    deltas: Counter[str] = Counter()
    # Pages by key (doc > last), so deleted queue entries are never read twice.
    while docs := [
        d for (d,) in connection.exec_driver_sql(
            f"SELECT doc FROM search_pending WHERE doc > {last} ORDER BY doc LIMIT {_BATCH}"
        )
    ]:  # fmt: skip
        last = docs[-1]
        deltas.subtract(_delete_docs(connection, docs))
        fresh = [_document(d, o, n) for d, o, n in _source_rows(connection, docs)]
        _write_docs(connection, fresh)
        for *_, keys in fresh:
            deltas.update(keys)
        connection.exec_driver_sql(f"DELETE FROM search_pending WHERE doc IN ({_in(docs)})")
        total += len(docs)
        if not bulk and len(deltas) > 20_000:
            _count_terms(connection, deltas)
            deltas.clear()
    if bulk:
        _recount_terms(connection)
    else:
        _count_terms(connection, deltas)
    return total


def rebuild(connection: Connection) -> int:
    """Reindex every name from scratch; returns how many."""
    connection.exec_driver_sql("DELETE FROM search_pending")
    if _postgres(connection):
        connection.exec_driver_sql("TRUNCATE search_doc, search_term")
    else:
        connection.exec_driver_sql("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")
        connection.exec_driver_sql("DELETE FROM search_doc")
        connection.exec_driver_sql("DELETE FROM search_term")
    count = 0
    for source, table, owner in ((ENTITY_NAME, "name", "entity_id"), (ENTRY_NAME, "entry_name", "entry_id")):
        last = 0
        # Pages by id, not through the queue: a queue drained in one PostgreSQL
        # transaction leaves dead index entries that every later page would re-read.
        while rows := connection.exec_driver_sql(
            f"SELECT id, {owner}, name FROM {table} WHERE id > {last} ORDER BY id LIMIT {_BATCH * 10}"
        ).all():
            _write_docs(connection, [_document(doc_id(source, i), o, n) for i, o, n in rows])
            last = rows[-1][0]
            count += len(rows)
    _recount_terms(connection)
    if not _postgres(connection):
        connection.exec_driver_sql("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
    return count


# --- candidates -----------------------------------------------------------------------


def key_weight(documents: int) -> int:
    """Weight of a key held by ``documents`` documents: rarer weighs more. An integer,
    so that sums are exact and both back ends rank ties alike."""
    return round(1000 * math.log(1.0 + _WEIGHT_SCALE / documents))


def _posting_query(postgres: bool, chosen: Sequence[tuple[str, int, int]]) -> tuple[str, list[str]]:
    """One SELECT of (doc, group, weight) per chosen key."""
    if postgres:
        select = "SELECT id, {g} AS g, {w} AS w FROM search_doc WHERE keys @> ARRAY[%s]"
        params = [k for k, _, _ in chosen]
    else:
        select = "SELECT rowid AS id, {g} AS g, {w} AS w FROM search_fts WHERE search_fts MATCH ?"
        params = [f'"{k}"' for k, _, _ in chosen]
    return " UNION ALL ".join(select.format(g=g, w=w) for _, g, w in chosen), params


def _choose(
    groups: Sequence[tuple[str, list[str]]], counts: dict[str, int], budget: int
) -> list[tuple[str, int, int]]:
    """(key, group, weight) to look up, while the postings fit the budget (the rarest
    key always): first the rarest key of each token, rarest tokens first, so that the
    budget covers as many tokens as it can; then the other keys, rarest first.
    Deletions only for tokens found in no name."""
    offered: dict[str, tuple[int, int]] = {}
    for group, (token, keys) in enumerate(groups):
        known = counts.get(token, 0) > 0
        for key in keys:
            if key in counts and key not in offered and not (known and key.startswith("~~")):
                offered[key] = (group, key_weight(counts[key]))
    by_rarity = sorted(offered, key=lambda k: (counts[k], k))
    firsts: dict[int, str] = {}
    for key in by_rarity:
        firsts.setdefault(offered[key][0], key)
    chosen: list[tuple[str, int, int]] = []
    spent = 0
    for key in [*firsts.values(), *(k for k in by_rarity if k not in firsts.values())]:
        if spent + counts[key] > budget and chosen:
            continue
        chosen.append((key, *offered[key]))
        spent += counts[key]
    return chosen


def candidates(
    connection: Connection, query: str, *, budget: int = BUDGET, limit: int = TOP_DOCS
) -> list[Doc]:
    """The ``limit`` documents that best share the query's tokens, best first (ties by
    id): each query token counts once, by its rarest key the document holds."""
    groups = query_groups(query)
    keys = sorted({k for _, group_keys in groups for k in group_keys})
    if not keys:
        return []
    postgres = _postgres(connection)
    placeholder = "%s" if postgres else "?"
    # The DB-API cursor, not SQLAlchemy's: these statements are the hot path.
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if not postgres and not connection.connection.info.get("search_cache"):
            # SQLite's default page cache (2 MB) makes every search re-read the index;
            # 64 MB and memory-mapped reads keep the hot postings in memory.
            cursor.execute("PRAGMA cache_size=-65536")
            cursor.execute("PRAGMA mmap_size=1073741824")
            connection.connection.info["search_cache"] = True
        cursor.execute(
            f"SELECT term, docs FROM search_term WHERE term IN ({','.join([placeholder] * len(keys))})",
            keys,
        )
        counts = dict(cursor.fetchall())
        chosen = _choose(groups, counts, budget)
        if not chosen:
            return []
        # Tokens too common for the budget still count, checked on a shortlist's own
        # keys: among the many "hasan bin nizar ..." the one also "halabi" comes first.
        covered = {g for _, g, _ in chosen}
        extra = [
            (key, key_weight(counts[key]))
            for g, (_, keys) in enumerate(groups)
            if g not in covered and (key := next((k for k in keys if counts.get(k)), None))
        ]
        if postgres:
            bonus = [f"CASE WHEN %s = ANY(d.keys) THEN {w} ELSE 0 END" for _, w in extra]
            bonus_params = [k for k, _ in extra]
        else:
            bonus = [f"CASE WHEN instr(' ' || d.keys || ' ', ?) THEN {w} ELSE 0 END" for _, w in extra]
            bonus_params = [f" {k} " for k, _ in extra]
        total = " + ".join(["t.weight", *bonus])
        shortlist = limit * SHORTLIST_FACTOR if extra else limit
        postings, params = _posting_query(postgres, chosen)
        cursor.execute(
            f"SELECT d.id, d.owner, d.forms, {total} AS total FROM (SELECT id, sum(gw) AS weight "
            f"FROM (SELECT id, g, max(w) AS gw FROM ({postings}) p GROUP BY id, g) pg "
            f"GROUP BY id ORDER BY weight DESC, id LIMIT {int(shortlist)}) t "
            f"JOIN search_doc d ON d.id = t.id ORDER BY total DESC, d.id LIMIT {int(limit)}",
            [*bonus_params, *params],
        )
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return [Doc(doc, owner, tuple(forms.split("|")), int(weight)) for doc, owner, forms, weight in rows]
