"""The yes/no control of the forms (e.g. a tenure's "Acting"): how it reads, what it saves."""

from __future__ import annotations

import pytest
from pilot_helpers import settle
from refdb_tui.app import RefdbApp
from refdb_tui.screens.entity import EntityScreen
from refdb_tui.screens.form import FormScreen, YesNo
from test_app import SIZE, cells, open_entity, type_into
from textual.pilot import Pilot
from textual.widgets import DataTable, Select

from refdb.database import Database
from refdb.services import curation, lookup


async def open_tenure_form(pilot: Pilot, database: Database) -> tuple[EntityScreen, FormScreen]:
    screen = await open_entity(pilot, database, "li-shangfu")
    await pilot.press("t")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    return screen, form


def looks(box: YesNo) -> str:
    """The acting control as drawn: box, glyph inside it, box, then the label."""
    return box.render().plain.rstrip()


async def test_acting_box_reads_off_and_on(tui_db: Database) -> None:
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        _, form = await open_tenure_form(pilot, tui_db)
        box = form.query_one("#field-acting", YesNo)
        assert (box.value, looks(box)) == (False, "▐ ▌ no")
        assert "X" not in looks(box)
        box.focus()
        await pilot.press("space")
        assert (box.value, looks(box)) == (True, "▐✓▌ yes")
        await pilot.press("space")
        assert (box.value, looks(box)) == (False, "▐ ▌ no")
        await pilot.press("enter")
        assert (box.value, looks(box)) == (True, "▐✓▌ yes")


@pytest.mark.parametrize(
    ("presses", "acting", "shown"),
    [
        (("space", "space", "enter"), True, "Secretary of Defense (acting)"),
        (("space", "space"), False, "Secretary of Defense"),
    ],
)
async def test_saving_stores_what_the_box_shows(
    tui_db: Database, presses: tuple[str, ...], acting: bool, shown: str
) -> None:
    with tui_db.session() as session:
        post = next(p for p in curation.list_posts(session) if p["key"] == "us-secretary-of-defense")
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        screen, form = await open_tenure_form(pilot, tui_db)
        form.query_one("#field-acting", YesNo).focus()
        await pilot.press(*presses)
        form.query_one("#field-post_id", Select).value = post["id"]
        await type_into(pilot, "#field-start_on", "2015-09")
        await type_into(pilot, "#field-reason", "tenure with acting set by the box")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert shown in [row[4] for row in cells(screen.query_one("#table-posts", DataTable))]
    with tui_db.session() as session:
        tenures = lookup.entity_profile(session, "li-shangfu")["tenures"]
    assert next(t for t in tenures if t["post_id"] == post["id"])["acting"] is acting


async def test_an_acting_tenure_opens_ticked(tui_db: Database) -> None:
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE):
        box = YesNo(True, id="box")
        await app.screen.mount(box)
        assert (box.value, looks(box)) == (True, "▐✓▌ yes")
