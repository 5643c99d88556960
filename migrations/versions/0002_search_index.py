"""search index: FTS5 (SQLite) or GIN (PostgreSQL) over entity and entry names

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 08:40:00

The tables are described in refdb.search.index, not in the models: env.py leaves
tables named search_* out of the autogenerate comparison. Their statements are
written out here, as they were at this revision, rather than imported from the live
index code. The index starts empty and without a key version: the next search (or
first-run creation, refdb.bootstrap) builds it with the code's keys.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables, in the order they are dropped.
TABLES = ("search_fts", "search_doc", "search_term", "search_pending")

SQLITE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "keys, content='', detail=none, columnsize=0, tokenize=\"unicode61 tokenchars '~'\")",
    "CREATE TABLE search_doc (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, "
    "forms TEXT NOT NULL, keys TEXT NOT NULL)",
    "CREATE TABLE search_term (term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE search_pending (doc INTEGER PRIMARY KEY)",
    # A name's document id is its row id times two, plus 0 (name) or 1 (entry_name).
    "CREATE TRIGGER search_name_insert AFTER INSERT ON name "
    "BEGIN INSERT OR IGNORE INTO search_pending VALUES (new.id * 2 + 0); END",
    "CREATE TRIGGER search_name_update AFTER UPDATE OF name, entity_id ON name "
    "BEGIN INSERT OR IGNORE INTO search_pending VALUES (old.id * 2 + 0); "
    "INSERT OR IGNORE INTO search_pending VALUES (new.id * 2 + 0); END",
    "CREATE TRIGGER search_name_delete AFTER DELETE ON name "
    "BEGIN INSERT OR IGNORE INTO search_pending VALUES (old.id * 2 + 0); END",
    "CREATE TRIGGER search_entry_name_insert AFTER INSERT ON entry_name "
    "BEGIN INSERT OR IGNORE INTO search_pending VALUES (new.id * 2 + 1); END",
    "CREATE TRIGGER search_entry_name_update AFTER UPDATE OF name, entry_id ON entry_name "
    "BEGIN INSERT OR IGNORE INTO search_pending VALUES (old.id * 2 + 1); "
    "INSERT OR IGNORE INTO search_pending VALUES (new.id * 2 + 1); END",
    "CREATE TRIGGER search_entry_name_delete AFTER DELETE ON entry_name "
    "BEGIN INSERT OR IGNORE INTO search_pending VALUES (old.id * 2 + 1); END",
)

POSTGRESQL = (
    "CREATE TABLE search_doc (id BIGINT PRIMARY KEY, owner BIGINT NOT NULL, "
    "forms TEXT NOT NULL, keys TEXT[] NOT NULL)",
    "CREATE INDEX search_doc_keys ON search_doc USING gin (keys)",
    "CREATE TABLE search_term (term TEXT PRIMARY KEY, docs INTEGER NOT NULL)",
    "CREATE TABLE search_pending (doc BIGINT PRIMARY KEY)",
    """CREATE FUNCTION search_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE parity integer := CASE WHEN TG_TABLE_NAME = 'name' THEN 0 ELSE 1 END;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO search_pending VALUES (OLD.id * 2 + parity) ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO search_pending VALUES (NEW.id * 2 + parity) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$""",
    "CREATE TRIGGER search_name_enqueue AFTER INSERT OR DELETE OR UPDATE OF name, entity_id "
    "ON name FOR EACH ROW EXECUTE FUNCTION search_enqueue()",
    "CREATE TRIGGER search_entry_name_enqueue AFTER INSERT OR DELETE OR UPDATE OF name, entry_id "
    "ON entry_name FOR EACH ROW EXECUTE FUNCTION search_enqueue()",
)


def _run(statements: Sequence[str]) -> None:
    connection = op.get_bind()
    for statement in statements:
        connection.exec_driver_sql(statement)


def upgrade() -> None:
    # Names already there are indexed by the next search: an index without a key
    # version is rebuilt whole.
    _run(POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _run((
            "DROP TRIGGER IF EXISTS search_name_enqueue ON name",
            "DROP TRIGGER IF EXISTS search_entry_name_enqueue ON entry_name",
            "DROP FUNCTION IF EXISTS search_enqueue()",
        ))  # fmt: skip
    else:
        _run(
            [
                f"DROP TRIGGER IF EXISTS search_{t}_{e}"
                for t in ("name", "entry_name")
                for e in ("insert", "update", "delete")
            ]
        )
    _run([f"DROP TABLE IF EXISTS {table}" for table in TABLES])
