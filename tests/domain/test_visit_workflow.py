"""The visit lifecycle, checklist answers, observations and findings, all Qt-free."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from fieldcheck.domain import checklist, findings, observations, visits
from fieldcheck.errors import ReadOnlyError, ValidationError
from fieldcheck.ids import answer_id
from fieldcheck.models import Answer, AuditEvent, Finding, Observation, OutboxOp, Visit
from fieldcheck.store import Store


def test_new_unannounced_visit_is_started_confidential_and_pins_template(store: Store, visit_id: str) -> None:
    with store.read() as s:
        visit = s.get(Visit, visit_id)
        assert visit is not None
        assert visit.status == "in_progress"
        assert visit.started_at is not None
        assert visit.confidential is True
        assert visit.template_version is not None and visit.template_version.key == "test_window"


def test_answer_saved_at_once_and_validated(store: Store, visit_id: str) -> None:
    with store.write() as s:
        checklist.answer_item(s, visit_id, "on_duty", "yes")
        checklist.answer_item(s, visit_id, "wait", 12)
    with store.read() as s:
        assert checklist.answers_of(s, visit_id) == {"on_duty": "yes", "wait": 12}
    with store.write() as s, pytest.raises(ValidationError):
        checklist.answer_item(s, visit_id, "channel", "telepathy")
    with store.write() as s, pytest.raises(ValidationError):
        checklist.answer_item(s, visit_id, "no_such_item", "yes")


def test_unchanged_answer_writes_no_audit_event(store: Store, visit_id: str) -> None:
    with store.write() as s:
        checklist.answer_item(s, visit_id, "on_duty", "yes")
    with store.read() as s:
        before = s.scalar(select(func.count()).select_from(AuditEvent))
    with store.write() as s:
        checklist.answer_item(s, visit_id, "on_duty", "yes")
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_visibility_progress_score_and_failures(store: Store, visit_id: str) -> None:
    with store.write() as s:
        checklist.answer_item(s, visit_id, "on_duty", "no")
        checklist.answer_item(s, visit_id, "wait", 45)
    with store.read() as s:
        state = checklist.checklist_state(s, visit_id)
    assert "absent_minutes" in state.visible_keys  # shown because on_duty == "no"
    assert set(state.failed_keys) == {"on_duty", "wait"}
    assert state.progress.required_answered < state.progress.required
    with store.read() as s:
        suggestion = findings.suggestion_for_item(s, visit_id, "wait")
    assert suggestion is not None
    assert suggestion["category"] == "overtime"
    assert suggestion["description"] == "群众等候时间过长"


def test_finish_lists_exactly_what_is_missing(store: Store, visit_id: str) -> None:
    with store.write() as s:
        checklist.answer_item(s, visit_id, "on_duty", "no")
        findings.record_finding(s, visit_id, category="discipline", description="",
                                requirement="立即整改")
    with store.write() as s, pytest.raises(ValidationError) as info:
        visits.finish_visit(s, visit_id)
    problems = "\n".join(info.value.problems)
    assert "窗口无人持续时间" in problems  # required, visible because on_duty == "no"
    assert "群众等候时间" in problems
    assert "需要附照片" in problems  # photo_on_fail
    assert "未填写问题描述" in problems
    assert "未设整改期限" in problems
    assert "是否佩戴工作牌" not in problems  # optional


def test_complete_visit_is_read_only_until_reopened(store: Store, visit_id: str) -> None:
    with store.write() as s:
        checklist.answer_item(s, visit_id, "on_duty", "yes")
        checklist.answer_item(s, visit_id, "wait", 5)
        visits.finish_visit(s, visit_id)
    with store.write() as s, pytest.raises(ReadOnlyError):
        checklist.answer_item(s, visit_id, "wait", 50)
    with store.write() as s, pytest.raises(ReadOnlyError):
        observations.add_observation(s, visit_id, "补记")
    with store.write() as s, pytest.raises(ValidationError):
        visits.reopen_visit(s, visit_id, "  ")
    with store.write() as s:
        visits.reopen_visit(s, visit_id, "漏记一条问题")
    with store.read() as s:
        reopen = s.scalars(select(AuditEvent).where(AuditEvent.action == "visit.reopen")).one()
        assert reopen.detail == {"reason": "漏记一条问题"}
        assert reopen.actor == "王建国"
    with store.write() as s:
        checklist.answer_item(s, visit_id, "wait", 50)


def test_observations_quick_and_free(store: Store, visit_id: str) -> None:
    code = observations.quick_codes()[0]
    with store.write() as s:
        observations.add_quick_observation(s, visit_id, code.code)
        observations.add_observation(s, visit_id, "等候 35 分钟，叫号屏显示 18 人")
    with store.read() as s:
        logged = observations.observations_of(s, visit_id)
    assert [o.text for o in logged] == [code.text, "等候 35 分钟，叫号屏显示 18 人"]
    assert logged[0].quick_code == code.code
    assert logged[0].at <= logged[1].at
    with store.write() as s, pytest.raises(ValidationError):
        observations.add_observation(s, visit_id, "   ")


def test_finding_revisions_and_search_text(store: Store, visit_id: str) -> None:
    with store.write() as s:
        f = findings.record_finding(
            s, visit_id, category="overtime", description="办理时限超过承诺时限",
            requirement="限期整改", deadline=date(2026, 12, 15), severity="major",
            responsible="不动产登记窗口负责人",
        )
        fid = f.id
    with store.write() as s:
        findings.revise_finding(s, fid, description="办理时限超过承诺时限 5 个工作日")
    with store.read() as s:
        finding = s.get(Finding, fid)
        assert finding is not None and finding.revision == 2
        visit = s.get(Visit, visit_id)
        assert visit is not None and "超过承诺时限 5 个工作日" in visit.search_text
        revisions = s.scalars(select(AuditEvent).where(AuditEvent.entity_id == fid)).all()
        assert [e.action for e in revisions] == ["finding.add", "finding.revise"]
    with store.write() as s, pytest.raises(ValidationError):
        findings.record_finding(s, visit_id, category="not_a_category", description="x")


def test_every_write_has_an_outbox_row_in_the_same_transaction(store: Store, visit_id: str) -> None:
    with store.read() as s:
        before = s.scalar(select(func.count()).select_from(OutboxOp))
    with pytest.raises(RuntimeError), store.write() as s:
        checklist.answer_item(s, visit_id, "on_duty", "yes")
        raise RuntimeError("crash before commit")
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(OutboxOp)) == before
        assert s.scalar(select(func.count()).select_from(Answer)) == 0
    with store.write() as s:
        checklist.answer_item(s, visit_id, "on_duty", "yes")
    with store.read() as s:
        op = s.scalars(select(OutboxOp).order_by(OutboxOp.seq.desc())).first()
        assert op is not None and op.entity == "answer" and op.kind == "create"
        assert op.changed["value"] == "yes" and op.base == {}
        assert op.entity_id == answer_id(visit_id, "on_duty")  # the natural key's id
    with store.write() as s:
        checklist.answer_item(s, visit_id, "on_duty", "no")
    with store.read() as s:
        op = s.scalars(select(OutboxOp).order_by(OutboxOp.seq.desc())).first()
        assert op is not None and op.kind == "update"
        # Only what changed, with the value it changed from: the server merges per field.
        assert set(op.changed) == {"value", "answered_at"} or set(op.changed) == {"value"}
        assert op.changed["value"] == "no" and op.base["value"] == "yes"


def test_an_edit_sends_only_its_fields_so_a_concurrent_change_survives(store: Store, visit_id: str) -> None:
    with store.write() as s:
        findings.record_finding(s, visit_id, category="slow", description="办理超时")
    with store.read() as s:
        ops = s.scalars(select(OutboxOp).where(OutboxOp.entity_id == visit_id)).all()
    # Adding a finding changes the visit's derived search text only: nothing of the visit
    # (team, date, ...) is pushed, so a supervisor's concurrent change is not overwritten.
    assert [op.kind for op in ops] == ["create", "update"]  # plan, start
    with store.write() as s:
        before = visits.get_visit(s, visit_id).place
        visits.update_visit_details(s, visit_id, place="二楼大厅")
    with store.read() as s:
        op = s.scalars(select(OutboxOp).where(OutboxOp.entity_id == visit_id).order_by(OutboxOp.seq.desc())).first()
        assert op is not None and op.changed == {"place": "二楼大厅"} and op.base == {"place": before}
        assert "search_text" not in op.changed


def test_observation_delete_is_a_tombstone(store: Store, visit_id: str) -> None:
    with store.write() as s:
        obs_id = observations.add_observation(s, visit_id, "误记").id
    with store.write() as s:
        observations.delete_observation(s, obs_id)
    with store.read() as s:
        obs = s.get(Observation, obs_id)
        assert obs is not None and obs.deleted
        assert observations.observations_of(s, visit_id) == []
        op = s.scalars(select(OutboxOp).where(OutboxOp.entity_id == obs_id).order_by(OutboxOp.seq.desc())).first()
        assert op is not None and op.changed == {"deleted": True} and op.base == {"deleted": False}


def test_unsaved_finding_draft_stays_on_the_laptop(store: Store, visit_id: str) -> None:
    with store.read() as s:
        before = s.scalar(select(func.count()).select_from(OutboxOp))
    with store.write() as s:
        findings.keep_finding_draft(s, visit_id, None, {"description": "未保存", "deadline": date(2026, 12, 1)}, [])
    with store.read() as s:
        draft = findings.finding_draft(s, visit_id)
        assert draft is not None and draft["fields"]["deadline"] == date(2026, 12, 1)
        assert s.scalar(select(func.count()).select_from(OutboxOp)) == before  # never synced
    with store.write() as s:
        findings.drop_finding_draft(s, visit_id)
    with store.read() as s:
        assert findings.finding_draft(s, visit_id) is None


def test_finishing_with_unrecorded_failures_needs_them_acknowledged(store: Store, visit_id: str) -> None:
    with store.write() as s:
        checklist.answer_item(s, visit_id, "on_duty", "yes")
        checklist.answer_item(s, visit_id, "wait", 50)  # fails, and no finding names it
    with store.write() as s, pytest.raises(ValidationError) as info:
        visits.finish_visit(s, visit_id, acknowledged_failures=[])
    assert info.value.problems == ["群众等候时间"]
    with store.write() as s:
        visits.finish_visit(s, visit_id, acknowledged_failures=["wait"])
    with store.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "visit.finish")).one()
    assert event.detail == {"unrecorded_failures": [{"item": "wait", "label": "群众等候时间"}]}
