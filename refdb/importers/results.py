"""What an import did (``ImportResult``, as `refdb import --json` prints it) and how it
reports progress: shared by the import service and the delta writer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

Progress = Callable[[str, int, int | None], None]  # stage ("download"/"write"), done, total
# Inside ImportResult the name `list` is the list's key (as in the JSON), not the builtin.
Texts = list[str]
Proposals = list[dict[str, Any]]


@dataclass
class ImportResult:
    """What an import did, as `refdb import --json` prints it."""

    source: str
    list: str
    url: str | None
    not_modified: bool = False
    entries: int = 0  # in the file (or, when not modified, active in the database)
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    delisted: int = 0
    relisted: int = 0  # also counted in changed
    rekeyed: int = 0  # continued from the id of the list's former format (UK: OFSI Group ID); also changed
    source_id: int | None = None
    sha256: str | None = None
    published_on: str | None = None
    companions_read: Texts = field(default_factory=list)  # OFAC: alt/add/comments files read
    companions_missing: Texts = field(default_factory=list)
    aliases: int = 0  # alternate names of the entries in the file, as read
    addresses: int = 0
    warnings: Texts = field(default_factory=list)  # imported, but worth a person's look
    proposals: Proposals = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
