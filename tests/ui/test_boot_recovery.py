"""Start-up burns a document number that an interrupted issue had reserved."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from fieldcheck.domain import numbering
from fieldcheck.models import AuditEvent, NumberUse
from fieldcheck.store import open_store
from fieldcheck.ui.boot import open_and_prepare


def test_start_up_burns_numbers_of_an_interrupted_issue(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.set_identity("王建国", "清监字第2026001号")
    with store.write() as s:
        numbering.add_block(s, "rectification", 2026, numbering.LocalAuthority(), size=5)
        numbering.reserve_number(s, "rectification", 2026, "a-notice-that-never-finished")
    store.close()  # the app died before the notice was saved

    opened = open_and_prepare(tmp_path, demo=False)
    with opened.store.read() as s:
        assert s.scalars(select(NumberUse.state)).all() == ["burnt"]
        assert s.scalars(select(AuditEvent).where(AuditEvent.action == "number.burn")).one()
        assert numbering.peek_next(s, "rectification", 2026, None) == 2  # never reused
    opened.store.close()
