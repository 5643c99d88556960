"""Modal forms: fields, a save that runs the service write in a worker, errors beside fields."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from refdb_tui.screens.base import RefdbModal
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, Select, Static
from textual.worker import get_current_worker

from refdb.errors import InvalidInput, RefdbError

T = TypeVar("T")


@dataclass(frozen=True)
class Field:
    """One form field; ``name`` is the service's field name, so its errors land beside it."""

    name: str
    label: str
    value: Any = None
    choices: Sequence[tuple[str, Any]] | None = None
    boolean: bool = False
    placeholder: str = ""
    required: bool = False


class YesNo(Checkbox):
    """A compact checkbox that reads the same with or without colour.

    Textual's Checkbox draws an X whether it is on or off (only the colour differs), so
    an off box looked ticked. Here the box is empty and labelled "no" when off, and
    holds a green tick labelled "yes" when on.
    """

    DEFAULT_CSS = """
    YesNo.-on > .toggle--button { text-style: bold; }
    """

    ON, OFF = "✓", " "

    def __init__(self, value: bool = False, *, id: str | None = None) -> None:
        super().__init__(self._word(value), value, id=id, compact=True)
        self.BUTTON_INNER = self.ON if value else self.OFF

    @staticmethod
    def _word(value: bool) -> str:
        return "yes" if value else "no"

    def watch_value(self) -> None:
        self.BUTTON_INNER = self.ON if self.value else self.OFF
        self.label = self._word(self.value)
        super().watch_value()


@dataclass
class Saved(Message):
    result: Any


@dataclass
class Refused(Message):
    message: str
    problems: dict[str, str]


class FormScreen(RefdbModal[T], Generic[T]):
    """Edit values, then ``submit(values)`` in a worker; dismiss with its result.

    ``submit`` does the write through the service layer. InvalidInput shows each
    problem beside its field; a stale edit or a conflict shows its message on top and
    keeps the form open, so nothing the user typed is lost.
    """

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("ctrl+s", "save", "Save", tooltip="Validate and save"),
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving"),
    ]

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > #form { width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    FormScreen #form-title { text-style: bold; width: 100%; }
    FormScreen #form-error { color: $text-error; height: auto; }
    FormScreen #form-fields { height: auto; max-height: 18; }
    FormScreen .field { height: auto; margin-bottom: 1; }
    FormScreen .field > Horizontal { height: auto; }
    FormScreen .field Label { width: 14; padding-right: 1; text-align: right; }
    FormScreen .field Input, FormScreen .field Select { width: 1fr; }
    FormScreen .field Checkbox { width: auto; }
    FormScreen .field-error { color: $text-error; padding-left: 14; height: auto; }
    FormScreen .field-error.-empty { display: none; }
    FormScreen #form-buttons { height: auto; align-horizontal: right; margin-bottom: 1; }
    FormScreen #form-buttons Button { margin-left: 1; }
    """

    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        submit: Callable[[dict[str, Any]], T],
        *,
        note: str = "",
    ) -> None:
        super().__init__()
        self.form_title = title
        self.fields = list(fields)
        self.submit = submit
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Label(self.form_title, id="form-title", markup=False)
            if self.note:
                yield Static(self.note, id="form-note", markup=False)
            yield Static("", id="form-error", markup=False)
            with VerticalScroll(id="form-fields"):
                for field in self.fields:
                    with Vertical(classes="field"):
                        with Horizontal():
                            yield Label(field.label + (" *" if field.required else ""))
                            yield self._control(field)
                        yield Static("", id=f"error-{field.name}", classes="field-error -empty", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#form-fields").can_focus = False
        self.query_one(f"#field-{self.fields[0].name}").focus()

    @staticmethod
    def _control(field: Field) -> Input | Select[Any] | Checkbox:
        control_id = f"field-{field.name}"
        if field.boolean:
            return YesNo(bool(field.value), id=control_id)
        if field.choices is not None:
            known = {value for _label, value in field.choices}
            return Select(
                list(field.choices),
                value=field.value if field.value in known else Select.NULL,
                # Even a required choice starts blank: a preselected first option would be
                # saved without the user ever choosing it.
                allow_blank=True,
                id=control_id,
                compact=True,
            )
        value = "" if field.value is None else str(field.value)
        # Tab into a field puts the cursor after its text: editing, not retyping, is the usual case.
        return Input(value, placeholder=field.placeholder, id=control_id, compact=True, select_on_focus=False)

    def values(self) -> dict[str, Any]:
        """What the form holds: blank text and no selection both mean None."""
        values: dict[str, Any] = {}
        for field in self.fields:
            control = self.query_one(f"#field-{field.name}")
            if isinstance(control, Checkbox):
                values[field.name] = control.value
            elif isinstance(control, Select):
                values[field.name] = None if control.value is Select.NULL else control.value
            else:
                assert isinstance(control, Input)
                values[field.name] = control.value.strip() or None
        return values

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.show_problems("", {})
        self.query_one("#save", Button).disabled = True
        self.save(self.values())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()

    @work(thread=True, exclusive=True, group="form-save", exit_on_error=False)
    def save(self, values: dict[str, Any]) -> None:
        try:
            result = self.submit(values)
        except InvalidInput as error:
            self.post_message(Refused("Not saved: fix the fields marked below.", error.problems))
        except RefdbError as error:
            self.post_message(Refused(f"Not saved: {error}", {}))
        else:
            if not get_current_worker().is_cancelled:
                self.post_message(Saved(result))

    @on(Saved)
    def saved(self, message: Saved) -> None:
        self.dismiss(message.result)

    @on(Refused)
    def refused(self, message: Refused) -> None:
        self.query_one("#save", Button).disabled = False
        self.show_problems(message.message, message.problems)

    def show_problems(self, message: str, problems: dict[str, str]) -> None:
        known = {field.name for field in self.fields}
        # Problems with fields the form does not show (e.g. a derived column) go on top.
        extra = [f"{name}: {text}" for name, text in problems.items() if name not in known]
        self.query_one("#form-error", Static).update("\n".join([message, *extra]).strip())
        for field in self.fields:
            error = self.query_one(f"#error-{field.name}", Static)
            text = problems.get(field.name, "")
            error.update(text)
            error.set_class(not text, "-empty")
        first = next((f for f in self.fields if f.name in problems), None)
        if first is not None:
            self.query_one(f"#field-{first.name}").focus()


class ConfirmScreen(RefdbModal[bool]):
    """Ask before something that cannot be undone from the UI (deleting)."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 64; max-width: 100%; height: auto;
        border: thick $error; background: $surface; padding: 1 2; }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    ConfirmScreen Button { margin-left: 1; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="question", markup=False)
            with Horizontal():
                yield Button("Delete (y)", id="yes", variant="error")
                yield Button("Keep (n)", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
