"""Alembic environment of the server's own schema (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from fieldcheck.server.tables import ServerBase

# Several server processes may start at once on one PostgreSQL database.
_MIGRATION_LOCK = 7_031_942


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("the server runs its migrations on a connection it passes in")
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
    context.configure(
        connection=connection,
        target_metadata=ServerBase.metadata,
        render_as_batch=not postgres,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
