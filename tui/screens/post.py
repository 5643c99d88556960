"""Posts: the list of posts, and one post with everyone who held it over time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from refdb_tui import forms
from refdb_tui.screens.base import BackScreen, PaletteEntry, ShowScreen
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

from refdb.services import curation

HOLDER_COLUMNS = ("", "holder", "start", "end", "timeline", "status")
POST_COLUMNS = ("title", "organization", "country")


@dataclass
class PostReady(Message):
    post: dict[str, Any]


@dataclass
class PostsReady(Message):
    query: str
    posts: list[dict[str, Any]]


class PostScreen(BackScreen):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
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
        yield Static("loading…", id="post-summary")
        yield Static("Holders over time (enter opens one)", classes="section-title")
        table: DataTable[Any] = DataTable(id="holders", cursor_type="row", zebra_stripes=True)
        fill_table(table, HOLDER_COLUMNS, [])
        yield table
        yield Static("", id="detail")
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
                        f"country {post['country']}" if post["country"] else "",
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


class PostsScreen(BackScreen):
    """Every post, filtered by title as you type."""

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("ctrl+n", "new_post", "New post"),
        Binding("down", "focus_table", "Posts", show=False),
    ]

    PALETTE: ClassVar[tuple[PaletteEntry, ...]] = (("post: new", "Create a post", "new_post"),)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter posts by title…", id="filter")
        yield Static("", id="posts-status")
        table: DataTable[Any] = DataTable(id="posts", cursor_type="row", zebra_stripes=True)
        fill_table(table, POST_COLUMNS, [])
        yield table
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "posts"
        self.query_one("#filter", Input).focus()
        self.load("")

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.load(event.value)

    @work(thread=True, exclusive=True, group="posts", exit_on_error=False)
    def load(self, query: str) -> None:
        self.post_message(PostsReady(query, self.read(lambda s: curation.list_posts(s, query, limit=201))))

    @on(PostsReady)
    def show_posts(self, message: PostsReady) -> None:
        if message.query != self.query_one("#filter", Input).value:
            return
        table = self.query_one("#posts", DataTable)
        posts = message.posts[:200]
        fill_table(
            table,
            POST_COLUMNS,
            [(post["title"], post["organization"] or "", post["country"] or "") for post in posts],
            keys=[str(post["id"]) for post in posts],
        )
        status = self.query_one("#posts-status", Static)
        if not message.posts:
            status.update(
                f"no post matches {message.query!r}" if message.query else "no posts yet: ctrl+n adds one"
            )
        elif len(message.posts) > 200:
            status.update("200 of >200 posts: type to narrow")
        else:
            status.update(f"{len(message.posts)} post(s): enter opens one with all its holders")

    @on(Input.Submitted, "#filter")
    def action_focus_table(self) -> None:
        self.query_one("#posts", DataTable).focus()

    @on(DataTable.RowSelected)
    def open_post(self, event: DataTable.RowSelected) -> None:
        self.app.open_post(int(str(event.row_key.value)))

    def action_new_post(self) -> None:
        def created(post_id: int | None) -> None:
            if post_id is not None:
                self.load(self.query_one("#filter", Input).value)
                self.app.open_post(post_id)

        self.app.push_screen(forms.post_form(self.database), created)
