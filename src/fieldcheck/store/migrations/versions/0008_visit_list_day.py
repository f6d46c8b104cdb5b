"""visit list day: the list in date order, by the laptop's calendar

Revision ID: 0008_visit_list_day
Revises: 0007_outbox_seen

The visit list was in creation order (UUIDv7 ids), so plans made in advance, visits synced
from other laptops and the demo's history came out of date order; and its date filter took
an ad-hoc visit's day from its start in UTC, a day early for one started before 08:00 in
Beijing. Each visit now keeps `list_day`: its planned day, else the local calendar day of its
start, else of its creation (SQLite's 'localtime', the laptop's zone, as 0006's found_on).
Triggers keep it on every insert and on every change of the plan or the start, whichever code
wrote the row (the domain, a sync, a migration). The list orders by (list_day, id), newest
first, through `ix_visits_list`, which also carries what a search reads (the row's deletion
mark and search text) so a search still reads index pages only; it replaces
ix_visits_search (id order).

A later migration that rebuilds `visits` in batch mode drops these triggers and must create
them again (see 0006 for the findings' triggers).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_visit_list_day"
down_revision = "0007_outbox_seen"
branch_labels = None
depends_on = None

DAY = ("COALESCE({r}.planned_for, date({r}.started_at, 'localtime'), "
       "date({r}.created_at, 'localtime'), '')")


def upgrade() -> None:
    op.add_column("visits", sa.Column("list_day", sa.String(10), nullable=True))
    op.execute(f"UPDATE visits SET list_day = {DAY.format(r='visits')}")
    for name, when in (("insert", "AFTER INSERT ON visits"),
                       ("plan", "AFTER UPDATE OF planned_for, started_at, created_at ON visits")):
        op.execute(f"""CREATE TRIGGER visits_list_day_{name} {when}
            BEGIN UPDATE visits SET list_day = {DAY.format(r='NEW')} WHERE id = NEW.id; END""")
    op.create_index("ix_visits_list", "visits", ["list_day", "id", "deleted", "search_text"])
    op.drop_index("ix_visits_search", table_name="visits")


def downgrade() -> None:
    op.create_index("ix_visits_search", "visits", ["id", "deleted", "search_text"])
    op.drop_index("ix_visits_list", table_name="visits")
    op.execute("DROP TRIGGER visits_list_day_insert")
    op.execute("DROP TRIGGER visits_list_day_plan")
    op.drop_column("visits", "list_day")
