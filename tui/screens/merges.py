"""Merge proposals (F10): two entities an import could not tell apart, side by side, to
accept (merge them) or reject (keep them apart) with a reason."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from refdb_tui import forms
from refdb_tui.screens.base import PaletteEntry
from refdb_tui.screens.listings import ListingScreen
from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Static

from refdb import phrases
from refdb.countries import country_name
from refdb.services import merges

if TYPE_CHECKING:
    from sqlmodel import Session

# What ctrl+t steps through, and how the subtitle says it.
MERGE_STEPS: tuple[tuple[str | None, str], ...] = (
    ("proposed", "merge proposals waiting"),
    ("accepted", "merge proposals accepted"),
    ("rejected", "merge proposals rejected"),
    (None, "merge proposals, all"),
)


@dataclass
class SidesReady(Message):
    merge_id: int
    sides: list[dict[str, Any]]


def side_text(heading: str, side: dict[str, Any]) -> Text:
    """One entity of a proposal as the reviewer compares it, a fact a line."""
    title = Text.assemble((f"{heading}: ", "dim"), (side["name"], "bold"), f" ({side['id']}, {side['kind']})")
    lines = [title]
    if side["proposed_id"] != side["id"]:
        lines.append(Text(f"entity {side['proposed_id']}, proposed, was merged into it since", "yellow"))
    born = ", ".join(part for part in (side["birth_date"], side["birth_place"]) if part) or "not known"
    nationality = f"; nationality {country_name(side['nationality'])}" if side["nationality"] else ""
    posts = side["posts"][:1] + ([f"+{len(side['posts']) - 1} more"] if len(side["posts"]) > 1 else [])
    facts = (
        ("born", born + nationality),
        ("ids", "; ".join(side["identifiers"]) or "none"),
        ("also", "; ".join(side["names"]) or "no other name"),
        ("posts", "; ".join(posts) or "none"),
        ("sources", "; ".join(side["sources"]) or "none cited"),
    )
    lines += [Text.assemble((f"{label}: ", "dim"), value) for label, value in facts]
    return Text("\n").join(lines)


class MergesScreen(ListingScreen):
    """Merge proposals by either entity's name; ctrl+t: waiting, accepted, rejected, all."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("a", "decide('accepted')", "Accept", tooltip="Merge the two entities, with a reason"),
        Binding("x", "decide('rejected')", "Reject", tooltip="Keep the two apart, with a reason"),
        Binding("o", "open_other", "Open other", tooltip="Open the entity proposed to be merged"),
    ]
    PALETTE: ClassVar[tuple[PaletteEntry, ...]] = (
        ("merge: accept", "Merge the selected proposal's two entities, with a reason", "decide('accepted')"),
        ("merge: reject", "Keep the selected proposal's two apart, with a reason", "decide('rejected')"),
    )

    NOUN = "merge proposal"
    FILTER_BY = "either name"
    COLUMNS = ("id", "score", "keep", "merge into it", "status")
    STEPS = len(MERGE_STEPS)
    ENTITY_ID = "entity_id"
    ENTER_HINT = "↓ then a accepts, x rejects; enter / o open either entity"

    def below_table(self) -> Iterator[Widget]:
        yield Static("", id="merge-why", markup=False)
        # Scrolls (wheel, or tab to it and the arrows): a long source list fits no screen.
        with VerticalScroll(id="merge-sides"), Horizontal(id="merge-pair"):
            yield Static("", id="merge-kept", markup=False)
            yield Static("", id="merge-other", markup=False)

    def step_title(self) -> str:
        return MERGE_STEPS[self.step][1]

    def empty_state(self, query: str) -> str:
        if query:
            return f"no {self.step_title()} with {query!r} in a name"
        if MERGE_STEPS[self.step][0] == "proposed":
            return "no merge proposals waiting (imports add one when unsure)"
        return f"no {self.step_title()}"

    def list_page(self, session: Session, query: str, limit: int) -> tuple[list[dict[str, Any]], int | None]:
        return merges.proposal_page(session, MERGE_STEPS[self.step][0], query, limit=limit)

    def cells(self, row: dict[str, Any]) -> tuple[object, ...]:
        return (
            row["merge_id"],
            phrases.score(row["score"]),
            f"{row['entity']} ({row['entity_id']})",
            f"{row['other']} ({row['other_id']})",
            row["status"],
        )

    def rows_shown(self) -> None:
        self.show_sides()

    @on(DataTable.RowHighlighted)
    def show_sides(self) -> None:
        proposal = self.selected()
        why = self.query_one("#merge-why", Static)
        why.display = proposal is not None
        if proposal is None:
            self.query_one("#merge-sides").display = False
            return
        decided = ""
        if proposal["decided_by"]:
            decided = f"; {proposal['status']} by {proposal['decided_by']}: {proposal['decision_reason']}"
        why.update(
            Text.assemble(
                ("why proposed: ", "dim"),
                proposal["explanation"] or "not said",
                f" (score {phrases.score(proposal['score']) or 'none'}, by {proposal['proposed_by']})",
                decided,
            )
        )
        self.read_sides(proposal["merge_id"])

    @work(thread=True, exclusive=True, group="merge-sides", exit_on_error=False)
    def read_sides(self, merge_id: int) -> None:
        self.post_message(SidesReady(merge_id, self.read(lambda s: merges.proposal_sides(s, merge_id))))

    @on(SidesReady)
    def sides_ready(self, message: SidesReady) -> None:
        proposal = self.selected()
        if proposal is None or proposal["merge_id"] != message.merge_id:
            return  # the cursor moved on meanwhile
        kept, other = message.sides
        self.query_one("#merge-kept", Static).update(side_text("keep", kept))
        self.query_one("#merge-other", Static).update(side_text("merge into it", other))
        self.query_one("#merge-sides").display = True

    def action_open_other(self) -> None:
        proposal = self.selected()
        if proposal is not None:
            self.app.open_entity(proposal["other_id"])

    def action_decide(self, status: str) -> None:
        proposal = self.selected()
        if proposal is None or proposal["status"] != "proposed":
            self.notify("choose a proposal still waiting for a decision", severity="warning")
            return
        self.app.push_screen(forms.merge_decision_form(self.database, proposal, status), self.decided)

    def decided(self, outcome: str | None) -> None:
        if outcome is not None:
            self.notify(f"{outcome} (in the change log)", timeout=6)
            self.action_reload()
