"""Option values converted without pydantic: text, numbers and flags.

Typer 0.29 converts every option's value, an absent one too, through a pydantic
``TypeAdapter`` built on first use: importing pydantic and building a dozen adapters
took 0.2-0.3 of the 0.6 CPU seconds of `refdb officials`. Text, numbers and flags,
nearly all of refdb's options, are converted here, with pydantic's own messages
("Input should be greater than or equal to 1"); any other type (paths, choices) still
goes through Typer's adapters. ``install()`` swaps Typer's builder for ours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from typer import core
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer.models import ParameterInfo

# The spellings pydantic reads as booleans (lax mode).
TRUE = {"1", "on", "t", "true", "y", "yes"}
FALSE = {"0", "off", "f", "false", "n", "no"}


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _integer(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)  # "5.0" is 5, as pydantic reads it
    except ValueError:
        number = float("nan")
    if not number.is_integer():
        raise ValueError("Input should be a valid integer, unable to parse string as an integer")
    return int(number)


def _number(value: Any) -> float:
    try:
        return float(str(value).strip()) if not isinstance(value, float) else value
    except ValueError:
        raise ValueError("Input should be a valid number, unable to parse string as a number") from None


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).lower()
    if word in TRUE or word in FALSE:
        return word in TRUE
    raise ValueError("Input should be a valid boolean, unable to interpret input")


CONVERTERS: dict[Any, Callable[[Any], Any]] = {str: _text, int: _integer, float: _number, bool: _flag}


def _bound(number: float) -> float | int:
    """A limit as pydantic prints it: 1.0 as "1"."""
    return int(number) if float(number).is_integer() else number


@dataclass(frozen=True)
class PlainParam(RuntimeParam):
    """A text, number or flag option, checked against its ``min`` and ``max``."""

    def _coerce_value(self, value: Any, param: Any, ctx: Context) -> Any:
        info = self.parameter_info
        try:
            converted = CONVERTERS[self.annotation](value)
        except ValueError as error:
            raise BadParameter(str(error), ctx=ctx, param=param) from None
        if info.min is not None and converted < info.min:
            raise BadParameter(
                f"Input should be greater than or equal to {_bound(info.min)}", ctx=ctx, param=param
            )
        if info.max is not None and converted > info.max:
            raise BadParameter(
                f"Input should be less than or equal to {_bound(info.max)}", ctx=ctx, param=param
            )
        return converted


def _plain(info: ParameterInfo) -> bool:
    """Whether Typer would do nothing more than convert and bound-check the value."""
    return info.parser is None and not info.clamp


def build(descriptor: TypeDescriptor) -> RuntimeParam:
    annotation, info = descriptor.annotation, descriptor.parameter_info
    if annotation in CONVERTERS and descriptor.file_annotation is None and _plain(info):
        return PlainParam(parameter_info=info, annotation=annotation)
    return build_runtime_param(descriptor)


def install() -> None:
    """Convert plain options with ``build`` (Typer looks its builder up at each use)."""
    core.build_runtime_param = build
