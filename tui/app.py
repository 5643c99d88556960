"""The refdb terminal UI: one App over one Database, screens pushed as the user navigates.

Only the search screen is imported up front. The others, the forms and with them the
ORM and most services (about half a second) are imported when first opened, and
ahead of that by a worker started once the first frame is shown (issue 5: start
under 1 s), so that neither the search box nor the first Enter waits for them.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, ClassVar

from refdb_tui.commands import RefdbCommands
from refdb_tui.screens.help import HelpScreen
from refdb_tui.screens.search import SearchScreen
from textual import work
from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from refdb.database import Database

PRELOADED = (
    "icu",  # refdb.countries.country_name's: the screens name countries (~0.1 s to import)
    "refdb_tui.forms",
    "refdb_tui.screens.asof",
    "refdb_tui.screens.audit",
    "refdb_tui.screens.changes",
    "refdb_tui.screens.entity",
    "refdb_tui.screens.entry",
    "refdb_tui.screens.listings",
    "refdb_tui.screens.merges",
    "refdb_tui.screens.post",
    "refdb_tui.screens.source",
    "refdb_tui.screens.sources",
)


class RefdbApp(App[None]):
    """Browse, look up and edit a refdb database; every edit goes through the services."""

    TITLE = "refdb"
    CSS_PATH = "refdb.tcss"
    COMMANDS: ClassVar[set[Any]] = App.COMMANDS | {RefdbCommands}
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("f1", "help", "Help", tooltip="Keys and screens", priority=True),
        # Textual's own ctrl+q, shown: hidden, a new user found no way out.
        Binding(
            "ctrl+q", "quit", "Quit", tooltip="Quit refdb and return to the command prompt", priority=True
        ),
        Binding("f2", "holders", "Holders", show=False, tooltip="Who held a post on a date"),
        Binding("f3", "active", "Active", show=False, tooltip="Sanctions active on a date"),
        Binding("f4", "posts", "Posts", show=False, tooltip="Every post"),
        Binding("f5", "sources", "Sources", show=False, tooltip="Every source"),
        Binding("f6", "changes", "Log", show=False, tooltip="The change log"),
        Binding("f7", "audit", "Audit", show=False, tooltip="Audit findings, grouped by rule"),
        Binding("f8", "officials", "Officials", show=False, tooltip="Officials, sanctioned or not"),
        Binding("f9", "links", "Links", show=False, tooltip="Links to sanction entries, by status"),
        Binding("f10", "merges", "Merges", show=False, tooltip="Merge proposals: accept or reject"),
    ]

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.database = database
        self.sub_title = f"{database.display_url} · as {database.actor}"

    def get_default_screen(self) -> SearchScreen:
        return SearchScreen()

    def on_ready(self) -> None:
        self.preload()

    @work(thread=True, group="preload", exit_on_error=False)
    def preload(self) -> None:
        for module in PRELOADED:
            import_module(module)

    # ----------------------------------------------------------------- navigation

    def open_entity(self, entity_id: int) -> None:
        from refdb_tui.screens.entity import EntityScreen

        self.push_screen(EntityScreen(entity_id))

    def open_entry(self, entry_id: int) -> None:
        from refdb_tui.screens.entry import EntryScreen

        self.push_screen(EntryScreen(entry_id))

    def open_post(self, post_id: int) -> None:
        from refdb_tui.screens.post import PostScreen

        self.push_screen(PostScreen(post_id))

    def open_source(self, source_id: int) -> None:
        from refdb_tui.screens.source import SourceScreen

        self.push_screen(SourceScreen(source_id))

    def open_holders(self, post: str = "") -> None:
        from refdb_tui.screens.asof import HoldersScreen

        self.push_screen(HoldersScreen(post))

    def open_changes(self, entity_id: int | None = None) -> None:
        from refdb_tui.screens.changes import ChangesScreen

        self.push_screen(ChangesScreen(entity_id))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_holders(self) -> None:
        self.open_holders()

    def action_active(self) -> None:
        from refdb_tui.screens.asof import ActiveSanctionsScreen

        self.push_screen(ActiveSanctionsScreen())

    def action_posts(self) -> None:
        from refdb_tui.screens.post import PostsScreen

        self.push_screen(PostsScreen())

    def action_officials(self) -> None:
        from refdb_tui.screens.listings import OfficialsScreen

        self.push_screen(OfficialsScreen())

    def action_links(self) -> None:
        from refdb_tui.screens.listings import LinksScreen

        self.push_screen(LinksScreen())

    def action_merges(self) -> None:
        from refdb_tui.screens.merges import MergesScreen

        self.push_screen(MergesScreen())

    def action_sources(self) -> None:
        from refdb_tui.screens.sources import SourcesScreen

        self.push_screen(SourcesScreen())

    def action_changes(self) -> None:
        self.open_changes()

    def action_audit(self) -> None:
        from refdb_tui.screens.audit import AuditScreen

        self.push_screen(AuditScreen())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.notify(str(event.worker.error), title="refdb", severity="error", timeout=8, markup=False)

    # ------------------------------------------------------------------- creating

    def action_new_entity(self) -> None:
        from refdb_tui import forms

        def created(entity_id: int | None) -> None:
            if entity_id is not None:
                self.open_entity(entity_id)

        self.push_screen(forms.entity_form(self.database), created)

    def action_new_post(self) -> None:
        from refdb_tui import forms

        def created(post_id: int | None) -> None:
            if post_id is not None:
                self.open_post(post_id)

        self.push_screen(forms.post_form(self.database), created)

    def action_new_source(self) -> None:
        from refdb_tui import forms

        def created(source_id: int | None) -> None:
            if source_id is not None:
                self.notify("source saved")

        self.push_screen(forms.source_form(self.database), created)

    @work(thread=True, group="new-entry", exit_on_error=False)
    def action_new_entry(self) -> None:
        from refdb_tui import forms

        from refdb.services import curation

        with self.database.session() as session:
            lists = curation.list_sanction_lists(session)

        def created(entry_id: int | None) -> None:
            if entry_id is not None:
                self.open_entry(entry_id)

        self.call_from_thread(self.push_screen, forms.entry_form(self.database, lists), created)
