"""`refdb log` and `refdb show --on`: history read back, and an entity as it stood then."""

from __future__ import annotations

import json
from datetime import timedelta

from planting import Base
from sqlmodel import select

from refdb.models import Change, Citation, Name, SanctionEntry, Tenure
from refdb.services import history
from refdb.services.edits import editing


def _now_in_log(base: Base) -> str:
    """A moment just after the last change record: `--on` cuts before it."""
    with base.db.session() as session:
        last = session.exec(select(Change).order_by(Change.id.desc())).first()  # type: ignore[union-attr]
        assert last is not None
        return (last.at + timedelta(microseconds=1)).isoformat()


def test_profile_as_it_stood_before_later_edits(base: Base) -> None:
    before = _now_in_log(base)
    with editing(base.db) as editor:
        editor.update(SanctionEntry, base.ids["entry"], {"delisted_on": "2025"})
        editor.create(Name(entity_id=base.ids["wang"], name="Wang Chien-kuo", kind="alias"))
        editor.delete(Citation, base.ids["tenure_citation"])
        editor.update(Tenure, base.ids["tenure"], {"end_on": "2016"})
    with base.db.session() as session:
        then = history.entity_as_of(session, base.ids["wang"], before)
        now = history.entity_as_of(session, base.ids["wang"], _now_in_log(base))
    assert [n["name"] for n in then["names"]] == ["Wang Jianguo"]
    assert [n["name"] for n in now["names"]] == ["Wang Jianguo", "Wang Chien-kuo"]
    assert then["tenures"][0]["end"] == "2015-12-31" and now["tenures"][0]["end"] == "2016"
    assert len(then["tenures"][0]["citations"]) == 2 and len(now["tenures"][0]["citations"]) == 1
    (sanction,) = then["sanctions"]
    assert sanction["status"] == "active" and not sanction["link"]["needs_review"]
    assert now["sanctions"][0]["status"] == "delisted" and now["sanctions"][0]["link"]["needs_review"]
    assert then["as_of"].startswith(before[:19]) and then["rebuilt_from"] == "change log"


def test_history_of_one_entity_and_since(base: Base) -> None:
    with base.db.session() as session:
        records, total = history.history(session, base.ids["wang"])
        assert total == len(records)
        assert {r["table"] for r in records} == {"entity", "name", "tenure", "link"}
        assert records[0]["action"] == "create" and records[0]["table"] == "entity"
        _, everything = history.history(session)
        latest, _ = history.history(session, limit=2)
        future, _ = history.history(session, since="2999")
    assert everything > total and [r["id"] for r in latest] == [everything - 1, everything] and future == []


def test_log_and_show_on_from_the_command_line(base: Base, refdb) -> None:
    url = base.db.url
    with editing(base.db) as editor:
        editor.update(Name, 1, {"name": "Wang Jian-guo"}, reason="spelling as in the decree")
    log = json.loads(refdb("log", str(base.ids["wang"]), "--db", url, "--json").out)
    (rename,) = [r for r in log if r["action"] == "update" and r["table"] == "name"]
    assert rename["changed"]["name"] == ["Wang Jianguo", "Wang Jian-guo"]
    assert rename["reason"] == "spelling as in the decree"
    assert refdb("log", "--db", url, "--since", "2999").code == 1
    shown = refdb("show", str(base.ids["wang"]), "--on", "2000", "--db", url)
    assert shown.code == 1 and "was not in refdb on 2000" in shown.err
    today = refdb("show", str(base.ids["wang"]), "--on", "2999", "--db", url, "--json")
    assert today.code == 0 and json.loads(today.out)["names"][0]["name"] == "Wang Jian-guo"
    assert "rebuilt from the change log" in today.err
    assert refdb("show", "1", "--on", "yesterday", "--db", url).code == 2


def test_log_verify_and_head_from_the_command_line(base: Base, refdb) -> None:
    url = base.db.url
    head = refdb("log", "head", "--db", url).out.strip()
    intact = refdb("log", "verify", "--db", url)
    assert intact.code == 0 and head in intact.out
    base.raw("DELETE FROM change WHERE id = (SELECT MAX(id) FROM change)")
    assert refdb("log", "verify", "--db", url).code == 0  # a shorter chain is still a chain
    cut = refdb("log", "verify", "--db", url, "--anchor", head)
    assert cut.code == 1 and f"change {head.split(':')[0]}, named by the anchor, is gone" in cut.out
    assert refdb("log", "verify", "--db", url, "--anchor", "12:beef").code == 2
