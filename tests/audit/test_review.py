"""A confirmed link is flagged for re-review when what it rests on changes, never silently kept."""

from __future__ import annotations

from planting import Base
from sqlmodel import select

from refdb.models import Change, EntryName, Link, SanctionEntry, Tenure
from refdb.services.edits import editing
from refdb.services.links import decide_link


def _link(base: Base) -> Link:
    with base.db.session() as session:
        link = session.get(Link, base.ids["link"])
        assert link is not None
        return link


def test_delisting_flags_the_link_and_logs_why(base: Base) -> None:
    with editing(base.db) as editor:
        editor.update(SanctionEntry, base.ids["entry"], {"delisted_on": "2025-01-02"}, reason="import")
    link = _link(base)
    assert link.needs_review
    assert link.review_reason == f"sanction entry {base.ids['entry']} changed (delisted_on)"
    with base.db.session() as session:
        last = session.exec(select(Change).order_by(Change.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None and (last.table_name, last.row_id) == ("link", base.ids["link"])
    assert last.reason == f"re-review: sanction entry {base.ids['entry']} changed (delisted_on)"


def test_a_new_listed_name_flags_the_link(base: Base) -> None:
    with editing(base.db) as editor:
        editor.create(EntryName(entry_id=base.ids["entry"], name="WANG, Chien-kuo", kind="alias"))
    assert _link(base).review_reason == f"the listed names of sanction entry {base.ids['entry']} changed"


def test_editing_the_tenure_flags_links_resting_on_it(base: Base) -> None:
    with editing(base.db) as editor:
        editor.update(Link, base.ids["link"], {"basis": "post_holder", "tenure_id": base.ids["tenure"]})
    assert not _link(base).needs_review
    with editing(base.db) as editor:
        editor.update(Tenure, base.ids["tenure"], {"end_on": "2016"})
    assert (
        _link(base).review_reason == f"tenure {base.ids['tenure']} it rests on was edited (end_on, end_until)"
    )


def test_bookkeeping_changes_and_proposed_links_are_left_alone(base: Base) -> None:
    with editing(base.db) as editor:
        editor.update(SanctionEntry, base.ids["entry"], {"remarks": "seen again in the latest file"})
    assert not _link(base).needs_review


def test_a_new_decision_clears_the_flag(base: Base) -> None:
    with editing(base.db) as editor:
        editor.update(SanctionEntry, base.ids["entry"], {"nationalities": ["China", "Hong Kong"]})
    assert _link(base).needs_review
    with editing(base.db) as editor:
        decide_link(editor, base.ids["link"], "confirmed", "re-checked: a second nationality, same man")
    link = _link(base)
    assert not link.needs_review and link.review_reason is None
    assert base.findings() == set()
