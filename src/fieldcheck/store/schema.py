"""The schema revision this code expects, known without importing Alembic.

Alembic (with mako and pygments) costs ~0.2 s to import; start-up only needs it when a
store must be migrated. tests/store/test_open_store.py checks these equal Alembic's revisions.
"""

# Every revision this code knows, oldest first: a store at any other revision was written by a
# newer FieldCheck and is refused before anything touches it.
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005_followup", "0006_followup_tally",
                   "0007_outbox_seen", "0008_visit_list_day")
SCHEMA_HEAD = KNOWN_REVISIONS[-1]
