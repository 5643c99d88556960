"""How listed answers read in one line, the same in the CLI's tables and the TUI's."""

from __future__ import annotations

from typing import Any


def term(tenure: dict[str, Any] | None) -> str:
    """A tenure's dates as a phrase: "since 2023-03-12", "2023-03-12 to 2023-10-24"."""
    if tenure is None:
        return ""
    start, end = tenure["start"] or "?", tenure["end"]
    if tenure["status"] == "current":
        return f"since {start}"
    return f"{start} to {end or '?'}"


def posts_held(official: dict[str, Any]) -> str:
    """An official's first tenure listed, and how many more: "Secretary of State (+2 more)"."""
    tenures = official["tenures"]
    if not tenures:
        return ""
    more = f" (+{len(tenures) - 1} more)" if len(tenures) > 1 else ""
    return tenures[0]["post"] + more


def sanctioned(official: dict[str, Any]) -> str:
    """ "yes: ofac-sdn 24838" when sanctioned on the date asked about; else "no", with the
    entries linked to the official, if any."""
    entries = ", ".join(
        f"{s['list']} {s['record_id']}" + ("" if s["link_status"] == "confirmed" else " (proposed)")
        for s in official["sanctions"]
    )
    if official["sanctioned"]:
        return f"yes: {entries}"
    return f"no ({entries})" if entries else "no"


def link_entry(link: dict[str, Any]) -> str:
    """The list record a link points to: "ofac-sdn 24838 (delisted)"."""
    return f"{link['list']} {link['record_id']}" + (
        " (delisted)" if link["entry_status"] == "delisted" else ""
    )


def link_state(link: dict[str, Any]) -> str:
    """ "proposed, named, needs review"."""
    parts = [link["status"], link["basis"], "needs review" if link["needs_review"] else None]
    return ", ".join(part for part in parts if part)


def score(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"
