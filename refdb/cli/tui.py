"""`refdb tui`: the terminal UI. Textual is imported here, lazily, so no other command pays for it."""

from __future__ import annotations

from refdb.cli import app
from refdb.cli.options import ActorOption, DbOption, open_database


@app.command()
def tui(db: DbOption = None, actor: ActorOption = None) -> None:
    """Open the terminal UI: search, browse and edit, with every edit in the change log.

    Examples:
      refdb tui
      refdb tui --db team.db --actor alice
    """
    database = open_database(db, actor)
    from refdb_tui.app import RefdbApp

    RefdbApp(database).run()
