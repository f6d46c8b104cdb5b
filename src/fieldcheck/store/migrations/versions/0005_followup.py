"""follow-up: events of a finding's follow-up, its milestones, unit predecessors, period notices

Revision ID: 0005_followup
Revises: 0004

A 通报 covers a period rather than one visit, so a notice's visit and unit may be empty.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_followup"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followup_events",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False, server_default="0"),
        sa.Column("finding_id", sa.String(36), sa.ForeignKey(
            "findings.id", name="fk_followup_events_finding_id_findings"), nullable=False),
        sa.Column("visit_id", sa.String(36), sa.ForeignKey(
            "visits.id", name="fk_followup_events_visit_id_visits"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("status_from", sa.String(20), nullable=False),
        sa.Column("status_to", sa.String(20), nullable=False),
        sa.Column("notice_id", sa.String(36), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("previous_deadline", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("files", sa.Text(), nullable=True),
        sa.Column("photo_ids", sa.Text(), nullable=True),
        sa.Column("reinspection_visit_id", sa.String(36), nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=False),
    )
    for column in ("finding_id", "visit_id", "notice_id", "reinspection_visit_id"):
        op.create_index(f"ix_followup_events_{column}", "followup_events", [column])
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("notified_at", sa.String(32), nullable=True))
        batch.add_column(sa.Column("rectified_at", sa.String(32), nullable=True))
        batch.add_column(sa.Column("verified_at", sa.String(32), nullable=True))
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("predecessor_ids", sa.Text(), nullable=True, server_default="[]"))
    with op.batch_alter_table("notices") as batch:
        batch.alter_column("visit_id", existing_type=sa.String(36), nullable=True)
        batch.alter_column("unit_id", existing_type=sa.String(36), nullable=True)


def downgrade() -> None:
    raise NotImplementedError("the follow-up store cannot be turned back into 0004")
