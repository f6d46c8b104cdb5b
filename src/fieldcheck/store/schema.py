"""The schema revision this code expects, known without importing Alembic.

Alembic (with mako and pygments) costs ~0.2 s to import; start-up only needs it when a
store must be migrated. tests/store/test_open_store.py checks this equals Alembic's head.
"""

SCHEMA_HEAD = "0005_followup"
