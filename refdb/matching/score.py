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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import accumulate

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from refdb import dates
from refdb.matching.normalize import LEGAL_FORMS, PARTICLES, forms_of, normalize_name

MATCHER_NAME = "refdb-name-v2"
INITIAL_COST = 0.08  # per initial expanded: "J. Smith" is weaker evidence than "John Smith"
DROPPED_COST = 0.3  # times the share of characters in tokens only one side has
MAX_DROPPED_SHARE = 0.8
TOKEN_MATCH = 0.6  # a token counts as present on the other side above this ratio
REORDER_FACTOR = 0.95  # tokens in an order that is not a rotation of the other name
FIRST_DROP_FACTOR = 1.5  # a dropped first token costs this much more than another
ALTERNATIVE_FORM_FACTOR = 0.98  # a match only through the Wade-Giles respelling
PREFIX_COST = 0.4  # times the share of a word left untyped, for a last word typed so far
MIN_PREFIX = 3  # shortest last word read as the beginning of a longer one
BIRTH_DATE_AGREES = 0.05
BIRTH_DATE_CONFLICTS = 0.15
NATIONALITY_AGREES = 0.02
NATIONALITY_CONFLICTS = 0.05
SCORE_DIGITS = 4  # scores are reported rounded to this many decimals

MATCHER_SETTINGS = {
    "initial_cost": INITIAL_COST,
    "dropped_cost": DROPPED_COST,
    "max_dropped_share": MAX_DROPPED_SHARE,
    "token_match": TOKEN_MATCH,
    "reorder_factor": REORDER_FACTOR,
    "first_drop_factor": FIRST_DROP_FACTOR,
    "alternative_form_factor": ALTERNATIVE_FORM_FACTOR,
    "prefix_cost": PREFIX_COST,
    "birth_date_agrees": BIRTH_DATE_AGREES,
    "birth_date_conflicts": BIRTH_DATE_CONFLICTS,
    "nationality_agrees": NATIONALITY_AGREES,
    "nationality_conflicts": NATIONALITY_CONFLICTS,
}


@dataclass(frozen=True, slots=True)
class NameMatch:
    """How well one name matches another, and why."""

    score: float
    query: str
    candidate: str
    query_form: str
    candidate_form: str
    method: str  # "exact", "aligned", "subset" or "prefix"
    similarity: float  # of the compared strings, before the costs below
    initials: int = 0
    dropped: tuple[str, ...] = ()
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
            "text": self.explanation,
        }


@dataclass(frozen=True, slots=True)
class _Comparison:
    score: float
    method: str
    similarity: float
    initials: int
    dropped: tuple[str, ...]


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
            found = fuzz.partial_ratio_alignment(token, target).dest_start
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


def _aligned_similarity(query: Sequence[str], candidate: Sequence[str]) -> float:
    """Indel similarity of the two names written without spaces, with the query's
    tokens as written or rotated ("Shangfu Li", "PUTIN Vladimir"), or else reordered
    to where each token sits in the candidate at a small cost (names are rotated
    often, shuffled rarely)."""
    target = "".join(candidate)
    similarity = max(
        fuzz.ratio("".join((*query[i:], *query[:i])), target) * _rotation_factor(query, candidate, i)
        for i in range(len(query))
    )
    if len(query) > 2 and similarity < 100:
        positions = _positions(query, target)
        ordered = [t for _, t in sorted(zip(positions, query, strict=True), key=lambda p: p[0])]
        similarity = max(similarity, fuzz.ratio("".join(ordered), target) * REORDER_FACTOR)
    return similarity / 100.0


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
) -> tuple[tuple[str, ...], tuple[str, ...], float] | None:
    """The longer side without the tokens the shorter lacks, those tokens, and their
    share of the name's characters (particles such as "bin" and "al" are free), when
    every token of the shorter side is matched and two or more words remain."""
    dropped_at = _unmatched(longer, shorter)
    if not dropped_at or _unmatched(shorter, longer):
        return None
    kept = tuple(t for i, t in enumerate(longer) if i not in dropped_at)
    dropped = tuple(longer[i] for i in dropped_at)
    # A middle name (or a patronymic after "SURNAME, Given") is dropped far more often
    # than the name written first, so dropping the first costs more.
    cost = sum(_content_length([longer[i]]) * (FIRST_DROP_FACTOR if i == 0 else 1.0) for i in dropped_at)
    share = cost / max(1, _content_length(longer))
    if sum(t not in PARTICLES for t in kept) < 2 or share > MAX_DROPPED_SHARE:
        return None
    return kept, dropped, share


def _without_legal_forms(form: str) -> tuple[str, ...]:
    """Tokens of a name without company legal forms ("Rosoboronexport JSC"), unless
    nothing else is left."""
    tokens = tuple(form.split())
    kept = tuple(t for t in tokens if t not in LEGAL_FORMS)
    return kept or tokens


# A change to how _compare scores must keep ``letters_upper_bound`` (below) above its
# scores: the audit screens pairs with it (tests/matching/test_score_bound.py checks).
def _compare(query_form: str, candidate_form: str) -> _Comparison:
    if query_form == candidate_form:
        return _Comparison(1.0, "exact", 1.0, 0, ())
    q, c = _without_legal_forms(query_form), _without_legal_forms(candidate_form)
    q, q_initials = _expand_initials(q, c)
    c, c_initials = _expand_initials(c, q)
    initials = q_initials + c_initials
    initial_factor = 1.0 - INITIAL_COST * initials
    similarity = _aligned_similarity(q, c)
    if (len(q) == 1) != (len(c) == 1):
        # A one-word name against a longer one: the ratio alone rewards "Wang" against
        # "Wang Yi" for its short length; scale by the squared share of characters.
        q_len, c_len = sum(map(len, q)), sum(map(len, c))
        similarity *= (min(q_len, c_len) / max(q_len, c_len)) ** 2
    best = _Comparison(similarity * initial_factor, "aligned", similarity, initials, ())
    if len(q) != len(c):
        longer, shorter, query_longer = (q, c, True) if len(q) > len(c) else (c, q, False)
        reduced = _without_dropped(longer, shorter)
        if reduced is not None:
            kept, dropped, share = reduced
            sub = _aligned_similarity(kept, shorter) if query_longer else (_aligned_similarity(shorter, kept))
            score = sub * initial_factor * (1.0 - DROPPED_COST * share)
            if score > best.score:
                best = _Comparison(score, "subset", sub, initials, dropped)
    return best


@dataclass(frozen=True, slots=True)
class NameLetters:
    """What ``letters_upper_bound`` needs of a folded name form: its characters without
    spaces (legal forms aside, as ``_compare`` reads it) in sorted order, its word count,
    and whether a word is a lone initial."""

    sorted_letters: str
    words: int
    initial: bool


def name_letters(form: str) -> NameLetters:
    """The ``NameLetters`` of a folded form (one of ``forms_of``), computed once per name
    by callers that bound many pairs."""
    words = _without_legal_forms(form)
    return NameLetters("".join(sorted("".join(words))), len(words), any(len(word) == 1 for word in words))


def letters_upper_bound(a: NameLetters, b: NameLetters) -> float:
    """An upper bound on ``_compare``'s score of two folded forms, from their
    ``name_letters`` alone (symmetric), for screening pairs before scoring them.

    Why it holds, method by method (``_compare`` must keep it true; the tests check it
    over many pairs):

    - "exact" scores 1 for equal forms, whose sorted letters are equal: the bound is 1.
    - Initials are expanded to the other side's words, which changes the letters: a pair
      with a lone initial on either side is bounded by 1 only.
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
    if a.initial or b.initial:
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


def _compare_prefix(query_form: str, candidate_form: str) -> _Comparison | None:
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
    result = _compare(query_form, cut)
    factor = 1.0 - PREFIX_COST * (1.0 - len(last) / len(words[at]))
    return _Comparison(result.score * factor, "prefix", result.similarity, result.initials, result.dropped)


@lru_cache(maxsize=131072)
def _compare_cached(query_form: str, candidate_form: str, prefix: bool = False) -> _Comparison:
    result = _compare(query_form, candidate_form)
    if prefix and result.score < 1.0:
        completed = _compare_prefix(query_form, candidate_form)
        if completed is not None and completed.score > result.score:
            return completed
    return result


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
    best: NameMatch | None = None
    for q_index, q_form in enumerate(forms_of(query_normalized)):
        for c_index, c_form in enumerate(forms_of(candidate_normalized)):
            result = _compare_cached(q_form, c_form, prefix)
            # The Wade-Giles code merges syllables pinyin keeps apart (ji/qi -> chi):
            # a match through it ranks just below the same match as spelled.
            score = result.score * (ALTERNATIVE_FORM_FACTOR if q_index or c_index else 1.0)
            if best is None or score > best.score:
                best = NameMatch(
                    score=round(score, SCORE_DIGITS),
                    query=query,
                    candidate=candidate,
                    query_form=q_form,
                    candidate_form=c_form,
                    method=result.method,
                    similarity=round(result.similarity, SCORE_DIGITS),
                    initials=result.initials,
                    dropped=result.dropped,
                    query_normalized=query_normalized,
                    candidate_normalized=candidate_normalized,
                )
    if best is None:  # a name with no letters or digits at all
        return NameMatch(0.0, query, candidate, "", "", "empty", 0.0)
    return best


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
