"""screening decisions: an analyst's verdict on a hit (cleared or confirmed), with a reason

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "screening_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("birth_date", sa.String(length=10), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("target_facts", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("verdict IN ('cleared', 'confirmed')", name=op.f("ck_screening_decision_verdict")),
        sa.CheckConstraint(
            "(entry_id IS NULL) <> (entity_id IS NULL)", name=op.f("ck_screening_decision_one_target")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["sanction_entry.id"], name=op.f("fk_screening_decision_entry_id_sanction_entry")
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entity.id"], name=op.f("fk_screening_decision_entity_id_entity")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_decision")),
    )
    with op.batch_alter_table("screening_decision") as batch:
        batch.create_index(batch.f("ix_screening_decision_name_key"), ["name_key"], unique=False)
        batch.create_index(batch.f("ix_screening_decision_entry_id"), ["entry_id"], unique=False)
        batch.create_index(batch.f("ix_screening_decision_entity_id"), ["entity_id"], unique=False)


def downgrade() -> None:
    op.drop_table("screening_decision")
