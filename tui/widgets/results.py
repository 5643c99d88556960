"""Search results as one list of pre-formatted lines, sized to the list's width.

Measured here, refilling a DataTable with 50 rows and painting it took about 80 ms
(p50, 80x24, busy host) against 40 ms for an OptionList of the same lines: each
DataTable cell is a separate Rich render. The columns are padded by terminal cell
width, so names in Chinese or Arabic script keep the columns aligned.

Score and type have fixed widths; kind and the last column (the list record, or the
name that matched) are as wide as their widest cell up to a share of the line, and the
name takes the rest: at 80 columns long names were cut at 29 cells while the list
record column ran off the edge, at 120 the name still stopped at 29.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

LABELS = ("score", "type", "name", "kind")  # and the last column: see last_label
FIXED = {"score": 6, "type": 7}
NAME_MIN = 20
"""The name's cells however narrow the list (the line is cut at its end instead)."""


def _detail(hit: dict[str, Any]) -> str:
    if hit["type"] == "sanction_entry":
        delisted = " (delisted)" if hit.get("status") == "delisted" else ""
        return f"{hit['list']} {hit['record_id']}{delisted}"
    return hit["matched_name"] if hit["matched_name"] != hit["name"] else ""


def _kind(hit: dict[str, Any]) -> str:
    return str(hit["kind"]).replace("_", " ")


def column_widths(hits: list[dict[str, Any]], width: int) -> dict[str, int]:
    """Each column's cells (a leading space included) in a line ``width`` cells wide.

    The name gets what it needs once the last column has room for the widest list
    record id (up to a third of the line); the last column takes what is left."""
    kind = 1 + max((cell_len(_kind(hit)) for hit in hits), default=len("kind"))
    name = 2 + max((cell_len(hit["name"]) for hit in hits), default=0)
    records = [1 + cell_len(_detail(hit)) for hit in hits if hit["type"] == "sanction_entry"]
    rest = width - FIXED["score"] - FIXED["type"] - kind
    room_for_records = min(max(records, default=0), rest // 3)
    return {**FIXED, "name": max(NAME_MIN, min(name, rest - room_for_records)), "kind": kind}


def last_label(hits: list[dict[str, Any]]) -> str:
    """The last column's heading: what its cells are in these results."""
    records = any(hit["type"] == "sanction_entry" for hit in hits)
    aliases = any(hit["type"] != "sanction_entry" and _detail(hit) for hit in hits)
    return {(True, True): "record / name matched", (False, True): "name matched"}.get(
        (records, aliases), "list record"
    )


def header_line(hits: list[dict[str, Any]], widths: dict[str, int]) -> str:
    cells = "".join(set_cell_size(f" {label}", widths[label]) for label in LABELS)
    return f"{cells} {last_label(hits)}"


def result_line(hit: dict[str, Any], widths: dict[str, int]) -> Text:
    entry = hit["type"] == "sanction_entry"
    cells = (
        (f"{hit['score']:.2f}", "dim"),
        ("record" if entry else "entity", "yellow" if entry else "cyan"),
        (_ellipsis(hit["name"], widths["name"] - 1), "bold"),
        (_kind(hit), ""),
    )
    line = Text(no_wrap=True, overflow="ellipsis")
    for (value, style), label in zip(cells, LABELS, strict=True):
        line.append(set_cell_size(f" {value}", widths[label]), style)
    line.append(f" {_detail(hit)}", "dim" if not entry else "")
    return line


def _ellipsis(text: str, width: int) -> str:
    return text if cell_len(text) <= width else set_cell_size(text, width - 1) + "…"


class ResultList(OptionList):
    """One option per hit, its id ``type:id``; the lines are laid out again on a resize."""

    DEFAULT_CSS = "ResultList { scrollbar-gutter: stable; }"

    class LaidOut(Message):
        """The columns' widths changed: the header above follows them."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.hits: list[dict[str, Any]] = []
        self.widths: dict[str, int] = {}  # laid out on the first resize

    def show(self, hits: list[dict[str, Any]]) -> None:
        self.hits = hits
        self._lay_out()
        if hits:
            self.highlighted = 0

    def _lay_out(self) -> None:
        self.widths = column_widths(self.hits, self.scrollable_content_region.width or 78)
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(
            [Option(result_line(h, self.widths), id=f"{h['type']}:{h['id']}") for h in self.hits]
        )
        if highlighted is not None and self.hits:
            self.highlighted = min(highlighted, len(self.hits) - 1)
        self.post_message(self.LaidOut())

    def on_resize(self, _event: events.Resize) -> None:
        if column_widths(self.hits, self.scrollable_content_region.width) != self.widths:
            self._lay_out()
