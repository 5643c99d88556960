"""The auditors' listings: officials (with whether they are sanctioned) and links."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from refdb_tui.screens.filtered import FilteredListScreen
from textual import on
from textual.binding import Binding
from textual.widgets import DataTable, Input

from refdb import phrases
from refdb.services import listings
from refdb.services.listings import LinkFilters, OfficialFilters

if TYPE_CHECKING:
    from sqlmodel import Session

# What ctrl+t steps through on each screen, and how the subtitle says it.
SANCTIONED_STEPS: tuple[tuple[listings.Sanctioned | None, str], ...] = (
    (None, "officials"),
    ("yes", "officials sanctioned today"),
    ("no", "officials not sanctioned today"),
)
STATUS_STEPS = (None, "proposed", "confirmed", "rejected")


class ListingScreen(FilteredListScreen):
    """A filtered list whose ctrl+t steps through a second filter; enter opens the entity."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("ctrl+t", "next_step", "Filter", tooltip="Step through the list's second filter"),
        Binding("down", "focus_table", "Rows", show=False),
    ]
    ENTER_HINT = "enter opens the entity, ctrl+t filters"
    CAP = 200
    STEPS: ClassVar[int] = 1
    ENTITY_ID: ClassVar[str] = "id"  # the row's key holding the entity to open

    def __init__(self) -> None:
        super().__init__()
        self.step = 0

    def empty_state(self, query: str) -> str:
        return f"no {self.step_title()}" + (f" with {query!r} in the name" if query else "")

    def action_next_step(self) -> None:
        self.step = (self.step + 1) % self.STEPS
        self.sub_title = self.step_title()
        self.action_reload()

    @on(Input.Submitted, "#filter")
    def focus_results(self) -> None:
        self.action_focus_table()

    @on(DataTable.RowSelected)
    def open_entity(self, event: DataTable.RowSelected) -> None:
        self.app.open_entity(self.rows[event.cursor_row][self.ENTITY_ID])


class OfficialsScreen(ListingScreen):
    """Officials by name; ctrl+t: all, sanctioned today, not sanctioned today."""

    NOUN = "official"
    FILTER_BY = "name"
    COLUMNS = ("name", "sanctioned", "post", "term")
    FLEXIBLE = ("post", "name")
    OPTIONAL = ("term",)  # at 80 columns: the entity's timeline has every term
    STEPS = len(SANCTIONED_STEPS)

    def step_title(self) -> str:
        return SANCTIONED_STEPS[self.step][1]

    def list_page(self, session: Session, query: str, limit: int) -> tuple[list[dict[str, Any]], int | None]:
        filters = OfficialFilters(name=query, sanctioned=SANCTIONED_STEPS[self.step][0])
        page = listings.officials(session, filters, limit=limit)
        return page["items"], page["total"]

    def cells(self, row: dict[str, Any]) -> tuple[object, ...]:
        return (
            row["name"],
            phrases.sanctioned(row),
            phrases.posts_held(row),
            phrases.term(row["tenures"][0] if row["tenures"] else None),
        )


class LinksScreen(ListingScreen):
    """Links by entity name; ctrl+t: every status, then proposed, confirmed, rejected."""

    NOUN = "link"
    FILTER_BY = "entity name"
    COLUMNS = ("status", "score", "list record", "entity")  # entity names are long: last
    FLEXIBLE = ("entity", "status")
    STEPS = len(STATUS_STEPS)
    ENTITY_ID = "entity_id"

    def step_title(self) -> str:
        status = STATUS_STEPS[self.step]
        return f"links {status}" if status else "links"

    def list_page(self, session: Session, query: str, limit: int) -> tuple[list[dict[str, Any]], int | None]:
        page = listings.links(session, LinkFilters(status=STATUS_STEPS[self.step], entity=query), limit=limit)
        return page["items"], page["total"]

    def cells(self, row: dict[str, Any]) -> tuple[object, ...]:
        return (phrases.link_state(row), phrases.score(row["score"]), phrases.link_entry(row), row["entity"])
