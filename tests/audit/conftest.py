"""A small clean database for the audit tests, in which each test plants its defects.

Everything is written through the Editor and cited with a verified source, so the
audit of the untouched database finds nothing at all.
"""

from __future__ import annotations

import pytest
from planting import Base

from refdb.database import Database
from refdb.models import (
    Authority,
    Entity,
    Link,
    Name,
    Post,
    SanctionList,
    Source,
    Tenure,
    utcnow,
)
from refdb.services.edits import editing


@pytest.fixture
def base(empty_db: Database) -> Base:
    """Wang Jianguo, Minister of Testing 2010-2015, listed in 2020 and confirmed as linked."""
    made = Base(empty_db)
    ids = made.ids
    with editing(empty_db) as editor:
        ids["verified"] = editor.create(Source(kind="article", title="A checked source", verified=True)).id
        ids["unverified"] = editor.create(Source(kind="article", title="Unchecked", verified=False)).id
        ids["wang"] = made.person(editor, "Wang Jianguo", birth_date="1960-05-01", nationality="cn")
        ministry = editor.create(Entity(kind="public_body", name="Ministry of Testing"))
        editor.create(Name(entity_id=ministry.id, name="Ministry of Testing", kind="primary"))
        made.cite(editor, "entity", ministry.id)
        ids["ministry"] = ministry.id
        post = editor.create(
            Post(title="Minister of Testing", organization_id=ministry.id, single_holder=True)
        )
        ids["post"] = post.id
        tenure = editor.create(
            Tenure(
                person_id=ids["wang"],
                post_id=post.id,
                start_on="2010-01-01",
                end_on="2015-12-31",
                status="ended",
            )
        )
        ids["tenure"] = tenure.id
        ids["tenure_citation"] = made.cite(editor, "tenure", tenure.id)
        ids["tenure_citation_2"] = made.cite(editor, "tenure", tenure.id)
        authority = editor.create(Authority(key="test-authority", name="Test Authority"))
        ids["list"] = editor.create(
            SanctionList(key="test-list", authority_id=authority.id, name="Test List")
        ).id
        ids["entry"] = made.entry(
            editor,
            "T-1",
            "WANG, Jianguo",
            birth_dates=["1960-05-01"],
            nationalities=["China"],
            listed_on="2020-03-01",
        )
        link = editor.create(
            Link(
                entity_id=ids["wang"],
                entry_id=ids["entry"],
                status="confirmed",
                basis="named",
                score=1.0,
                proposed_by="tester",
                proposed_at=utcnow(),
                decided_by="tester",
                decided_at=utcnow(),
                decision_reason="the entry names him with his birth date",
            )
        )
        ids["link"] = link.id
        ids["link_citation"] = made.cite(editor, "link", link.id)
    return made
