"""One entity: its names, posts as a timeline, sanctions with their links, relations, sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from refdb_tui import forms
from refdb_tui.screens.base import BackScreen, PaletteEntry, ShowScreen
from refdb_tui.screens.form import ConfirmScreen
from refdb_tui.widgets.details import citation_lines, link_lines
from refdb_tui.widgets.keybar import KeyBar
from refdb_tui.widgets.table import FitTable
from refdb_tui.widgets.timeline import timeline_bars
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from refdb.countries import country_name
from refdb.services import curation
from refdb.services.edits import editing
from refdb.services.lookup import entity_profile

if TYPE_CHECKING:
    from sqlmodel import Session

# Tab id -> the table it holds, the change-log table of its rows, and its columns.
TABS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "posts": ("Posts", "tenure", ("", "start", "end", "timeline", "post", "organization", "status", "src")),
    "sanctions": (
        "Sanctions",
        "link",
        ("link", "score", "list", "record", "programs", "listed", "delisted", "status", "authority"),
    ),
    "names": ("Names", "name", ("name", "kind", "lang", "script", "src")),
    "relations": ("Relations", "relation", ("relation", "other", "start", "end")),
    "sources": ("Sources", "citation", ("source", "locator", "quote")),
}

# Tab id -> its columns that shrink, then those left out (in this order) on a narrow
# terminal; the detail panel under the table shows the selected row's in full.
FITTING: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "posts": (("post", "organization"), ("src", "status", "organization")),
    "sanctions": (("programs", "authority"), ("authority", "delisted")),
    "names": (("name",), ()),
    "relations": (("other",), ()),
    "sources": (("source", "quote", "locator"), ()),
}


@dataclass
class ProfileReady(Message):
    profile: dict[str, Any]


class EntityScreen(BackScreen):
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("right_square_bracket", "tab(1)", "Tab", tooltip="Next tab (also [ and 1-5)"),
        Binding("left_square_bracket", "tab(-1)", "Prev tab", show=False),
        *(Binding(str(n), f"show_tab({n})", "", show=False) for n in range(1, len(TABS) + 1)),
        Binding("e", "edit_entity", "Edit", tooltip="Edit this entity's facts"),
        Binding("n", "add_name", "+Name", tooltip="Add a name: alias, original script, former name"),
        Binding("t", "add_tenure", "+Tenure", tooltip="Add a post held, with dates"),
        Binding("p", "propose_link", "+Link", show=False, tooltip="Propose a link to a list record"),
        Binding("c", "decide('confirmed')", "Confirm", tooltip="Confirm the selected link"),
        Binding("x", "decide('rejected')", "Reject", tooltip="Reject the selected link"),
        Binding("s", "cite", "Cite", show=False, tooltip="Cite a source for the selected row"),
        Binding("m", "modify", "Modify", show=False, tooltip="Edit the selected row"),
        Binding("d", "delete_row", "Delete", show=False, tooltip="Delete the selected row (asks first)"),
        Binding("ctrl+d", "delete_entity", "Delete entity", show=False, tooltip="Delete this entity"),
        Binding("l", "history", "Log", show=False, tooltip="This entity's change log"),
        Binding("r", "reload", "Reload", show=False),
    ]

    PALETTE: ClassVar[tuple[PaletteEntry, ...]] = (
        ("entity: edit", "Edit this entity's name, kind and facts", "edit_entity"),
        ("entity: delete", "Delete this entity with its names and identifiers", "delete_entity"),
        ("entity: history", "This entity's change log", "history"),
        ("name: add", "Add a name (alias, original script, former name)", "add_name"),
        ("tenure: add", "Add a post this person held, with partial dates", "add_tenure"),
        ("link: propose", "Propose a link from this entity to a list record", "propose_link"),
        ("link: confirm", "Confirm the selected sanction link, with a reason", "decide('confirmed')"),
        ("link: reject", "Reject the selected sanction link, with a reason", "decide('rejected')"),
        ("citation: add", "Cite a source for the selected row", "cite"),
        ("row: edit", "Edit the selected name, tenure, entry or citation", "modify"),
        ("row: delete", "Delete the selected name, tenure, relation or citation", "delete_row"),
    )

    # The timeline table takes focus at once, so focus (and the footer) changes only once.
    AUTO_FOCUS = "#table-posts"

    def __init__(self, entity_id: int) -> None:
        super().__init__()
        self.entity_id = entity_id
        self.profile: dict[str, Any] | None = None
        self.rows: dict[str, list[dict[str, Any]]] = {tab: [] for tab in TABS}
        self.empty_messages: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("loading…", id="entity-title", markup=False)
        yield Static("", id="entity-facts", markup=False)
        with TabbedContent(id="tabs"):
            for tab, (label, _table, columns) in TABS.items():
                with TabPane(label, id=f"tab-{tab}"):
                    flexible, optional = FITTING[tab]
                    table = FitTable(id=f"table-{tab}", flexible=flexible, optional=optional)
                    table.fill(columns, [])
                    yield table
        yield Static("", id="detail", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="entity", exit_on_error=False)
    def load(self) -> None:
        self.post_message(ProfileReady(self.read(lambda s: entity_profile(s, self.entity_id))))

    def action_reload(self) -> None:
        self.load()

    @on(ProfileReady)
    def show_profile(self, message: ProfileReady) -> None:
        profile = self.profile = message.profile
        self.sub_title = profile["name"]
        key = f"  ({profile['key']})" if profile["key"] else ""
        self.query_one("#entity-title", Static).update(
            Text.assemble((profile["name"], "bold"), f"  {profile['kind']}  #{profile['id']}{key}")
        )
        facts = [
            f"born {profile['birth_date']}" if profile["birth_date"] else "",
            profile["birth_place"] or "",
            f"died {profile['death_date']}" if profile["death_date"] else "",
            # Countries by name, as `refdb show` prints them: "cn" reads like Switzerland's "ch".
            f"nationality {country_name(profile['nationality'])}" if profile["nationality"] else "",
            f"country {country_name(profile['country'])}" if profile["country"] else "",
            ", ".join(f"{i['scheme']} {i['value']}" for i in profile["identifiers"]),
        ]
        self.query_one("#entity-facts", Static).update(" · ".join(fact for fact in facts if fact))
        self.rows = {
            "posts": profile["tenures"],
            "sanctions": profile["sanctions"],
            "names": profile["names"],
            "relations": profile["relations"],
            "sources": profile["citations"],
        }
        bars = timeline_bars(profile["tenures"])
        self._fill(
            "posts",
            [
                (
                    Text("● now", "bold green") if t["current"] else "",
                    t["start"] or "?",
                    t["end"] or ("" if t["current"] else "?"),
                    bar,
                    t["post"] + (" (acting)" if t["acting"] else ""),
                    t["organization"] or "",
                    t["status"],
                    str(len(t["citations"])),
                )
                for t, bar in zip(profile["tenures"], bars, strict=True)
            ],
            "no posts recorded: press t to add a tenure",
        )
        self._fill(
            "sanctions",
            [
                (
                    _status_text(s["link"]["status"]) + (" ⚑" if s["link"]["needs_review"] else ""),
                    f"{s['link']['score']:.2f}" if s["link"]["score"] is not None else "",
                    s["list"],
                    s["record_id"],
                    ", ".join(p["code"] for p in s["programs"]),
                    s["listed_on"] or "",
                    s["delisted_on"] or "",
                    s["status"],
                    s["authority"] or "",
                )
                for s in profile["sanctions"]
            ],
            "not linked to any sanction entry",
        )
        self._fill(
            "names",
            [
                (n["name"], n["kind"], n["lang"] or "", n["script"] or "", str(len(n["citations"])))
                for n in profile["names"]
            ],
            "no names",
        )
        self._fill(
            "relations",
            [
                (
                    f"{r['kind']} →" if r["direction"] == "outgoing" else f"← {r['kind']}",
                    r["other"],
                    r["start"] or "",
                    r["end"] or "",
                )
                for r in profile["relations"]
            ],
            "no relations recorded",
        )
        self._fill(
            "sources",
            [(c["source"], c["locator"] or "", c["quote"] or "") for c in profile["citations"]],
            "no sources cited for this entity: press s to cite one",
        )
        self.show_detail()

    def _fill(self, tab: str, rows: list[tuple[Any, ...]], empty: str) -> None:
        table = self.query_one(f"#table-{tab}", FitTable)
        cursor = table.cursor_row
        table.fill(TABS[tab][2], rows)
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))
        self.empty_messages[tab] = empty

    # ----------------------------------------------------------------- selection

    def current_tab(self) -> str:
        return (self.query_one("#tabs", TabbedContent).active or "tab-posts").removeprefix("tab-")

    def current_table(self) -> DataTable[Any]:
        return self.query_one(f"#table-{self.current_tab()}", DataTable)

    def selected(self) -> dict[str, Any] | None:
        rows = self.rows[self.current_tab()]
        table = self.current_table()
        if not rows or table.cursor_row < 0 or table.cursor_row >= len(rows):
            return None
        return rows[table.cursor_row]

    @on(TabbedContent.TabActivated)
    def tab_changed(self) -> None:
        table = self.current_table()
        if self.focused is not table:
            table.focus()
        self.show_detail()

    @on(DataTable.RowHighlighted)
    def row_highlighted(self) -> None:
        self.show_detail()

    @on(DataTable.RowSelected)
    def row_selected(self) -> None:
        self.action_open()

    def show_detail(self) -> None:
        detail = self.query_one("#detail", Static)
        tab, row = self.current_tab(), self.selected()
        if self.profile is None:
            return
        if row is None:
            detail.update(Text(self.empty_messages.get(tab, ""), "italic"))
            return
        lines: list[str | Text] = []
        if tab == "posts":
            lines.append(
                f"{row['post']} — {row['organization'] or 'no organization'} · {row['status']}"
                "  (enter: all holders)"
            )
            lines += citation_lines(row["citations"])
        elif tab == "sanctions":
            lines.append(
                f"{row['authority']} · {row['list_name']} {row['record_id']} · {row['name']}"
                + (f" · delisted {row['delisted_on']}" if row["delisted_on"] else "")
                + "  (enter: list record)"
            )
            lines += link_lines(row["link"])
        elif tab == "names":
            lines += citation_lines(row["citations"]) or ["no source cited for this name"]
        elif tab == "relations":
            lines.append(row["description"] or "")
            lines.append("enter: open " + row["other"])
        else:
            lines += citation_lines([row])
        detail.update(Text("\n").join(Text(line) if isinstance(line, str) else line for line in lines))

    # ------------------------------------------------------------------- actions

    def action_show_tab(self, number: int) -> None:
        self.query_one("#tabs", TabbedContent).active = f"tab-{list(TABS)[number - 1]}"

    def action_tab(self, step: int) -> None:
        tabs = list(TABS)
        self.action_show_tab((tabs.index(self.current_tab()) + step) % len(tabs) + 1)

    def action_open(self) -> None:
        tab, row = self.current_tab(), self.selected()
        if row is None:
            return
        if tab == "posts":
            self.app.open_post(row["post_id"])
        elif tab == "sanctions":
            self.app.open_entry(row["id"])
        elif tab == "relations":
            self.app.open_entity(row["other_id"])

    @work(thread=True, group="entity-form", exit_on_error=False)
    def action_edit_entity(self) -> None:
        row = self.read(lambda s: curation.read_row(s, "entity", self.entity_id))
        self.post_message(ShowScreen(forms.entity_form(self.database, row), self.after_edit))

    def action_add_name(self) -> None:
        self.app.push_screen(forms.name_form(self.database, self.entity_id), self.after_edit)

    @work(thread=True, group="entity-form", exit_on_error=False)
    def action_add_tenure(self) -> None:
        posts = self.read(_posts)
        self.post_message(
            ShowScreen(forms.tenure_form(self.database, self.entity_id, posts), self.after_edit)
        )

    @work(thread=True, group="entity-form", exit_on_error=False)
    def action_propose_link(self) -> None:
        lists = self.read(curation.list_sanction_lists)
        entity = (self.profile or {}).get("key") or str(self.entity_id)
        self.post_message(
            ShowScreen(forms.propose_form(self.database, lists, entity=entity), self.after_edit)
        )

    def action_decide(self, status: str) -> None:
        row = self.selected()
        if self.current_tab() != "sanctions" or row is None:
            self.notify("choose a link in the Sanctions tab first", severity="warning")
            return
        about = f"{(self.profile or {}).get('name')} ↔ {row['list']} {row['record_id']} {row['name']}"
        self.app.push_screen(forms.decision_form(self.database, row["link"], status, about), self.after_edit)

    @work(thread=True, group="entity-form", exit_on_error=False)
    def action_cite(self) -> None:
        subject = self._subject()
        sources = self.read(curation.list_sources)
        self.post_message(ShowScreen(forms.citation_form(self.database, sources, subject), self.after_edit))

    def _subject(self) -> tuple[str, int]:
        """The row a new citation is about: the selected row, or the entity itself."""
        tab, row = self.current_tab(), self.selected()
        if row is None or tab == "sources":
            return ("entity", self.entity_id)
        if tab == "sanctions":
            return ("link", row["link"]["id"])
        return (TABS[tab][1] or "entity", row["id"])

    @work(thread=True, group="entity-form", exit_on_error=False)
    def action_modify(self) -> None:
        tab, row = self.current_tab(), self.selected()
        if row is None:
            self.app.call_from_thread(self.notify, "nothing selected", severity="warning")
            return
        form: Any
        if tab == "names":
            current = self.read(lambda s: curation.read_row(s, "name", row["id"]))
            form = forms.name_form(self.database, self.entity_id, current)
        elif tab == "posts":
            current = self.read(lambda s: curation.read_row(s, "tenure", row["id"]))
            form = forms.tenure_form(self.database, self.entity_id, self.read(_posts), current)
        elif tab == "sanctions":
            current = self.read(lambda s: curation.read_row(s, "sanction_entry", row["id"]))
            form = forms.entry_form(self.database, [], current)
        elif tab == "sources":
            current = self.read(lambda s: curation.read_row(s, "citation", row["id"]))
            form = forms.citation_form(self.database, self.read(curation.list_sources), row=current)
        else:
            self.app.call_from_thread(self.notify, "relations cannot be edited here yet: only deleted (d)")
            return
        self.post_message(ShowScreen(form, self.after_edit))

    def action_delete_row(self) -> None:
        tab, row = self.current_tab(), self.selected()
        if row is None:
            return
        if tab == "sanctions":
            self.notify("links are kept for the audit: reject it (x) instead", severity="warning")
            return
        table = TABS[tab][1] or "citation"
        label = {
            "posts": lambda r: f"the tenure {r['post']} {r['start'] or '?'}–{r['end'] or ''}",
            "names": lambda r: f"the name {r['name']!r}",
            "relations": lambda r: f"the relation {r['kind']} {r['other']}",
            "sources": lambda r: f"the citation of {r['source']!r}",
        }[tab](row)
        self.confirm_delete(table, row["id"], f"Delete {label}? Its citations go too.")

    def action_delete_entity(self) -> None:
        if self.profile is None:
            return
        self.confirm_delete(
            "entity", self.entity_id, f"Delete {self.profile['name']} with all its names and identifiers?"
        )

    def confirm_delete(self, table: str, row_id: int, question: str) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.delete(table, row_id)

        self.app.push_screen(ConfirmScreen(question), answered)

    @work(thread=True, group="entity-delete", exit_on_error=False)
    def delete(self, table: str, row_id: int) -> None:
        version = self.read(lambda s: curation.read_row(s, table, row_id))["version"]
        with editing(self.database) as editor:
            curation.delete_row(editor, table, row_id, expected_version=version)
        if table == "entity":
            self.app.call_from_thread(self.app.pop_screen)
            self.app.call_from_thread(self.notify, "deleted")
        else:
            self.load()

    def action_history(self) -> None:
        self.app.open_changes(self.entity_id)


def _posts(session: Session) -> list[dict[str, Any]]:
    return curation.list_posts(session, limit=forms.POST_CHOICES + 1)


def _status_text(status: str) -> Text:
    style = {"confirmed": "bold green", "rejected": "red", "proposed": "yellow"}.get(status, "")
    return Text(status, style)
