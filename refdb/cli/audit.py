"""The link audit: `refdb audit` and `refdb audit ack`."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

import typer

from refdb import audit as auditing
from refdb.changelog import Anchor
from refdb.cli import app
from refdb.cli.options import ActorOption, DbOption, JsonOption, open_database
from refdb.cli.output import console, print_json, say, table
from refdb.errors import ExitCode, InvalidInput
from refdb.services.edits import editing

audit_app = typer.Typer(
    invoke_without_command=True,
    help="""Check links, tenures, evidence and history; acknowledge findings.

    Examples:
      refdb audit --severity error
      refdb audit --rule missed-link --json
      refdb audit ack RULE SUBJECT --reason "why it is acceptable"

    `refdb audit -h` lists the options of the run; `refdb audit ack -h` those of ack.
    """,
)
app.add_typer(audit_app, name="audit")

PendingDays = Annotated[int, typer.Option(min=1, help="A proposed link older than this is a finding.")]
StaleDays = Annotated[
    int, typer.Option(min=1, help="A current tenure not confirmed for longer than this is a finding.")
]
Threshold = Annotated[
    float, typer.Option(min=0.0, max=1.0, help="Name score at which an unlinked entry is a missed link.")
]


def _settings(
    pending_days: int, match_threshold: float, anchor: str | None, stale_days: int = 365
) -> auditing.Settings:
    try:
        parsed = Anchor.parse(anchor) if anchor else None
    except ValueError as error:
        raise InvalidInput({"anchor": str(error)}) from None
    return auditing.Settings(
        pending_days=pending_days, match_threshold=match_threshold, anchor=parsed, stale_days=stale_days
    )


@audit_app.callback()
def audit(
    ctx: typer.Context,
    rule: Annotated[
        list[str] | None, typer.Option("--rule", "-r", help="Run only this rule (repeatable).")
    ] = None,
    severity: Annotated[
        str,
        typer.Option(help="Exit 1 when unacknowledged findings this severe remain: info, warning, error."),
    ] = "warning",
    output_format: Annotated[str, typer.Option("--format", help="table or md (Markdown).")] = "table",
    pending_days: PendingDays = 30,
    stale_days: StaleDays = 365,
    match_threshold: Threshold = 0.9,
    anchor: Annotated[
        str | None, typer.Option(metavar="ID:HASH", help="From `refdb log head`, for the change-log rule.")
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Run every audit rule (or those named) and list the findings, acknowledged ones marked.

    Examples:
      refdb audit
      refdb audit --rule missed-link --rule link-pending --json
      refdb audit --severity error --format md > audit.md
    """
    if ctx.invoked_subcommand is not None:
        return
    if severity not in auditing.SEVERITIES:
        raise InvalidInput({"severity": f"one of {', '.join(auditing.SEVERITIES)}"})
    if output_format not in ("table", "md"):
        raise InvalidInput({"format": "table or md"})
    database = open_database(db)
    with database.session() as session:
        settings = _settings(pending_days, match_threshold, anchor, stale_days)
        findings = auditing.run_audit(session, rule, settings, parallel=True)
    remaining = [f for f in findings if not f.acknowledged and auditing.at_least(f.severity, severity)]
    summary = _summary(findings, remaining, severity)
    if json:
        print_json({"findings": [f.as_dict() for f in findings], "summary": summary})
    elif output_format == "md":
        print(_markdown(findings, summary))
    else:
        _render(findings)
    say(summary["text"])
    if remaining:
        raise SystemExit(ExitCode.NOT_FOUND)


def _summary(findings: list[auditing.Finding], remaining: list[auditing.Finding], severity: str) -> dict:
    counts = Counter(f.severity for f in findings)
    acknowledged = sum(f.acknowledged for f in findings)
    text = (
        f"{len(findings)} finding(s): "
        + ", ".join(f"{counts[s]} {s}" for s in reversed(auditing.SEVERITIES))
        + f"; {acknowledged} acknowledged; {len(remaining)} unacknowledged at or above {severity}"
    )
    return {
        "counts": {s: counts[s] for s in auditing.SEVERITIES},
        "acknowledged": acknowledged,
        "threshold": severity,
        "remaining": len(remaining),
        "text": text,
    }


def _by_rule(findings: list[auditing.Finding]) -> dict[str, list[auditing.Finding]]:
    groups: dict[str, list[auditing.Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.rule, []).append(finding)
    return groups


def _ack_text(finding: auditing.Finding) -> str:
    if not finding.acknowledged:
        return ""
    return f"acknowledged by {finding.ack_actor} ({(finding.ack_at or '')[:10]}): {finding.ack_reason}"


def _render(findings: list[auditing.Finding]) -> None:
    for name, group in _by_rule(findings).items():
        rule = auditing.RULES[name]
        console().print(
            table(
                f"{name} — {rule.title} ({rule.severity}, {len(group)})",
                ["subject", "entity", "explanation", "acknowledged"],
                [(f.subject, f.entity_id, f.explanation, _ack_text(f)) for f in group],
            )
        )


def _markdown(findings: list[auditing.Finding], summary: dict[str, Any]) -> str:
    lines = ["# refdb audit", "", summary["text"], ""]
    for name, group in _by_rule(findings).items():
        rule = auditing.RULES[name]
        lines += [f"## {name}: {rule.title} ({rule.severity})", ""]
        lines += ["| subject | entity | explanation | acknowledged |", "| --- | --- | --- | --- |"]
        for f in group:
            cells = [f.subject, "" if f.entity_id is None else str(f.entity_id), f.explanation, _ack_text(f)]
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        lines.append("")
    return "\n".join(lines)


@audit_app.command("ack")
def ack(
    rule: Annotated[str, typer.Argument(help="The rule, e.g. in-office-while-sanctioned.")],
    subject: Annotated[str, typer.Argument(help="The finding's subject, e.g. tenure:9+link:1.")],
    reason: Annotated[str, typer.Option(help="Why this finding is acceptable (logged).")],
    pending_days: PendingDays = 30,
    stale_days: StaleDays = 365,
    match_threshold: Threshold = 0.9,
    db: DbOption = None,
    actor: ActorOption = None,
    json: JsonOption = False,
) -> None:
    """Acknowledge a current finding: it stays listed, marked, and the acknowledgement is logged.

    Example:
      refdb audit ack in-office-while-sanctioned tenure:9+link:1 --reason "the report we want"
    """
    database = open_database(db, actor)
    with editing(database) as editor:
        made = auditing.acknowledge(
            editor, rule, subject, reason, _settings(pending_days, match_threshold, None, stale_days)
        )
        result = {"rule": made.rule, "subject": made.subject, "reason": made.reason, "actor": made.actor}
    if json:
        print_json(result)
    else:
        say(f"acknowledged {rule} {subject} as {result['actor']}")
