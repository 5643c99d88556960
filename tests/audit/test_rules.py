"""Each defect planted in a clean database is found, and nothing else is."""

from __future__ import annotations

from datetime import timedelta

from planting import TODAY, Base

from refdb.audit import Settings, run_audit
from refdb.models import Entity, Identifier, Link, Name, Post, SanctionEntry, Tenure, utcnow
from refdb.services.edits import editing


def test_the_clean_database_has_no_findings(base: Base) -> None:
    assert base.findings() == set()


def test_confirmed_link_without_citation(base: Base) -> None:
    with editing(base.db) as editor:
        from refdb.models import Citation

        editor.delete(Citation, base.ids["link_citation"], reason="test")
    assert base.findings() == {("link-uncited", f"link:{base.ids['link']}")}


def test_decision_without_actor(base: Base) -> None:
    with editing(base.db) as editor:
        editor.update(Link, base.ids["link"], {"decided_by": None})
    assert base.findings() == {("link-decision-incomplete", f"link:{base.ids['link']}")}


def test_entry_contradicting_the_entity_is_found_and_the_link_flagged(base: Base) -> None:
    link = f"link:{base.ids['link']}"
    with editing(base.db) as editor:
        editor.update(
            SanctionEntry, base.ids["entry"], {"birth_dates": ["1971"], "nationalities": ["Russia"]}
        )
    assert base.findings() == {("link-contradicts-entry", link), ("link-needs-review", link)}
    with base.db.session() as session:
        (finding,) = run_audit(session, ["link-contradicts-entry"])
    assert "born 1960-05-01, entry lists 1971" in finding.explanation
    assert "nationality cn, entry lists Russia" in finding.explanation


def test_kind_contradiction(base: Base) -> None:
    with editing(base.db) as editor:
        editor.update(SanctionEntry, base.ids["entry"], {"target_kind": "vessel"})
    link = f"link:{base.ids['link']}"
    assert base.findings() == {("link-contradicts-entry", link), ("link-needs-review", link)}


def test_proposed_link_pending_too_long(base: Base) -> None:
    with editing(base.db) as editor:
        entry = base.entry(editor, "T-2", "JIANGUO, Wang Xiao", listed_on="2021")
        link = editor.create(
            Link(
                entity_id=base.ids["wang"],
                entry_id=entry,
                status="proposed",
                proposed_by="importer",
                proposed_at=utcnow() - timedelta(days=400),
            )
        ).id
    assert base.findings() == {("link-pending", f"link:{link}")}


def test_link_to_a_delisted_entry(base: Base) -> None:
    with editing(base.db) as editor:
        editor.update(SanctionEntry, base.ids["entry"], {"delisted_on": "2024-02"})
    link = f"link:{base.ids['link']}"
    assert base.findings() == {("link-to-delisted", link), ("link-needs-review", link)}


def test_missed_link(base: Base) -> None:
    with editing(base.db) as editor:
        entry = base.entry(
            editor, "T-3", "WANG Jian-Guo", birth_dates=["1960"], nationalities=["CN"], listed_on="2022"
        )
        base.entry(editor, "T-4", "PETROV, Ivan", listed_on="2022")  # matches nobody
    assert base.findings() == {("missed-link", f"sanction_entry:{entry}+entity:{base.ids['wang']}")}


def test_missed_links_across_birth_dates(base: Base) -> None:
    """Candidates are counted among officials born in a year an entry lists, or of unknown
    birth, when a conflicting date leaves no score within reach; at a threshold low enough
    that an exact name survives the conflict's cost (0.75 > 0.7) the conflicting entry is a
    finding too."""
    with editing(base.db) as editor:
        undated_official = base.person(editor, "Zhou Xiaoming")
        tenure = editor.create(
            Tenure(person_id=undated_official, post_id=base.ids["post"], start_on="2016", status="current")
        )
        base.cite(editor, "tenure", tenure.id)
        found = {
            (base.entry(editor, "T-5", "WANG Jian-Guo", birth_dates=["1959", "1960"]), base.ids["wang"]),
            (base.entry(editor, "T-6", "Wang Jianguo"), base.ids["wang"]),
            (base.entry(editor, "T-7", "ZHOU Xiaoming", birth_dates=["1970"]), undated_official),
        }
        conflicting = (base.entry(editor, "T-8", "Wang Jianguo", birth_dates=["1975"]), base.ids["wang"])
    subjects = {f"sanction_entry:{entry}+entity:{entity}" for entry, entity in found}
    assert base.findings("missed-link") == {("missed-link", subject) for subject in subjects}
    with base.db.session() as session:
        lower = run_audit(session, ["missed-link"], Settings(today=TODAY, match_threshold=0.7))
    entry, entity = conflicting
    assert {f.subject for f in lower} == subjects | {f"sanction_entry:{entry}+entity:{entity}"}


def test_tenure_ending_before_it_starts(base: Base) -> None:
    # The Editor refuses such dates, so only raw SQL plants them: the row is also unlogged.
    base.raw("UPDATE tenure SET end_on = '2009' WHERE id = :id", id=base.ids["tenure"])
    tenure = f"tenure:{base.ids['tenure']}"
    assert base.findings() == {("tenure-end-before-start", tenure), ("unlogged-change", tenure)}


def test_two_holders_of_a_one_holder_post(base: Base) -> None:
    with editing(base.db) as editor:
        other = base.person(editor, "Li Ming")
        tenure = editor.create(
            Tenure(person_id=other, post_id=base.ids["post"], start_on="2015-06", status="current")
        )
        base.cite(editor, "tenure", tenure.id)
        overlapping = tenure.id
        # A handover on the same day and an acting holder are not overlaps.
        successor = base.person(editor, "Zhao Lei")
        handover = editor.create(
            Tenure(
                person_id=successor,
                post_id=base.ids["post"],
                start_on="2009",
                end_on="2010-01-01",
                status="ended",
            )
        )
        base.cite(editor, "tenure", handover.id)
        acting = editor.create(
            Tenure(
                person_id=successor,
                post_id=base.ids["post"],
                start_on="2012",
                end_on="2012",
                acting=True,
                status="ended",
            )
        )
        base.cite(editor, "tenure", acting.id)
    assert base.findings() == {("tenure-overlap", f"tenure:{base.ids['tenure']}+tenure:{overlapping}")}


def test_tenure_after_death(base: Base) -> None:
    with editing(base.db) as editor:
        editor.update(Entity, base.ids["wang"], {"death_date": "2013"})
    assert base.findings() == {("tenure-after-death", f"tenure:{base.ids['tenure']}")}


def test_uncited_and_unverified_facts(base: Base) -> None:
    with editing(base.db) as editor:
        uncited = editor.create(Name(entity_id=base.ids["wang"], name="Wang Chien-kuo", kind="alias"))
        unverified = editor.create(Name(entity_id=base.ids["wang"], name="王建国", kind="original_script"))
        base.cite(editor, "name", unverified.id, "unverified")
        uncited_id = uncited.id
    assert base.findings() == {
        ("fact-uncited", f"name:{uncited_id}"),
        ("fact-unverified", f"source:{base.ids['unverified']}"),
    }


def test_unverified_facts_are_one_finding_per_source_with_their_count(base: Base) -> None:
    with editing(base.db) as editor:
        for alias in ("Wang Chien-kuo", "王建国", "Wang J."):
            name = editor.create(Name(entity_id=base.ids["wang"], name=alias, kind="alias"))
            base.cite(editor, "name", name.id, "unverified")
        both = editor.create(Name(entity_id=base.ids["wang"], name="Wang Jian Guo", kind="alias"))
        base.cite(editor, "name", both.id, "unverified")
        base.cite(editor, "name", both.id)  # and a verified source: not resting on the unverified one
        base.cite(editor, "tenure", base.ids["tenure"], "unverified")

    with base.db.session() as session:
        (finding,) = run_audit(session, ["fact-unverified"], Settings(today=TODAY))
    assert finding.subject == f"source:{base.ids['unverified']}"
    assert finding.figures == {
        "source_id": base.ids["unverified"],
        "facts": 3,
        "by_table": {"name": 3},
        "why": "an article no one marked verified",
    }
    assert finding.explanation == (
        "Unchecked: an article no one marked verified; 3 fact(s) cite it and no verified source (3 names)"
    )


def test_duplicate_identifier(base: Base) -> None:
    with editing(base.db) as editor:
        other = base.person(editor, "Someone Else")
        editor.create(Identifier(entity_id=base.ids["wang"], scheme="wikidata", value="Q42"))
        editor.create(Identifier(entity_id=other, scheme="wikidata", value="q42 "))
    assert base.findings() == {("duplicate-identifier", f"entity:{base.ids['wang']}+entity:{other}")}


def test_duplicate_entities(base: Base) -> None:
    with editing(base.db) as editor:
        twin = base.person(editor, "WANG Jianguo", birth_date="1960-05")
        base.person(editor, "Wang Jianguo", birth_date="1975")  # same name, another person
        body = editor.create(Entity(kind="organization", name="MINISTRY OF TESTING"))
        editor.create(Name(entity_id=body.id, name="MINISTRY OF TESTING", kind="primary"))
        base.cite(editor, "entity", body.id)
        body_id = body.id
    assert base.findings() == {
        ("duplicate-entity", f"entity:{base.ids['wang']}+entity:{twin}"),
        ("duplicate-entity", f"entity:{base.ids['ministry']}+entity:{body_id}"),
    }


def test_duplicate_entities_one_written_in_katakana(base: Base) -> None:
    """The audit reads katakana as the foreign name it spells, as search does."""
    with editing(base.db) as editor:
        latin = base.person(editor, "Viktor Yanukovich", birth_date="1950-07-09")
        katakana = base.person(editor, "ヴィクトル・ヤヌコーヴィチ", birth_date="1950-07-09")
    assert base.findings() == {("duplicate-entity", f"entity:{latin}+entity:{katakana}")}


def test_in_office_while_sanctioned(base: Base) -> None:
    with editing(base.db) as editor:
        editor.update(SanctionEntry, base.ids["entry"], {"listed_on": "2014-06"})
    assert base.findings() == {
        ("in-office-while-sanctioned", f"tenure:{base.ids['tenure']}+link:{base.ids['link']}")
    }


def test_post_change_outside_refdb(base: Base) -> None:
    base.raw("UPDATE post SET single_holder = :f WHERE id = :id", f=False, id=base.ids["post"])
    base.raw("DELETE FROM citation WHERE id = :id", id=base.ids["tenure_citation"])
    base.raw("INSERT INTO post (id, title, single_holder, version) VALUES (99, 'Shadow post', :t, 1)", t=True)
    assert base.findings() == {
        ("unlogged-change", f"post:{base.ids['post']}"),
        ("unlogged-change", f"citation:{base.ids['tenure_citation']}"),
        ("unlogged-change", "post:99"),
    }
    with base.db.session() as session:
        messages = {f.subject: f.explanation for f in run_audit(session, ["unlogged-change"])}
    assert "single_holder differ" in messages[f"post:{base.ids['post']}"]
    assert "deleted outside refdb" in messages[f"citation:{base.ids['tenure_citation']}"]
    assert "inserted outside refdb" in messages["post:99"]


def test_parallel_audit_gives_the_serial_findings_in_rule_order(base: Base) -> None:
    # The history rules then run in a second process: planted defects for both kinds.
    base.raw("UPDATE post SET single_holder = :f WHERE id = :id", f=False, id=base.ids["post"])
    base.raw("UPDATE tenure SET end_on = '2009' WHERE id = :id", id=base.ids["tenure"])
    with base.db.session() as session:
        serial = [f.as_dict() for f in run_audit(session, settings=Settings(today=TODAY))]
        parallel = [f.as_dict() for f in run_audit(session, settings=Settings(today=TODAY), parallel=True)]
    assert parallel == serial
    assert {f["rule"] for f in parallel} == {"tenure-end-before-start", "unlogged-change"}


def test_altered_change_record(base: Base) -> None:
    base.raw("UPDATE change SET actor = 'nobody' WHERE id = 3")
    assert base.findings() == {("change-log-broken", "change:3")}


def test_post_created_by_the_editor_is_not_reported(base: Base) -> None:
    with editing(base.db) as editor:
        editor.create(Post(title="Deputy Minister of Testing", organization_id=base.ids["ministry"]))
    assert base.findings() == set()
