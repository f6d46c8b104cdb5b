"""Follow-up crosses the bureau's server: a notice's notifications, a report, a circular of no
visit and a unit's predecessors reach the other laptop, and both stores converge."""

from __future__ import annotations

from datetime import date, timedelta

from sync_helpers import Laptop, start_visit

from fieldcheck.domain import circulars, findings, followup, notices, numbering
from fieldcheck.domain.followup_board import current_flags, load_records, local_zone
from fieldcheck.domain.integrity import verify_store
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.models.coltypes import utcnow


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
    # (Issued PDFs stay on the laptop that printed them, so only the issuing store verifies whole.)
    assert verify_store(a.store, full=False) == []
