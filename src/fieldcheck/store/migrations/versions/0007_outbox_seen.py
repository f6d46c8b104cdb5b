"""outbox seen: the feed cursor each edit was made at

Revision ID: 0007_outbox_seen
Revises: 0006_followup_tally

An op's base values say what a field held before the edit; `seen` says which of the
server's writes the laptop had pulled when it was made. With it the server can tell a base
value the laptop read from another laptop's write from the same value the laptop had itself
(the one another laptop happened to write too), and records a conflict instead of silently
taking the older edit over a newer one. Ops queued before this revision have none: the server
then goes by the push's cursor, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_outbox_seen"
down_revision = "0006_followup_tally"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: no table is rebuilt, so 0006's triggers stay as they are.
    op.add_column("outbox", sa.Column("seen", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("outbox", "seen")
