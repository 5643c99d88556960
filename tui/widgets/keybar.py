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
        markup, variables = [], {}
        seen: set[str] = set()
        # Quit last: where a bar too narrow for every key cuts it, not a screen's own keys.
        bindings = sorted(screen.active_bindings.values(), key=lambda active: active.binding.action == "quit")
        for node, binding, enabled, _tooltip in bindings:
            # Textual hides the palette key from footers; its own Footer shows it apart.
            shown = binding.show or binding.action == "command_palette"
            if not shown or binding.action in seen:
                continue
            seen.add(binding.action)
            # A click runs the binding's action where it was defined, as a key press would.
            namespace = "app" if node is self.app else "screen"
            action = binding.action if "." in binding.action else f"{namespace}.{binding.action}"
            n = len(seen)
            variables[f"key{n}"] = self.app.get_key_display(binding)
            variables[f"text{n}"] = binding.description
            style = "bold $footer-key-foreground" + ("" if enabled else " dim")
            markup.append(f"[@click={action}][{style}] $key{n} [/]$text{n}[/] ")
        self.update(Content.from_markup("".join(markup), **variables))
