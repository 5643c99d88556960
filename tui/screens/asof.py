"""As-of views: who held a post on date D, and which sanctions were active on D."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from refdb_tui.screens.base import BackScreen
from refdb_tui.widgets.keybar import KeyBar
from refdb_tui.widgets.table import fill_table
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Static

from refdb import dates
from refdb.phrases import counted
from refdb.services import lookup

ACTIVE_CAP = 200

HOLDER_COLUMNS = ("holder", "post", "organization", "start", "end", "status", "certain")
ACTIVE_COLUMNS = ("name", "list", "record", "programs", "listed", "linked to")


@dataclass
class AnswerReady(Message):
    rows: list[dict[str, Any]]
    status: str


class AsOfScreen(BackScreen):
    """A query bar, a status line and a table of answers, each of which enter opens.

    Subclasses give the query inputs, the table's columns, how a row reads and what
    opening it shows; their worker posts ``AnswerReady`` with the rows and the status.
    """

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("down", "focus_table", "Results", show=False),
    ]

    COLUMNS: ClassVar[tuple[str, ...]] = ()
    PROMPT: ClassVar[str] = ""  # the status line before the first question

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="query-bar"):
            yield from self.query_inputs()
        yield Static(self.PROMPT, id="status", markup=False)
        table: DataTable[Any] = DataTable(id="answers", cursor_type="row", zebra_stripes=True)
        fill_table(table, self.COLUMNS, [])
        yield table
        yield KeyBar()

    def query_inputs(self) -> Iterator[Input]:
        """The inputs of the query bar, in order."""
        raise NotImplementedError

    def cells(self, row: dict[str, Any]) -> tuple[object, ...]:
        """One answer as the table shows it, a cell per column of ``COLUMNS``."""
        raise NotImplementedError

    def open_row(self, row: dict[str, Any]) -> None:
        """Show the thing an answer is about."""
        raise NotImplementedError

    @on(AnswerReady)
    def show(self, message: AnswerReady) -> None:
        self.rows = message.rows
        self.query_one("#status", Static).update(message.status)
        fill_table(
            self.query_one("#answers", DataTable), self.COLUMNS, [self.cells(row) for row in message.rows]
        )

    def action_focus_table(self) -> None:
        self.query_one("#answers", DataTable).focus()

    @on(DataTable.RowSelected)
    def open_selected(self, event: DataTable.RowSelected) -> None:
        self.open_row(self.rows[int(str(event.row_key.value))])


class HoldersScreen(AsOfScreen):
    """Who held a post (matched by title words) on a date, partial dates allowed."""

    COLUMNS = HOLDER_COLUMNS
    PROMPT = "Type a post and a date (YYYY, YYYY-MM or YYYY-MM-DD), then enter."

    def __init__(self, post: str = "", on_date: str = "") -> None:
        super().__init__()
        self.post, self.on_date = post, on_date

    def query_inputs(self) -> Iterator[Input]:
        yield Input(self.post, placeholder="post, e.g. minister of national defense", id="post")
        yield Input(self.on_date, placeholder="on date: 2023-05", id="date", classes="date")

    def on_mount(self) -> None:
        self.sub_title = "who held a post on a date"
        self.query_one("#date" if self.post else "#post", Input).focus()

    @on(Input.Submitted)
    def ask(self) -> None:
        post = self.query_one("#post", Input).value.strip()
        on_date = self.query_one("#date", Input).value.strip()
        if not post or not on_date:
            self.query_one("#status", Static).update("both a post and a date are needed")
            self.query_one("#date" if post else "#post", Input).focus()
            return
        try:
            dates.parse_partial(on_date)
        except dates.InvalidDate as error:
            self.query_one("#status", Static).update(str(error))
            return
        self.query_one("#status", Static).update("looking…")
        self.answer(post, on_date)

    @work(thread=True, exclusive=True, group="holders", exit_on_error=False)
    def answer(self, post: str, on_date: str) -> None:
        rows = self.read(lambda s: lookup.holders(s, post, on_date))
        if rows:
            status = f"{len(rows)} holder(s) of posts matching {post!r} on {on_date}: enter opens one"
        else:
            status = f"no holder of a post matching {post!r} on {on_date}"
        self.post_message(AnswerReady(rows, status))

    def cells(self, row: dict[str, Any]) -> tuple[object, ...]:
        tenure = row["tenure"]
        return (
            row["person"],
            tenure["post"],
            tenure["organization"] or "",
            tenure["start"] or "?",
            tenure["end"] or "",
            tenure["status"],
            "yes" if row["certain"] else "maybe",
        )

    def open_row(self, row: dict[str, Any]) -> None:
        self.app.open_entity(row["person_id"])


class ActiveSanctionsScreen(AsOfScreen):
    """Sanction entries in force on a date, optionally of one program or list."""

    COLUMNS = ACTIVE_COLUMNS
    PROMPT = "A date (YYYY, YYYY-MM or YYYY-MM-DD), then enter; program and list optional."

    def __init__(self, on_date: str = "") -> None:
        super().__init__()
        self.on_date = on_date

    def query_inputs(self) -> Iterator[Input]:
        yield Input(self.on_date, placeholder="on date: 2023-05", id="date", classes="date")
        # Short enough for 80 columns: the status line says both are optional.
        yield Input(placeholder="program, e.g. CAATSA - RUSSIA", id="program")
        yield Input(placeholder="list: ofac-sdn", id="list", classes="date")

    def on_mount(self) -> None:
        self.sub_title = "sanctions active on a date"
        self.query_one("#date", Input).focus()

    @on(Input.Submitted)
    def ask(self) -> None:
        on_date = self.query_one("#date", Input).value.strip()
        try:
            if not on_date:
                raise dates.InvalidDate("a date is needed: YYYY, YYYY-MM or YYYY-MM-DD")
            dates.parse_partial(on_date)
        except dates.InvalidDate as error:
            self.query_one("#status", Static).update(str(error))
            self.query_one("#date", Input).focus()
            return
        program = self.query_one("#program", Input).value.strip() or None
        list_key = self.query_one("#list", Input).value.strip() or None
        self.query_one("#status", Static).update("looking…")
        self.answer(on_date, program, list_key)

    @work(thread=True, exclusive=True, group="active", exit_on_error=False)
    def answer(self, on_date: str, program: str | None, list_key: str | None) -> None:
        rows = self.read(
            lambda s: lookup.sanctions(
                s, active_on=on_date, program=program, list_key=list_key, limit=ACTIVE_CAP + 1
            )
        )
        what = " ".join(
            f"{label} {value!r}" for label, value in (("program", program), ("list", list_key)) if value
        )
        if not rows:
            status = f"no sanction entry active on {on_date}" + (f" for {what}" if what else "")
        elif len(rows) > ACTIVE_CAP:
            status = f"{ACTIVE_CAP} of >{ACTIVE_CAP} entries active on {on_date}: narrow by program or list"
        else:
            status = f"{counted(len(rows), 'entry', 'entries')} active on {on_date}: enter opens one"
        self.post_message(AnswerReady(rows[:ACTIVE_CAP], status))

    def cells(self, row: dict[str, Any]) -> tuple[object, ...]:
        return (
            row["name"],
            row["list"],
            row["record_id"],
            ", ".join(p["code"] for p in row["programs"]),
            row["listed_on"] or "?",
            ", ".join(f"{link['entity']} ({link['status']})" for link in row["links"]),
        )

    def open_row(self, row: dict[str, Any]) -> None:
        self.app.open_entry(row["id"])
