"""How `--help` names what an option or argument takes.

Typer 0.29's rich help labels each option with its Python type: ``<bool>`` beside a
flag, which takes no value (Typer's plain help shows none), ``<str>``, ``<int range>``,
``<list[Path]>``; and writes a required argument ``{query}``. refdb's help shows a flag
bare, a value as a word in capitals, as click and most command lines do (TEXT,
INTEGER, NUMBER, PATH; a range keeps its bounds beside it), and arguments in capitals:
``refdb search [OPTIONS] QUERY``. ``install()`` puts these in Typer's help methods.
"""

from __future__ import annotations

from typer import _click as click
from typer import core

WORDS = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "int range": "INTEGER", "float range": "NUMBER"}

_type_label = core.TyperOption.display_type_rich


def value_word(label: str | None) -> str | None:
    """A value's label as people read it: "<int range>" -> "INTEGER", "<list[Path]>" ->
    "PATH" (a repeatable option's help says so); a command's own metavar stays."""
    if label is None or not (label.startswith("<") and label.endswith(">")):
        return label
    inner = label[1:-1]
    if inner.startswith("list[") and inner.endswith("]"):
        inner = inner[len("list[") : -1]
    if "|" in inner:
        return inner  # the choices themselves, as typed
    return WORDS.get(inner, inner.upper())


def _option_label(self: core.TyperOption, ctx: click.Context) -> str | None:
    return None if self.is_flag else value_word(_type_label(self, ctx))


def _argument_label(self: core.TyperArgument, ctx: click.Context) -> str | None:
    return value_word(self.display_type(ctx))


def _argument_name(self: core.TyperArgument) -> str:
    return self.metavar if self.metavar is not None else (self.name or "").upper()


def _argument_usage(self: core.TyperArgument) -> str:
    name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
    return name + ("..." if self.nargs != 1 else "")


def install() -> None:
    core.TyperOption.display_type_rich = _option_label  # type: ignore[method-assign]
    core.TyperArgument.display_type_rich = _argument_label  # type: ignore[assignment,method-assign]
    core.TyperArgument.display_name_raw = property(_argument_name)  # type: ignore[assignment,method-assign]
    core.TyperArgument._usage_display_name = _argument_usage  # type: ignore[method-assign]
