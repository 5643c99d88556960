"""Why a search hit on a curated entity matters: the posts it holds or held (a PEP) and
the sanction entries linked to it, with the link's and the entry's status.

Read for all the hits of a page at once, in two statements over the search's own
reader (plain SQL: `refdb search` imports no ORM), after matching: the matcher is not
slowed, and a page of hits costs two queries, not two a hit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from refdb.listing import status as entry_status
from refdb.reading import Raw, id_list

POSTS_SQL = """
SELECT t.person_id, p.title, o.name, t.start_on, t.end_on, t.status
FROM tenure t JOIN post p ON p.id = t.post_id LEFT JOIN entity o ON o.id = p.organization_id
WHERE t.person_id IN ({ids})
ORDER BY t.person_id, CASE WHEN t.status = 'current' THEN 0 ELSE 1 END,
         CASE WHEN t.start_from IS NULL THEN 1 ELSE 0 END, t.start_from DESC, t.id
"""

SANCTIONS_SQL = """
SELECT l.entity_id, sl.key, s.record_id, l.status, s.listed_on, s.delisted_on
FROM link l JOIN sanction_entry s ON s.id = l.entry_id JOIN sanction_list sl ON sl.id = s.list_id
WHERE l.entity_id IN ({ids}) AND l.status <> 'rejected'
ORDER BY l.entity_id, CASE WHEN l.status = 'confirmed' THEN 0 ELSE 1 END, l.id
"""


def standing(raw: Raw, entity_ids: Sequence[int]) -> dict[int, dict[str, list[dict[str, Any]]]]:
    """Each entity's ``posts`` (current first, then latest) and ``sanctions`` (confirmed
    links first; rejected links left out), keyed by entity id."""
    found: dict[int, dict[str, list[dict[str, Any]]]] = {
        entity_id: {"posts": [], "sanctions": []} for entity_id in entity_ids
    }
    if not entity_ids:
        return found
    ids = id_list(sorted(set(entity_ids)))
    for person_id, title, organization, start, end, status in raw.rows(POSTS_SQL.format(ids=ids)):
        found[person_id]["posts"].append(
            {
                "post": title,
                "organization": organization,
                "start": start,
                "end": end,
                "status": status,
                "current": status == "current",
            }
        )
    for entity_id, list_key, record_id, link_status, listed_on, delisted_on in raw.rows(
        SANCTIONS_SQL.format(ids=ids)
    ):
        found[entity_id]["sanctions"].append(
            {
                "list": list_key,
                "record_id": record_id,
                "link_status": link_status,
                "entry_status": entry_status(delisted_on),
                "listed_on": listed_on,
                "delisted_on": delisted_on,
            }
        )
    return found


def with_standing(raw: Raw, hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``hits`` (search results as dicts), each curated entity's given its ``posts`` and
    ``sanctions``."""
    found = standing(raw, [hit["id"] for hit in hits if hit["type"] == "entity"])
    for hit in hits:
        if hit["type"] == "entity":
            hit.update(found[hit["id"]])
    return hits
