"""Follow-up crosses the bureau's server: a notice's notifications, a report, a circular of no
visit and a unit's predecessors reach the other laptop, and both stores converge."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sync_helpers import Laptop, start_visit

from fieldcheck.domain import circulars, findings, followup, notices, numbering
from fieldcheck.domain.followup_board import current_flags, load_records, local_zone
from fieldcheck.domain.integrity import verify_store
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.domain.notices import pdf_path
from fieldcheck.models import Finding
from fieldcheck.models.coltypes import utcnow
from fieldcheck.sync.credentials import load_token
from fieldcheck.sync.protocol import SCHEMA_HEADER, SCHEMA_VERSION


def test_follow_up_and_a_circular_reach_the_other_laptop(make_laptop) -> None:
    a: Laptop = make_laptop("wang", "王建国")
    b: Laptop = make_laptop("li", "李红")
    a.sync()  # an enrolled laptop issues only numbers leased from the server
    visit_id = start_visit(a)
    settings = load_settings(a.store.data_dir)
    with a.store.write() as s:
        f = findings.record_finding(s, visit_id, category="discipline", description="窗口无人值守",
                                    deadline=date.today() - timedelta(days=1))
        draft = notices.create_draft(s, visit_id, "rectification", settings).id
    notices.issue_notice(a.store, draft, settings, numbering.LocalAuthority())
    with a.store.write() as s:
        followup.extend_deadline(s, f.id, date.today() + timedelta(days=9), "单位申请延期")
        circular = circulars.circular_content(load_records(s), date.today() - timedelta(days=1),
                                              date.today(), utcnow(), local_zone(), settings)
        cid = circulars.create_circular_draft(s, circular).id
    circulars.issue_circular(a.store, cid, settings, numbering.LocalAuthority())
    first = a.sync()
    assert first.rejected == 0 and first.conflicts == 0
    b.sync()
    a.sync()
    ra, rb = a.records(), b.records()
    for name in ra:
        for x, y in zip(ra[name], rb[name], strict=True):
            assert x == y, (name, {k: (x[k], y.get(k)) for k in x if x[k] != y.get(k)})
    rb = b.records()
    assert {e["kind"] for e in rb["followup_event"]} == {"notified", "extended", "circulated"}
    assert [n["type"] for n in rb["notice"] if n["visit_id"] is None] == ["circular"]
    assert [x["status"] for x in rb["finding"]] == ["notified"]
    with b.store.read() as s:
        records = load_records(s)
    assert records.findings[f.id].deadlines == (date.today() - timedelta(days=1), date.today() + timedelta(days=9))
    assert records.circulars[0].finding_ids == (f.id,)
    assert not [x for x in current_flags(records, utcnow(), local_zone()) if x.reason == "overdue"]
    # The issued PDFs travelled with their notices: the other laptop holds each document as
    # printed and verifies whole, so its next start-up check passes too.
    issued = [n["id"] for n in ra["notice"] if n["status"] != "draft"]
    assert len(issued) == 2
    for notice_id in issued:
        assert pdf_path(b.store, notice_id).read_bytes() == pdf_path(a.store, notice_id).read_bytes()
    assert verify_store(a.store, full=True) == [] and verify_store(b.store, full=True) == []
    assert first.pdfs_up == 2
    # Missing on the laptop that received it, a PDF is fetched again, not reported as damage;
    # missing on the laptop that issued it, it is damage.
    pdf_path(b.store, issued[0]).unlink()
    assert verify_store(b.store, full=True) == []
    assert b.sync().pdfs_down == 1 and pdf_path(b.store, issued[0]).is_file()
    pdf_path(a.store, issued[0]).unlink()
    assert [p.what for p in verify_store(a.store, full=True)] == ["notice"]


def test_a_notice_pdf_reaches_only_those_who_see_the_notice(make_laptop) -> None:
    a: Laptop = make_laptop("wang", "王建国")
    other: Laptop = make_laptop("sun", "孙丽", team="二组")
    a.sync()
    visit_id = start_visit(a)
    settings = load_settings(a.store.data_dir)
    with a.store.write() as s:
        findings.record_finding(s, visit_id, category="discipline", description="窗口无人值守",
                                deadline=date.today() + timedelta(days=10))
        draft = notices.create_draft(s, visit_id, "rectification", settings).id
    notice = notices.issue_notice(a.store, draft, settings, numbering.LocalAuthority())
    assert a.sync().pdfs_up == 1
    again = a.sync()
    assert again.pdfs_up == 0 and again.pdfs_down == 0  # sent once, never fetched back
    report = other.sync()
    assert report.pdfs_down == 0 and not pdf_path(other.store, notice.id).exists()
    # Asked for directly with the other team's token, the server does not hand it out.
    denied = other.bureau.client.get(
        f"/api/v1/blobs/{notice.pdf_sha256}",
        headers={SCHEMA_HEADER: str(SCHEMA_VERSION),
                 "Authorization": f"Bearer {load_token(other.store.data_dir)}"})
    assert denied.status_code == 404


def test_a_rectification_report_file_reaches_the_other_laptop(make_laptop) -> None:
    a: Laptop = make_laptop("wang", "王建国")
    b: Laptop = make_laptop("li", "李红")
    a.sync()
    visit_id = start_visit(a)
    settings = load_settings(a.store.data_dir)
    with a.store.write() as s:
        f = findings.record_finding(s, visit_id, category="discipline", description="窗口无人值守",
                                    deadline=date.today() + timedelta(days=10))
        draft = notices.create_draft(s, visit_id, "rectification", settings).id
    notices.issue_notice(a.store, draft, settings, numbering.LocalAuthority())
    scan = b"%PDF-1.4\n% the unit's written report\n" + bytes(range(256)) * 40
    entry = followup.store_report_bytes(a.store, "整改报告.pdf", scan)
    with a.store.write() as s:
        followup.attach_report(s, [f.id], [entry], note="单位书面报告")
    assert a.sync().rejected == 0
    report = b.sync()
    assert report.pdfs_down == 2  # the notice and the report
    assert followup.report_file(b.store, entry).read_bytes() == scan
    with b.store.read() as s:
        assert [x.status for x in s.scalars(select(Finding))] == ["rectified"]
    assert verify_store(b.store, full=True) == []
