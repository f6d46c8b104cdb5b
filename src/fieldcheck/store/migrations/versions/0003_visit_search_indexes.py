"""visit list index: covering index for substring search and counting

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_visits_search", "visits", ["id", "deleted", "search_text"])


def downgrade() -> None:
    op.drop_index("ix_visits_search", table_name="visits")
