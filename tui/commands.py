"""Command palette provider: refdb's commands, named "area: verb" so fuzzy search is predictable."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from refdb_tui.screens.base import PaletteEntry, RefdbScreen
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from refdb_tui.app import RefdbApp

# App-wide entries; each screen adds its own PALETTE while it is on top.
APP_PALETTE: tuple[PaletteEntry, ...] = (
    ("entity: new", "Create an entity (person, organization, ...)", "new_entity"),
    ("entry: new", "Type in a sanction entry (e.g. from a press release)", "new_entry"),
    ("post: new", "Create a post", "new_post"),
    ("post: list", "Every post; open one to see all its holders over time", "posts"),
    ("official: list", "Officials with their posts; ctrl+t: sanctioned today or not", "officials"),
    ("link: list", "Links to sanction entries; ctrl+t steps through their status", "links"),
    ("merge: list", "Merge proposals side by side, to accept or reject; ctrl+t by status", "merges"),
    ("source: new", "Record a source (article, press release, list file)", "new_source"),
    ("source: list", "Every source, to edit or delete", "sources"),
    ("holders: on date", "Who held a post on a date", "holders"),
    ("sanctions: active on date", "Sanction entries in force on a date", "active"),
    ("log: recent changes", "The change log: who changed what, when and why", "changes"),
    ("audit: findings", "Audit findings grouped by rule, to open, decide or acknowledge", "audit"),
    ("help: keys", "The keys of this screen and what each screen does", "help"),
)


class RefdbCommands(Provider):
    def _entries(self) -> list[tuple[str, str, object]]:
        app: RefdbApp = self.app
        screen = self.screen
        entries: dict[str, tuple[str, str, object]] = {}
        for title, help_text, action in APP_PALETTE:
            entries[title] = (title, help_text, partial(app.run_action, action))
        if isinstance(screen, RefdbScreen):
            for title, help_text, action in screen.PALETTE:
                # The screen's own entry wins: "link: propose" there knows the record.
                entries[title] = (title, help_text, partial(screen.run_action, action))
        return list(entries.values())

    async def discover(self) -> Hits:
        for title, help_text, command in self._entries():
            yield DiscoveryHit(title, command, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, command in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, text=title, help=help_text)  # type: ignore[arg-type]
