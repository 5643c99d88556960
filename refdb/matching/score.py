"""The name matcher: one pairwise score in [0, 1] with its explanation.

``score_names`` compares two names through their folded forms (see ``normalize``):

1. Initials on either side ("V. Putin") are expanded to the other side's token with
   that initial, at a cost per initial.
2. Query tokens are put in the candidate's order (each token goes where it aligns
   best in the candidate), both sides are written without spaces, and the two strings
   are compared with the Indel ratio. This absorbs word order, spacing and hyphens
   ("Shang-fu LI" against "LI Shangfu") and scales typos by name length.
3. When one side has tokens the other lacks (dropped middle names, patronymics),
   those tokens are removed and the rest compared, at a cost proportional to the
   share of characters dropped. At least two tokens must remain on each side, so a
   lone generic token ("Li", "Ali") never matches a full name on its own.

``letters_upper_bound`` bounds the score from the two names' letters alone, for
screening many pairs before scoring the few that may reach a threshold.

``score_entity`` takes the best of an entity's names and moves that score up or
down for a corroborating or conflicting birth date and nationality.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from itertools import accumulate, pairwise, product

from rapidfuzz import fuzz
from rapidfuzz.distance import Editop, Indel, Levenshtein

from refdb import dates
from refdb.matching.normalize import (
    LEGAL_FORMS,
    LIQUID,
    LONG_MARK,
    PARTICLES,
    PINYIN_SYLLABLES,
    fold_token,
    forms_of,
    normalize_name,
    segment_pinyin,
    spelled_reading,
    with_foreign_reading,
)

_HAN_CHARACTER = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Patronymics as folded (-ovich, -evich, -ivich for Andreyevich, -ovna, -ichna).
_WADE_GILES_MARKS = re.compile(r"(?<=\w)[-'’ʻ`](?=\w)")
_PATRONYMIC = re.compile(r"(?:vich|vna|ichna)$")
MATCHER_NAME = "refdb-name-v6"
INITIAL_COST = 0.08  # per initial expanded: "J. Smith" is weaker evidence than "John Smith"
DROPPED_COST = 0.4  # times the share of characters in tokens only one side has
MAX_DROPPED_SHARE = 0.8
TOKEN_MATCH = 0.6  # a token counts as present on the other side above this ratio
REORDER_FACTOR = 0.95  # tokens in an order that is not a rotation of the other name
FIRST_DROP_FACTOR = 1.5  # a dropped first token costs this much more than another
PATRONYMIC_DROP_FACTOR = 0.5  # a dropped patronymic costs half another word
ALTERNATIVE_FORM_FACTOR = 0.98  # a match only through the Wade-Giles respelling
WADE_GILES_ONLY = 0.7  # two names pinyin as written, equal only in Wade-Giles: other syllables
PREFIX_COST = 0.4  # times the share of a word left untyped, for a last word typed so far
MIN_PREFIX = 3  # shortest last word read as the beginning of a longer one
TOKEN_EDIT_WEIGHT = 2.5  # a token differs wholly once edits reach 1/2.5 of its letters
WORDS_COMPARED_FROM = 0.6  # below this similarity the names differ anyway: words not compared
SURNAME_DIFFERS = 0.4  # the cost of a different surname ("Volkov" for "Orlov")
WORD_DIFFERS = 0.2  # the cost of a different given name, patronymic or other word
SPELLING_VARIANT = 0.98  # the score of names equal only as folded ("Yevgeny" and "Evgeni")
BIRTH_DATE_AGREES = 0.05
BIRTH_DATE_CONFLICTS = 0.25
NATIONALITY_AGREES = 0.02
NATIONALITY_CONFLICTS = 0.1
# One word against a longer name that has that very word ("putin" for "PUTIN, Vladimir"):
# shown in a search, well below the screening threshold, since a surname alone is weak.
ONE_WORD_OF_NAME = 0.62
SCORE_DIGITS = 4  # scores are reported rounded to this many decimals

MATCHER_SETTINGS = {
    "initial_cost": INITIAL_COST,
    "dropped_cost": DROPPED_COST,
    "max_dropped_share": MAX_DROPPED_SHARE,
    "token_match": TOKEN_MATCH,
    "reorder_factor": REORDER_FACTOR,
    "first_drop_factor": FIRST_DROP_FACTOR,
    "patronymic_drop_factor": PATRONYMIC_DROP_FACTOR,
    "alternative_form_factor": ALTERNATIVE_FORM_FACTOR,
    "wade_giles_only": WADE_GILES_ONLY,
    "prefix_cost": PREFIX_COST,
    "spelling_variant": SPELLING_VARIANT,
    "token_edit_weight": TOKEN_EDIT_WEIGHT,
    "words_compared_from": WORDS_COMPARED_FROM,
    "surname_differs": SURNAME_DIFFERS,
    "word_differs": WORD_DIFFERS,
    "birth_date_agrees": BIRTH_DATE_AGREES,
    "birth_date_conflicts": BIRTH_DATE_CONFLICTS,
    "nationality_agrees": NATIONALITY_AGREES,
    "nationality_conflicts": NATIONALITY_CONFLICTS,
    "one_word_of_name": ONE_WORD_OF_NAME,
}


@dataclass(frozen=True, slots=True)
class NameMatch:
    """How well one name matches another, and why."""

    score: float
    query: str
    candidate: str
    query_form: str
    candidate_form: str
    method: str  # "exact", "aligned", "subset", "one word" or "prefix"
    similarity: float  # of the compared strings, before the costs below
    initials: int = 0
    dropped: tuple[str, ...] = ()
    differing: tuple[str, ...] = ()
    query_normalized: str = ""
    candidate_normalized: str = ""

    @property
    def explanation(self) -> str:
        def shown(original: str, normalized: str) -> str:
            # Other scripts show their transliteration; spelling folds show below.
            return repr(original) if original.isascii() else f"{original!r} (as {normalized!r})"

        text = (
            f"{shown(self.query, self.query_normalized)} ~ "
            f"{shown(self.candidate, self.candidate_normalized)}: {self.method} {self.similarity:.2f}"
        )
        folded = (self.query_form, self.candidate_form)
        if folded != (self.query_normalized, self.candidate_normalized) and self.method != "empty":
            text += f" (compared as {self.query_form!r} ~ {self.candidate_form!r})"
        if self.initials:
            text += f", {self.initials} initial(s) expanded"
        if self.dropped:
            text += f", without {' '.join(self.dropped)!r}"
        if self.differing:
            text += f", {' '.join(self.differing)!r} differs"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "score": self.score,
            "query": self.query,
            "candidate": self.candidate,
            "query_form": self.query_form,
            "candidate_form": self.candidate_form,
            "method": self.method,
            "similarity": self.similarity,
            "initials": self.initials,
            "dropped": list(self.dropped),
            "differing": list(self.differing),
            "text": self.explanation,
        }


@dataclass(frozen=True, slots=True)
class _Comparison:
    score: float
    method: str
    similarity: float
    initials: int
    dropped: tuple[str, ...]
    differing: tuple[str, ...] = ()


def _expand_initials(tokens: tuple[str, ...], other: tuple[str, ...]) -> tuple[tuple[str, ...], int]:
    """Replace one-letter tokens by the other side's unused token with that initial."""
    if all(len(t) > 1 for t in tokens):
        return tokens, 0
    unused = [t for t in other if len(t) > 1 and t not in tokens]
    out: list[str] = []
    expanded = 0
    for token in tokens:
        if len(token) == 1:
            match = next((t for t in unused if t[0] == token), None)
            if match is not None:
                unused.remove(match)
                out.append(match)
                expanded += 1
                continue
        out.append(token)
    return tuple(out), expanded


def _positions(query: Sequence[str], target: str) -> list[int]:
    """Where each query token sits in the candidate written without spaces: its exact
    occurrence (a repeated token such as "bin" takes the next one), else where it
    aligns best."""
    positions = []
    after: dict[str, int] = {}
    for token in query:
        found = target.find(token, after.get(token, 0))
        if found < 0:
            alignment = fuzz.partial_ratio_alignment(token, target)
            found = alignment.dest_start if alignment else 0
        else:
            after[token] = found + len(token)
        positions.append(found)
    return positions


def _rotation_factor(query: Sequence[str], candidate: Sequence[str], i: int) -> float:
    """1 for the query as written, or rotated so that its first word starts a word of
    the candidate (give or take a typo); else the cost of a reordering: a rotation
    moves whole names, it does not glue a surname to a given name ("Liu Yen-ming" is
    not "Jen Ming-liu")."""
    if i == 0:
        return 1.0
    start = sum(len(t) for t in query[i:])
    starts = {0, *accumulate(len(t) for t in candidate)}
    return 1.0 if any(abs(start - b) <= 1 for b in starts) else REORDER_FACTOR


def _aligned_similarity(query: Sequence[str], candidate: Sequence[str]) -> tuple[float, tuple[int, ...]]:
    """Indel similarity of the two names written without spaces, with the query's
    tokens as written or rotated ("Shangfu Li", "PUTIN Vladimir"), or else reordered
    to where each token sits in the candidate at a small cost (names are rotated
    often, shuffled rarely); and the order of the query's tokens it was reached in."""
    target = "".join(candidate)
    n = len(query)
    similarity, order = max(
        (
            fuzz.ratio("".join((*query[i:], *query[:i])), target) * _rotation_factor(query, candidate, i),
            (*range(i, n), *range(i)),
        )
        for i in range(n)
    )
    if n > 2 and similarity < 100:
        positions = _positions(query, target)
        reordered = tuple(i for _, i in sorted(zip(positions, range(n), strict=True)))
        shuffled = fuzz.ratio("".join(query[i] for i in reordered), target) * REORDER_FACTOR
        if shuffled > similarity:
            similarity, order = shuffled, reordered
    return similarity / 100.0, order


def _swapped(first: Editop, second: Editop, source: str, target: str) -> bool:
    """Whether two successive edits swap neighbouring letters: two replacements
    crossed, or a letter deleted and inserted one or two places away."""
    if first.tag == second.tag == "replace":
        return (second.src_pos, second.dest_pos) == (first.src_pos + 1, first.dest_pos + 1) and (
            source[second.src_pos] == target[first.dest_pos]
            and source[first.src_pos] == target[second.dest_pos]
        )
    if {first.tag, second.tag} != {"insert", "delete"}:
        return False
    insert, delete = (first, second) if first.tag == "insert" else (second, first)
    return abs(insert.src_pos - delete.src_pos) <= 2 and target[insert.dest_pos] == source[delete.src_pos]


def _token_edits(query: Sequence[str], candidate: Sequence[str]) -> tuple[list[int], list[int]]:
    """How many of the edits between the two names written without spaces fall in
    each token of either side: a letter one side lacks counts in the other side's
    token it would sit in (at a boundary, the token before). Two letters swapped are
    one edit ("Yakvo")."""
    q_starts = list(accumulate((len(t) for t in query[:-1]), initial=0))
    c_starts = list(accumulate((len(t) for t in candidate[:-1]), initial=0))
    q_edits, c_edits = [0] * len(query), [0] * len(candidate)
    source, target = "".join(query), "".join(candidate)
    previous = None
    for op in Levenshtein.editops(source, target):
        swap = previous is not None and _swapped(previous, op, source, target)
        previous = None if swap else op
        if swap:
            continue
        q_at = op.src_pos - (op.tag == "insert" and op.src_pos in q_starts)
        c_at = op.dest_pos - (op.tag == "delete" and op.dest_pos in c_starts)
        q_edits[max(0, bisect_right(q_starts, q_at) - 1)] += 1
        c_edits[max(0, bisect_right(c_starts, c_at) - 1)] += 1
    return q_edits, c_edits


def _disagreement_factor(
    tokens: Sequence[str],
    surnames: Sequence[bool],
    edits: Sequence[int],
    syllable_edits: Sequence[int] | None = None,
) -> tuple[float, tuple[str, ...]]:
    """The factor for a side's tokens that another spelling does not explain, and
    those tokens: a token's disagreement grows with the square of its share of edits
    (one letter changes a short name, "Lu" is not "Du", but is a typo in a long one),
    up to a different word; a surname's costs more than a given name's. Particles are
    free. ``syllable_edits`` (Chinese names): a token with an edit besides n for ng
    names other syllables, so differs wholly."""
    factor, differing = 1.0, []
    for i, (token, surname, count) in enumerate(zip(tokens, surnames, edits, strict=True)):
        if not count or token in PARTICLES:
            continue
        if syllable_edits is not None and syllable_edits[i]:
            share = 1.0
        else:
            share = min(1.0, count * TOKEN_EDIT_WEIGHT / len(token)) ** 2
        factor *= 1.0 - share * (SURNAME_DIFFERS if surname else WORD_DIFFERS)
        if share >= 1.0:
            differing.append(token)
    return factor, tuple(differing)


def _unmatched(tokens: Sequence[str], other: Sequence[str]) -> list[int]:
    """Indexes of tokens left over when each is paired, most similar pairs first,
    with a distinct token of the other side: "vladimirovich" is left over against
    "vladimir putin" once "vladimir" has paired with "vladimir"."""
    # Most similar first; among equals the earliest, so a repeated "bin" pairs in order.
    pairs = sorted(
        (-fuzz.ratio(token, o) / 100.0, i, j) for i, token in enumerate(tokens) for j, o in enumerate(other)
    )
    paired: set[int] = set()
    used: set[int] = set()
    for negative, i, j in pairs:
        if -negative < TOKEN_MATCH:
            break
        if i not in paired and j not in used:
            paired.add(i)
            used.add(j)
    return [i for i in range(len(tokens)) if i not in paired]


def _content_length(tokens: Iterable[str]) -> int:
    return sum(len(t) for t in tokens if t not in PARTICLES)


def _without_dropped(
    longer: tuple[str, ...], shorter: tuple[str, ...]
) -> tuple[tuple[int, ...], tuple[str, ...], float] | None:
    """The positions of the longer side's tokens the shorter has, the tokens it lacks, and their
    share of the name's characters (particles such as "bin" and "al" are free), when
    every token of the shorter side is matched and two or more words remain."""
    dropped_at = _unmatched(longer, shorter)
    if not dropped_at or _unmatched(shorter, longer):
        return None
    kept_at = tuple(i for i in range(len(longer)) if i not in dropped_at)
    kept = [longer[i] for i in kept_at]
    dropped = tuple(longer[i] for i in dropped_at)
    # A middle name (or a patronymic after "SURNAME, Given") is dropped far more often
    # than the name written first, so dropping the first costs more; a patronymic is
    # left out by most writers ("Vladimir Putin"), so it costs less.
    cost = sum(
        _content_length([longer[i]])
        * (FIRST_DROP_FACTOR if i == 0 else 1.0)
        * (PATRONYMIC_DROP_FACTOR if _PATRONYMIC.search(longer[i]) else 1.0)
        for i in dropped_at
    )
    share = cost / max(1, _content_length(longer))
    if sum(t not in PARTICLES for t in kept) < 2 or share > MAX_DROPPED_SHARE:
        return None
    return kept_at, dropped, share


def _without_legal_forms(
    form: str, surnames: frozenset[int] = frozenset()
) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """Tokens of a name without company legal forms ("Rosoboronexport JSC"), unless
    nothing else is left, and whether each is a surname (``surnames``: positions)."""
    tokens = form.split()
    kept = [i for i, t in enumerate(tokens) if t not in LEGAL_FORMS] or range(len(tokens))
    return tuple(tokens[i] for i in kept), tuple(i in surnames for i in kept)


_NASAB = fold_token("bin")


def _is_rotation(order: Sequence[int], tokens: Sequence[str]) -> bool:
    """Whether ``tokens`` in ``order`` keep their words other than particles as
    written, or rotated ("AL-TUNISI, Ali ibn Faysal")."""
    words = [i for i in order if tokens[i] not in PARTICLES]
    descents = sum(b < a for a, b in pairwise(words))
    return descents == 0 or (descents == 1 and words[-1] < words[0])


def _agreement(
    q: Sequence[str],
    q_surnames: Sequence[bool],
    c: Sequence[str],
    c_surnames: Sequence[bool],
    syllables: bool,
) -> tuple[float, float, tuple[str, ...]]:
    """The similarity of two token sequences (``_aligned_similarity``), the factor for
    the tokens that disagree (the stronger of either side's) and those tokens. With
    ``syllables`` (two Chinese names), any edit makes another syllable, so another
    name, except "n" for "ng" (Cyrillic writes both н: Ли Шанфу)."""
    similarity, order = _aligned_similarity(q, c)
    if similarity < WORDS_COMPARED_FROM:
        return similarity, 1.0, ()
    arranged = [q[i] for i in order]
    q_edits, c_edits = _token_edits(arranged, c)
    q_other, c_other = (
        _token_edits([t.replace("ng", "n") for t in arranged], [t.replace("ng", "n") for t in c])
        if syllables
        else (None, None)
    )
    q_factor, q_differ = _disagreement_factor(arranged, [q_surnames[i] for i in order], q_edits, q_other)
    c_factor, c_differ = _disagreement_factor(c, c_surnames, c_edits, c_other)
    if _NASAB in q and _NASAB in c and not _is_rotation(order, q):
        # A chain of "bin" says who is whose son: "Musa bin Nabil" is Nabil's son,
        # "Nabil bin Musa" his father, as different as another surname.
        q_factor *= 1.0 - SURNAME_DIFFERS
        c_factor *= 1.0 - SURNAME_DIFFERS
        q_differ, c_differ = (*q_differ, "word order"), (*c_differ, "word order")
    return (similarity, q_factor, q_differ) if q_factor < c_factor else (similarity, c_factor, c_differ)


# A change to how _compare scores must keep ``letters_upper_bound`` (below) above its
# scores: the audit screens pairs with it (tests/matching/test_score_bound.py checks).
def _compare(
    query_form: str,
    candidate_form: str,
    query_surnames: frozenset[int] = frozenset(),
    candidate_surnames: frozenset[int] = frozenset(),
    syllables: bool = False,
) -> _Comparison:
    """The score of two folded forms; ``*_surnames``: positions of surname words
    (``surname_positions``); ``syllables``: both names read as pinyin."""
    if query_form == candidate_form:
        return _Comparison(1.0, "exact", 1.0, 0, ())
    q, q_sur = _without_legal_forms(query_form, query_surnames)
    c, c_sur = _without_legal_forms(candidate_form, candidate_surnames)
    if len(q) == len(c) == 1:
        # A name of one word has no other word to vouch for it: that word differing
        # is another name, as a surname is ("Shoigu" is not the acronym "SHIG").
        q_sur = c_sur = (True,)
    q, q_initials = _expand_initials(q, c)
    c, c_initials = _expand_initials(c, q)
    initials = q_initials + c_initials
    initial_factor = 1.0 - INITIAL_COST * initials
    similarity, factor, differing = _agreement(q, q_sur, c, c_sur, syllables)
    if (len(q) == 1) != (len(c) == 1):
        # A one-word name against a longer one: the ratio alone rewards "Wang" against
        # "Wang Yi" for its short length; scale by the squared share of characters.
        q_len, c_len = sum(map(len, q)), sum(map(len, c))
        similarity *= (min(q_len, c_len) / max(q_len, c_len)) ** 2
        factor, differing = 1.0, ()
    best = _Comparison(similarity * factor * initial_factor, "aligned", similarity, initials, (), differing)
    if len(q) != len(c):
        query_longer = len(q) > len(c)
        longer, shorter = (q, c) if query_longer else (c, q)
        long_sur, short_sur = (q_sur, c_sur) if query_longer else (c_sur, q_sur)
        reduced = _without_dropped(longer, shorter)
        if reduced is not None:
            kept_at, dropped, share = reduced
            kept = tuple(longer[i] for i in kept_at)
            kept_sur = tuple(long_sur[i] for i in kept_at)
            sub, factor, differing = (
                _agreement(kept, kept_sur, shorter, short_sur, syllables)
                if query_longer
                else _agreement(shorter, short_sur, kept, kept_sur, syllables)
            )
            if any(long_sur) and not any(long_sur[i] for i in kept_at):
                # The longer name's surname is what the shorter lacks: "Joseph
                # François" is not "Joseph François Bell".
                factor *= 1.0 - SURNAME_DIFFERS
                differing = (*differing, *(t for t, sur in zip(longer, long_sur, strict=True) if sur))
            score = sub * factor * initial_factor * (1.0 - DROPPED_COST * share)
            if score > best.score:
                best = _Comparison(score, "subset", sub, initials, dropped, differing)
        if len(shorter) == 1 and shorter[0] in longer and shorter[0] not in PARTICLES:
            dropped = tuple(t for t in longer if t != shorter[0])
            score = ONE_WORD_OF_NAME * initial_factor
            if score > best.score:
                best = _Comparison(score, "one word", 1.0, initials, dropped)
    return best


@dataclass(frozen=True, slots=True)
class NameLetters:
    """What ``letters_upper_bound`` needs of a folded name form: its characters without
    spaces (legal forms aside, as ``_compare`` reads it) in sorted order, its word count,
    and whether a word is a lone initial or the name respells its letters to the other's."""

    sorted_letters: str
    words: int
    initial: bool
    respelled: bool = False


def name_letters(form: str, respelled: bool = False) -> NameLetters:
    """The ``NameLetters`` of a folded form (one of ``forms_of``), computed once per name
    by callers that bound many pairs; ``respelled``: a form of a name that has a
    ``spelled_reading``, which ``score_names`` also reads as the other name spells it."""
    words, _ = _without_legal_forms(form)
    initial = any(len(word) == 1 for word in words)
    return NameLetters("".join(sorted("".join(words))), len(words), initial, respelled)


def letters_upper_bound(a: NameLetters, b: NameLetters) -> float:
    """An upper bound on ``_compare``'s score of two folded forms, from their
    ``name_letters`` alone (symmetric), for screening pairs before scoring them.

    Why it holds, method by method (``_compare`` must keep it true; the tests check it
    over many pairs):

    - "exact" scores 1 for equal forms, whose sorted letters are equal: the bound is 1.
    - Initials are expanded to the other side's words, which changes the letters: a pair
      with a lone initial on either side is bounded by 1 only; so is a name wholly in
      katakana (``respelled``), whose r's and long vowels ``score_names`` reads as the
      other name spells them (``_as_spelled_in``).
    - "aligned" is an Indel ratio 2 * LCS / total between the two sides' words put in
      some order and joined, times factors at most 1. No order has a longer common
      subsequence than the multiset of letters both sides share, which is what the Indel
      distance of the sorted letters counts: at most 2 * shared / total.
    - "subset" (words only the longer name has dropped, only when the word counts differ)
      is at most the Indel ratio ``n`` of the kept words (k letters) against the shorter
      name (s letters): 2 * kept_shared / (k + s) with kept_shared <= k, so at most
      2 * kept_shared / (kept_shared + s), which grows with kept_shared <= shared:
      at most 2 * shared / (shared + s).

    ``score_names`` takes the best over both names' forms, times factors at most 1, so
    the largest bound over their forms bounds it, before rounding to ``SCORE_DIGITS``
    decimals. Not a bound with ``prefix`` (a cut word has other letters)."""
    if a.initial or b.initial or a.respelled or b.respelled:
        return 1.0
    total = len(a.sorted_letters) + len(b.sorted_letters)
    if total == 0:
        return 1.0
    shared = (total - Indel.distance(a.sorted_letters, b.sorted_letters)) / 2
    if a.words == b.words:
        return 2 * shared / total
    shorter = len(a.sorted_letters if a.words < b.words else b.sorted_letters)
    return 1.0 if shorter == 0 else 2 * shared / (shared + shorter)


def score_upper_bound(query_form: str, candidate_form: str) -> float:
    """``letters_upper_bound`` of two folded forms: never below ``_compare``'s score
    (give or take float rounding, far below ``SCORE_DIGITS``)."""
    return letters_upper_bound(name_letters(query_form), name_letters(candidate_form))


def _compare_prefix(
    query_form: str,
    candidate_form: str,
    query_surnames: frozenset[int],
    candidate_surnames: frozenset[int],
    syllables: bool,
) -> _Comparison | None:
    """The query with its last word read as the beginning of a candidate's word
    ("rosob" for "rosoboronexport"): compared with that word cut to what was typed,
    at a cost for the part left untyped. None when no word of the candidate begins so."""
    last = query_form.rsplit(" ", 1)[-1]
    words = candidate_form.split()
    if len(last) < MIN_PREFIX or last in words:
        return None
    at = next((i for i, w in enumerate(words) if w.startswith(last)), None)
    if at is None:
        return None
    cut = " ".join([*words[:at], last, *words[at + 1 :]])
    result = _compare(query_form, cut, query_surnames, candidate_surnames, syllables)
    factor = 1.0 - PREFIX_COST * (1.0 - len(last) / len(words[at]))
    return replace(result, score=result.score * factor, method="prefix")


@lru_cache(maxsize=131072)
def _compare_cached(
    query_form: str,
    candidate_form: str,
    query_surnames: frozenset[int],
    candidate_surnames: frozenset[int],
    syllables: bool,
    prefix: bool = False,
) -> _Comparison:
    result = _compare(query_form, candidate_form, query_surnames, candidate_surnames, syllables)
    if prefix and result.score < 1.0:
        completed = _compare_prefix(query_form, candidate_form, query_surnames, candidate_surnames, syllables)
        if completed is not None and completed.score > result.score:
            return completed
    return result


@lru_cache(maxsize=65536)
def surname_positions(text: str, normalized: str) -> frozenset[int]:
    """Which words of a normalised name are its surname, from how it is written: the
    words before a comma ("SHAFIU, Ali"), words in capitals among others ("DU
    Shengxin"), the first syllable of Han characters (李尚福) or of a pinyin name
    ("Lu Shengxin"), the word that is neither first name nor patronymic ("Orlov
    Mikhail Konstantinovich"); else the last word. Positions carry over to the folded
    and Wade-Giles forms, which respell word by word."""
    words = normalized.split()
    if len(words) < 2:
        return frozenset()
    if "," in text:
        head = len(normalize_name(text.split(",", 1)[0]).split())
        if 0 < head < len(words):
            return frozenset(range(head))
    written = text.split()
    capitals = [w.isupper() and sum(c.isalpha() for c in w) > 1 for w in written]
    if any(capitals) and not all(capitals) and text.isascii():
        positions: list[int] = []
        for word, upper in zip(written, capitals, strict=True):
            start = sum(len(normalize_name(w).split()) for w in written[: written.index(word)])
            if upper:
                positions += range(start, start + len(normalize_name(word).split()))
        return frozenset(p for p in positions if p < len(words))
    if _HAN_CHARACTER.search(text) or (
        len(words) == 2 and words[0] in PINYIN_SYLLABLES and segment_pinyin(words[1]) is not None
    ):
        return frozenset({0})
    patronymic = next((i for i, w in enumerate(words) if i and _PATRONYMIC.search(w)), None)
    if patronymic is not None and patronymic == len(words) - 1 and len(words) > 2:
        return frozenset({0})
    # The last word as written, with every part of a double-barrelled surname.
    last = len(normalize_name(written[-1]).split()) if written else 1
    return frozenset(range(max(1, len(words) - last), len(words)))


# What each mark of a ``spelled_reading`` may stand for, the reading as written first:
# a ラ-row r or l; a long-vowel mark nothing or r, at a word's end after a also "-er"
# (ヴィッサー, Wisser; ピーター, Peter).
_READINGS = {LIQUID: ("r", "l"), LONG_MARK: ("", "r"), f"a{LONG_MARK}": ("a", "ar", "er")}
_MARKS = re.compile(rf"(a{LONG_MARK}$|{LIQUID}|{LONG_MARK})")
MAX_MARKS = 6  # in one word; a word with more is read as written (2**6 spellings)


def _word_as_spelled_in(word: str, others: Sequence[str]) -> str:
    """One word of a ``spelled_reading``, each mark read as makes it closest to one of
    ``others`` (folded words), folded; the reading as written on a tie."""
    pieces = _MARKS.split(word)
    marks = pieces[1::2]
    if len(marks) > MAX_MARKS:
        marks = [mark[0] if mark.startswith("a") else "" for mark in marks]
    spellings = (
        fold_token("".join(p + r for p, r in zip(pieces[::2], (*choice, ""), strict=True)))
        for choice in product(*(_READINGS.get(mark, (mark,)) for mark in marks))
    )
    return max(spellings, key=lambda spelled: max((fuzz.ratio(spelled, o) for o in others), default=0.0))


def _as_spelled_in(reading: str, other_form: str) -> str:
    """A ``spelled_reading`` as the folded form closest to ``other_form``: katakana's r
    read as l where the other name has an l (ラヴロフ against Lavrov), its long-vowel
    marks as r where the other has one (マーティン against Martin)."""
    others = other_form.split()
    return " ".join(_word_as_spelled_in(word, others) for word in reading.split())


def _form_pairs(
    query: str, q_forms: Sequence[str], candidate: str, c_forms: Sequence[str]
) -> Iterator[tuple[int, str, int, str]]:
    """The pairs of forms ``score_names`` compares, with their indexes (0: the name as
    normalised): every form of one name against every form of the other, and a name
    wholly in katakana also as the other name spells its r's and long vowels
    (``spelled_reading``)."""
    for q_index, q_form in enumerate(q_forms):
        for c_index, c_form in enumerate(c_forms):
            yield q_index, q_form, c_index, c_form
    q_spelled, c_spelled = spelled_reading(query), spelled_reading(candidate)
    if (q_spelled is None) == (c_spelled is None):  # neither, or both read alike already
        return
    if q_spelled is not None:
        for c_index, c_form in enumerate(c_forms):
            yield len(q_forms), _as_spelled_in(q_spelled, c_form), c_index, c_form
    elif c_spelled is not None:
        for q_index, q_form in enumerate(q_forms):
            yield q_index, q_form, len(c_forms), _as_spelled_in(c_spelled, q_form)


def score_names(
    query: str, candidate: str, *, candidate_normalized: str | None = None, prefix: bool = False
) -> NameMatch:
    """Score how well ``candidate`` matches ``query`` (symmetric up to explanation).

    ``candidate_normalized``, when the caller has it (``Name.normalized``), spares
    transliterating the candidate again. With ``prefix``, the query's last word may
    be the beginning of one of the candidate's (search as you type)."""
    query_normalized = normalize_name(query)
    if candidate_normalized is None:
        candidate_normalized = normalize_name(candidate)
    q_surnames = surname_positions(query, query_normalized)
    c_surnames = surname_positions(candidate, candidate_normalized)
    syllables = _written_as_pinyin(query, query_normalized) and _written_as_pinyin(
        candidate, candidate_normalized
    )
    # The Wade-Giles code merges syllables pinyin keeps apart (ji/qi -> chi): a match
    # through it ranks just below the same match as spelled, and far below when both
    # names are pinyin as written, which then name other syllables.
    alternative = WADE_GILES_ONLY if syllables else ALTERNATIVE_FORM_FACTOR
    best: NameMatch | None = None
    q_forms = with_foreign_reading(query, forms_of(query_normalized))
    c_forms = with_foreign_reading(candidate, forms_of(candidate_normalized))
    for q_index, q_form, c_index, c_form in _form_pairs(query, q_forms, candidate, c_forms):
        result = _compare_cached(q_form, c_form, q_surnames, c_surnames, syllables, prefix)
        shown = q_form, c_form
        if syllables and not q_index and not c_index:
            # Pinyin spells each syllable one way: the folds for other
            # romanisations would merge syllables ("you" and "yu", "hou" and "hu").
            # Kept within the folded forms' bound, which the audit screens with.
            spelled = _compare_cached(
                query_normalized, candidate_normalized, q_surnames, c_surnames, syllables, prefix
            )
            bound = score_upper_bound(q_form, c_form)
            result = replace(spelled, score=min(spelled.score, bound))
            shown = query_normalized, candidate_normalized
        score = result.score * (alternative if q_index or c_index else 1.0)
        if best is None or score > best.score:
            best = NameMatch(
                score=round(score, SCORE_DIGITS),
                query=query,
                candidate=candidate,
                query_form=shown[0],
                candidate_form=shown[1],
                method=result.method,
                similarity=round(result.similarity, SCORE_DIGITS),
                initials=result.initials,
                dropped=result.dropped,
                differing=result.differing,
                query_normalized=query_normalized,
                candidate_normalized=candidate_normalized,
            )
    if best is None:  # a name with no letters or digits at all
        return NameMatch(0.0, query, candidate, "", "", "empty", 0.0)
    if best.score == 1.0 and _letters(query_normalized) != _letters(candidate_normalized):
        # Equal only once spellings are folded ("Mohamed", "Muhammad"): not quite the
        # name as written.
        return replace(best, score=SPELLING_VARIANT)
    return best


def _written_as_pinyin(text: str, normalized: str) -> bool:
    """Whether every word of a name is pinyin syllables, written as pinyin writes
    them: a Chinese name as spelled. Hyphens and apostrophes between syllables are
    Wade-Giles ("Chou En-lai", "Tang Chi-p'iao") even where the letters read as pinyin,
    and pinyin starts no syllable but a word's first with a, e or o ("shangfoo" is a
    respelling of Shangfu, not shang-fo-o)."""
    if _WADE_GILES_MARKS.search(text):
        return False
    for word in normalized.split():
        syllables = segment_pinyin(word)
        if syllables is None or any(s[0] in "aeo" for s in syllables[1:]):
            return False
    return True


def _letters(normalized: str) -> list[str]:
    return sorted(normalized.replace(" ", ""))


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A change to the name score from another fact."""

    fact: str  # "birth_date" or "nationality"
    delta: float
    reason: str


@dataclass(frozen=True, slots=True)
class EntityMatch:
    score: float
    name: NameMatch
    adjustments: tuple[Adjustment, ...] = field(default=())

    @property
    def explanation(self) -> str:
        parts = [self.name.explanation]
        parts += [f"{a.reason} ({a.delta:+.2f})" for a in self.adjustments]
        return "; ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {
            "score": self.score,
            "name": self.name.as_dict(),
            "adjustments": [{"fact": a.fact, "delta": a.delta, "reason": a.reason} for a in self.adjustments],
            "text": self.explanation,
        }


def _interval(text: str) -> tuple[date, date]:
    return dates.earliest(text), dates.latest(text)


def _birth_date_adjustment(query: str, candidates: Iterable[str]) -> Adjustment | None:
    """Birth dates agree when the intervals they cover overlap ("1958" and
    "1958-02-03"); they conflict when no candidate date overlaps the query's."""
    known = [c for c in candidates if c]
    if not known:
        return None
    q_start, q_end = _interval(query)
    for text in known:
        start, end = _interval(text)
        if start <= q_end and q_start <= end:
            return Adjustment("birth_date", BIRTH_DATE_AGREES, f"born {text} agrees with {query}")
    return Adjustment("birth_date", -BIRTH_DATE_CONFLICTS, f"born {', '.join(known)}, not {query}")


def _nationality_adjustment(query: str, candidates: Iterable[str]) -> Adjustment | None:
    known = {c.casefold() for c in candidates if c}
    if not known:
        return None
    if query.casefold() in known:
        return Adjustment("nationality", NATIONALITY_AGREES, f"nationality {query} agrees")
    return Adjustment(
        "nationality",
        -NATIONALITY_CONFLICTS,
        f"nationality {', '.join(sorted(known))}, not {query}",
    )


CandidateName = str | tuple[str, str]  # a name, or (name, its normalized form)


def best_name(query: str, candidate_names: Iterable[CandidateName], *, prefix: bool = False) -> NameMatch:
    """The best-scoring of a candidate's names (earliest wins a tie, for stability)."""
    best: NameMatch | None = None
    for name in candidate_names:
        if isinstance(name, tuple):
            match = score_names(query, name[0], candidate_normalized=name[1] or None, prefix=prefix)
        else:
            match = score_names(query, name, prefix=prefix)
        if best is None or match.score > best.score:
            best = match
            if match.score == 1.0:
                break
    if best is None:
        return NameMatch(0.0, query, "", "", "", "empty", 0.0)
    return best


def score_entity(
    query: str,
    candidate_names: Iterable[CandidateName],
    *,
    birth_date: str | None = None,
    candidate_birth_dates: Iterable[str] = (),
    nationality: str | None = None,
    candidate_nationalities: Iterable[str] = (),
    prefix: bool = False,
) -> EntityMatch:
    """Score a candidate entity (all its names) against a query name, adjusted for
    corroborating or conflicting birth date and nationality."""
    name = best_name(query, candidate_names, prefix=prefix)
    adjustments: list[Adjustment] = []
    if birth_date:
        adjustment = _birth_date_adjustment(birth_date, candidate_birth_dates)
        if adjustment:
            adjustments.append(adjustment)
    if nationality:
        adjustment = _nationality_adjustment(nationality, candidate_nationalities)
        if adjustment:
            adjustments.append(adjustment)
    score = name.score + sum(a.delta for a in adjustments)
    return EntityMatch(round(min(1.0, max(0.0, score)), SCORE_DIGITS), name, tuple(adjustments))
