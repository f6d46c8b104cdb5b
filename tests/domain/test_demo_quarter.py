"""The demo's quarter: its statuses come from the follow-up rules, not from the seed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from fieldcheck.domain.demo import seed_demo
from fieldcheck.domain.demo_quarter import tell_quarter
from fieldcheck.domain.followup_board import current_flags, load_records, local_zone
from fieldcheck.domain.notice_settings import load_settings, mark_demo_store
from fieldcheck.models import Finding, FollowupEvent, Notice, OutboxOp
from fieldcheck.notices.model import format_date
from fieldcheck.store import open_store


def test_the_quarter_is_told_by_the_rules_with_a_repeat_offender_and_an_overdue_deadline(
        tmp_path: Path) -> None:
    store = open_store(tmp_path)
    mark_demo_store(tmp_path)  # the demo's fictional bureau issues its notices
    store.set_identity("王建国", "清监字第2026001号")
    with store.write() as s:
        seed_demo(s, visits=20, seed=5)
        # The seed itself moves nothing: every finding it makes is open.
        assert set(s.scalars(select(Finding.status))) == {"open"}
    assert tell_quarter(store)
    assert not tell_quarter(store)  # once per store
    with store.read() as s:
        statuses = set(s.scalars(select(Finding.status)))
        assert {"notified", "rectifying", "verified"} <= statuses
        # Every finding that left "open" did so by a follow-up event saying so.
        for f in s.scalars(select(Finding).where(Finding.status != "open")):
            last = s.scalars(select(FollowupEvent).where(
                FollowupEvent.finding_id == f.id, FollowupEvent.status_to != "")
                .order_by(FollowupEvent.at.desc(), FollowupEvent.created_at.desc())).first()
            assert last is not None and last.status_to == f.status
        kinds = {(n.type, n.status) for n in s.scalars(select(Notice))}
        assert ("rectification", "issued") in kinds and ("circular", "issued") in kinds
        assert not s.scalars(select(OutboxOp).where(OutboxOp.entity != "template_version")).all()
        # Each 整改通知书 asks for the report by a day counted from the day it was issued.
        reply_days = load_settings(tmp_path).reply_days
        for notice in s.scalars(select(Notice).where(Notice.type == "rectification")):
            assert notice.issued_at is not None
            due = format_date(notice.issued_at.astimezone().date() + timedelta(days=reply_days))
            assert any(f"请于{due}前" in p for p in notice.content["paragraphs"]), notice.content["paragraphs"]
        records = load_records(s)
    flags = current_flags(records, datetime.now(UTC), local_zone())
    reasons = {f.reason for f in flags}
    assert reasons == {"repeat", "overdue"}
    window = [f for f in flags if f.reason == "repeat" and f.category == "discipline"]
    assert window and len(window[0].evidence.circulars) == 2 and window[0].evidence.notices
    store.close()
