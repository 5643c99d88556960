"""How listed answers read in one line, the same in the CLI's tables and the TUI's."""

from __future__ import annotations

from typing import Any


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """A count and its noun, agreeing: "1 official", "5,617 officials", "1 person",
    "2 people" (``plural`` defaults to the singular with an s)."""
    return f"{count:,} {singular if count == 1 else plural or singular + 's'}"


def term(tenure: dict[str, Any] | None) -> str:
    """A tenure's dates as a phrase: "since 2023-03-12", "2023-03-12 to 2023-10-24"."""
    if tenure is None:
        return ""
    start, end = tenure["start"] or "?", tenure["end"]
    confirmed = f", confirmed {tenure['confirmed_on']}" if tenure.get("confirmed_on") and not end else ""
    if tenure["status"] == "current":
        return f"since {start}{confirmed}"
    return f"{start} to {end or '?'}{confirmed}"


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


def merge_decision(decided: dict[str, Any]) -> str:
    """What deciding a merge proposal did, from ``merges.decision_dict``: "merged entity 9
    into 4: moved 2 names, 1 tenure; duplicates collapsed: 1 name; entity 9 now leads to 4"."""
    merged = decided["merge"]
    if not merged:
        return f"merge proposal {decided['merge_id']} {decided['status']}"
    kept, retired = merged["kept_id"], merged["retired_id"]
    moved = _table_counts(merged["moved"]) or "nothing"
    collapsed = _table_counts(merged["collapsed"]) or "none"
    return (
        f"merged entity {retired} into {kept}: moved {moved}; "
        f"duplicates collapsed: {collapsed}; entity {retired} now leads to {kept}"
    )


def _table_counts(counts: dict[str, int]) -> str:
    """Rows counted by table: "2 names, 1 entry name"."""
    return ", ".join(counted(n, table.replace("_", " ")) for table, n in sorted(counts.items()))


def standing(hit: dict[str, Any]) -> str:
    """Why a curated entity matters, in a line: its first post (a current one first) and
    how many others, and its linked sanction entries, e.g. "Minister of National Defense
    (former), +1 post; sanctioned: ofac-sdn 24838 (confirmed)"."""
    parts = []
    titles: dict[str, bool] = {}  # each post once, current if any tenure of it is
    for post in hit.get("posts") or ():
        titles[post["post"]] = titles.get(post["post"], False) or post["current"]
    if titles:
        title, current = next(iter(titles.items()))
        more = len(titles) - 1
        parts.append(
            title + ("" if current else " (former)") + (f", +{counted(more, 'post')}" if more else "")
        )
    listed = [
        f"{s['list']} {s['record_id']} ({s['link_status']}"
        + (", delisted)" if s["entry_status"] == "delisted" else ")")
        for s in hit.get("sanctions") or ()
    ]
    if listed:
        parts.append("sanctioned: " + ", ".join(listed))
    return "; ".join(parts)
