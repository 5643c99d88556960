"""Options given before the command: `refdb --db URL officials`."""

from __future__ import annotations

import json
import os


def test_a_db_before_the_command_is_the_commands_database(refdb, shared_seeded_db, tmp_path):
    after = refdb("officials", "--sanctioned", "yes", "--json", "--db", shared_seeded_db.url)
    before = refdb("--db", shared_seeded_db.url, "officials", "--sanctioned", "yes", "--json")
    assert before.code == 0, before.err
    assert json.loads(before.out) == json.loads(after.out)
    assert [o["name"] for o in json.loads(before.out)["items"]] == ["Li Shangfu"]
    assert "REFDB_URL" not in os.environ, "the next command in this process would have used it"
    # The command's own --db wins over the one before it.
    missing = tmp_path / "absent.db"
    chosen = refdb("--db", str(missing), "officials", "--json", "--db", shared_seeded_db.url)
    assert chosen.code == 0, chosen.err
    refused = refdb("--db", str(missing), "officials", "--json")
    assert (refused.code, refused.err_lines) == (
        2,
        [f"refdb: no database at {missing}: create it with `refdb init --db {missing}`"],
    )
