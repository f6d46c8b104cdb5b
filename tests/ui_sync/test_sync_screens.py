"""The background sync and its indicator, conflicts, team plans and number blocks, with
laptops against a real server process on loopback."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from pytestqt.qtbot import QtBot
from sync_app_helpers import Laptop, ServerProcess, free_port, make_jpeg

from fieldcheck.domain import checklist, evidence, visits
from fieldcheck.domain.export import export_records, write_canonical_json
from fieldcheck.domain.people import add_unit
from fieldcheck.models import LocalIdentity, OutboxOp, Visit
from fieldcheck.sync.status import Schedule
from fieldcheck.ui.sync import data
from fieldcheck.ui.sync.conflicts import ConflictsDialog
from fieldcheck.ui.sync.controller import Indicator, SyncController, indicator_of
from fieldcheck.ui.sync.indicator import SyncCorner
from fieldcheck.ui.sync.numbers import NumbersSection
from fieldcheck.ui.sync.plan_dialog import PlanDialog
from fieldcheck.ui.visits.screen import VisitsScreen

WAIT = 60_000  # bounded waits on a slow shared machine
MANUAL = Schedule(every=3600, settle=3600, retry_after_failure=3600)


def _controller(qtbot: QtBot, laptop: Laptop) -> tuple[SyncController, list[Indicator]]:
    """A controller that syncs when told (the automatic one is tested on its own)."""
    controller = SyncController(laptop.ctx, schedule=MANUAL, poll_ms=200)
    seen: list[Indicator] = []
    controller.indicator_changed.connect(seen.append)
    controller.automatic = False
    controller.poll()
    qtbot.waitUntil(lambda: controller.status is not None, timeout=WAIT)
    return controller, seen


def _settled(qtbot: QtBot, controller: SyncController) -> None:
    qtbot.waitUntil(lambda: not controller.running and controller.status is not None
                    and not controller._polling, timeout=WAIT)


def _sync(qtbot: QtBot, controller: SyncController) -> data.SyncOutcome:
    with qtbot.waitSignal(controller.synced, timeout=WAIT) as got:
        assert controller.sync_now()
    _settled(qtbot, controller)
    return got.args[0]  # type: ignore[no-any-return]


def _export(laptop: Laptop) -> str:
    out = io.StringIO()
    with laptop.store.read() as s:
        write_canonical_json(export_records(s), out)
    return out.getvalue()


def test_indicator_tells_local_syncing_up_to_date_waiting_offline_error_and_revoked(
        qtbot: QtBot, make_laptop: Any, server: ServerProcess, monkeypatch: Any) -> None:
    alone = make_laptop(enrolled=False)
    controller, seen = _controller(qtbot, alone)
    controller.automatic = True
    controller.start()
    _settled(qtbot, controller)
    assert controller.indicator.kind == "local" and "未登记" in controller.indicator.text
    assert not controller.sync_now() and not controller.timer.isActive()

    laptop = make_laptop()
    controller, seen = _controller(qtbot, laptop)
    corner = SyncCorner()
    qtbot.addWidget(corner)
    controller.indicator_changed.connect(corner.show_indicator)
    controller.automatic = True
    with qtbot.waitSignal(controller.synced, timeout=WAIT):
        controller.start()  # the first poll finds a sync due at start
    _settled(qtbot, controller)
    assert any(i.kind == "syncing" for i in seen)
    now = controller.indicator
    assert now.kind == "ok" and now.text.startswith("已同步 ") and len(now.text) == len("已同步 12:00")
    assert corner.state.text() == "● " + now.text

    with laptop.store.write() as s:  # an edit: n changes waiting
        add_unit(s, "市政务服务中心", "service_window")
    qtbot.waitUntil(lambda: controller.indicator.kind == "waiting", timeout=WAIT)
    assert controller.indicator.text == "1 项更改待同步"

    # photo uploads show their progress
    visit_id = _start_visit(laptop)
    _add_photos(laptop, visit_id, 3)
    seen.clear()
    assert _sync(qtbot, controller).ok
    photo_states = [i for i in seen if i.total]
    assert photo_states and photo_states[-1].text == "正在同步：上传照片 3/3"
    assert controller.indicator.kind == "ok"

    # offline: the server cannot be reached; the changes wait
    with laptop.store.write() as s:
        add_unit(s, "市行政审批局", "department")
        ident = s.query(LocalIdentity).one()
        real_url, ident.server_url = ident.server_url, f"http://127.0.0.1:{free_port()}"
    outcome = _sync(qtbot, controller)
    assert outcome.offline and controller.indicator.kind == "offline"
    assert controller.indicator.text == "离线，1 项更改待同步"
    with laptop.store.write() as s:
        s.query(LocalIdentity).one().server_url = real_url

    # an error: the reason on click
    monkeypatch.setattr("fieldcheck.sync.transport.SCHEMA_VERSION", 0)
    assert _sync(qtbot, controller).code == "upgrade_required"
    assert controller.indicator.kind == "error" and controller.indicator.text.startswith("同步出错")
    corner.show_indicator(controller.indicator)
    corner.state.click()
    assert corner.details is not None and "更新版本" in corner.details.informativeText()
    corner.details.close()
    monkeypatch.undo()

    # revoked: stops syncing, says so, keeps the unsynced change
    with laptop.store.read() as s:
        pending = s.query(OutboxOp).filter(OutboxOp.status == "pending").count()
    assert pending == 1
    server.revoke(laptop.store.identity().device_id)
    assert _sync(qtbot, controller).code == "device_revoked"
    assert controller.indicator.kind == "revoked" and "撤销" in controller.indicator.text
    assert "1 项更改仍完整保存在本机" in controller.indicator.detail
    assert not controller.sync_now() and not controller.timer.isActive()
    with laptop.store.read() as s:
        assert s.query(OutboxOp).filter(OutboxOp.status == "pending").count() == pending
    again = SyncController(laptop.ctx, schedule=MANUAL)  # after a restart it still says so
    again.start()
    qtbot.waitUntil(lambda: again.status is not None, timeout=WAIT)
    assert again.indicator.kind == "revoked" and not again.running
    controller.shutdown()
    again.shutdown()


def test_indicator_words_for_each_state() -> None:
    assert indicator_of(None, False, None).kind == "local"
    syncing = indicator_of(_status(pending=2), True, None, (1, 4))
    assert (syncing.kind, syncing.text, syncing.done, syncing.total) == ("syncing", "正在同步：上传照片 1/4", 1, 4)
    assert indicator_of(_status(), True, None).text == "正在同步…"
    waiting_turn = indicator_of(_status(), True, None, (0, 0), server_busy=True)
    assert (waiting_turn.kind, waiting_turn.text) == ("syncing", "正在同步：服务器繁忙，排队等候…")
    assert "自动继续" in waiting_turn.detail
    assert indicator_of(_status(), False, None).text == "尚未同步"


def _status(**overrides: Any) -> Any:
    from fieldcheck.sync.status import SyncStatus

    values = dict(enrolled=True, server_url="http://127.0.0.1:1", username="wang", user_name="王建国",
                  role="inspector", team="一组", pending=0, last_change=0, open_conflicts=0,
                  rejections=0, last_ok_at=None, revoked=False)
    values.update(overrides)
    return SyncStatus(**values)


def _start_visit(laptop: Laptop, unit: str = "市不动产登记中心") -> str:
    with laptop.store.write() as s:
        unit_id = add_unit(s, unit, "service_window").id
        version = checklist.latest_template_versions(s)[0]
        return visits.start_new_visit(s, unit_id=unit_id, kind="open", template_version_id=version.id,
                                      team="一组").id


def _add_photos(laptop: Laptop, visit_id: str, n: int) -> None:
    folder = laptop.store.data_dir.parent / f"shots-{laptop.username}"
    folder.mkdir(exist_ok=True)
    paths = [make_jpeg(folder / f"p{i}.jpg", i) for i in range(n)]
    assert len(evidence.import_photos(laptop.store, visit_id, paths).added) == n


def test_both_laptops_show_one_conflict_and_one_resolution_syncs_to_both(
        qtbot: QtBot, make_laptop: Any) -> None:
    a = make_laptop(name="王建国")
    b = make_laptop(name="李明")
    sync_a, _ = _controller(qtbot, a)
    sync_b, _ = _controller(qtbot, b)
    visit_id = _start_visit(a)
    _sync(qtbot, sync_a)
    _sync(qtbot, sync_b)
    with a.store.write() as s:  # both edit the same field while offline
        visits.update_visit_details(s, visit_id, place="一楼综合服务大厅")
    with b.store.write() as s:
        visits.update_visit_details(s, visit_id, place="二楼不动产窗口")
    for controller in (sync_a, sync_b, sync_a):
        assert _sync(qtbot, controller).ok
    rows_a, rows_b = data.conflicts(a.store), data.conflicts(b.store)
    assert [r.id for r in rows_a] == [r.id for r in rows_b] and len(rows_a) == 1

    dialog = ConflictsDialog(b.ctx, visit_id=visit_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=WAIT)
    values = {dialog.kept.value.text(), dialog.other.value.text()}
    assert values == {"一楼综合服务大厅", "二楼不动产窗口"}
    assert {dialog.kept.who.text().split(" 于 ")[0], dialog.other.who.text().split(" 于 ")[0]} == {"王建国", "李明"}
    assert dialog.where.text().startswith("市不动产登记中心") and dialog.what.text() == "改动之处：检查的“地点”"
    dialog.merged.setPlainText("一楼综合服务大厅、二楼不动产窗口")
    with qtbot.waitSignal(dialog.resolved, timeout=WAIT):
        dialog.use_merged.click()
    qtbot.waitUntil(lambda: dialog.list.count() == 0 and dialog.empty.isVisibleTo(dialog), timeout=WAIT)
    for controller in (sync_b, sync_a, sync_b):
        assert _sync(qtbot, controller).ok
    assert not data.conflicts(a.store) and not data.conflicts(b.store)
    with a.store.read() as s:
        assert s.get(Visit, visit_id).place == "一楼综合服务大厅、二楼不动产窗口"
    assert _export(a) == _export(b)


def test_a_supervisors_confidential_plan_reaches_one_team_only(qtbot: QtBot, make_laptop: Any) -> None:
    boss = make_laptop(role="supervisor", team="效能室", name="赵主任")
    team_a = make_laptop(team="三组")
    team_b = make_laptop(team="四组")
    with boss.store.write() as s:
        add_unit(s, "市住房公积金中心", "service_window")
    sync_boss, _ = _controller(qtbot, boss)
    _sync(qtbot, sync_boss)  # the inspector directory names the teams
    assert sync_boss.status is not None and sync_boss.status.can_plan

    dialog = PlanDialog(boss.ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.ok.isEnabled, timeout=WAIT)
    assert {"三组", "四组"} <= {dialog.team.itemText(i) for i in range(dialog.team.count())}
    dialog.unit.setCurrentIndex(dialog.unit.findText("市住房公积金中心"))
    dialog.kind.setCurrentIndex(dialog.kind.findData("unannounced"))
    dialog.team.setCurrentText("三组")
    assert dialog.confidential.isChecked()  # unannounced: confidential unless unticked
    with qtbot.waitSignal(dialog.planned, timeout=WAIT) as planned:
        dialog.ok.click()
    visit_id = planned.args[0]
    _sync(qtbot, sync_boss)

    for laptop in (team_a, team_b):
        controller, _ = _controller(qtbot, laptop)
        assert _sync(qtbot, controller).ok
    screen_a = VisitsScreen.for_store(team_a.ctx)
    qtbot.addWidget(screen_a)
    screen_a.load()
    qtbot.waitUntil(lambda: screen_a.plan_title.text() == "今日计划（1）", timeout=WAIT)
    qtbot.waitUntil(lambda: screen_a.model.total == 1, timeout=WAIT)
    row = screen_a.model.rows[0]
    assert row.id == visit_id and row.planned_for == date.today() and row.confidential
    assert row.unit_name == "保密单位（开始检查后显示）"
    with team_b.store.read() as s:
        assert s.get(Visit, visit_id) is None
    screen_b = VisitsScreen.for_store(team_b.ctx)
    qtbot.addWidget(screen_b)
    screen_b.load()
    qtbot.waitUntil(lambda: screen_b.plan_title.text() == "今日计划（0）", timeout=WAIT)


def test_numbers_view_shows_leased_blocks_and_warns_when_low(qtbot: QtBot, make_laptop: Any) -> None:
    laptop = make_laptop()
    section = NumbersSection(laptop.store, laptop.ctx.tasks)
    qtbot.addWidget(section)
    qtbot.waitUntil(lambda: section.view is not None, timeout=WAIT)
    assert section.warning.isVisibleTo(section) and "快用完" in section.warning.text()  # offline, none yet
    controller, _ = _controller(qtbot, laptop)
    assert _sync(qtbot, controller).ok  # leases a block per type while online
    section.view = None
    section.reload()
    qtbot.waitUntil(lambda: section.view is not None, timeout=WAIT)
    assert not section.warning.isVisibleTo(section)
    texts = [[section.table.item(r, c).text() for c in range(section.table.columnCount())]
             for r in range(section.table.rowCount())]
    assert any(t[0] == "整改通知书" and t[1] == str(date.today().year) and t[3] == "50"
               and t[4] == "服务器" and t[5] != "—" for t in texts)


PHOTOS = 16


def test_closing_during_a_sync_loses_nothing(qtbot: QtBot, make_laptop: Any) -> None:
    a = make_laptop()
    b = make_laptop()
    visit_id = _start_visit(a)
    _add_photos(a, visit_id, PHOTOS)  # enough that the stop lands mid-upload under load
    controller, seen = _controller(qtbot, a)
    controller.sync_now()
    qtbot.waitUntil(lambda: any(i.total for i in seen), timeout=WAIT)  # mid-upload
    controller.shutdown()  # the window closes: the sync stops at its next committed step
    assert a.ctx.tasks.wait(60_000)
    assert not controller.sync_now()
    with a.store.read() as s:
        assert s.get(Visit, visit_id) is not None
        assert len(evidence.photos_of(s, visit_id)) == PHOTOS
        assert s.query(OutboxOp).filter(OutboxOp.status == "pending").count() > 0  # not all sent
    again, _ = _controller(qtbot, a)  # the next start resumes where it stopped
    assert _sync(qtbot, again).ok
    with a.store.read() as s:
        assert s.query(OutboxOp).filter(OutboxOp.status == "pending").count() == 0
    other, _ = _controller(qtbot, b)
    assert _sync(qtbot, other).ok
    with b.store.read() as s:
        shas = [p.sha256 for p in evidence.photos_of(s, visit_id)]
    assert len(shas) == PHOTOS and all(b.store.blobs.has(sha) for sha in shas)
