"""follow-up tally: each finding's local day and visit facts on its row, running counts

Revision ID: 0006_followup_tally
Revises: 0005_followup

跟踪问效 counts every finding on each refresh. Reading 100 000 findings joined to their visits
and turning each visit's start into a local day costs seconds; these keep the answer ready:

- findings gain columns the store fills itself (triggers, so every path that writes a finding
  or its visit — the domain, sync, a migration — keeps them right, and none is replicated):
  `found_on` (the local calendar day of the visit's start, else of the finding, in the zone of
  the laptop that wrote it), `visit_kind`, `visit_team`, `live` (1 unless the finding or its
  visit is deleted) and `board_rank` (0 being followed up, 1 open, 2 verified: the board's
  order before the deadline).
- `followup_tally` holds, per local month, dimension and key, how many live findings there
  are, how many a notice reached, how many of those are verified, and the notice-to-rectified
  spans in ms (dimensions: all, unit, category, kind, status, team): a period of whole months
  is summed from it, only the days of a partial month at either end are counted row by row.
- `followup_circulated` holds, per circular, how many live findings of each unit
  and category it named: the repeat-offence rule reads it instead of every circulated finding.

A later migration that rebuilds `findings` or `visits` (batch mode) drops these triggers: it
must create them again (tests/store/test_followup_tally.py checks they are present at head).
"""

from __future__ import annotations

from alembic import op

revision = "0006_followup_tally"
down_revision = "0005_followup"
branch_labels = None
depends_on = None

# The derived columns of one finding row `f`, from its visit.
DERIVED = """
    found_on = (SELECT date(COALESCE(v.started_at, findings.created_at), 'localtime')
                FROM visits v WHERE v.id = findings.visit_id),
    visit_kind = (SELECT v.kind FROM visits v WHERE v.id = findings.visit_id),
    visit_team = (SELECT v.team FROM visits v WHERE v.id = findings.visit_id),
    live = (findings.deleted = 0 AND COALESCE((SELECT v.deleted = 0 FROM visits v
            WHERE v.id = findings.visit_id), 0)),
    board_rank = CASE findings.status WHEN 'verified' THEN 2 WHEN 'open' THEN 1 ELSE 0 END
"""

# (dimension, key expression); R is OLD or NEW. Every count is per local month as well.
DIMENSIONS = (
    ("all", "''"),
    ("unit", "R.unit_id"),
    ("category", "R.category"),
    ("kind", "COALESCE(R.visit_kind, '')"),
    ("status", "R.status"),
    ("team", "COALESCE(R.visit_team, '')"),
)


def _tally(row: str, sign: int) -> str:
    notified = f"({row}.notified_at IS NOT NULL)"
    verified = f"({row}.notified_at IS NOT NULL AND {row}.status = 'verified')"
    spans = (f"({row}.notified_at IS NOT NULL AND {row}.rectified_at IS NOT NULL)")
    ms = (f"CASE WHEN {spans} THEN CAST(round((julianday({row}.rectified_at)"
          f" - julianday({row}.notified_at)) * 86400000) AS INTEGER) ELSE 0 END")
    out = []
    month = f"COALESCE(substr({row}.found_on, 1, 7), '')"
    for dim, key in DIMENSIONS:
        key = key.replace("R.", f"{row}.")
        out.append(
            "INSERT INTO followup_tally (dim, month, key, n, notified, verified, rect_ms, rect_n)"
            f" SELECT '{dim}', {month}, {key}, {sign}, {sign} * {notified}, {sign} * {verified},"
            f" {sign} * ({ms}), {sign} * {spans}"
            f" WHERE {row}.live = 1"
            " ON CONFLICT (dim, month, key) DO UPDATE SET n = n + excluded.n,"
            " notified = notified + excluded.notified, verified = verified + excluded.verified,"
            " rect_ms = rect_ms + excluded.rect_ms, rect_n = rect_n + excluded.rect_n;"
        )
    return "\n".join(out)


def _circulated(rows: str) -> str:
    """Add `rows` (notice_id, unit_id, category, ±1) to the circulars' counts."""
    return (f"INSERT INTO followup_circulated (notice_id, unit_id, category, n) {rows}"
            " ON CONFLICT (notice_id, unit_id, category) DO UPDATE SET n = n + excluded.n;")


def _named(event: str, sign: int) -> str:
    """Count the finding of a circulated `event` (OLD or NEW) under its circular."""
    return _circulated(
        f"SELECT {event}.notice_id, f.unit_id, f.category, {sign} FROM findings f"
        f" WHERE f.id = {event}.finding_id AND f.live = 1 AND {event}.kind = 'circulated'"
        f" AND {event}.deleted = 0 AND {event}.notice_id IS NOT NULL")


def _renamed(row: str, sign: int) -> str:
    """Count a finding (OLD or NEW) under every circular that named it."""
    return _circulated(
        f"SELECT e.notice_id, {row}.unit_id, {row}.category, {sign} FROM followup_events e"
        f" WHERE e.finding_id = {row}.id AND e.kind = 'circulated' AND e.deleted = 0"
        f" AND e.notice_id IS NOT NULL AND {row}.live = 1")


TALLIED = ("unit_id", "category", "status", "deadline", "notified_at", "rectified_at", "found_on",
           "visit_kind", "visit_team", "live", "board_rank")

TRIGGERS = {
    # A new finding: its derived columns (that update counts it, below).
    "findings_derive_insert": f"""
        CREATE TRIGGER findings_derive_insert AFTER INSERT ON findings BEGIN
            UPDATE findings SET {DERIVED} WHERE id = NEW.id;
        END""",
    "findings_derive_update": f"""
        CREATE TRIGGER findings_derive_update
        AFTER UPDATE OF visit_id, created_at, deleted, status ON findings BEGIN
            UPDATE findings SET {DERIVED} WHERE id = NEW.id;
        END""",
    "findings_tally_update": f"""
        CREATE TRIGGER findings_tally_update AFTER UPDATE OF {", ".join(TALLIED)} ON findings BEGIN
            {_tally("OLD", -1)}
            {_tally("NEW", 1)}
        END""",
    "findings_tally_delete": f"""
        CREATE TRIGGER findings_tally_delete AFTER DELETE ON findings BEGIN
            {_tally("OLD", -1)}
        END""",
    # Which units and categories each circular named (the repeat rule's input), kept as the
    # events come and go and as a named finding changes unit or category or is deleted.
    "events_circulated_insert": f"""
        CREATE TRIGGER events_circulated_insert AFTER INSERT ON followup_events
        WHEN NEW.kind = 'circulated' BEGIN
            {_named("NEW", 1)}
        END""",
    "events_circulated_update": f"""
        CREATE TRIGGER events_circulated_update AFTER UPDATE OF deleted, notice_id, finding_id
        ON followup_events WHEN NEW.kind = 'circulated' OR OLD.kind = 'circulated' BEGIN
            {_named("OLD", -1)}
            {_named("NEW", 1)}
        END""",
    "events_circulated_delete": f"""
        CREATE TRIGGER events_circulated_delete AFTER DELETE ON followup_events
        WHEN OLD.kind = 'circulated' BEGIN
            {_named("OLD", -1)}
        END""",
    "findings_circulated_update": f"""
        CREATE TRIGGER findings_circulated_update AFTER UPDATE OF unit_id, category, live ON findings BEGIN
            {_renamed("OLD", -1)}
            {_renamed("NEW", 1)}
        END""",
    "visits_derive_findings": f"""
        CREATE TRIGGER visits_derive_findings
        AFTER UPDATE OF started_at, kind, team, deleted ON visits BEGIN
            UPDATE findings SET {DERIVED} WHERE visit_id = NEW.id;
        END""",
}


def upgrade() -> None:
    for column, kind in (("found_on", "DATE"), ("visit_kind", "VARCHAR(20)"),
                         ("visit_team", "VARCHAR(100)"), ("live", "INTEGER"), ("board_rank", "INTEGER")):
        op.execute(f"ALTER TABLE findings ADD COLUMN {column} {kind}")
    op.execute("""
        CREATE TABLE followup_tally (
            dim VARCHAR(10) NOT NULL, month VARCHAR(7) NOT NULL, key VARCHAR(100) NOT NULL,
            n INTEGER NOT NULL, notified INTEGER NOT NULL, verified INTEGER NOT NULL,
            rect_ms INTEGER NOT NULL, rect_n INTEGER NOT NULL,
            PRIMARY KEY (dim, month, key)) WITHOUT ROWID""")
    op.execute("""
        CREATE TABLE followup_circulated (
            notice_id VARCHAR(36) NOT NULL, unit_id VARCHAR(36) NOT NULL,
            category VARCHAR(40) NOT NULL, n INTEGER NOT NULL,
            PRIMARY KEY (notice_id, unit_id, category)) WITHOUT ROWID""")
    for sql in TRIGGERS.values():
        op.execute(sql)
    # The backfill: the tally triggers count each finding as its derived columns are set (and
    # its circulars as it becomes live).
    op.execute(f"UPDATE findings SET {DERIVED}")
    # The board's order (deadline within rank) and the overdue units (by unit within rank),
    # each carrying the day found so a period is checked without reading the row.
    op.execute("CREATE INDEX ix_findings_board ON findings (board_rank, deadline, found_on) WHERE live = 1")
    op.execute("CREATE INDEX ix_findings_rank_unit ON findings (board_rank, unit_id, deadline, found_on)"
               " WHERE live = 1")
    # The circulated findings (the repeat rule's evidence), without reading every event.
    op.execute("CREATE INDEX ix_followup_events_circulated ON followup_events (finding_id)"
               " WHERE kind = 'circulated' AND deleted = 0")
    # The circulars among the notices (one 整改通知书 per visit outnumbers them by far).
    op.execute("CREATE INDEX ix_notices_type_status ON notices (type, status)")
    # A filtered refresh (a period, most often) reads what it counts from this index alone.
    op.execute("CREATE INDEX ix_findings_facts ON findings (found_on, unit_id, category, visit_kind, status,"
               " visit_team, board_rank, deadline, notified_at, rectified_at) WHERE live = 1")


def downgrade() -> None:
    raise NotImplementedError("the tallied store cannot be turned back into 0005")
