"""Two laptops and the bureau: offline work meets once, in any order, and converges."""

from __future__ import annotations

from sqlalchemy import select
from sync_helpers import Laptop, start_visit

from fieldcheck.domain import checklist, findings, observations, visits
from fieldcheck.domain.integrity import verify_store
from fieldcheck.models import AuditEvent, OutboxOp, Visit


def _first_yes_no(laptop: Laptop, visit_id: str) -> str:
    with laptop.store.read() as s:
        template = checklist.template_of(s, visits.get_visit(s, visit_id))
        return next(i.key for i in template.items if i.type == "yes_no" and not i.visible_if)


def test_a_visit_reaches_the_other_laptop_of_the_team_exactly_once(make_laptop) -> None:
    a: Laptop = make_laptop("wang", "王建国")
    b: Laptop = make_laptop("li", "李红")
    visit_id = start_visit(a)
    item = _first_yes_no(a, visit_id)
    with a.store.write() as s:
        checklist.answer_item(s, visit_id, item, "no")
        observations.add_observation(s, visit_id, "10:15 窗口无人")
        findings.record_finding(s, visit_id, category="slow", description="窗口无人值守")
    first = a.sync()
    assert first.pushed > 0 and first.rejected == 0 and first.conflicts == 0
    with a.store.read() as s:
        # Its own work was settled by the push (the server's time stamp taken from the push
        # result), not pulled back and applied again.
        stamps = {v.id: v.updated_at for v in s.scalars(select(Visit))}
        assert not s.scalars(select(AuditEvent.entity_id).where(
            AuditEvent.action == "sync.apply", AuditEvent.entity_id == visit_id)).all()
    again = a.sync()
    assert again.pushed == 0  # nothing is sent twice
    b.sync()
    a.sync()
    ra, rb = a.records(), b.records()
    for name in ra:
        for x, y in zip(ra[name], rb[name], strict=True):
            assert x == y, name
    assert a.export() == b.export()
    with b.store.read() as s:  # the stamp a took from its push is the one b pulled
        assert s.get(Visit, visit_id).updated_at == stamps[visit_id]
    records = b.records()
    assert [v["id"] for v in records["visit"]] == [visit_id]
    assert [o["text"] for o in records["observation"]] == ["10:15 窗口无人"]
    with a.store.read() as s:
        assert s.query(OutboxOp).count() == 0  # every op acknowledged and pulled back
    # What sync wrote is on each laptop's audit record: both stores verify.
    assert verify_store(a.store, full=True) == [] and verify_store(b.store, full=True) == []
