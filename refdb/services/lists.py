"""The sanction lists a filter or a lookup may name: a key naming no list is a mistake
to say, with the keys there are, not an answer that finds nothing.

Plain SQL over any ``Readable`` (a session or a search reader): `refdb search`, which
checks its --list filter here, imports no ORM.
"""

from __future__ import annotations

from refdb.errors import NotFound
from refdb.reading import Readable, raw_of


def require_list(reader: Readable, list_key: str) -> None:
    """Raise ``NotFound`` naming the lists there are when ``list_key`` names none."""
    keys = [key for (key,) in raw_of(reader).rows("SELECT key FROM sanction_list ORDER BY key")]
    if list_key not in keys:
        raise NotFound(f"no list {list_key!r}; the lists are {', '.join(keys) or 'none yet'}")
