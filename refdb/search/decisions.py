"""Analysts' decisions on screening hits, and later screenings honouring them.

An analyst clears a hit (the screened name is not the listed target) or confirms it,
always with a reason. A decision is kept for a *name* and a *target* (a sanction
entry, or a curated entity), optionally only for one screened birth date; a later
decision on the same name and target supersedes it. Each is written through the
Editor, so it is validated and sealed in the change log.

A decision rests on what the analyst saw of the target: its names, kind, birth dates
and nationalities (``target_facts``). When a later import changes any of these, the
decision no longer applies and the hit is shown again, flagged as outdated, instead of
being silently cleared against a record nobody has looked at.

Reads are plain SQL over the screening's own reader (`refdb screen` imports no ORM).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from refdb import dates
from refdb.errors import RefdbError
from refdb.reading import Raw, Readable, json_list, raw_of
from refdb.vocab import SCREENING_VERDICTS

if TYPE_CHECKING:
    from refdb.services.edits import Editor

TargetType = Literal["sanction_entry", "entity"]
Target = tuple[TargetType, int]
ENTITY_PREFIX = "entity"

# The target's facts a decision rests on, as words for the "record changed" note.
FACT_WORDS = {
    "kind": "kind", "names": "names", "birth_dates": "birth dates", "nationalities": "nationalities",
}  # fmt: skip


class BadDecision(RefdbError):
    """A decision that cannot be recorded (no reason, an unknown record): nothing is written."""


def name_key(name: str) -> str:
    """How a decision's name is compared with a screened name: case, spacing and
    punctuation aside ("LI,  Shangfu" = "li shangfu"), but letters, accents and word
    order as written, so that a decision never covers a different name."""
    text = unicodedata.normalize("NFKC", name).casefold()
    kept = "".join(ch if unicodedata.category(ch)[0] in "LNM" else " " for ch in text)
    return " ".join(kept.split())


# ---------------------------------------------------------------- targets


def record_ref(target_type: TargetType, list_key: str | None, record_id: str | None, target_id: int) -> str:
    """How output names a hit's record, and how `refdb screen decide --record` takes it:
    LIST:RECORD_ID for a sanction entry, entity:ID for a curated entity."""
    if target_type == "sanction_entry":
        return f"{list_key}:{record_id}"
    return f"{ENTITY_PREFIX}:{target_id}"


def resolve(raw: Raw, ref: str) -> tuple[Target, str]:
    """The target a record reference names, and its name; ``BadDecision`` when none."""
    prefix, sep, rest = ref.strip().partition(":")
    mark = raw.placeholder
    if sep and rest and prefix == ENTITY_PREFIX:
        rows = raw.rows(
            f"SELECT id, name FROM entity WHERE key = {mark}"
            + (f" OR id = {int(rest)}" if rest.isdigit() else ""),
            [rest],
        )
        if rows:
            return ("entity", rows[0][0]), rows[0][1]
    elif sep and rest:
        rows = raw.rows(
            "SELECT s.id, s.name FROM sanction_entry s JOIN sanction_list sl ON sl.id = s.list_id "
            f"WHERE sl.key = {mark} AND s.record_id = {mark}",
            [prefix, rest],
        )
        if rows:
            return ("sanction_entry", rows[0][0]), rows[0][1]
    raise BadDecision(
        f"no record {ref!r}: give LIST:RECORD_ID or entity:ID as `refdb screen` prints it in 'record'"
    )


def target_facts(raw: Raw, targets: Iterable[Target]) -> dict[Target, dict[str, Any]]:
    """Each target's identity facts, as a decision records and compares them."""
    wanted = sorted(set(targets))
    found: dict[Target, dict[str, Any]] = {}
    sources: tuple[tuple[TargetType, str, str], ...] = (
        (
            "sanction_entry",
            "SELECT id, target_kind, birth_dates, nationalities, name FROM sanction_entry "
            "WHERE id IN ({ids})",
            "SELECT entry_id, name FROM entry_name WHERE entry_id IN ({ids})",
        ),
        (
            "entity",
            "SELECT id, kind, birth_date, nationality, name FROM entity WHERE id IN ({ids})",
            "SELECT entity_id, name FROM name WHERE entity_id IN ({ids})",
        ),
    )
    for target_type, sql, names_sql in sources:
        ids = ",".join(str(int(i)) for t, i in wanted if t == target_type)
        if not ids:
            continue
        names: dict[int, set[str]] = {}
        for owner, name in raw.rows(names_sql.format(ids=ids)):
            names.setdefault(owner, set()).add(name)
        for id_, kind, births, nationalities, name in raw.rows(sql.format(ids=ids)):
            if target_type == "entity":
                births, nationalities = [births] if births else [], [nationalities] if nationalities else []
            found[(target_type, id_)] = {
                "kind": kind,
                "names": sorted(names.get(id_, set()) | {name}),
                "birth_dates": sorted(json_list(births)),
                "nationalities": sorted(n.lower() for n in json_list(nationalities)),
            }
    return found


def changed_facts(recorded: dict[str, Any], now: dict[str, Any] | None) -> list[str]:
    """Which of the facts a decision rests on differ now, in words ("birth dates");
    a target that is gone has changed in every one."""
    if now is None:
        return list(FACT_WORDS.values())
    return [word for key, word in FACT_WORDS.items() if recorded.get(key) != now.get(key)]


# ---------------------------------------------------------------- decisions


@dataclass(frozen=True, slots=True)
class Decision:
    id: int
    name: str
    name_key: str
    birth_date: str | None
    target: Target
    verdict: str
    reason: str
    target_facts: dict[str, Any]
    decided_by: str
    decided_at: str  # ISO, UTC

    @property
    def day(self) -> str:
        return self.decided_at[:10]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "birth_date": self.birth_date,
            "verdict": self.verdict,
            "reason": self.reason,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at,
        }


_DECISIONS_SQL = (
    "SELECT id, name, name_key, birth_date, entry_id, entity_id, verdict, reason, target_facts, "
    "decided_by, decided_at FROM screening_decision"
)


def _moment(value: datetime | str) -> str:
    """A stored time as ISO text in UTC (SQLite hands back its own text, without a zone)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)).isoformat()


def _decision(row: Sequence[Any]) -> Decision:
    id_, name, key, birth_date, entry_id, entity_id, verdict, reason, facts, by, at = row
    target: Target = ("sanction_entry", entry_id) if entry_id is not None else ("entity", entity_id)
    facts = json.loads(facts) if isinstance(facts, str) else facts
    return Decision(id_, name, key, birth_date, target, verdict, reason, facts, by, _moment(at))


def load(raw: Raw, where: str = "", params: Sequence[Any] = ()) -> list[Decision]:
    """Decisions in the order they were made."""
    return [_decision(row) for row in raw.rows(f"{_DECISIONS_SQL} {where} ORDER BY id", params)]


@dataclass(frozen=True, slots=True)
class Applied:
    """A decision as a screening applies it to one hit."""

    decision: Decision
    changed: list[str]  # the facts changed since it was made: it is outdated when any did

    @property
    def in_force(self) -> bool:
        return not self.changed

    @property
    def outcome(self) -> str:
        """The hit's outcome: ``cleared`` and ``confirmed`` while in force, else ``match``."""
        return self.decision.verdict if self.in_force else "match"

    @property
    def note(self) -> str:
        d = self.decision
        if not self.in_force:
            return f"decision {d.id} outdated: record changed ({', '.join(self.changed)}) since {d.day}"
        return f"{d.verdict} by decision {d.id} ({d.reason}, {d.day})"

    def as_dict(self) -> dict[str, Any]:
        return self.decision.as_dict() | {
            "in_force": self.in_force,
            "changed": self.changed,
            "note": self.note,
        }


@dataclass(slots=True)
class DecisionBook:
    """Every decision, loaded once for a screening run (and handed to its workers)."""

    by_key: dict[tuple[str, Target], list[Decision]] = field(default_factory=dict)

    @classmethod
    def of(cls, session: Readable) -> DecisionBook:
        book = cls()
        for decision in load(raw_of(session)):
            book.by_key.setdefault((decision.name_key, decision.target), []).append(decision)
        return book

    def latest(self, name: str, birth_date: str | None, target: Target) -> Decision | None:
        """The decision for this screened name and birth date on ``target``: the latest
        one made for the name either without a birth date or for this one."""
        made = self.by_key.get((name_key(name), target), ())
        wanted = dates.normalize(birth_date) if birth_date else None
        fitting = [d for d in made if d.birth_date is None or d.birth_date == wanted]
        return fitting[-1] if fitting else None

    def apply(
        self, raw: Raw, name: str, birth_date: str | None, targets: Sequence[Target]
    ) -> dict[Target, Applied]:
        """The decisions that bear on a screened name's hits, each checked against its
        target's facts now (read only when some decision bears on a hit)."""
        if not self.by_key:
            return {}
        found = {t: d for t in targets if (d := self.latest(name, birth_date, t)) is not None}
        if not found:
            return {}
        now = target_facts(raw, found)
        return {t: Applied(d, changed_facts(d.target_facts, now.get(t))) for t, d in found.items()}


def decide(
    editor: Editor,
    *,
    name: str,
    record: str,
    verdict: str,
    reason: str,
    birth_date: str | None = None,
) -> dict[str, Any]:
    """Record an analyst's decision on the hit of ``name`` on ``record`` (LIST:RECORD_ID
    or entity:ID), with a required reason; returns it as `refdb screen decisions` lists
    it. Raises ``BadDecision`` (nothing written) for an empty name or reason, an unknown
    verdict or record, or a bad birth date."""
    from refdb.models import ScreeningDecision  # the ORM: only writing a decision needs it

    name, reason = name.strip(), reason.strip()
    if not name_key(name):
        raise BadDecision("a decision needs the screened name (--name)")
    if not reason:
        raise BadDecision("a decision needs a reason (--reason): say why, for whoever reads it later")
    if verdict not in SCREENING_VERDICTS:
        raise BadDecision(f"verdict {verdict!r} is not one of: {', '.join(SCREENING_VERDICTS)}")
    if birth_date:
        try:
            birth_date = dates.normalize(birth_date.strip())
        except dates.InvalidDate as error:
            raise BadDecision(f"birth date: {error}") from None
    raw = raw_of(editor.session)
    (target_type, target_id), _ = resolve(raw, record)
    row = ScreeningDecision(
        name=name,
        name_key=name_key(name),
        birth_date=birth_date or None,
        entry_id=target_id if target_type == "sanction_entry" else None,
        entity_id=target_id if target_type == "entity" else None,
        verdict=verdict,
        reason=reason,
        target_facts=target_facts(raw, [(target_type, target_id)])[(target_type, target_id)],
        decided_by=editor.actor,
    )
    editor.create(row, reason=f"screening decision: {verdict} {name!r} on {record}: {reason}")
    assert row.id is not None
    return listed(raw_of(editor.session), decision_id=row.id)[0]


def _refs(raw: Raw, targets: Iterable[Target]) -> dict[Target, tuple[str, str]]:
    """Each target's record reference and name."""
    wanted = sorted(set(targets))
    found: dict[Target, tuple[str, str]] = {}
    entry_ids = ",".join(str(i) for t, i in wanted if t == "sanction_entry")
    if entry_ids:
        for id_, key, record_id, name in raw.rows(
            "SELECT s.id, sl.key, s.record_id, s.name FROM sanction_entry s "
            f"JOIN sanction_list sl ON sl.id = s.list_id WHERE s.id IN ({entry_ids})"
        ):
            found[("sanction_entry", id_)] = (record_ref("sanction_entry", key, record_id, id_), name)
    entity_ids = ",".join(str(i) for t, i in wanted if t == "entity")
    if entity_ids:
        for id_, name in raw.rows(f"SELECT id, name FROM entity WHERE id IN ({entity_ids})"):
            found[("entity", id_)] = (record_ref("entity", None, None, id_), name)
    return found


def listed(raw: Raw, *, decision_id: int | None = None) -> list[dict[str, Any]]:
    """Decisions as `refdb screen decisions` lists them, oldest first, each with its
    ``state``: ``in force``, ``superseded by N`` or ``outdated: record changed (...)``."""
    every = load(raw)
    latest: dict[tuple[str, str | None, Target], int] = {}
    for decision in every:
        latest[(decision.name_key, decision.birth_date, decision.target)] = decision.id
    shown = [d for d in every if decision_id is None or d.id == decision_id]
    facts = target_facts(raw, [d.target for d in shown])
    refs = _refs(raw, [d.target for d in shown])
    items = []
    for decision in shown:
        changed = changed_facts(decision.target_facts, facts.get(decision.target))
        newer = latest[(decision.name_key, decision.birth_date, decision.target)]
        if newer != decision.id:
            state = f"superseded by {newer}"
        elif changed:
            state = f"outdated: record changed ({', '.join(changed)})"
        else:
            state = "in force"
        record, target_name = refs.get(decision.target, ("?", "?"))
        items.append(decision.as_dict() | {"record": record, "record_name": target_name, "state": state})
    return items
