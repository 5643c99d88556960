"""A small world for the auditors' listings, written through the services as a curator
would: officials with dated tenures, sanction entries listed and delisted on known
dates, links in every status, and one source cited for some facts.

    Anna Alpha      Minister of Finance (ru) 2010 to 2015-06; Governor of the Central
                    Bank (ru) 2000 to 2005. Confirmed link to RU-1 (listed 2014-03-20).
                    Her entity cites the source "listing-test".
    Boris Beta      Governor of the Central Bank since 2016. Proposed link to RU-2,
                    flagged for review. His entity cites "importer-x:people.yaml:0123",
                    as an importer's file would be cited.
    Carl Gamma      Senator for Ohio (us) 2001 to 2009. Confirmed link to US-1, listed
                    2005-02-01 and delisted 2008-06-01.
    Dora Delta      No post (so no official). Confirmed link to RU-3.
    Emil Epsilon    Senator for Ohio since 2019. Rejected link to RU-3; his tenure cites
                    "listing-test".
    =Eve Formula    Senator for Ohio 1990 to 1995: a name a spreadsheet would run.
"""

from __future__ import annotations

from refdb.database import Database
from refdb.models import Authority, Link, SanctionList
from refdb.services import curation
from refdb.services.edits import editing
from refdb.services.links import decide_link, propose_link


def build(database: Database) -> None:
    with editing(database, "listing-test") as editor:
        authority = editor.create(Authority(key="test-authority", name="Test Authority"))
        sanctions = editor.create(SanctionList(key="test-list", authority_id=authority.id, name="Test List"))
        ministry = curation.create_entity(
            editor, kind="public_body", name="Ministry of Finance", country="ru"
        )
        minister = curation.create_post(
            editor, title="Minister of Finance", organization=ministry.id, country="ru"
        )
        governor = curation.create_post(editor, title="Governor of the Central Bank", country="ru")
        senator = curation.create_post(editor, title="Senator for Ohio", country="us")
        source = curation.create_source(editor, key="listing-test", kind="article", title="Listing test")

        def person(name: str, *tenures: tuple[int | None, str, str | None, str]) -> int:
            entity = curation.create_entity(editor, kind="person", name=name)
            for post_id, start, end, status in tenures:
                tenure = curation.add_tenure(
                    editor, entity.id, post_id=post_id, start_on=start, end_on=end, status=status
                )
                if name == "Emil Epsilon":
                    curation.add_citation(
                        editor, source_id=source.id, subject_table="tenure", subject_id=tenure.id
                    )
            return entity.id  # type: ignore[return-value]

        def entry(record_id: str, listed: str, delisted: str | None = None) -> int:
            row = curation.create_entry(
                editor, list_id=sanctions.id, record_id=record_id, name=record_id, listed_on=listed,
                delisted_on=delisted,
            )  # fmt: skip
            return row.id  # type: ignore[return-value]

        def link(entity_id: int, entry_id: int, status: str, score: float) -> None:
            made = propose_link(editor, entity_id, entry_id, score=score, explanation="test")
            if status == "proposed":  # the one link flagged for review
                editor.update(Link, made.id, {"needs_review": True, "review_reason": "new entry"})  # type: ignore[arg-type]
            else:
                decide_link(editor, made.id, status, "checked by hand", basis="named")  # type: ignore[arg-type]

        anna = person(
            "Anna Alpha",
            (minister.id, "2010", "2015-06", "ended"),
            (governor.id, "2000", "2005", "ended"),
        )
        curation.add_citation(editor, source_id=source.id, subject_table="entity", subject_id=anna)
        boris = person("Boris Beta", (governor.id, "2016", None, "current"))
        imported = curation.create_source(
            editor, key="importer-x:people.yaml:0123", kind="dataset", title="File"
        )
        curation.add_citation(editor, source_id=imported.id, subject_table="entity", subject_id=boris)
        carl = person("Carl Gamma", (senator.id, "2001", "2009", "ended"))
        dora = person("Dora Delta")
        emil = person("Emil Epsilon", (senator.id, "2019", None, "current"))
        person("=Eve Formula", (senator.id, "1990", "1995", "ended"))
        ru1, ru2, ru3 = entry("RU-1", "2014-03-20"), entry("RU-2", "2017"), entry("RU-3", "2020")
        us1 = entry("US-1", "2005-02-01", "2008-06-01")
        link(anna, ru1, "confirmed", 0.95)
        link(boris, ru2, "proposed", 0.72)
        link(carl, us1, "confirmed", 0.99)
        link(dora, ru3, "confirmed", 0.9)
        link(emil, ru3, "rejected", 0.6)
