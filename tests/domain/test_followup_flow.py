"""Follow-up through the domain on a real store: a 整改通知书 notifies, a 整改报告 rectifies,
a 复查 verifies; every move is an audit event plus an outbox op."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from fieldcheck.domain import findings, followup, followup_sql, notices, numbering
from fieldcheck.domain.evidence import import_photos
from fieldcheck.domain.followup_board import BoardFilter, load_records, local_zone
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.domain.visits import finish_visit, start_visit
from fieldcheck.errors import ValidationError
from fieldcheck.models import AuditEvent, Finding, FollowupEvent, OutboxOp
from fieldcheck.models.coltypes import utcnow
from fieldcheck.store import Store

# A real store issues numbered notices only under the bureau's own issuer (文书设置).
pytestmark = pytest.mark.usefixtures("own_issuer")


@pytest.fixture
def notified(store: Store, visit_id: str, template_version_id: str) -> list[str]:
    """Two findings on a finished visit, notified by an issued 整改通知书."""
    settings = load_settings(store.data_dir)
    with store.write() as s:
        a = findings.record_finding(s, visit_id, category="overtime", description="办件超时限",
                                    requirement="立即整改", deadline=date.today() + timedelta(days=10))
        b = findings.record_finding(s, visit_id, category="discipline", description="窗口无人值守",
                                    requirement="落实AB岗")
        ids = [a.id, b.id]
        draft = notices.create_draft(s, visit_id, "rectification", settings).id
    notices.issue_notice(store, draft, settings, numbering.LocalAuthority())
    return ids


def test_issuing_a_rectification_notice_notifies_its_findings_with_the_deadline(
        store: Store, notified: list[str]) -> None:
    settings = load_settings(store.data_dir)
    with store.read() as s:
        a, b = (s.get(Finding, i) for i in notified)
        assert a is not None and b is not None
        assert (a.status, b.status) == ("notified", "notified")
        assert a.deadline == date.today() + timedelta(days=10)  # its own deadline kept
        assert b.deadline == date.today() + timedelta(days=settings.reply_days)  # the notice's
        assert a.notified_at is not None
        ops = s.scalars(select(OutboxOp).where(OutboxOp.entity == "followup_event")).all()
        assert len(ops) == 2 and all(op.kind == "create" for op in ops)
        finding_op = s.scalars(select(OutboxOp).where(
            OutboxOp.entity == "finding", OutboxOp.entity_id == b.id).order_by(OutboxOp.seq.desc())).first()
        assert finding_op is not None and finding_op.changed["status"] == "notified"
        assert finding_op.base["status"] == "open"
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == b.id)).all()
        assert "finding.notified" in actions
        records = load_records(s)
    assert records.findings[notified[0]].notice_numbers[0].startswith("衡监整改〔")


def test_report_then_reinspection_verifies_with_after_photos(
        store: Store, notified: list[str], template_version_id: str, tmp_path: Path) -> None:
    report = tmp_path / "整改报告.pdf"
    report.write_bytes(b"%PDF-1.4\n% report\n")
    files = followup.store_report_files(store, [report])
    with store.write() as s:
        followup.attach_report(s, notified[:1], files)
        visit = followup.plan_reinspection(s, notified, date.today(), template_version_id)
        start_visit(s, visit.id)
        assert [f.id for f in followup.findings_to_reinspect(s, visit.id)] == sorted(
            notified, key=lambda i: (s.get(Finding, i).created_at, i))  # type: ignore[union-attr]
    photo = tmp_path / "after.jpg"
    Image.new("RGB", (64, 48), (30, 160, 60)).save(photo, "JPEG")
    added = import_photos(store, visit.id, [photo]).added
    with store.write() as s:
        followup.record_reinspection(s, visit.id, notified[0], "rectified", "已整改", added)
        followup.record_reinspection(s, visit.id, notified[1], "partly", "仍有一人离岗")
    with store.read() as s:
        a, b = (s.get(Finding, i) for i in notified)
        assert a is not None and b is not None
        assert (a.status, b.status) == ("verified", "rectifying")
        assert a.rectified_at is not None and a.verified_at is not None
        assert [p.id for p in followup.after_photos(s, a.id)] == added
        kinds = [e.kind for e in followup.events_of(s, a.id)]
        assert kinds == ["notified", "report", "reinspection_planned", "reinspected"]
        assert followup.events_of(s, a.id)[1].files[0]["name"] == "整改报告.pdf"
        assert followup.report_path(store, files[0]["sha256"], ".pdf").read_bytes().startswith(b"%PDF")


def test_extension_needs_a_reason_and_a_later_day_and_reopen_after_verification(
        store: Store, notified: list[str]) -> None:
    fid = notified[0]
    with store.write() as s:
        old = s.get(Finding, fid).deadline  # type: ignore[union-attr]
        with pytest.raises(ValidationError):
            followup.extend_deadline(s, fid, old + timedelta(days=5), "  ")
        with pytest.raises(ValidationError):
            followup.extend_deadline(s, fid, old - timedelta(days=1), "系统升级")
        followup.extend_deadline(s, fid, old + timedelta(days=5), "系统升级停机")
    with store.read() as s:
        ev = followup.events_of(s, fid)[-1]
        assert (ev.kind, ev.previous_deadline, ev.deadline, ev.reason) == (
            "extended", old, old + timedelta(days=5), "系统升级停机")
    with store.write() as s:
        with pytest.raises(ValidationError):
            followup.reopen_finding(s, fid, "群众再次反映")  # not verified yet
        f = s.get(Finding, fid)
        assert f is not None
        followup._step(s, f, "reinspected", outcome="rectified")
        followup.reopen_finding(s, fid, "群众再次反映", date.today() + timedelta(days=7))
    with store.read() as s:
        f = s.get(Finding, fid)
        assert f is not None and f.status == "rectifying" and f.verified_at is None
        assert f.deadline == date.today() + timedelta(days=7)


def test_report_files_must_be_pdf_or_photos(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "报告.docx"
    bad.write_bytes(b"PK")
    fake = tmp_path / "报告.pdf"
    fake.write_bytes(b"not a pdf")
    for path in (bad, fake):
        with pytest.raises(ValidationError):
            followup.store_report_files(store, [path])


def test_board_and_statistics_agree(store: Store, notified: list[str], visit_id: str) -> None:
    tz = local_zone()
    today = utcnow().astimezone(tz).date()
    with store.read() as s:
        total, rows = followup_sql.board_page(s, BoardFilter(), today, 0, None)
        stats = followup_sql.statistics(s, BoardFilter(), today)
        _n, only = followup_sql.board_page(s, BoardFilter(category="overtime"), today, 0, None)
    assert total == 2 and {r.finding_id for r in rows} == set(notified)
    assert stats.total == 2 and stats.notified == 2 and stats.verified == 0
    assert stats.rectification_rate == 0.0
    assert dict(stats.by_category) == {"超时限办理": 1, "工作纪律作风": 1}
    assert [r.category for r in only] == ["overtime"]


def test_events_replicate_and_are_immutable() -> None:
    from fieldcheck.sync.entities import IMMUTABLE, wire_fields

    assert "finding_id" in wire_fields("followup_event")
    assert {"notified_at", "rectified_at", "verified_at"} <= set(wire_fields("finding"))
    assert "kind" in IMMUTABLE["followup_event"]
    assert FollowupEvent.__tablename__ == "followup_events"
    _ = finish_visit  # finishing is not needed for follow-up: notices are issued on site
