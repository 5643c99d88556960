"""honest dates: a tenure's last confirmation, an entry's listing and delisting bounds

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 04:10:00

Existing rows are filled from what the database already knows: a current or unknown
tenure was last confirmed when its last change record was written; an entry was listed
no later than the day refdb first saw it, and a delisted entry was delisted after the
day it was last seen in a list file.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tenure") as batch:
        batch.add_column(
            sa.Column("confirmed_on", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True)
        )
    with op.batch_alter_table("sanction_entry") as batch:
        batch.add_column(sa.Column("listed_no_later_than", sa.Date(), nullable=True))
        batch.add_column(sa.Column("delisted_after", sa.Date(), nullable=True))
    sqlite = op.get_bind().dialect.name == "sqlite"

    def day(column: str) -> str:  # the UTC day of a stored time, as ISO text
        return f"substr({column}, 1, 10)" if sqlite else f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"

    def as_date(column: str) -> str:  # SQLite keeps dates as ISO text
        return day(column) if sqlite else f"({column} AT TIME ZONE 'UTC')::date"

    op.execute(
        "UPDATE tenure SET confirmed_on = (SELECT "
        + day("max(change.at)")
        + " FROM change WHERE change.table_name = 'tenure' AND change.row_id = tenure.id) "
        "WHERE status IN ('current', 'unknown')"
    )
    op.execute(f"UPDATE sanction_entry SET listed_no_later_than = {as_date('first_seen')}")
    op.execute(
        f"UPDATE sanction_entry SET delisted_after = {as_date('last_seen')} "
        f"WHERE delisted_from IS NOT NULL AND {as_date('last_seen')} < delisted_from"
    )


def downgrade() -> None:
    with op.batch_alter_table("sanction_entry") as batch:
        batch.drop_column("delisted_after")
        batch.drop_column("listed_no_later_than")
    with op.batch_alter_table("tenure") as batch:
        batch.drop_column("confirmed_on")
