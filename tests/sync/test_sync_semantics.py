"""What each person relies on when laptops sync: conflicts shown on both sides, photos once,
numbers that never collide, a revoked laptop that keeps its work, replays that change nothing."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select, update
from sync_helpers import Laptop, start_visit

from fieldcheck.domain import (
    conflicts,
    evidence,
    findings,
    notices,
    numbering,
    observations,
    visits,
)
from fieldcheck.domain.integrity import verify_store
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.domain.queries import VisitFilter, page_visits
from fieldcheck.models import Answer, LocalIdentity, NumberBlock, OutboxOp, Photo
from fieldcheck.server.cli import admin_main
from fieldcheck.sync.commands import connection_for, enroll, sync_now
from fieldcheck.sync.engine import SyncEngine
from fieldcheck.sync.transport import SyncError
from fieldcheck.ui.sync import data as sync_data


def test_two_laptops_changing_one_field_get_the_same_visible_conflict(make_laptop) -> None:
    a, b, visit_id, _ = _two_laptops_on_one_visit(make_laptop)
    with a.store.write() as s:
        visits.update_visit_details(s, visit_id, place="二楼审批大厅")
    with b.store.write() as s:
        visits.update_visit_details(s, visit_id, place="一楼综合窗口", title="窗口作风检查")
    a.sync()
    report = b.sync()
    assert report.conflicts == 1
    a.sync()
    for laptop in (a, b):
        with laptop.store.read() as s:
            rows = conflicts.conflict_rows(s)
            visit = visits.get_visit(s, visit_id)
            # The first to arrive is kept; the other value is not lost; the title merged.
            assert visit.place == "二楼审批大厅" and visit.title == "窗口作风检查"
        assert [(r["field"], r["kept_value"], r["other_value"]) for r in rows] == [
            ("place", "二楼审批大厅", "一楼综合窗口")]
        assert rows[0]["kept_by"] == "王建国" and rows[0]["other_by"] == "李红"
    with b.store.write() as s:
        conflicts.resolve_conflict(s, rows[0]["id"], "二楼审批大厅东侧窗口")
    b.sync()
    a.sync()
    for laptop in (a, b):
        with laptop.store.read() as s:
            assert conflicts.conflict_rows(s) == []
            assert visits.get_visit(s, visit_id).place == "二楼审批大厅东侧窗口"
    assert a.export() == b.export()
    assert verify_store(a.store) == [] and verify_store(b.store) == []


def _jpeg(path: Path, colour: tuple[int, int, int]) -> Path:
    Image.new("RGB", (800, 600), colour).save(path, "JPEG", quality=90)
    return path


def test_a_photo_travels_once_and_arrives_whole(make_laptop, tmp_path: Path) -> None:
    a: Laptop = make_laptop("wang", "王建国")
    b: Laptop = make_laptop("li", "李红")
    visit_id = start_visit(a)
    report = evidence.import_photos(a.store, visit_id, [_jpeg(tmp_path / "window.jpg", (200, 30, 30))])
    [photo_id] = report.added
    with a.store.read() as s:
        sha = s.get(Photo, photo_id).sha256  # type: ignore[union-attr]
    up = a.sync()
    assert up.photos_up == 1 and up.bytes_up == a.store.blobs.original_path(sha).stat().st_size
    assert a.sync().photos_up == 0  # the server has it: never sent again
    down = b.sync()
    assert down.photos_down == 1
    assert b.store.blobs.verify(sha) and b.store.blobs.thumbnail_path(sha).is_file()
    assert a.export() == b.export()


def test_each_laptop_numbers_from_its_own_leased_blocks(make_laptop) -> None:
    a: Laptop = make_laptop("wang", "王建国")
    b: Laptop = make_laptop("li", "李红")
    a.sync()
    b.sync()
    year = date.today().year
    ranges = []
    for laptop in (a, b):
        with laptop.store.read() as s:
            blocks = s.scalars(select(NumberBlock).where(NumberBlock.notice_type == "rectification",
                                                         NumberBlock.year == year)).all()
            assert blocks and all(bl.source == "server" and bl.expires_at for bl in blocks)
            ranges += [(bl.first_seq, bl.last_seq) for bl in blocks]
    ranges.sort()
    assert all(prev[1] < nxt[0] for prev, nxt in zip(ranges, ranges[1:], strict=False))
    # Offline, each issues a notice: the two 文号 differ, and both verify once synced.
    numbers = []
    for laptop in (a, b):
        visit_id = start_visit(laptop)
        settings = load_settings(laptop.store.data_dir)
        with laptop.store.write() as s:
            findings.record_finding(s, visit_id, category="overtime", description="超承诺时限办结",
                                    requirement="立即整改", deadline=date(year, 12, 31))
            draft = notices.create_draft(s, visit_id, "rectification", settings)
            notices.sign(s, draft.id, "inspector", "检查员", STROKE)
        issued = notices.issue_notice(laptop.store, draft.id, settings, authority=None)
        numbers.append((issued.id, issued.number, issued.pdf_sha256))
        # The QR code printed on it opens this server's verification page.
        assert issued.content["qr_payload"].startswith(f"http://127.0.0.1/verify/{issued.id}?h=")
    assert numbers[0][1] != numbers[1][1]
    a.sync()
    b.sync()
    for notice_id, number, sha in numbers:
        answer = a.bureau.client.get(f"/verify/{notice_id}", headers={"Accept": "application/json"})
        body = answer.json()
        assert answer.status_code == 200 and body["genuine"] and body["number"] == number
        assert body["pdf_sha256"] == sha


STROKE = [[(0.0, 0.0), (60.0, 20.0)]]  # a signature's strokes (its image is drawn from them)


def test_a_revoked_laptop_stops_and_keeps_its_unsynced_work(make_laptop) -> None:
    a: Laptop = make_laptop("wang", "王建国")
    visit_id = start_visit(a)
    from fieldcheck.server.admin import revoke_device

    with a.bureau.app.state.database.write() as session:
        revoke_device(session, "admin", a.store.identity().device_id)
    with pytest.raises(SyncError) as raised:
        a.sync()
    assert raised.value.code == "device_revoked" and "撤销" in str(raised.value)
    with a.store.read() as s:
        assert s.scalars(select(OutboxOp).where(OutboxOp.entity_id == visit_id)).first() is not None
    # An administrator lets the laptop back in; it enrols again and its kept work arrives.
    from sync_helpers import PASSWORD

    from fieldcheck.server.admin import readmit_device

    with a.bureau.app.state.database.write() as session:
        readmit_device(session, "admin", a.store.identity().device_id)
    with pytest.raises(SyncError):
        a.sync()  # the old token stays dead
    enroll(a.store, "http://127.0.0.1", "wang", PASSWORD, client=a.bureau.client)
    assert a.sync().pushed > 0
    assert [v["id"] for v in a.records()["visit"]] == [visit_id]
    with a.store.read() as s:
        assert s.query(OutboxOp).count() == 0


def test_a_lost_answer_replayed_changes_nothing(make_laptop) -> None:
    a: Laptop = make_laptop("wang", "王建国")
    b: Laptop = make_laptop("li", "李红")
    visit_id = start_visit(a)
    with a.store.write() as s:
        findings.record_finding(s, visit_id, category="slow", description="窗口无人")
    conn = connection_for(a.store, client=a.bureau.client)
    SyncEngine(a.store, conn).push()
    # The push reached the server but its answer was lost: the ops are pending again here.
    with a.store.write() as s:
        assert s.query(OutboxOp).filter(OutboxOp.status == "acked").count() > 0
        s.query(OutboxOp).update({"status": "pending", "acked_version": None})
    replay = SyncEngine(a.store, conn)
    replay.push()
    assert replay.report.pushed > 0 and replay.report.conflicts == 0 and replay.report.rejected == 0
    a.sync()
    b.sync()
    records = b.records()
    assert [f["description"] for f in records["finding"]] == ["窗口无人"]
    assert len(records["visit"]) == 1 and records["conflict"] == [] and records["rejection"] == []
    assert a.export() == b.export()


def _supervisor_plans(boss: Laptop, team: str, kind: str) -> str:
    """A plan for today that a supervisor's laptop makes for `team` (not yet synced)."""
    from fieldcheck.domain import checklist
    from fieldcheck.domain.people import add_unit

    with boss.store.write() as s:
        unit = add_unit(s, "市住建局审批科", "department")
        version = checklist.latest_template_versions(s)[0]
        return visits.plan_visit(s, unit_id=unit.id, kind=kind, team=team,
                                 template_version_id=version.id, planned_for=date.today()).id


def test_a_confidential_plan_reaches_only_its_team(make_laptop) -> None:
    boss: Laptop = make_laptop("zhao", "赵主任", team="效能室", role="supervisor")
    one: Laptop = make_laptop("wang", "王建国", team="一组")
    two: Laptop = make_laptop("sun", "孙丽", team="二组")
    plan_id = _supervisor_plans(boss, "二组", "unannounced")
    boss.sync()
    one.sync()
    two.sync()
    assert [v["id"] for v in two.records()["visit"]] == [plan_id]
    assert one.records()["visit"] == []
    assert sync_now(one.store, client=one.bureau.client).pulled == 0


def test_a_plan_moved_by_its_team_reaches_the_supervisor_on_its_new_day(make_laptop) -> None:
    boss: Laptop = make_laptop("zhao", "赵主任", team="效能室", role="supervisor")
    one: Laptop = make_laptop("wang", "王建国", team="一组")
    plan_id = _supervisor_plans(boss, "一组", "open")
    boss.sync()
    one.sync()
    later = date.today() + timedelta(days=2)
    with one.store.write() as s:
        visits.reschedule_visit(s, plan_id, later, "单位负责人外出")
    one.sync()
    boss.sync()
    [visit] = boss.records()["visit"]
    assert visit["planned_for"] == later.isoformat()
    with boss.store.read() as s:
        on_day = page_visits(s, VisitFilter(date_from=later, date_to=later), 0, 10)
    assert [r.id for r in on_day] == [plan_id]


def test_a_laptop_clock_days_off_does_not_decide_which_value_stays(make_laptop) -> None:
    a, b, visit_id, _ = _two_laptops_on_one_visit(make_laptop)
    with a.store.write() as s:
        visits.update_visit_details(s, visit_id, place="甲处")
    with b.store.write() as s:
        visits.update_visit_details(s, visit_id, place="乙处")
    with a.store.write() as s:  # A's clock runs ten days ahead
        for op in s.scalars(select(OutboxOp)):
            op.created_at = op.created_at + timedelta(days=10)
    b.sync()  # B arrives first, with the true time
    a.sync()
    b.sync()
    for laptop in (a, b):
        with laptop.store.read() as s:
            assert visits.get_visit(s, visit_id).place == "乙处"  # arrival order, not clocks
            [row] = conflicts.conflict_rows(s)
        assert (row["kept_value"], row["other_value"]) == ("乙处", "甲处")
    assert a.export() == b.export()


def test_an_old_app_is_told_to_upgrade_and_keeps_its_outbox(make_laptop, monkeypatch: pytest.MonkeyPatch) -> None:
    a: Laptop = make_laptop("wang", "王建国")
    start_visit(a)
    with a.store.read() as s:
        waiting = sorted(s.scalars(select(OutboxOp.op_id)))
    monkeypatch.setattr("fieldcheck.sync.transport.SCHEMA_VERSION", 0)
    with pytest.raises(SyncError) as raised:
        a.sync()
    assert raised.value.code == "upgrade_required" and "升级" in str(raised.value)
    with a.store.read() as s:
        assert sorted(s.scalars(select(OutboxOp.op_id))) == waiting


def test_an_edited_audit_event_is_refused_and_reported(make_laptop) -> None:
    a: Laptop = make_laptop("wang", "王建国")
    visit_id = start_visit(a)
    with a.store.write() as s:
        from fieldcheck.models import AuditEvent

        event = s.scalars(select(AuditEvent).where(AuditEvent.entity_id == visit_id)).first()
        assert event is not None
        event.actor = "别人"  # edited behind the app's back, hash left as it was
    with pytest.raises(SyncError) as raised:
        a.sync()
    assert raised.value.code == "audit_chain_broken"
    # The records themselves were pushed before the chain was refused.
    with a.store.read() as s:
        assert s.scalars(select(OutboxOp).where(OutboxOp.status == "pending")).first() is None


def test_a_number_printed_twice_reaches_the_bureau_and_a_correction_settles_it(
        make_laptop, bureau, capsys: pytest.CaptureFixture[str]) -> None:
    # Two laptops printed 整改通知书 No. 1 each while they were their own number authority, and
    # each paper went to a unit. Once enrolled, the second to arrive clashes: the bureau records
    # it as printed (it used to refuse it, and the laptop's issued notice went back to a draft),
    # both laptops see the clash, the rest of the work lands, and a 更正 settles it.
    a: Laptop = make_laptop("wang", "王建国")
    b: Laptop = make_laptop("li", "李红")
    year = date.today().year
    issued = []
    for laptop in (a, b):
        visit_id = start_visit(laptop)
        settings = load_settings(laptop.store.data_dir)
        with laptop.store.write() as s:
            s.execute(update(LocalIdentity).values(server_url=""))  # as before enrolment
            findings.record_finding(s, visit_id, category="overtime", description="超时",
                                    requirement="整改", deadline=date(year, 12, 31))
            draft = notices.create_draft(s, visit_id, "rectification", settings)
            notices.sign(s, draft.id, "inspector", "检查员", STROKE)
        issued.append(notices.issue_notice(laptop.store, draft.id, settings, numbering.LocalAuthority()))
        with laptop.store.write() as s:
            s.execute(update(LocalIdentity).values(server_url="http://127.0.0.1"))
            observations.add_observation(s, visit_id, "复印件未留存")
    theirs, ours = issued
    assert theirs.number == ours.number
    a.sync()
    report = b.sync()
    assert report.rejected == 0
    a.sync()
    with b.store.read() as s:
        kept = notices.get_notice(s, ours.id)
        assert (kept.status, kept.number, kept.pdf_sha256) == ("issued", ours.number, ours.pdf_sha256)
        assert notices.clashing_numbers(s, [ours.id, theirs.id]) == {ours.id}
    with a.store.read() as s:
        assert notices.clashing_numbers(s, [ours.id, theirs.id]) == {ours.id}
    for laptop in (a, b):
        records = laptop.records()
        at_bureau = {n["id"]: n for n in records["notice"]}
        assert at_bureau[ours.id]["status"] == "issued" and at_bureau[ours.id]["number"] == ours.number
        [clash] = records["rejection"]
        assert clash["code"] == "number_clash" and clash["entity_id"] == ours.id
        assert sorted(o["text"] for o in records["observation"]) == ["复印件未留存", "复印件未留存"]
    # 同步 → 被拒的更改 on the laptop says the notice was recorded and what to do.
    [shown] = sync_data.rejections(b.store)
    assert shown.kept and "更正" in shown.reason and ours.number in shown.change
    # The bureau's clerk lists it: which paper, whose number, not yet corrected.
    [listed] = _clashes(bureau, capsys)
    assert (listed["number"], listed["notice"]["id"], listed["holder"]["id"]) == (
        ours.number, ours.id, theirs.id)
    assert listed["notice"]["unit"] == "市政务服务中心" and listed["made_by"] == "李红"
    assert not listed["settled"] and listed["correction"] is None
    assert "待更正" in _clashes(bureau, capsys, "--format", "text")

    # 文号 settings show the laptop's own pre-enrolment block as retired, nothing left in it.
    own = [row for row in sync_data.numbers(b.store).blocks if row.source == "local"]
    assert own and all(row.left == 0 for row in own)
    # The inspector issues it again under a number the server leased (not one left in the
    # block the laptop made for itself before enrolment, which the other laptop made too).
    settings = load_settings(b.store.data_dir)
    with b.store.write() as s:
        correction = notices.start_correction(s, ours.id, "文号与另一份文书重复，以新文号重新出具", settings)
        notices.sign(s, correction.id, "inspector", "检查员", STROKE)
    fixed = notices.issue_notice(b.store, correction.id, settings, authority=None)
    assert fixed.number != ours.number
    with b.store.read() as s:
        [block] = s.scalars(select(NumberBlock).where(
            NumberBlock.notice_type == "rectification", NumberBlock.year == year,
            NumberBlock.first_seq <= fixed.number_seq, NumberBlock.last_seq >= fixed.number_seq)).all()
        assert block.source == "server"
    assert b.sync().rejected == 0
    a.sync()
    for laptop in (a, b):
        at_bureau = {n["id"]: n for n in laptop.records()["notice"]}
        assert at_bureau[ours.id]["status"] == "voided"
        assert (at_bureau[fixed.id]["status"], at_bureau[fixed.id]["supersedes_id"]) == ("issued", ours.id)
        with laptop.store.read() as s:
            assert notices.clashing_numbers(s, [ours.id, theirs.id, fixed.id]) == set()
    [listed] = _clashes(bureau, capsys)
    assert listed["settled"] and listed["correction"]["number"] == fixed.number
    assert _clashes(bureau, capsys, "--open") == []


def _clashes(bureau: Any, capsys: pytest.CaptureFixture[str], *options: str) -> Any:
    settings = bureau.app.state.settings
    code = admin_main(["number-clashes", "--data-dir", str(settings.data_dir),
                       "--database-url", settings.database_url,
                       *(options if "--format" in options else ("--format", "json", *options))])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out if "text" in options else json.loads(out)


def test_numbers_printed_before_enrolment_are_never_leased_again(make_laptop) -> None:
    a: Laptop = make_laptop("wang", "王建国")
    b: Laptop = make_laptop("li", "李红")
    visit_id = start_visit(a)
    settings = load_settings(a.store.data_dir)
    year = date.today().year
    with a.store.write() as s:
        s.execute(update(LocalIdentity).values(server_url=""))  # as before enrolment
        numbering.add_block(s, "rectification", year, numbering.LocalAuthority(), size=80)
        s.execute(update(NumberBlock).where(NumberBlock.source == "local").values(next_seq=70))
        findings.record_finding(s, visit_id, category="overtime", description="超时",
                                requirement="整改", deadline=date(year, 12, 31))
        draft = notices.create_draft(s, visit_id, "rectification", settings)
        notices.sign(s, draft.id, "inspector", "检查员", STROKE)
    issued = notices.issue_notice(a.store, draft.id, settings, numbering.LocalAuthority())
    assert issued.number_seq == 70
    with a.store.write() as s:
        s.execute(update(LocalIdentity).values(server_url="http://127.0.0.1"))
    a.sync()
    b.sync()
    with b.store.read() as s:
        blocks = s.scalars(select(NumberBlock).where(NumberBlock.notice_type == "rectification")).all()
    assert blocks and min(bl.first_seq for bl in blocks) > 70


def test_an_enrolled_laptop_running_low_is_warned_at_issue_time(make_laptop) -> None:
    a: Laptop = make_laptop("wang", "王建国")
    a.sync()  # leases a block per type
    year = date.today().year
    with a.store.write() as s:  # all but three numbers of the rectification block used
        s.execute(update(NumberBlock).where(NumberBlock.notice_type == "rectification")
                  .values(next_seq=NumberBlock.last_seq - 2))
        assert numbering.is_running_low(s, "rectification", year, numbering.LocalAuthority())
    from fieldcheck.ui.notices import data as notice_data

    visit_id = start_visit(a)
    settings = load_settings(a.store.data_dir)
    with a.store.write() as s:
        draft = notices.create_draft(s, visit_id, "rectification", settings)
    plan = notice_data.plan_issue(a.store, draft.id, settings, numbering.LocalAuthority())
    assert plan.authority == "remote" and plan.remaining == 3 and plan.running_low


def test_a_conflict_found_after_pulling_over_a_local_edit_ends_with_the_servers_value(make_laptop) -> None:
    # Found by the stateful test: b edits offline, pulls a's change (its own edit laid over
    # it), then pushes; the server keeps a's value and b, whose cursor had already passed
    # a's version, must still end with it.
    from fieldcheck.sync.commands import connection_for
    from fieldcheck.sync.engine import SyncEngine

    a, b, visit_id, _ = _two_laptops_on_one_visit(make_laptop)
    with b.store.write() as s:
        visits.update_visit_details(s, visit_id, place="东侧服务区")
    with a.store.write() as s:
        visits.update_visit_details(s, visit_id, place="三楼办公室")
    a.sync()
    SyncEngine(b.store, connection_for(b.store, client=b.bureau.client)).pull()
    with b.store.read() as s:
        assert visits.get_visit(s, visit_id).place == "东侧服务区"  # its unsent edit stays on top
    report = b.sync()
    assert report.conflicts == 1
    a.sync()
    with b.store.read() as s:
        assert visits.get_visit(s, visit_id).place == "三楼办公室"
    ra, rb = a.records(), b.records()
    for name in ra:
        for x, y in zip(ra[name], rb[name], strict=True):
            assert x == y, (name, {k: (x[k], y.get(k)) for k in x if x[k] != y.get(k)})


def test_two_offline_answers_that_cross_over_the_same_value_end_in_a_visible_conflict(
        make_laptop) -> None:
    """Found by the stateful test: wang answers 否 then 是, li (offline, the same item) 是 then
    否. li's change starts from 是 like the server's value, but from li's own answer, not
    wang's: li's pull-before-push must not let the older change win unseen. Each edit's
    outbox op names the feed cursor it was made at."""
    from fieldcheck.domain import checklist
    from fieldcheck.sync.apply import cursor_of

    a, b, visit_id, item = _two_laptops_on_one_visit(make_laptop)
    with b.store.read() as s:
        b_cursor = cursor_of(s)
    with b.store.write() as s:
        checklist.answer_item(s, visit_id, item, "yes")
    with a.store.write() as s:
        checklist.answer_item(s, visit_id, item, "no")
    with b.store.write() as s:
        checklist.answer_item(s, visit_id, item, "no")
    with a.store.write() as s:
        checklist.answer_item(s, visit_id, item, "yes")  # the latest answer anyone gave
    with b.store.read() as s:
        assert {op.seen for op in s.scalars(select(OutboxOp).where(OutboxOp.entity == "answer"))} \
            == {b_cursor}
    a.sync()
    report = b.sync()
    assert report.conflicts == 1
    a.sync()
    for laptop in (a, b):
        with laptop.store.read() as s:
            assert checklist.answers_of(s, visit_id)[item] == "yes"
            [one] = conflicts.open_conflicts(s)  # about the value; who answered goes with it
            assert (one.field, one.kept_value, one.other_value) == ("value", "yes", "no")
            assert (one.kept_by, one.other_by) == ("王建国", "李红")
            answer = next(x for x in s.scalars(select(Answer)) if x.item_key == item)
            assert answer.answered_by == "王建国"
    assert a.export() == b.export()


def test_two_inspectors_giving_the_same_answer_offline_agree_without_a_conflict(make_laptop) -> None:
    from fieldcheck.domain import checklist

    a, b, visit_id, item = _two_laptops_on_one_visit(make_laptop)
    for laptop in (a, b):
        with laptop.store.write() as s:
            checklist.answer_item(s, visit_id, item, "no")
    assert a.sync().conflicts == 0
    assert b.sync().conflicts == 0
    a.sync()
    for laptop in (a, b):
        with laptop.store.read() as s:
            assert conflicts.open_conflicts(s) == []
            answer = next(x for x in s.scalars(select(Answer)) if x.item_key == item)
            assert (answer.value, answer.answered_by) == ("no", "王建国")  # the first to arrive
    assert a.export() == b.export()


def _two_laptops_on_one_visit(make_laptop) -> tuple[Laptop, Laptop, str, str]:
    """wang (王建国) and li (李红) of one team, both holding wang's visit; and its first
    yes/no item."""
    from fieldcheck.domain import checklist

    a: Laptop = make_laptop("wang", "王建国")
    b: Laptop = make_laptop("li", "李红")
    visit_id = start_visit(a)
    a.sync()
    b.sync()
    with b.store.read() as s:
        template = checklist.template_of(s, visits.get_visit(s, visit_id))
        item = next(i.key for i in template.items if i.type == "yes_no" and not i.visible_if)
    return a, b, visit_id, item
