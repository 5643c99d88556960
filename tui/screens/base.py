"""What every refdb screen shares: database reads in workers, visible worker errors, forms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from refdb.database import Database

if TYPE_CHECKING:
    from refdb_tui.app import RefdbApp
    from sqlmodel import Session

T = TypeVar("T")

# A palette entry: (title "area: verb", help text, action run on the screen).
PaletteEntry = tuple[str, str, str]


@dataclass
class ShowScreen(Message):
    """Push a screen built in a worker (forms need their data read first)."""

    screen: Screen[Any]
    done: Callable[[Any], Any] | None = None


class DatabaseMixin:
    """Reads for thread workers, and the error handler Harlequin-style apps share.

    Workers run with ``exit_on_error=False``; their errors land here as a notification
    instead of killing the app.
    """

    app: RefdbApp

    @property
    def database(self) -> Database:
        return self.app.database

    def read(self, query: Callable[[Session], T]) -> T:
        """Run ``query`` on a fresh session: call from a worker thread only."""
        with self.database.session() as session:
            return query(session)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.app.notify(str(event.worker.error), title="refdb", severity="error", timeout=8, markup=False)


class RefdbScreen(DatabaseMixin, Screen[None]):
    """A full screen; its PALETTE entries join the command palette while it is on top."""

    PALETTE: ClassVar[tuple[PaletteEntry, ...]] = ()

    @on(ShowScreen)
    def show_screen(self, message: ShowScreen) -> None:
        self.app.push_screen(message.screen, message.done)

    def after_edit(self, result: object) -> None:
        """A form's callback: once something was saved, show the screen's data anew."""
        if result is not None:
            self.notify("saved: it is in the change log", timeout=3)
            self.action_reload()

    def action_reload(self) -> None:
        """Read this screen's data again; every screen that shows data overrides it."""


class BackScreen(RefdbScreen):
    """A screen pushed over another: escape goes back."""

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape", "app.pop_screen", "Back", tooltip="Back to the previous screen"),
        Binding("question_mark", "app.help", "Help", show=False),
    ]


class RefdbModal(DatabaseMixin, ModalScreen[T]):
    """A modal screen that may run database work."""
