"""Text for the detail panels: a link's evidence and the sources cited for a row."""

from __future__ import annotations

from typing import Any

from rich.text import Text


def citation_lines(citations: list[dict[str, Any]]) -> list[Text]:
    lines = []
    for citation in citations:
        line = Text.assemble(("▸ ", "dim"), (citation["source"], "bold"))
        if citation.get("published_on"):
            line.append(f" ({citation['published_on']})", "dim")
        if citation.get("locator"):
            line.append(f", {citation['locator']}", "dim")
        if citation.get("quote"):
            line.append(f": “{citation['quote']}”", "italic")
        lines.append(line)
    return lines


def link_lines(link: dict[str, Any]) -> list[Text]:
    score = f"{link['score']:.2f}" if link["score"] is not None else "none"
    decided = ""
    if link["decided_by"]:
        decided = f", decided by {link['decided_by']} on {(link['decided_at'] or '')[:10]}"
    lines = [
        Text.assemble(
            ("link ", "dim"),
            (link["status"], "bold"),
            f"  score {score}",
            f"  basis {link['basis']}" if link["basis"] else "",
            decided,
        )
    ]
    if link["reason"]:
        lines.append(Text(f"reason: {link['reason']}"))
    if link["needs_review"]:
        lines.append(Text(f"⚑ needs review: {link['review_reason'] or ''}", "bold yellow"))
    if link["explanation"]:
        lines.append(Text(f"why: {link['explanation']}", "dim"))
    lines += citation_lines(link["citations"])
    return lines
