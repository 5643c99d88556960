"""search postings on PostgreSQL: each key's document ids stored with the key

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 16:00:00

Through the GIN index a search read one ``search_doc`` page per document holding a key
(3,100 pages a search at 1,000,000 entities, most outside the server's cache);
``search_posting`` holds a key's ids in a few rows, ``search_gone`` the ids removed
from them since. Filled here from ``search_doc`` as
it stands, so an index already built stays valid without a rebuild; statements written
out as they were at this revision, not imported from the live index code. SQLite's FTS5
table already keeps each key's ids together: nothing changes there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = (
    "CREATE TABLE search_posting (key TEXT NOT NULL, ids BIGINT[] NOT NULL)",
    # Ids removed from a key's list and not yet rewritten out of it.
    "CREATE TABLE search_gone (key TEXT NOT NULL, doc BIGINT NOT NULL, PRIMARY KEY (key, doc))",
    "INSERT INTO search_posting (key, ids) "
    "SELECT key, array_agg(id ORDER BY id) FROM search_doc, unnest(keys) AS key GROUP BY key",
    # After the fill: one index build instead of one insert per key.
    "CREATE INDEX search_posting_key ON search_posting (key)",
)


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for statement in UPGRADE:
            connection.exec_driver_sql(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.get_bind().exec_driver_sql("DROP TABLE search_posting, search_gone")
