"""records.settled_device: the pushing device's pulls skip what it already holds;
records.blob_sha256 also names an issued notice's PDF

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settled_device', sa.String(length=36), nullable=True))
    records = sa.table('records', sa.column('entity', sa.String), sa.column('id', sa.String),
                       sa.column('data', sa.Text), sa.column('blob_sha256', sa.String))
    bind = op.get_bind()
    notices = bind.execute(sa.select(records.c.id, records.c.data)
                           .where(records.c.entity == 'notice')).all()
    for notice_id, data in notices:
        sha = json.loads(data).get('pdf_sha256') or None
        if sha:
            bind.execute(sa.update(records).where(records.c.entity == 'notice',
                                                  records.c.id == notice_id)
                         .values(blob_sha256=sha))


def downgrade() -> None:
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_column('settled_device')
