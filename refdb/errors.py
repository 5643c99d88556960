"""Errors a user can act on; the CLI prints the message and exits with ``exit_code``."""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    OK = 0
    """Success."""
    NOT_FOUND = 1
    """The query ran but found nothing (or the audit found something)."""
    BAD_INPUT = 2
    """Bad usage or bad input: nothing was written."""


class RefdbError(Exception):
    exit_code = ExitCode.BAD_INPUT

    def details(self) -> dict[str, Any]:
        """What a script may read beside the message (``--json`` prints it in the error)."""
        return {}

    def as_json(self) -> dict[str, Any]:
        """The error as `refdb --json` prints it on stdout (docs/cli.md: errors)."""
        return {"error": str(self), "exit_code": int(self.exit_code), **self.details()}


class NotFound(RefdbError):
    exit_code = ExitCode.NOT_FOUND


class Ambiguous(RefdbError):
    """A reference that names more than one thing: the caller must say which
    (``candidates``: one dict a thing it could mean)."""

    def __init__(self, message: str, candidates: list[dict[str, Any]]) -> None:
        self.candidates = candidates
        super().__init__(message)

    def details(self) -> dict[str, Any]:
        return {"candidates": self.candidates}


class InvalidInput(RefdbError):
    """Bad values for a row, with a message per field for forms to show beside the field."""

    def __init__(self, problems: dict[str, str], table: str = "") -> None:
        self.problems = problems
        where = f"{table}: " if table else ""
        super().__init__(where + "; ".join(f"{field}: {msg}" for field, msg in problems.items()))

    def details(self) -> dict[str, Any]:
        return {"problems": self.problems}


class StaleEdit(RefdbError):
    """The row changed since the caller read it (optimistic locking)."""


class Conflict(RefdbError):
    """The edit would break a uniqueness or reference rule in the database."""


class DatabaseNotReady(RefdbError):
    """Missing database or one at another migration revision; never altered silently."""


def is_read_only(error: BaseException) -> bool:
    """Whether a database error is a write refused because the database can only be
    read: SQLite's "attempt to write a readonly database", PostgreSQL's SQLSTATE 25006."""
    if "25006" in (getattr(error, "sqlstate", None), getattr(getattr(error, "orig", None), "sqlstate", None)):
        return True
    return "readonly database" in str(error)
