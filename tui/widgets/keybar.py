"""A one-line footer of the current key bindings, drawn as text.

Textual's Footer mounts a widget per key and rebuilds them on every focus change;
with a dozen keys that cost about 0.1 s per rebuild here, several times per screen
opened. One Static redrawn from the same active bindings is as informative and cheap.
"""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        overflow: hidden;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        if screen is not self.screen:
            return
        parts: list[tuple[str, str]] = []
        seen: set[str] = set()
        palette_key = None
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            if binding.action == "app.command_palette" or binding.action == "command_palette":
                palette_key = binding
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            dim = "" if enabled else " dim"
            parts.append((f" {self.app.get_key_display(binding)} ", "bold $footer-key-foreground" + dim))
            parts.append((f"{binding.description} ", dim.strip()))
        if palette_key is not None:
            parts.append((f" {self.app.get_key_display(palette_key)} ", "bold $footer-key-foreground"))
            parts.append(("palette ", ""))
        self.update(Content.assemble(*parts))
