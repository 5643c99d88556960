"""The terminal UI driven through Textual's Pilot: what is shown, and what reaches the database."""

from __future__ import annotations

import subprocess
import sys

from pilot_helpers import screen_lines, settle
from refdb_tui.app import RefdbApp
from refdb_tui.screens.asof import ActiveSanctionsScreen, HoldersScreen
from refdb_tui.screens.entity import EntityScreen
from refdb_tui.screens.entry import EntryScreen
from refdb_tui.screens.form import ConfirmScreen, FormScreen
from refdb_tui.screens.help import HelpScreen
from refdb_tui.screens.post import PostScreen
from refdb_tui.screens.search import SearchScreen
from refdb_tui.widgets.keybar import KeyBar
from refdb_tui.widgets.results import LABELS, ResultList
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from refdb.database import Database
from refdb.models import Entity, Link
from refdb.services import curation, links, lookup
from refdb.services.edits import editing

SIZE = (100, 30)


def cells(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


def results(app: RefdbApp) -> list[list[str]]:
    """The search results as shown, one list of column texts per line."""
    options = app.screen.query_one("#results", ResultList)
    rows = []
    for index in range(options.option_count):
        line, cells = str(options.get_option_at_index(index).prompt), []
        for label in LABELS:
            cells.append(line[: options.widths[label]].strip())
            line = line[options.widths[label] :]
        rows.append([*cells, line.strip()])
    return rows


def text_of(app: RefdbApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def entity_id(database: Database, key: str) -> int:
    with database.session() as session:
        return lookup.find_entity(session, key).id  # type: ignore[return-value]


async def open_entity(pilot: Pilot, database: Database, key: str) -> EntityScreen:
    pilot.app.open_entity(entity_id(database, key))  # type: ignore[attr-defined]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EntityScreen)
    return screen


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    """Fill a field: the last character is a real key press, the rest is pasted for speed."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    await pilot.pause()
    field.value = text[:-1]
    field.cursor_position = len(field.value)
    await pilot.press(text[-1])


async def test_search_as_you_type_in_any_script(tui_db: Database) -> None:
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, SearchScreen)
        assert app.focused is app.screen.query_one("#search")
        await pilot.press(*"li shang")
        await settle(pilot)
        rows = results(app)
        assert rows[0][1:3] == ["entity", "Li Shangfu"]
        assert any(row[1] == "record" and row[-1] == "ofac-sdn 24838" for row in rows)
        assert "match(es) for 'li shang'" in text_of(app, "#search-status")

        await type_into(pilot, "#search", "李尚福")
        await settle(pilot)
        assert results(app)[0][2] == "Li Shangfu"

        await type_into(pilot, "#search", "zzqxw")
        await settle(pilot)
        assert results(app) == []
        # No match is said with what it covers: the seeds hold entries of no imported list.
        assert text_of(app, "#search-status") == (
            "no match for 'zzqxw'; lists: none imported yet (eu, ofac-cons, ofac-sdn, uk, un: "
            "`refdb import --list` shows where from)"
        )


async def test_open_entity_shows_timeline_and_confirmed_link(tui_db: Database) -> None:
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"li shang")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EntityScreen)
        assert text_of(app, "#entity-title").startswith("Li Shangfu  person")
        posts = cells(app.screen.query_one("#table-posts", DataTable))
        full = [
            "Minister of National Defense",
            "State Councilor",
            "Member of the Central Military Commission of the People's Republic of China",
            "Member of the Central Military Commission of the Communist Party of China",
            "Director of the Equipment Development Department",
        ]
        # Long titles are cut to fit the width; the detail panel shows the selected one whole.
        assert [row[4].rstrip("…") for row in posts] == [
            post[: len(row[4]) - 1] if row[4].endswith("…") else post
            for row, post in zip(posts, full, strict=True)
        ]
        assert full[0] in text_of(app, "#detail")
        assert posts[0][1:3] == ["2023-03-12", "2023-10-24"]
        await pilot.press("2")
        await settle(pilot)
        sanctions = cells(app.screen.query_one("#table-sanctions", DataTable))
        assert sanctions[0][0] == "confirmed"
        assert sanctions[0][2:5] == ["ofac-sdn", "24838", "CAATSA - RUSSIA"]
        assert sanctions[0][5].startswith("2018")
        assert "link confirmed" in text_of(app, "#detail")


async def test_jump_from_sanction_to_list_record_and_its_entities(tui_db: Database) -> None:
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entity(pilot, tui_db, "li-shangfu")
        await pilot.press("2")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EntryScreen)
        assert "record 24838" in text_of(app, "#entry-summary")
        linked = cells(app.screen.query_one("#links", DataTable))
        assert linked[0][:3] == ["Li Shangfu", "person", "confirmed"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EntityScreen)
        assert app.screen is not screen
        await pilot.press("escape", "escape")
        assert app.screen is screen


async def test_post_shows_all_holders_over_time(tui_db: Database) -> None:
    with editing(tui_db) as editor:
        posts = curation.list_posts(editor.session)
        post_id = next(p["id"] for p in posts if p["key"] == "prc-minister-of-national-defense")
        successor = curation.create_entity(editor, kind="person", name="Dong Jun")
        curation.add_tenure(editor, successor.id, post_id=post_id, start_on="2023-12", status="current")
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_entity(pilot, tui_db, "li-shangfu")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PostScreen)
        holders = cells(app.screen.query_one("#holders", DataTable))
        assert [(row[0], row[1], row[2]) for row in holders] == [
            ("● now", "Dong Jun", "2023-12"),
            ("", "Li Shangfu", "2023-03-12"),
        ]


async def test_countries_are_named_as_refdb_show_names_them(tui_db: Database) -> None:
    """The entity screen said "nationality cn" (near Switzerland's "ch") where `refdb show`
    says China; the post screen and the posts list showed codes too."""
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_entity(pilot, tui_db, "li-shangfu")
        assert "nationality China" in text_of(app, "#entity-facts")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PostScreen)
        assert "country China" in text_of(app, "#post-summary")
        await pilot.press("escape", "escape", "f4")
        await type_into(pilot, "#filter", "national defense")
        await settle(pilot)
        assert [row[2] for row in cells(app.screen.query_one("#posts", DataTable))] == ["China"]


async def test_posts_list_filters_as_you_type_and_enter_opens_a_post(tui_db: Database) -> None:
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        assert text_of(app, "#posts-status").endswith("post(s): enter opens one with all its holders")
        await type_into(pilot, "#filter", "national defense")
        await settle(pilot)
        titles = [row[0] for row in cells(app.screen.query_one("#posts", DataTable))]
        assert titles == ["Minister of National Defense"]
        assert text_of(app, "#posts-status") == "1 post(s): enter opens one with all its holders"
        await pilot.press("enter", "enter")  # the first moves to the table, the second opens
        await settle(pilot)
        assert isinstance(app.screen, PostScreen)
        assert app.screen.sub_title == "Minister of National Defense"
        await pilot.press("escape")
        await type_into(pilot, "#filter", "no such post")
        await settle(pilot)
        assert text_of(app, "#posts-status") == "no post matches 'no such post'"


async def test_add_tenure_with_partial_date_reaches_database_and_log(tui_db: Database) -> None:
    with tui_db.session() as session:
        post = next(p for p in curation.list_posts(session) if p["key"] == "us-secretary-of-defense")
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entity(pilot, tui_db, "li-shangfu")
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one("#field-post_id", Select).value = post["id"]
        await type_into(pilot, "#field-start_on", "2015-09")
        await type_into(pilot, "#field-reason", "test tenure")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        posts = cells(screen.query_one("#table-posts", DataTable))
        assert [posts[-1][1], posts[-1][4]] == ["2015-09", "Secretary of Defense"]
    with tui_db.session() as session:
        tenures = lookup.entity_profile(session, "li-shangfu")["tenures"]
        added = next(t for t in tenures if t["post_id"] == post["id"])
        assert (added["start"], added["end"], added["status"]) == ("2015-09", None, "unknown")
        change = curation.recent_changes(session, limit=1)[0]
    assert (change["actor"], change["action"], change["table"], change["row_id"]) == (
        "tui-tester",
        "create",
        "tenure",
        added["id"],
    )
    assert change["reason"] == "test tenure"


async def test_validation_errors_show_beside_fields_and_nothing_is_written(tui_db: Database) -> None:
    with tui_db.session() as session:
        before = len(curation.recent_changes(session, limit=10_000))
        post = curation.list_posts(session)[0]
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_entity(pilot, tui_db, "li-shangfu")
        await pilot.press("t")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(app, "#error-post_id") == "required"
        form.query_one("#field-post_id", Select).value = post["id"]
        await type_into(pilot, "#field-start_on", "2023-13")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "'2023-13' is not a valid date" in text_of(app, "#error-start_on")
        await type_into(pilot, "#field-start_on", "2023-05")
        await type_into(pilot, "#field-end_on", "2022")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(app, "#error-end_on") == "2022 is before the start 2023-05"
        assert text_of(app, "#error-start_on") == ""
        assert "fix the fields" in text_of(app, "#form-error")
        assert app.screen is form
    with tui_db.session() as session:
        assert len(curation.recent_changes(session, limit=10_000)) == before


async def test_stale_edit_is_refused_with_a_message(tui_db: Database) -> None:
    person = entity_id(tui_db, "li-shangfu")
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_entity(pilot, tui_db, "li-shangfu")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        # Someone else edits the same entity while the form is open.
        with editing(tui_db, actor="someone-else") as editor:
            editor.update(Entity, person, {"birth_place": "Chengdu, Sichuan"})
        await type_into(pilot, "#field-birth_place", "Xingguo")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "changed by someone else" in text_of(app, "#form-error")
    with tui_db.session() as session:
        assert lookup.find_entity(session, person).birth_place == "Chengdu, Sichuan"


async def test_edit_entity_saves_and_refreshes(tui_db: Database) -> None:
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_entity(pilot, tui_db, "li-shangfu")
        await pilot.press("e")
        await settle(pilot)
        await type_into(pilot, "#field-birth_place", "Chengdu, Sichuan")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EntityScreen)
        assert "Chengdu, Sichuan" in text_of(app, "#entity-facts")
    with tui_db.session() as session:
        assert lookup.find_entity(session, "li-shangfu").birth_place == "Chengdu, Sichuan"


def _propose(database: Database, entity_key: str, record_id: str) -> int:
    with editing(database, actor="matcher") as editor:
        entry = lookup.sanction_entry(editor.session, "ofac-sdn", record_id)
        link = links.propose_link(
            editor, entity_id(database, entity_key), entry["id"], score=0.61, explanation="name only"
        )
        return link.id  # type: ignore[return-value]


async def _decide(pilot: Pilot, key: str, reason: str) -> None:
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, FormScreen)
    await type_into(pilot, "#field-decision_reason", reason)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_confirm_and_reject_links_with_reasons(tui_db: Database) -> None:
    confirm_id = _propose(tui_db, "li-shangfu", "24837")
    reject_id = _propose(tui_db, "xie-feng", "24838")
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_entity(pilot, tui_db, "xie-feng")
        await pilot.press("2")
        await _decide(pilot, "x", "different person: Xie Feng is a diplomat")
        assert cells(app.screen.query_one("#table-sanctions", DataTable))[0][0] == "rejected"

        app.open_entry(lookup_entry_id(tui_db, "24837"))
        await settle(pilot)
        rows = cells(app.screen.query_one("#links", DataTable))
        proposed = next(index for index, row in enumerate(rows) if row[2] == "proposed")
        app.screen.query_one("#links", DataTable).move_cursor(row=proposed)
        await _decide(pilot, "c", "he directed the EDD when it was designated")
        assert cells(app.screen.query_one("#links", DataTable))[proposed][2] == "confirmed"
    with tui_db.session() as session:
        confirmed, rejected = session.get(Link, confirm_id), session.get(Link, reject_id)
        assert (confirmed.status, confirmed.decided_by) == ("confirmed", "tui-tester")
        assert rejected.status == "rejected"
        assert rejected.decision_reason == "different person: Xie Feng is a diplomat"


def lookup_entry_id(database: Database, record_id: str) -> int:
    with database.session() as session:
        return lookup.sanction_entry(session, "ofac-sdn", record_id)["id"]


async def test_decision_needs_a_reason(tui_db: Database) -> None:
    link_id = _propose(tui_db, "xie-feng", "24838")
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_entity(pilot, tui_db, "xie-feng")
        await pilot.press("2", "c")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert text_of(app, "#error-decision_reason") == "say why you decide so"
    with tui_db.session() as session:
        assert session.get(Link, link_id).status == "proposed"


async def test_delete_asks_first(tui_db: Database) -> None:
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entity(pilot, tui_db, "li-shangfu")
        await pilot.press("3")
        names = screen.query_one("#table-names", DataTable)
        count = names.row_count
        names.move_cursor(row=count - 1)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert names.row_count == count
        await pilot.press("d")
        await pilot.press("y")
        await settle(pilot)
        assert names.row_count == count - 1
    with tui_db.session() as session:
        assert len(lookup.entity_profile(session, "li-shangfu")["names"]) == count - 1
        assert curation.recent_changes(session, limit=1)[0]["action"] == "delete"


async def test_new_entity_is_searchable(tui_db: Database) -> None:
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await settle(pilot)
        await type_into(pilot, "#field-name", "Zhang Youxia")
        await type_into(pilot, "#field-birth_date", "1950-07")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EntityScreen)
        assert text_of(app, "#entity-title").startswith("Zhang Youxia  person")
        await pilot.press("escape")
        await type_into(pilot, "#search", "zhang youxia")
        await settle(pilot)
        assert results(app)[0][2] == "Zhang Youxia"


async def test_brackets_in_names_and_queries_are_shown_as_written(tui_db: Database) -> None:
    # List data holds brackets ("[SDGT] [SYRIA]"): as Textual markup they failed or styled.
    name = "Bracket [/] Holdings [b]"
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await settle(pilot)
        await type_into(pilot, "#field-name", name)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(app, "#entity-title").startswith(name)
        names = app.screen.query_one("#table-names", DataTable)
        assert [name, "primary"] == cells(names)[0][:2]
        await pilot.press("escape")
        await type_into(pilot, "#search", "bracket [/] holdings")
        await settle(pilot)
        assert "match(es) for 'bracket [/] holdings'" in text_of(app, "#search-status")
        assert results(app)[0][2] == name


async def test_holders_on_date_and_active_sanctions(tui_db: Database) -> None:
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        assert isinstance(app.screen, HoldersScreen)
        await type_into(pilot, "#post", "minister of national defense")
        await type_into(pilot, "#date", "2023-05")
        await pilot.press("enter")
        await settle(pilot)
        assert cells(app.screen.query_one("#answers", DataTable))[0][0] == "Li Shangfu"
        await type_into(pilot, "#date", "1990")
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(app, "#status").startswith("no holder of a post matching")

        await pilot.press("escape", "f3")
        assert isinstance(app.screen, ActiveSanctionsScreen)
        await type_into(pilot, "#date", "2019")
        await pilot.press("enter")
        await settle(pilot)
        records = [row[2] for row in cells(app.screen.query_one("#answers", DataTable))]
        assert "24838" in records
        await type_into(pilot, "#date", "2017")
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(app, "#status") == "no sanction entry active on 2017"


async def test_help_from_anywhere_and_palette_commands(tui_db: Database) -> None:
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await open_entity(pilot, tui_db, "li-shangfu")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "Add a post held, with dates" in text_of(app, "#help-keys")
        await pilot.press("escape", "ctrl+p")
        await pilot.press(*"tenure add")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert app.screen.form_title == "Add a tenure"


def test_cli_does_not_import_textual() -> None:
    code = "import sys, refdb.cli; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


FIRST_SCREEN_PROBE = """
import asyncio, sys
from refdb.database import Database
from refdb_tui.app import PRELOADED, RefdbApp

imported = [m for m in ("sqlmodel", "sqlalchemy.orm", "refdb.models", *PRELOADED) if m in sys.modules]

async def main():
    app = RefdbApp(Database(sys.argv[1]))
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
    print(imported, [m for m in PRELOADED if m not in sys.modules])

asyncio.run(main())
"""


def test_the_first_screen_waits_for_no_orm_and_the_rest_is_preloaded(tui_db: Database) -> None:
    """Issue 5: the search screen shows before the ORM and the other screens are imported;
    a worker imports them once it is shown."""
    result = subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN_PROBE, tui_db.url], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] []"


async def test_key_bar_runs_a_binding_on_click(tui_db: Database) -> None:
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_entity(pilot, tui_db, "li-shangfu")
        bar = app.screen.query_one(KeyBar)
        column = str(bar.render()).index(" e Edit") + 1
        await pilot.click(KeyBar, offset=(column, 0))
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert app.screen.form_title == "Edit entity Li Shangfu"


async def test_the_main_screen_s_key_bar_shows_the_way_out_and_it_quits(tui_db: Database) -> None:
    """Textual hides its ctrl+q from footers: a new user found no quit key."""
    app = RefdbApp(tui_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = screen_lines(app)[-1]
        assert footer.rstrip().endswith("^q Quit"), footer
        assert "f1 Help" in footer, "the screen's other keys stay on an 80-column bar"
        await pilot.click(KeyBar, offset=(footer.index("^q Quit") + 1, 0))
        await pilot.pause()
        assert app.return_code == 0, "a click on it quits, as ctrl+q does"


async def test_refused_delete_is_explained_and_changes_nothing(tui_db: Database) -> None:
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_entity(pilot, tui_db, "li-shangfu")
        await pilot.press("ctrl+d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        await pilot.pause(0.1)  # toasts mount a moment after the notification
        shown = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert any("still has" in text and "delete those first" in text for text in shown)
    with tui_db.session() as session:
        assert lookup.find_entity(session, "li-shangfu").name == "Li Shangfu"


async def test_propose_a_link_from_an_entity(tui_db: Database) -> None:
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entity(pilot, tui_db, "xie-feng")
        await pilot.press("p")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one("#field-entity", Input).value == "xie-feng"
        form.query_one("#field-list_key", Select).value = "ofac-sdn"
        await type_into(pilot, "#field-record_id", "24838")
        await type_into(pilot, "#field-score", "0.42")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("2")
        assert cells(screen.query_one("#table-sanctions", DataTable))[0][:4] == [
            "proposed",
            "0.42",
            "ofac-sdn",
            "24838",
        ]


async def test_new_source_entry_and_citation(tui_db: Database) -> None:
    with tui_db.session() as session:
        sdn = next(x["id"] for x in curation.list_sanction_lists(session) if x["key"] == "ofac-sdn")
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5", "ctrl+n")
        await settle(pilot)
        await type_into(pilot, "#field-title", "Treasury press release sm0479")
        await pilot.press("ctrl+s")
        await settle(pilot)
        titles = [row[0] for row in cells(app.screen.query_one("#sources", DataTable))]
        assert "Treasury press release sm0479" in titles
        await pilot.press("escape")

        await app.run_action("new_entry")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one("#field-list_id", Select).value = sdn
        await type_into(pilot, "#field-record_id", "99999")
        await type_into(pilot, "#field-name", "TEST TRADING LLC")
        await type_into(pilot, "#field-listed_on", "2024-06")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EntryScreen)
        assert "record 99999" in text_of(app, "#entry-summary")

        await pilot.press("s")
        await settle(pilot)
        with tui_db.session() as session:
            source_id = curation.list_sources(session, "sm0479")[0]["id"]
        app.screen.query_one("#field-source_id", Select).value = source_id
        await type_into(pilot, "#field-locator", "para 3")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Treasury press release sm0479" in text_of(app, "#entry-summary")


async def test_a_name_with_a_made_up_language_or_script_is_refused(tui_db: Database) -> None:
    app = RefdbApp(tui_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_entity(pilot, tui_db, "li-shangfu")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        for field, value in (("name", "Ли Шанфу"), ("lang", "russian!!"), ("script", "Cyrillic")):
            app.screen.query_one(f"#field-{field}", Input).value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert "is not a language code" in text_of(app, "#error-lang")
        assert "is not a four-letter ISO 15924 script code" in text_of(app, "#error-script")
        app.screen.query_one("#field-lang", Input).value = "ru"
        app.screen.query_one("#field-script", Input).value = "cyrl"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EntityScreen)
    with tui_db.session() as session:
        names = lookup.entity_profile(session, "li-shangfu")["names"]
        assert [(n["lang"], n["script"]) for n in names if n["name"] == "Ли Шанфу"] == [("ru", "Cyrl")]


async def test_help_guide_fits_80_columns_unwrapped(tui_db: Database) -> None:
    """Its lines were cut for 80 columns but the box is narrower: "beside" alone on a line."""
    app = RefdbApp(tui_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await settle(pilot)
        guide = app.screen.query_one("#help-guide", Static)
        assert guide.size.height == len(str(guide.render()).splitlines())


async def test_a_long_list_record_scrolls_instead_of_being_cut(tui_db: Database) -> None:
    """At 80x24 the record's summary stopped at ten lines, mid-remarks, with no way on."""
    app = RefdbApp(tui_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_entity(pilot, tui_db, "li-shangfu")
        await pilot.press("2", "enter")
        await settle(pilot)
        assert isinstance(app.screen, EntryScreen)
        scroll = app.screen.query_one("#entry-scroll")
        assert scroll.max_scroll_y > 0
        scroll.scroll_end(animate=False)
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "▸ " in text  # the sources cited for the record, after the remarks
        assert app.focused is app.screen.query_one("#links")  # enter still opens a linked entity
