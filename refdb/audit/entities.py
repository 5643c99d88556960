"""Rules about duplicate entities: a shared identifier, or near-identical names and birth dates."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import select

from refdb.audit.facts import Forms, NameIndex, interval, screened
from refdb.audit.registry import AuditContext, Hit, rule
from refdb.matching.normalize import fold_name
from refdb.matching.score import score_names
from refdb.models import Entity, Identifier, Name
from refdb.vocab import kind_group

NEAR_IDENTICAL = 0.95
_PUNCTUATION = re.compile(r"[\W_]+")
# A name token held by more than this share of the people born in a year does not make a pair.
_COMMON_SHARE = 0.01


@rule("duplicate-identifier", "entities", "error", "Entities sharing an identifier")
def duplicate_identifier(ctx: AuditContext) -> Iterator[Hit]:
    """The database refuses the same scheme and value twice; this catches spellings of one
    identifier ("Q42" and "q42 ", "AB 123" and "AB-123") on different entities."""
    holders: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    statement = select(Identifier.entity_id, Identifier.scheme, Identifier.value)
    for entity_id, scheme, value in ctx.rows(statement):
        key = (scheme.strip().casefold(), _PUNCTUATION.sub("", value).casefold())
        holders[key].setdefault(entity_id, value)
    for (scheme, _), found in sorted(holders.items()):
        if len(found) > 1:
            ids = sorted(found)
            values = ", ".join(f"{found[i]!r} (entity {i})" for i in ids)
            yield "+".join(f"entity:{i}" for i in ids), ids[0], f"identifier {scheme} {values}"


def _near_identical(
    ctx: AuditContext, a: int, b: int, born: dict[int, str], names: dict[int, dict[str, str]]
) -> Iterator[Hit]:
    born_a, born_b = interval(born[a]), interval(born[b])
    if not (born_a and born_b and born_a[0] <= born_b[1] and born_b[0] <= born_a[1]):
        return
    theirs = {name: ctx.letters(name, normalized) for name, normalized in names[b].items()}
    pairs = [
        (x, y)
        for x, normalized in names[a].items()
        for y in screened(ctx.letters(x, normalized), theirs, NEAR_IDENTICAL)
    ]
    if not pairs:
        return
    match = max((score_names(x, y) for x, y in pairs), key=lambda m: m.score)
    if match.score >= NEAR_IDENTICAL:
        yield (
            f"entity:{a}+entity:{b}",
            a,
            f"{match.query!r} and {match.candidate!r} ({match.score:.2f}), born {born[a]} and {born[b]}",
        )


@rule("duplicate-entity", "entities", "warning", "Entities with near-identical names and birth dates")
def duplicate_entity(ctx: AuditContext) -> Iterator[Hit]:
    """People with near-identical names whose birth dates agree; other kinds with the same
    name once folded (spelling, case, romanisation)."""
    born: dict[int, str] = {}
    kinds: dict[int, str] = {}
    for entity_id, kind, birth_date in ctx.rows(select(Entity.id, Entity.kind, Entity.birth_date)):
        kinds[entity_id] = kind
        if kind == "person" and interval(birth_date):
            born[entity_id] = birth_date
    # A partial date never spans two years, so birth dates can only agree within a year.
    by_year: dict[str, dict[int, list[Forms]]] = defaultdict(lambda: defaultdict(list))
    names: dict[int, dict[str, str]] = defaultdict(dict)  # name -> normalized
    others: dict[tuple[str, str], set[int]] = defaultdict(set)
    for entity_id, name, normalized in ctx.rows(select(Name.entity_id, Name.name, Name.normalized)):
        if entity_id in born:
            names[entity_id][name] = normalized
            by_year[born[entity_id][:4]][entity_id].append(ctx.forms(name, normalized))
        elif kinds.get(entity_id, "person") != "person":
            others[(kind_group(kinds[entity_id]), fold_name(normalized))].add(entity_id)
    for year in sorted(by_year):
        index = NameIndex(by_year[year], _COMMON_SHARE, 20)
        for a in sorted(by_year[year]):
            pairs = {b for forms in by_year[year][a] for b in index.candidates(forms) if b > a}
            for b in sorted(pairs):
                yield from _near_identical(ctx, a, b, born, names)
    reported: set[tuple[int, ...]] = set()
    for (group_kind, folded), group in sorted(others.items()):
        ids = tuple(sorted(group))
        if len(ids) > 1 and ids not in reported:
            reported.add(ids)
            yield "+".join(f"entity:{i}" for i in ids), ids[0], f"{group_kind}s named alike: {folded!r}"
