"""search index: FTS5 (SQLite) or GIN (PostgreSQL) over entity and entry names

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 08:40:00

The tables are described in refdb.search.index, not in the models: env.py leaves
tables named search_* out of the autogenerate comparison.
"""

from collections.abc import Sequence

from alembic import op

from refdb.search import index

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    index.install(connection)
    index.rebuild(connection)


def downgrade() -> None:
    index.uninstall(op.get_bind())
