"""The link audit: rules over the database, findings, and their acknowledgements.

``run_audit`` runs the registered rules (see ``registry``; one module per group) and
marks the findings someone acknowledged; ``acknowledge`` records an acknowledgement,
logged in the change log like every other write.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor

from sqlmodel import Session, select

from refdb import changelog
from refdb.audit import entities, integrity, links, provenance, reports, tenures  # noqa: F401  (registers)
from refdb.audit.registry import RULES, SEVERITIES, AuditContext, Finding, Rule, Settings, at_least
from refdb.backends import backend_of
from refdb.connection import make_engine
from refdb.errors import Conflict, InvalidInput, NotFound
from refdb.models import FindingAck
from refdb.processes import spawn_context
from refdb.services.edits import Editor

HISTORY = "history"  # the group of rules that read the change log

__all__ = [
    "RULES",
    "SEVERITIES",
    "Finding",
    "Rule",
    "Settings",
    "acknowledge",
    "at_least",
    "run_audit",
]


def _selected(names: Iterable[str] | None) -> list[Rule]:
    if not names:
        return list(RULES.values())
    unknown = [name for name in names if name not in RULES]
    if unknown:
        raise InvalidInput({"rule": f"no rule {', '.join(unknown)}; rules: {', '.join(RULES)}"}, "audit")
    return [RULES[name] for name in names]


def run_audit(
    session: Session,
    rules: Iterable[str] | None = None,
    settings: Settings | None = None,
    timings: dict[str, tuple[float, float]] | None = None,
    *,
    parallel: bool = False,
) -> list[Finding]:
    """Findings of the chosen rules (all by default), in rule order, acknowledged ones marked.

    ``timings``, when given, receives each rule's (wall, CPU) seconds; a load several
    rules share (the change log, citations) counts under the first rule that needs it.

    ``parallel``: run the history rules in a second process, beside the others. They
    read the whole change log, about a third of a full audit, and share nothing with the
    rest. The second process reads what is committed, so only callers whose session holds
    no uncommitted writes ask for it (the CLI and the TUI do); an in-memory database, or
    a selection without both kinds of rules, runs in this process.
    """
    settings = settings or Settings()
    chosen = _selected(rules)
    apart = [r for r in chosen if r.group == HISTORY] if parallel else []
    url_text = session.get_bind().engine.url.render_as_string(hide_password=False)
    if not apart or len(apart) == len(chosen) or not backend_of(session).shared(url_text):
        return _run(session, chosen, settings, timings)
    with ProcessPoolExecutor(1, mp_context=spawn_context()) as pool:
        there = pool.submit(_run_apart, url_text, [r.name for r in apart], settings)
        findings = _run(session, [r for r in chosen if r not in apart], settings, timings)
        their_findings, their_timings = there.result()
    if timings is not None:
        timings.update(their_timings)
    order = {r.name: position for position, r in enumerate(chosen)}
    return sorted([*findings, *their_findings], key=lambda f: order[f.rule])  # stable: rule order kept


def _run_apart(url: str, names: list[str], settings: Settings) -> tuple[list[Finding], dict]:
    """``run_audit`` of ``names`` in a process of its own, on its own connection."""
    engine = make_engine(url)
    timings: dict[str, tuple[float, float]] = {}
    with Session(engine) as session:
        findings = _run(session, [RULES[name] for name in names], settings, timings)
    engine.dispose()
    return findings, timings


def _run(
    session: Session, chosen: list[Rule], settings: Settings, timings: dict[str, tuple[float, float]] | None
) -> list[Finding]:
    context = AuditContext(session, settings)
    acks = {(ack.rule, ack.subject): ack for ack in session.exec(select(FindingAck)).all()}
    findings = []
    for rule in chosen:
        started, cpu = time.perf_counter(), time.process_time()
        for hit in rule.check(context):
            subject, entity_id, explanation = hit[:3]
            figures = hit[3] if len(hit) == 4 else None
            finding = Finding(rule.name, rule.severity, subject, entity_id, explanation, figures)
            ack = acks.get((rule.name, subject))
            if ack is not None:
                finding.acknowledged = True
                finding.ack_reason, finding.ack_actor = ack.reason, ack.actor
                finding.ack_at = changelog.json_ready({"at": ack.at})["at"]
            findings.append(finding)
        if timings is not None:
            timings[rule.name] = (time.perf_counter() - started, time.process_time() - cpu)
    return findings


def acknowledge(
    editor: Editor, rule: str, subject: str, reason: str, settings: Settings | None = None
) -> FindingAck:
    """Acknowledge a current finding with a reason; it stays listed, marked as acknowledged."""
    if not reason or not reason.strip():
        raise InvalidInput({"reason": "say why this finding is acceptable"}, "finding_ack")
    session = editor.session
    finding = next((f for f in run_audit(session, [rule], settings) if f.subject == subject), None)
    if finding is None:
        raise NotFound(f"rule {rule} finds nothing about {subject!r} now: nothing to acknowledge")
    existing = session.exec(
        select(FindingAck).where(FindingAck.rule == rule, FindingAck.subject == subject)
    ).first()
    if existing is not None:
        raise Conflict(f"{rule} {subject} was already acknowledged by {existing.actor}: {existing.reason}")
    ack = FindingAck(rule=rule, subject=subject, reason=reason.strip(), actor=editor.actor)
    session.add(ack)
    session.flush()
    changelog.record(
        session,
        actor=editor.actor,
        action="create",
        table_name="finding_ack",
        row_id=ack.id,  # type: ignore[arg-type]
        before=None,
        after=changelog.snapshot(ack),
        reason=reason.strip(),
        entity_id=finding.entity_id,
    )
    return ack
