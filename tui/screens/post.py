"""Posts: the list of posts, and one post with everyone who held it over time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from refdb_tui import forms
from refdb_tui.screens.base import BackScreen, PaletteEntry, ShowScreen
from refdb_tui.screens.filtered import FilteredListScreen
from refdb_tui.widgets.details import citation_lines
from refdb_tui.widgets.keybar import KeyBar
from refdb_tui.widgets.table import fill_table
from refdb_tui.widgets.timeline import timeline_bars
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Static

from refdb.countries import country_name
from refdb.services import curation

if TYPE_CHECKING:
    from sqlmodel import Session

HOLDER_COLUMNS = ("", "holder", "start", "end", "timeline", "status")
POST_COLUMNS = ("title", "organization", "country")


@dataclass
class PostReady(Message):
    post: dict[str, Any]


class PostScreen(BackScreen):
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("e", "edit_post", "Edit post"),
        Binding("w", "holders_on", "Held on date…", tooltip="Who held this post on a date"),
        Binding("r", "reload", "Reload", show=False),
    ]

    PALETTE: ClassVar[tuple[PaletteEntry, ...]] = (
        ("post: edit", "Edit this post's title, organization and country", "edit_post"),
        ("holders: on date", "Who held this post on a date", "holders_on"),
    )

    def __init__(self, post_id: int) -> None:
        super().__init__()
        self.post_id = post_id
        self.post: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("loading…", id="post-summary", markup=False)
        yield Static("Holders over time (enter opens one)", classes="section-title")
        table: DataTable[Any] = DataTable(id="holders", cursor_type="row", zebra_stripes=True)
        fill_table(table, HOLDER_COLUMNS, [])
        yield table
        yield Static("", id="detail", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="post", exit_on_error=False)
    def load(self) -> None:
        self.post_message(PostReady(self.read(lambda s: curation.post_history(s, self.post_id))))

    def action_reload(self) -> None:
        self.load()

    @on(PostReady)
    def show_post(self, message: PostReady) -> None:
        post = self.post = message.post
        self.sub_title = post["title"]
        lines = [
            Text(post["title"], "bold"),
            Text(
                " · ".join(
                    part
                    for part in (
                        post["organization"] or "no organization",
                        f"country {country_name(post['country'])}" if post["country"] else "",
                        "one holder at a time" if post["single_holder"] else "",
                    )
                    if part
                )
            ),
            *citation_lines(post["citations"]),
        ]
        self.query_one("#post-summary", Static).update(Text("\n").join(lines))
        table = self.query_one("#holders", DataTable)
        holders = post["holders"]
        fill_table(
            table,
            HOLDER_COLUMNS,
            [
                (
                    Text("● now", "bold green") if tenure["current"] else "",
                    tenure["person"] + (" (acting)" if tenure["acting"] else ""),
                    tenure["start"] or "?",
                    tenure["end"] or ("" if tenure["current"] else "?"),
                    bar,
                    tenure["status"],
                )
                for tenure, bar in zip(holders, timeline_bars(holders), strict=True)
            ],
        )
        table.focus()
        self.show_detail()

    def selected(self) -> dict[str, Any] | None:
        holders = (self.post or {}).get("holders", [])
        row = self.query_one("#holders", DataTable).cursor_row
        return holders[row] if holders and 0 <= row < len(holders) else None

    @on(DataTable.RowHighlighted)
    def show_detail(self) -> None:
        tenure = self.selected()
        detail = self.query_one("#detail", Static)
        if tenure is None:
            detail.update(Text("nobody is recorded as holding this post", "italic"))
        else:
            detail.update(Text("\n").join(citation_lines(tenure["citations"]) or [Text("no source cited")]))

    @on(DataTable.RowSelected)
    def open_person(self) -> None:
        tenure = self.selected()
        if tenure is not None:
            self.app.open_entity(tenure["person_id"])

    @work(thread=True, group="post-form", exit_on_error=False)
    def action_edit_post(self) -> None:
        row = self.read(lambda s: curation.read_row(s, "post", self.post_id))
        self.post_message(ShowScreen(forms.post_form(self.database, row), self.after_edit))

    def action_holders_on(self) -> None:
        self.app.open_holders((self.post or {}).get("title", ""))


class PostsScreen(FilteredListScreen):
    """Every post, filtered by title as you type."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("ctrl+n", "new_post", "New post"),
        Binding("down", "focus_table", "Posts", show=False),
    ]

    PALETTE: ClassVar[tuple[PaletteEntry, ...]] = (("post: new", "Create a post", "new_post"),)

    NOUN = "post"
    COLUMNS = POST_COLUMNS
    ENTER_HINT = "enter opens one with all its holders"

    def list_rows(self, session: Session, query: str, limit: int) -> list[dict[str, Any]]:
        return curation.list_posts(session, query, limit=limit)

    def cells(self, row: dict[str, Any]) -> tuple[object, ...]:
        return (row["title"], row["organization"] or "", country_name(row["country"] or ""))

    @on(Input.Submitted, "#filter")
    def focus_results(self) -> None:
        self.action_focus_table()

    @on(DataTable.RowSelected)
    def open_post(self, event: DataTable.RowSelected) -> None:
        self.app.open_post(self.rows[event.cursor_row]["id"])

    def action_new_post(self) -> None:
        def created(post_id: int | None) -> None:
            if post_id is not None:
                self.action_reload()
                self.app.open_post(post_id)

        self.app.push_screen(forms.post_form(self.database), created)
