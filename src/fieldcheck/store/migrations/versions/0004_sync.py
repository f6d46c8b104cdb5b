"""sync-ready local model: field-level outbox, natural-key ids, leases, reasons on records

Revision ID: 0004
Revises: 0003

Every unsynced outbox row is kept: an old whole-record snapshot becomes an op whose changed
fields are the snapshot's replicated fields, with no base values (the server then merges it
field by field and turns any difference into a visible conflict, never a silent overwrite).
Answers and photo links take the ids derived from their natural keys, and the outbox rows
that name them follow.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The same namespace as fieldcheck.ids.NATURAL_NAMESPACE (kept here: a migration is frozen).
NATURAL_NAMESPACE = uuid.UUID("0b6f3e0e-5a8c-4d51-9b8e-2f7d1c3a9e44")
NOT_SHIPPED = {
    "visit": {"search_text", "updated_at"},
    "finding": {"unit_id", "updated_at"},
    "signature": {"png", "updated_at"},
}


def _natural_id(kind: str, *parts: str) -> str:
    return str(uuid.uuid5(NATURAL_NAMESPACE, ":".join((kind, *parts))))


def upgrade() -> None:
    with op.batch_alter_table("visits") as batch:
        batch.add_column(sa.Column("cancel_reason", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("reopen_reason", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("correction_reason", sa.Text(), nullable=False, server_default=""))
        batch.drop_constraint("uq_notices_number", type_="unique")
        batch.create_index("ix_notices_number", ["number"])
    with op.batch_alter_table("number_blocks") as batch:
        batch.add_column(sa.Column("lease_key", sa.String(36), nullable=True))
        batch.add_column(sa.Column("expires_at", sa.String(32), nullable=True))
    with op.batch_alter_table("local_identity") as batch:
        batch.add_column(sa.Column("server_url", sa.String(300), nullable=False, server_default=""))
        batch.add_column(sa.Column("username", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("role", sa.String(20), nullable=False, server_default=""))
        batch.add_column(sa.Column("team", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("enrolled_at", sa.String(32), nullable=True))
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("record_hash", sa.String(64), nullable=False, server_default=""))
    _create_sync_records()
    _reasons_onto_records()
    _outbox_to_field_ops()
    _natural_ids()


def _common() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False, server_default="0"),
        sa.Column("visit_id", sa.String(36), nullable=True, index=True),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(36), nullable=False),
    ]


def _create_sync_records() -> None:
    op.create_table(
        "conflicts", *_common(),
        sa.Column("field", sa.String(60), nullable=False),
        sa.Column("kept_value", sa.Text(), nullable=True),
        sa.Column("kept_by", sa.String(100), nullable=False),
        sa.Column("kept_at", sa.String(40), nullable=False),
        sa.Column("other_value", sa.Text(), nullable=True),
        sa.Column("other_by", sa.String(100), nullable=False),
        sa.Column("other_at", sa.String(40), nullable=False),
        sa.Column("other_device", sa.String(36), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolved_by", sa.String(100), nullable=False),
        sa.Column("resolved_at", sa.String(32), nullable=True),
    )
    op.create_table(
        "rejections", *_common(),
        sa.Column("op_id", sa.String(36), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("changed", sa.Text(), nullable=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("made_by", sa.String(100), nullable=False),
        sa.Column("made_at", sa.String(40), nullable=False),
    )


def _reasons_onto_records() -> None:
    """Cancel, reopen and correction reasons were kept only in audit details."""
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT action, entity_id, detail FROM audit_events "
        "WHERE action IN ('visit.cancel', 'visit.reopen', 'notice.correct') ORDER BY seq"
    )).all()
    for action, entity_id, detail in rows:
        reason = (json.loads(detail) if detail else {}).get("reason") or ""
        if action == "notice.correct":
            conn.execute(sa.text("UPDATE notices SET correction_reason = :r WHERE id = :i"),
                         {"r": reason, "i": entity_id})
        else:
            column = "cancel_reason" if action == "visit.cancel" else "reopen_reason"
            conn.execute(sa.text(f"UPDATE visits SET {column} = :r WHERE id = :i"),
                         {"r": reason, "i": entity_id})


def _outbox_to_field_ops() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT seq, entity, entity_id, payload FROM outbox ORDER BY seq")).all()
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("kind", sa.String(10), nullable=False, server_default="update"))
        batch.add_column(sa.Column("changed", sa.Text(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("base", sa.Text(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("made_by", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("acked_version", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("status", sa.String(10), nullable=False, server_default="pending"))
        batch.create_index("ix_outbox_entity_id", ["entity_id"])
    seen: set[tuple[str, str]] = set()
    for seq, entity, entity_id, payload in rows:
        snapshot: dict[str, Any] = json.loads(payload) if payload else {}
        skip = NOT_SHIPPED.get(entity, {"updated_at"})
        changed = {k: v for k, v in snapshot.items() if k not in skip}
        kind = "update" if (entity, entity_id) in seen else "create"
        seen.add((entity, entity_id))
        conn.execute(
            sa.text("UPDATE outbox SET kind = :k, changed = :c, base = '{}' WHERE seq = :s"),
            {"k": kind, "c": _canonical(changed), "s": seq},
        )
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("payload")
        batch.drop_column("op")
        batch.drop_column("base_version")


def _natural_ids() -> None:
    conn = op.get_bind()
    renames: list[tuple[str, str, str]] = []
    for old, visit_id, item_key in conn.execute(sa.text("SELECT id, visit_id, item_key FROM answers")):
        renames.append(("answers", old, _natural_id("answer", visit_id, item_key)))
    for old, visit_id, sha in conn.execute(sa.text("SELECT id, visit_id, sha256 FROM photos")):
        renames.append(("photos", old, _natural_id("photo", visit_id, sha)))
    for table, old, new in renames:
        if old == new:
            continue
        conn.execute(sa.text(f"UPDATE {table} SET id = :new WHERE id = :old"), {"new": new, "old": old})
        for seq, changed in conn.execute(
            sa.text("SELECT seq, changed FROM outbox WHERE entity_id = :old"), {"old": old}
        ).all():
            data = json.loads(changed)
            if "id" in data:
                data["id"] = new
            conn.execute(sa.text("UPDATE outbox SET entity_id = :new, changed = :c WHERE seq = :s"),
                         {"new": new, "c": _canonical(data), "s": seq})


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def downgrade() -> None:
    raise NotImplementedError("the sync-ready store cannot be turned back into 0003")
