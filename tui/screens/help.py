"""The help screen: the keys of the screen it was opened from, and what each screen does."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

# At most 76 columns a line: the help box's width inside its border at 80 columns.
GUIDE = """\
Search: type any name, in any script; ↓ moves to the results, enter opens
  one.
Entity: tabs (1-5, [ and ]) for posts (timeline, ● = current), sanctions
  with their links, names, relations and sources; enter follows the row.
List record: the entry as published and every entity linked to it.
Post: everyone who held it over time.  F2: who held a post on a date.
Source (F5 or an audit finding, enter): its file, dates and what cites it.
F3: sanctions active on a date.  F4 posts, F5 sources, F6 change log,
  F7 audit, F8 officials (ctrl+t: sanctioned today or not), F9 links
  (ctrl+t: by status), F10 merge proposals (both entities side by side;
  a accepts, x rejects).
Forms: tab between fields, ctrl+s saves, escape cancels. Errors show
  beside the field; an edit of a row someone changed meanwhile is refused.
ctrl+p: command palette ("entity: new", "link: confirm", …).
ctrl+q quits."""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape,f1,question_mark,q", "dismiss", "Close"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 84; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    """

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        keys = Text()
        seen = set()
        for active in self.under.active_bindings.values():
            binding = active.binding
            # Widget keys (table cursor moves, ...) are standard; list the app's own.
            if active.node not in (self.under, self.app) or binding.action in seen or not binding.description:
                continue
            seen.add(binding.action)
            keys.append(f"{self.app.get_key_display(binding):>10}  ", "bold")
            keys.append(f"{binding.tooltip or binding.description}\n")
        with VerticalScroll():
            yield Static(
                Text(f"Keys on this screen ({self.under.__class__.__name__.removesuffix('Screen')})", "bold")
            )
            yield Static(keys, id="help-keys")
            yield Static(Text("\nScreens", "bold"))
            yield Static(GUIDE, id="help-guide", markup=False)
            yield Static(Text("\nescape closes this help", "dim"))
