"""The candidate index: every name of a curated entity and of a sanction entry's target,
as matching keys, inside the database.

A name is one *document*: its id is the row id times two, plus 0 for ``name`` rows and
1 for ``entry_name`` rows, so both kinds share one index. Its keys (``index_keys``) are
the tokens of its folded forms, adjacent tokens joined, and consonant skeletons, so
spelling, spacing, script and romanisation variants share keys, and so do spellings
one typo apart.

* Which documents hold each key: the back end's ``SearchIndexStore``
  (``refdb/backends/``): an FTS5 table on SQLite; on PostgreSQL each key's ids in
  ``search_posting`` and a GIN-indexed ``text[]`` column for pairs of keys.
* Both: ``search_doc`` (owner and folded forms of each document), ``search_term``
  (how many documents hold each key) and ``search_pending`` (documents to reindex).

Maintenance: triggers on ``name`` and ``entry_name`` queue every insert, update and
delete in ``search_pending``, whoever writes (the ORM, bulk SQL, another client); the
keys are computed in Python by ``sync``, which the search service runs before reading
and writers may run after committing. Migration 0002 creates the tables and triggers;
an index without this code's key version is rebuilt whole (``rebuild``).

Candidates for a query (``candidates``): the query's keys, grouped by the word they
stand for (``query_groups``; typo neighbours only for words in no name or few); look
up how many documents hold each key, take keys rarest first while their postings fit
in a budget, intersect words too common for it two by two, and rank documents by the
summed weight (rarer keys weigh more) of the words they share with the query, each
word once. The ranking is computed here, identically for both back ends, so both
return the same candidates for the same data.
"""

from __future__ import annotations

import math
import re
from array import array
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate, combinations, islice, pairwise
from operator import neg
from typing import TYPE_CHECKING, Any

from refdb.backends import IndexDoc, SearchIndexStore, backend_of
from refdb.matching.normalize import PARTICLES, name_forms
from refdb.matching.score import MIN_PREFIX
from refdb.reading import Raw, id_list

if TYPE_CHECKING:
    from sqlalchemy import Connection

ENTITY_NAME, ENTRY_NAME = 0, 1
# Bump whenever normalisation, folding or index_keys change what they produce: a
# database indexed with other keys is then reindexed on its next search.
KEY_VERSION = 8
_VERSION_TERM = "#keys"  # a reserved row of search_term ("#" never occurs in a key)
BUDGET = 6000  # postings read per query: bounds latency whatever the database size
TOP_DOCS = 200  # documents handed on to the re-scorer
# Documents weighed for the words too common to read, per document handed on: each is
# one more row of search_doc read (at 1,000,000 entities on PostgreSQL, 1,000 of them
# were a search's largest cost). 2 and 5 give the same recall and false positives
# (bench_search at 1M, bench_precision at 100k; docs/matching.md).
SHORTLIST_FACTOR = 2
_WEIGHT_SCALE = 1e7  # weight of a key held by df documents: log(1 + scale / df)
PAIR_GROUPS = 3  # tokens too common for the budget, intersected pairwise
PAIR_MAX_POSTINGS = 12_000  # a pair is skipped when its rarer side holds more
RARE_WORD = 20  # a word held by fewer names also looks up its fallback keys
MAX_DOUBLE_DELETION = 10  # longest word whose two-letter deletions a query looks up
PREFIX_TERMS = 20  # indexed words a prefix stands for (the most frequent)
_BATCH = 2000
BULK_SYNC = 50_000  # names queued from which a sync rebuilds the key counts whole
MIN_BULK_SYNC = 500  # ... and from which it does when they are a tenth of the index
_VOWELS = re.compile(r"[aeiouy]")


def _store(connection: Connection) -> SearchIndexStore:
    return backend_of(connection).search_index


def skeleton(token: str) -> str:
    """First letter and the consonants after it: absorbs vowel typos and vowel
    spellings ("shangfoo" and "shangfu" -> "shngf")."""
    return token[0] + _VOWELS.sub("", token[1:])


def _deletions(token: str) -> set[str]:
    """The token and every spelling with one letter less, as "~~" keys: two spellings
    one edit apart (substitution, insertion, deletion, transposition) share one."""
    return {"~~" + token} | {"~~" + token[:i] + token[i + 1 :] for i in range(len(token))}


def _double_deletions(token: str) -> set[str]:
    """Every spelling with two letters less, as "~~" keys: looked up against the
    indexed one-letter deletions, they meet a name two edits away in one word
    ("shdnkyu" and "shanyu" share "~~shnyu")."""
    return {"~~" + token[:i] + token[i + 1 : j] + token[j + 1 :] for j in range(len(token)) for i in range(j)}


def _joins(parts: Sequence[str]) -> list[str]:
    """Adjacent tokens joined, as written and with particles left out: "bin" and "al"
    recur in every Arabic name, so "uthman bin hasan" is found by "uthmanhasan"; and
    particles joined to the word they lead, as a surname is often written in one
    ("van der berg" is "vanderberg")."""
    content = [t for t in parts if t not in PARTICLES]
    joins = [a + b for a, b in pairwise(parts)]
    joins += [a + b for a, b in pairwise(content) if a + b not in joins]
    run = ""
    for token in parts:
        if token in PARTICLES:
            run += token
            continue
        if run and run + token not in joins:
            joins.append(run + token)
        run = ""
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


@dataclass(frozen=True, slots=True)
class Group:
    """The keys standing for one word (or two adjacent words joined) of a query in
    each of its forms (as spelled, in Wade-Giles): one piece of evidence, counted once
    however many forms a name matches it in."""

    label: str  # as the query's first form spells it
    words: tuple[str, ...]  # as each form spells it
    keys: tuple[str, ...]
    fallback: tuple[str, ...]  # looked up only when no name holds any of the words
    single: bool  # a word, not a join


def _token_keys(token: str, single: bool) -> tuple[list[str], list[str]]:
    """Keys and fallback keys of a token: the token and the skeleton of a word of four
    letters or more; its one-letter deletions and those of two letters of a word, and
    the skeletons of its one-letter deletions.
    Words shorter than the indexed deletions (five letters) meet them through their
    neighbours: the skeleton of a word of three ("lsa" meets "lisa"), the "~~" key of
    a word of four ("pana" meets "panya"), the deletions of a word of five spelled as
    words ("ntuoi" meets "nuoi")."""
    keys: list[str] = [token]
    fallback: list[str] = []
    if single and len(token) >= 3:
        (keys if len(token) >= 4 else fallback).append("~" + skeleton(token))
    if len(token) == 4:
        fallback.append("~~" + token)
    if len(token) >= 5:
        deletions = _deletions(token)
        if single and len(token) <= MAX_DOUBLE_DELETION:
            deletions |= _double_deletions(token)
        if len(token) == 5:
            deletions |= {k[2:] for k in _deletions(token)} - {token}
        if single:
            # A typo and a spelling fold together ("mikehev" for Mikheev, folded
            # "mihiv"; "zhirinovskir") are more edits than deletions meet, but
            # one letter less leaves the skeleton of the name as indexed.
            deletions |= {"~" + skeleton(k[2:]) for k in _deletions(token)} - set(keys)
        fallback.extend(sorted(deletions))
    return keys, fallback


def query_groups(query: str) -> list[Group]:
    """The keys a query looks up, grouped by the word (or pair of adjacent words) they
    stand for, in every form: the token, its skeleton, and its deletions, which are
    only used when the token itself is in no name (a typo, or spaced differently:
    "Yu-tuon" reaches "Youduan" through the deletions of "yutuon"). A token repeated
    ("bin") is one group."""
    slots: dict[tuple[bool, int], tuple[list[str], list[str], list[str]]] = {}
    seen: set[str] = set()
    for form in name_forms(query):
        parts = form.split()
        tokens = [((True, i), t) for i, t in enumerate(parts)]
        # The last word joined to the first too: "QIU, Xiong Dai" is Xiong Daiqiu.
        joins = [*_joins(parts), parts[-1] + parts[0]] if len(parts) > 1 else []
        tokens += [((False, i), t) for i, t in enumerate(joins)]
        for slot, token in tokens:
            if token in seen:
                continue
            seen.add(token)
            words, keys, fallback = slots.setdefault(slot, ([], [], []))
            words.append(token)
            more_keys, more_fallback = _token_keys(token, slot[0])
            keys.extend(k for k in more_keys if k not in keys)
            fallback.extend(k for k in more_fallback if k not in fallback and k not in keys)
    return [
        Group(words[0], tuple(words), tuple(keys), tuple(fallback), single)
        for (single, _), (words, keys, fallback) in slots.items()
    ]


def _last_word(query: str) -> str | None:
    """The last word of a query, when it may be unfinished (typed so far): not
    followed by a space, and long enough to narrow."""
    if not query or query[-1].isspace():
        return None
    forms = name_forms(query)
    last = forms[0].rsplit(" ", 1)[-1] if forms and forms[0] else ""
    return last if len(last) >= MIN_PREFIX and last.isalpha() and last.isascii() else None


def unfinished_word(raw: Raw, query: str) -> str | None:
    """The query's last word if it reads as typed so far: a word of no indexed name
    ("rosob"), which a search may complete; a word some name holds ("shang") is taken
    as written."""
    last = _last_word(query)
    if last is None:
        return None
    found = raw.rows(f"SELECT 1 FROM search_term WHERE term = {raw.placeholder}", (last,))
    return None if found else last


def _successor(prefix: str) -> str | None:
    """The least string above every string starting with ``prefix`` (lowercase ASCII
    letters), as an index range bound; none past "zzz"."""
    stem = prefix.rstrip("z")
    return stem[:-1] + chr(ord(stem[-1]) + 1) if stem else None


def _completions(raw: Raw, prefix: str) -> list[tuple[str, int]]:
    """The most frequent indexed words that ``prefix`` starts (and is not), with their
    document counts. A range on the key table's primary key, on both back ends."""
    upper = _successor(prefix)
    sql = f"SELECT term, docs FROM search_term WHERE term > {raw.placeholder}"
    params = [prefix]
    if upper is not None:
        sql += f" AND term < {raw.placeholder}"
        params.append(upper)
    # Filtered here, not in SQL: under a non-C collation the range may hold other keys.
    found = [(t, n) for t, n in raw.rows(sql, params) if t.startswith(prefix) and t.isalpha()]
    return sorted(found, key=lambda tn: (-tn[1], tn[0]))[:PREFIX_TERMS]


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


def _document(doc: int, owner: int, name: str) -> IndexDoc:
    return doc, owner, "|".join(name_forms(name)), index_keys(name)


def _chunks(items: Iterable[int], size: int = _BATCH) -> Iterator[list[int]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _source_rows(connection: Connection, docs: Sequence[int]) -> list[tuple[int, int, str]]:
    """(doc, owner, name) of the name rows behind ``docs`` that still exist."""
    rows: list[tuple[int, int, str]] = []
    for source, table, owner in ((0, "name", "entity_id"), (1, "entry_name", "entry_id")):
        ids = [d // 2 for d in docs if d % 2 == source]
        if ids:
            found = connection.exec_driver_sql(
                f"SELECT id, {owner}, name FROM {table} WHERE id IN ({id_list(ids)})"
            )
            rows.extend((doc_id(source, i), o, n) for i, o, n in found)
    return rows


def _write_docs(connection: Connection, docs: list[IndexDoc]) -> None:
    if docs:
        _store(connection).write(connection, docs)


def _postings_of(docs: Iterable[tuple[int, list[str]]]) -> dict[str, list[int]]:
    """Key -> the ids of ``docs`` (id, keys) holding it."""
    postings: dict[str, list[int]] = {}
    for doc, keys in docs:
        for key in keys:
            postings.setdefault(key, []).append(doc)
    return postings


def _count_terms(connection: Connection, deltas: Counter[str]) -> None:
    changes = [(term, n) for term, n in deltas.items() if n]
    if not changes:
        return
    placeholder = backend_of(connection).placeholder
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
    _store(connection).rebuild_keys(connection)


def stale(raw: Raw) -> bool:
    """Whether the index was built with keys other than this code's."""
    version = raw.rows(f"SELECT docs FROM search_term WHERE term = '{_VERSION_TERM}'")
    return not version or version[0][0] != KEY_VERSION


def pending(connection: Connection) -> int:
    return connection.exec_driver_sql("SELECT count(*) FROM search_pending").scalar_one()


def sync(connection: Connection, progress: Callable[[int], object] | None = None) -> int:
    """Reindex the queued names in the caller's transaction; returns how many.
    ``progress`` is told how many are done after each batch.

    Large queues (a first import, a benchmark load, a tenth of the index or more) recount
    the key table (and rewrite PostgreSQL's postings) once at the end instead of updating
    them name by name: that costs as much as a tenth of the index updated name by name."""
    total = last = 0
    store = _store(connection)
    queued = pending(connection)
    bulk = queued > BULK_SYNC or (
        queued > MIN_BULK_SYNC
        and queued * 10 > connection.exec_driver_sql("SELECT count(*) FROM search_doc").scalar_one()
    )
    removed: list[tuple[int, list[str]]] = []
    added: list[tuple[int, list[str]]] = []
    # Pages by key (doc > last), so deleted queue entries are never read twice.
    while docs := [
        d for (d,) in connection.exec_driver_sql(
            f"SELECT doc FROM search_pending WHERE doc > {last} ORDER BY doc LIMIT {_BATCH}"
        )
    ]:  # fmt: skip
        last = docs[-1]
        gone = store.delete(connection, id_list(docs))
        fresh = [_document(d, o, n) for d, o, n in _source_rows(connection, docs)]
        _write_docs(connection, fresh)
        if not bulk:  # a bulk load's keys are counted afresh at the end instead
            removed.extend(gone)
            added.extend((doc, keys) for doc, _, _, keys in fresh)
        connection.exec_driver_sql(f"DELETE FROM search_pending WHERE doc IN ({id_list(docs)})")
        total += len(docs)
        if progress is not None:
            progress(total)
    if bulk:
        _recount_terms(connection)
    else:
        added_postings, removed_postings = _postings_of(added), _postings_of(removed)
        store.move_postings(connection, added_postings, removed_postings)
        deltas = Counter({key: len(ids) for key, ids in added_postings.items()})
        deltas.subtract({key: len(ids) for key, ids in removed_postings.items()})
        _count_terms(connection, deltas)
    return total


def rebuild(connection: Connection, progress: Callable[[int], object] | None = None) -> int:
    """Reindex every name from scratch; returns how many (``progress``: as for ``sync``)."""
    connection.exec_driver_sql("DELETE FROM search_pending")
    _store(connection).clear(connection)
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
            if progress is not None:
                progress(count)
    _recount_terms(connection)
    _store(connection).compact(connection)
    return count


# --- candidates -----------------------------------------------------------------------


def key_weight(documents: int) -> int:
    """Weight of a key held by ``documents`` documents: rarer weighs more. An integer,
    so that sums are exact and both back ends rank ties alike."""
    return round(1000 * math.log(1.0 + _WEIGHT_SCALE / documents))


Pair = tuple[tuple[int, int, list[str]], tuple[int, int, list[str]]]  # (group, weight, keys) twice


def _pair_bits(pairs: Sequence[Pair]) -> dict[int, int]:
    """A bit for each group read in a pair: which of them a document was counted for."""
    groups = sorted({side[0] for pair in pairs for side in pair})
    return {g: 1 << i for i, g in enumerate(groups)}


def _postings_query(
    raw: Raw, chosen: Sequence[tuple[str, int, int]], pairs: Sequence[Pair]
) -> tuple[str, list[Any]]:
    """One statement reading the ids of the documents holding each chosen key, then a
    key of each side of each pair, in that order, each as one comma-separated text:
    the database hands over one value per key, not a row per document, which is what
    made reading postings costly."""
    return raw.backend.search_index.postings_query(
        [key for key, _, _ in chosen], [(a, b) for (_, _, a), (_, _, b) in pairs]
    )


class _SortedIds:
    """Document ids in ascending order."""

    def __init__(self, ids: array[int]) -> None:
        self.ids = ids

    def among(self, docs: Iterable[int]) -> set[int]:
        """Those of ``docs`` held here, by bisection."""
        ids, size, find = self.ids, len(self.ids), bisect_left
        return {doc for doc in docs if (at := find(ids, doc)) < size and ids[at] == doc}


def _weigh(
    rows: Iterable[tuple[int, str | None]],
    chosen: Sequence[tuple[str, int, int]],
    pairs: Sequence[Pair],
    bits: dict[int, int],
) -> tuple[dict[str, int], dict[str, int]]:
    """Each document's summed weight (each group once, by its heaviest key the
    document holds) and the bits of the groups it was counted for in a pair; ids as
    the database wrote them (text), so that the bulk of the work runs in C."""
    parts: list[tuple[int, int, list[str], int]] = []  # (weight, group, docs, bit)
    for part, ids in rows:
        if not ids:
            continue
        docs = ids.split(",")
        if part < len(chosen):
            _, group, weight = chosen[part]
            parts.append((weight, group, docs, 0))
        else:
            for group, weight, _ in pairs[part - len(chosen)]:
                parts.append((weight, group, docs, bits[group]))
    best: dict[int, dict[str, int]] = {}
    mask: dict[str, int] = {}
    # Lightest first: a heavier key of the same group overwrites a document's weight.
    for weight, group, docs, bit in sorted(parts, key=lambda p: p[0]):
        best.setdefault(group, {}).update(dict.fromkeys(docs, weight))
        if bit:
            for doc in docs:
                mask[doc] = mask.get(doc, 0) | bit
    groups = sorted(best.values(), key=len, reverse=True)
    total = dict(groups[0]) if groups else {}
    for group_weights in groups[1:]:
        for doc, weight in group_weights.items():
            total[doc] = total.get(doc, 0) + weight
    return total, mask


def _heaviest(total: dict[str, int], count: int) -> list[tuple[int, int]]:
    """The ``count`` heaviest (negated weight, doc id), heaviest first, ties by id."""
    if len(total) > count:
        # Weights repeat: count each once, then walk down to the count-th heaviest.
        weights = sorted(Counter(total.values()).items(), reverse=True)
        counted = accumulate(documents for _, documents in weights)
        cut = next(weight for (weight, _), upto in zip(weights, counted, strict=True) if upto >= count)
        total = {doc: weight for doc, weight in total.items() if weight >= cut}
    # Built and sorted as plain tuples: the comparisons then run in C.
    return sorted(zip(map(neg, total.values()), map(int, total), strict=True))[:count]


def _offered(groups: Sequence[Group], counts: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Each key held by some document -> (its group, its weight); fallback keys only
    for words in no name or few."""
    offered: dict[str, tuple[int, int]] = {}
    for group, item in enumerate(groups):
        # A word in few names may be a typo that made another name ("jang chuan").
        known = sum(counts.get(word, 0) for word in item.words) >= RARE_WORD
        for key in item.keys if known else (*item.keys, *item.fallback):
            if key in counts and key not in offered:
                offered[key] = (group, key_weight(counts[key]))
    return offered


def _choose(
    offered: dict[str, tuple[int, int]], counts: dict[str, int], budget: int
) -> list[tuple[str, int, int]]:
    """(key, group, weight) to look up, while the postings fit the budget (the rarest
    key always): first the rarest key of each token, rarest tokens first, so that the
    budget covers as many tokens as it can; then the other keys, rarest first."""
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


def _pairs(
    groups: Sequence[Group],
    offered: dict[str, tuple[int, int]],
    counts: dict[str, int],
    chosen: Sequence[tuple[str, int, int]],
    limit: int,
) -> list[Pair]:
    """Words too common to tell the names apart, intersected two by two (the least
    common first): words the budget left out, and words whose postings were read but
    hold more names than are handed on. "Ural Siirus Mning GmbH" has no rare word,
    but few names hold both "ural" and a spelling near "siirus"."""
    read = {g for _, g, _ in chosen}
    keys: dict[int, list[str]] = {}
    for key, (group, _) in offered.items():
        # A known word as spelled (in each form), not its looser skeleton.
        if key in groups[group].words or (key[0] == "~" and not set(groups[group].words) & offered.keys()):
            keys.setdefault(group, []).append(key)
    size = {g: sum(counts[k] for k in ks) for g, ks in keys.items()}
    common = sorted(
        (g for g in keys if groups[g].single and (g not in read or size[g] > limit)),
        key=lambda g: (size[g], g),
    )[:PAIR_GROUPS]
    weight = {g: min(offered[k][1] for k in keys[g]) for g in common}
    return [
        ((a, weight[a], sorted(keys[a])), (b, weight[b], sorted(keys[b])))
        for a, b in combinations(sorted(common), 2)
        if not (a in read and b in read) and min(size[a], size[b]) <= PAIR_MAX_POSTINGS
    ]


def _with_completions(groups: list[Group], prefix: str, completions: Sequence[str]) -> list[Group]:
    """The last word's group also stands for the indexed words it begins."""
    return [replace(g, keys=(*g.keys, *completions)) if g.label == prefix else g for g in groups]


class CommonPostings:
    """The postings of words too common for a query's budget ("bin", "ltd"), read
    whole the first time a query needs one and kept for the next: for a batch of
    searches (a screening run), where the same common words recur, this is cheaper
    than checking them against each query's documents in the index. Compact
    (8 bytes a posting) and bounded: the least recently used lists go first. The
    index is read as it was when a list was read: for a run, not a long session."""

    def __init__(self, max_postings: int = 8_000_000) -> None:
        self.max_postings = max_postings
        self._lists: OrderedDict[str, _SortedIds] = OrderedDict()
        self._size = 0

    def __len__(self) -> int:
        """How many words' postings are kept."""
        return len(self._lists)

    def holders(self, raw: Raw, key: str) -> _SortedIds:
        found = self._lists.get(key)
        if found is None:
            ((_, ids),) = raw.rows(*_postings_query(raw, [(key, 0, 0)], []))
            found = _SortedIds(array("q", sorted(map(int, ids.split(","))) if ids else ()))
            self._lists[key] = found
            self._size += len(found.ids)
            while self._size > self.max_postings and len(self._lists) > 1:
                self._size -= len(self._lists.popitem(last=False)[1].ids)
        self._lists.move_to_end(key)
        return found


def _doc_rows(raw: Raw, docs: Sequence[int], keys: Sequence[str] = ()) -> list[tuple[Any, ...]]:
    """(id, owner, forms) of documents, then whether each holds each of ``keys``."""
    tests = [raw.backend.search_index.holds_key(key) for key in keys]
    flags = "".join(f", {condition}" for condition, _ in tests)
    return raw.rows(
        f"SELECT id, owner, forms{flags} FROM search_doc WHERE id IN ({id_list(docs)})",
        [param for _, param in tests],
    )


def candidates(
    raw: Raw,
    query: str,
    *,
    budget: int = BUDGET,
    limit: int = TOP_DOCS,
    complete: str | None = None,
    common: CommonPostings | None = None,
) -> list[Doc]:
    """The ``limit`` documents that best share the query's tokens, best first (ties by
    id): each query token counts once, by its rarest key the document holds.
    ``complete`` (see ``unfinished_word``) also stands for the indexed words it
    begins, all together weighing as one key held by all their documents.
    ``common`` keeps the postings of common words between calls (see
    ``CommonPostings``); the candidates are the same with it or without."""
    groups = query_groups(query)
    keys = sorted({k for group in groups for k in (*group.keys, *group.fallback)})
    if not keys:
        return []
    raw.tune_for_search()
    counts = dict(
        raw.rows(
            f"SELECT term, docs FROM search_term WHERE term IN ({','.join([raw.placeholder] * len(keys))})",
            keys,
        )
    )
    completions = _completions(raw, complete) if complete else []
    counts.update(completions)
    groups = _with_completions(groups, complete, [t for t, _ in completions]) if complete else groups
    offered = _offered(groups, counts)
    if completions:
        # Weighed as the one key "begins with ...": a rare completion is no rarer
        # evidence than the prefix typed.
        prefix_weight = key_weight(sum(n for _, n in completions))
        offered.update({t: (offered[t][0], prefix_weight) for t, _ in completions})
    chosen = _choose(offered, counts, budget)
    if not chosen:
        return []
    pairs = _pairs(groups, offered, counts, chosen, limit)
    bits = _pair_bits(pairs)
    read = {g for _, g, _ in chosen}
    # Words too common for the budget still count, for the documents read: among
    # the many "hasan bin nizar ..." the one also "halabi" comes first. A paired
    # word counts there too, for names outside the pair it was read in.
    extra = [
        (key, key_weight(counts[key]), bits.get(g, 0))
        for g, group in enumerate(groups)
        if g not in read and (key := next((k for k in group.keys if k in offered), None))
    ]
    total, mask = _weigh(raw.rows(*_postings_query(raw, chosen, pairs)), chosen, pairs, bits)
    shortlist = _heaviest(total, limit * SHORTLIST_FACTOR if extra else limit)
    shortlisted = [doc for _, doc in shortlist]
    found: dict[int, tuple[int, str]] | None = None
    held: list[set[int]] = []
    if common is not None:
        held = [common.holders(raw, key).among(shortlisted) for key, _, _ in extra]
    elif extra:
        # One read of the shortlist: its names, and which common words each holds.
        rows = _doc_rows(raw, shortlisted, [key for key, _, _ in extra])
        found = {doc: (owner, forms) for doc, owner, forms, *_ in rows}
        held = [{row[0] for row in rows if row[3 + i]} for i in range(len(extra))]
    bonus: dict[int, int] = {}
    for docs, (_, weight, bit) in zip(held, extra, strict=True):
        for doc in docs:
            if not (bit and mask.get(str(doc), 0) & bit):
                bonus[doc] = bonus.get(doc, 0) + weight
    if bonus:
        shortlist = sorted((negative - bonus.get(doc, 0), doc) for negative, doc in shortlist)
    shortlist = shortlist[:limit]
    if not shortlist:
        return []
    if found is None:
        found = {doc: (owner, forms) for doc, owner, forms in _doc_rows(raw, [doc for _, doc in shortlist])}
    return [
        Doc(doc, found[doc][0], tuple(found[doc][1].split("|")), -negative)
        for negative, doc in shortlist
        if doc in found
    ]
