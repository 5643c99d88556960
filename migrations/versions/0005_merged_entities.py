"""merged entities: an entity merged into another is kept as a redirect to it

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 07:00:00

Accepting a merge proposal moves the other entity's names, identifiers, tenures, links and
citations onto the kept one; the emptied entity stays, pointing at the one it was merged
into, so its old id still resolves and its history stays readable.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("entity") as batch:
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_entity_merged_into_id_entity"), "entity", ["merged_into_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("entity") as batch:
        batch.drop_constraint(batch.f("fk_entity_merged_into_id_entity"), type_="foreignkey")
        batch.drop_column("merged_into_id")
