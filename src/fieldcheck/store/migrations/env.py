"""Alembic environment of the laptop's local store.

Run programmatically by fieldcheck.store.migrate with a Connection in
config.attributes["connection"]; render_as_batch lets SQLite alter tables.
"""

from __future__ import annotations

from alembic import context

from fieldcheck.models import Base

config = context.config
connection = config.attributes.get("connection")


def run_migrations_online() -> None:
    if connection is None:
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
        with engine.connect() as conn:
            context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
