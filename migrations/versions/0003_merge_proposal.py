"""merge proposals: two entities an importer thinks may be one, for a person to decide

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "merge_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("proposed_by", sa.String(length=120), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "status IN ('proposed', 'accepted', 'rejected')", name=op.f("ck_merge_proposal_status")
        ),
        sa.CheckConstraint("entity_id <> other_id", name=op.f("ck_merge_proposal_not_self")),
        sa.CheckConstraint(
            "score IS NULL OR (score >= 0 AND score <= 1)", name=op.f("ck_merge_proposal_score_range")
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entity.id"], name=op.f("fk_merge_proposal_entity_id_entity")
        ),
        sa.ForeignKeyConstraint(["other_id"], ["entity.id"], name=op.f("fk_merge_proposal_other_id_entity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merge_proposal")),
        sa.UniqueConstraint("entity_id", "other_id", name=op.f("uq_merge_proposal_entity_id_other_id")),
    )
    with op.batch_alter_table("merge_proposal") as batch:
        batch.create_index(batch.f("ix_merge_proposal_entity_id"), ["entity_id"], unique=False)
        batch.create_index(batch.f("ix_merge_proposal_other_id"), ["other_id"], unique=False)


def downgrade() -> None:
    op.drop_table("merge_proposal")
