"""``score_upper_bound`` never falls below the score it bounds.

The audit screens name pairs with it before scoring them (``refdb.audit.facts.screened``):
a bound below the real score would silently drop pairs the matcher scores above the
threshold. The pairs are hand-picked hard cases and variants made by the benchmark's
synthetic generator (deterministic: fixed seed), scored against their own names, against
names as lists print them, and against other names of the same culture.
"""

from __future__ import annotations

import random
from functools import cache

from benchmarks import synthetic
from refdb.audit.facts import letters, screened
from refdb.matching.normalize import forms_of, name_forms, normalize_name
from refdb.matching.score import SCORE_DIGITS, _compare, score_names, score_upper_bound

HARD_CASES = [
    ("V. Putin", "Vladimir Putin"),
    ("V. V. Putin", "Vladimir Vladimirovich Putin"),
    ("Putin V.V.", "PUTIN, Vladimir Vladimirovich"),
    ("Vladimir Putin", "PUTIN, Vladimir Vladimirovich"),
    ("Vladimir Vladimirovich Putin", "Putin"),
    ("Yevgeny Prigozhin", "Евгений Викторович Пригожин"),
    ("Sergei Shoigu", "SHOYGU, Sergey Kuzhugetovich"),
    ("Shang-fu LI", "LI Shangfu"),
    ("Shangfu Li", "LI, Shangfu"),
    ("Shang Fu Li", "李尚福"),
    ("Li", "Li Shangfu"),
    ("Wang", "Wang Yi"),
    ("Liu Yen-ming", "Jen Ming-liu"),
    ("Mao Tse-tung", "毛泽东"),
    ("Chiang Kai-shek", "Jiang Jieshi"),
    ("Teng Hsiao-p'ing", "Deng Xiaoping"),
    ("Chou En-lai", "Zhou Enlai"),
    ("Rosoboronexport JSC", "ROSOBORONEXPORT"),
    ("Rosoboronexport", "Rosoboronexport OAO JSC"),
    ("JSC", "JSC Rosoboronexport"),
    ("Sovcomflot PJSC", "PAO Sovkomflot"),
    ("Huawei Technologies Co Ltd", "HUAWEI TECHNOLOGIES"),
    ("Mohamed bin Salman", "Muhammad bin Salman"),
    ("Mohammed bin Salman bin Abdulaziz Al Saud", "Mohammed bin Salman"),
    ("Mohammed bin Salman", "Mohammed Salman"),
    ("bin Laden, Osama", "Usama bin Muhammad bin Awad BIN LADIN"),
    ("Abu Bakr al-Baghdadi", "al-Baghdadi"),
    ("Ali", "Ali Hassan Mahmoud"),
    ("Ali bin Ali", "Ali Ali"),
    ("Kim Jong Un", "Kim Jong-un"),
    ("Kim", "Kim Jong Un"),
    ("Maduro", "MADURO MOROS, Nicolas"),
    ("Nicolás Maduro Moros", "Nicolas MADURO"),
    ("Madonna", "Madonna"),
    ("X", "Xi Jinping"),
    ("J. Smith", "John Smith"),
    ("John Smith", "Smith John Paul"),
]


def _listed(name: str) -> str:
    """A name as lists print persons: "SURNAME, Given"."""
    *given, surname = name.split()
    return f"{surname.upper()}, {' '.join(given)}" if given else name.upper()


@cache
def name_pairs() -> tuple[tuple[str, str], ...]:
    """Hand-picked pairs, then query variants of every kind against their target's names
    (as stored and as listed) and against names of others of the same culture."""
    n = 20_000
    rng = random.Random(20261129)
    pairs = list(HARD_CASES)
    entities = [synthetic.make_entity(i, n) for i in range(synthetic.public_body_count(n), 1500)]
    by_culture: dict[str, list[str]] = {}
    for entity in entities:
        by_culture.setdefault(entity.culture, []).extend(name["name"] for name in entity.names)
    for query in synthetic.make_queries(n, 600):
        target = synthetic.make_entity(query["target_id"] - 1, n)
        assert target.id == query["target_id"]
        names = [name["name"] for name in target.names]
        others = rng.sample(by_culture[query["culture"]], 3)
        for name in (*names, _listed(names[0]), *others):
            pairs.append((query["query"], name))
    for entity in entities[:400]:  # the same culture's names against each other
        first = entity.names[0]["name"]
        for other in rng.sample(by_culture[entity.culture], 3):
            pairs.append((first, other))
            pairs.append((_listed(first), other))
    return tuple(pairs)


def _forms(name: str) -> tuple[str, ...]:
    return forms_of(normalize_name(name))


def test_the_pairs_cover_every_method_and_high_scores() -> None:
    methods = {_compare(q, c).method for a, b in name_pairs() for q in _forms(a) for c in _forms(b)}
    assert {"exact", "aligned", "subset"} <= methods
    scores = [score_names(a, b).score for a, b in name_pairs()]
    assert len(scores) > 3000
    assert sum(s >= 0.9 for s in scores) > 500  # near the audit's threshold, where it matters
    assert sum(0.4 <= s < 0.9 for s in scores) > 300  # other names of the culture: mostly below


FLOAT = 1e-9  # the scorer's percentages and the bound's fractions round differently


def test_bound_is_never_below_compare() -> None:
    below = sorted(
        (score_upper_bound(q, c) - _compare(q, c).score, q, c)
        for a, b in name_pairs()
        for q in _forms(a)
        for c in _forms(b)
        if score_upper_bound(q, c) + FLOAT < _compare(q, c).score
    )
    assert not below, f"{len(below)} form pairs score above their bound, worst: {below[:5]}"


def test_bound_over_forms_is_never_below_score_names() -> None:
    # score_names rounds to SCORE_DIGITS decimals: at most half a unit up.
    slack = 0.5 * 10.0**-SCORE_DIGITS + FLOAT
    below = []
    for a, b in name_pairs():
        bound = max(score_upper_bound(q, c) for q in _forms(a) for c in _forms(b))
        score = score_names(a, b).score
        if bound + slack < score:
            below.append((bound - score, a, b))
    assert not below, f"{len(below)} name pairs score above their bound, worst: {sorted(below)[:5]}"


def test_the_audit_screen_keeps_every_pair_the_matcher_scores_high_enough() -> None:
    missed = []
    for a, b in name_pairs():
        score = score_names(a, b).score
        for needed in (0.5, 0.75, 0.85, 0.9, 0.95, 1.0):
            if score >= needed and not screened(letters(_forms(a)), {b: letters(_forms(b))}, needed):
                missed.append((needed, score, a, b))
    assert not missed, f"{len(missed)} pairs screened out below their score, e.g. {missed[:5]}"


def test_the_bound_screens_out_most_unrelated_names() -> None:
    # A bound of 1 everywhere would pass the tests above and screen nothing.
    low = [
        max(score_upper_bound(q, c) for q in _forms(a) for c in _forms(b))
        for a, b in name_pairs()
        if score_names(a, b).score < 0.6
    ]
    assert len(low) > 500
    assert sum(bound < 0.9 for bound in low) > 0.5 * len(low)


def test_the_audit_screen_keeps_names_in_katakana_read_as_the_other_spells_them() -> None:
    # Katakana's r read as l adds a letter neither form has (ラヴロフ, "ravrov", ~ Lavrov).
    for katakana, listed in [("セルゲイ・ラヴロフ", "Sergei Lavrov"), ("マーティン", "Martin")]:
        score = score_names(katakana, listed).score
        assert score > max(score_upper_bound(q, c) for q in name_forms(katakana) for c in _forms(listed))
        own = letters(name_forms(katakana), respelled=True)
        assert screened(own, {listed: letters(_forms(listed))}, score) == [listed]
