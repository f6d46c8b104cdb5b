"""The visit workspace around the whole-visit flow: a planned visit, drops, observation edits."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot
from ui_helpers import make_jpeg

from fieldcheck.domain.checklist import latest_template_versions
from fieldcheck.domain.people import add_unit
from fieldcheck.domain.visits import plan_visit
from fieldcheck.ui.common import dialogs
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.visit.workspace import VisitWorkspace

pytestmark = pytest.mark.gui


def planned_visit(ctx: AppContext) -> str:
    with ctx.store.write() as s:
        unit = add_unit(s, "清河市市场监督管理局", "department")
        version = next(v for v in latest_template_versions(s) if v.key == "window_unannounced")
        return plan_visit(s, unit_id=unit.id, kind="open", template_version_id=version.id,
                          planned_for=date.today()).id


def open_workspace(qtbot: QtBot, ctx: AppContext, visit_id: str) -> VisitWorkspace:
    ws = VisitWorkspace(ctx, visit_id)
    qtbot.addWidget(ws)
    ws.resize(1300, 850)
    ws.show()
    qtbot.waitUntil(lambda: ws.info is not None and ws.checklist.state is not None)
    return ws


def test_a_planned_visit_is_read_only_until_started(qtbot: QtBot, ctx: AppContext) -> None:
    ws = open_workspace(qtbot, ctx, planned_visit(ctx))
    assert ws.banner.isVisibleTo(ws) and "尚未开始" in ws.banner.text()
    assert not ws.checklist.view.cards["staff_on_duty"].editor.isEnabled()
    ws.header.start.click()
    qtbot.waitUntil(lambda: ws.info is not None and ws.info.status == "in_progress")
    assert not ws.banner.isVisibleTo(ws)
    assert ws.checklist.view.cards["staff_on_duty"].editor.isEnabled()
    assert ws.header.finish.isVisibleTo(ws.header)
    ctx.tasks.wait()


def test_photos_dropped_on_the_grid_are_imported(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    ws = open_workspace(qtbot, ctx, planned_visit(ctx))
    ws.header.start.click()
    qtbot.waitUntil(lambda: ws.info is not None and ws.info.editable)
    folder = tmp_path / "phone"
    folder.mkdir()
    for n in range(3):
        make_jpeg(folder / f"IMG_{n}.JPG", (50 * n, 100, 120), datetime.now())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])  # a whole folder, as people drop them
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(ws.importer.finished, timeout=10_000) as finished:
        ws.photos.grid.dropEvent(drop)
    assert len(finished.args[0].added) == 3
    qtbot.waitUntil(lambda: len(ws.photos.model.rows) == 3 and ws.photos.model.thumbnails_ready())
    assert ws.tabs.tabText(3) == "照片 (3)"
    ctx.tasks.wait()


def test_observations_can_be_corrected_and_removed(qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = open_workspace(qtbot, ctx, planned_visit(ctx))
    ws.header.start.click()
    qtbot.waitUntil(lambda: ws.info is not None and ws.info.editable)
    log = ws.observations
    log.quick_buttons[3].click()  # 等候超时
    qtbot.waitUntil(lambda: len(log.rows) == 1)
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "等候超时（约 40 分钟）")
    log.edit_entry(log.log.topLevelItem(0))
    qtbot.waitUntil(lambda: log.rows and log.rows[0].text == "等候超时（约 40 分钟）")
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    log.log.setCurrentItem(log.log.topLevelItem(0))
    qtbot.keyClick(log.log, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: not log.rows)
    ctx.tasks.wait()


def test_a_photo_import_can_be_stopped_and_keeps_what_it_imported(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    ws = open_workspace(qtbot, ctx, planned_visit(ctx))
    ws.header.start.click()
    qtbot.waitUntil(lambda: ws.info is not None and ws.info.editable)
    files = [make_jpeg(tmp_path / f"S{n}.JPG", (20 * n, 80, 160), datetime.now()) for n in range(12)]
    with qtbot.waitSignal(ws.importer.finished, timeout=10_000) as finished:
        ws.photos.import_files(files)
        ws.photos.stop_button.click()  # 停止导入: stops after the photo in hand
    stopped_after = len(finished.args[0].added)
    assert stopped_after < len(files)
    qtbot.waitUntil(lambda: len(ws.photos.model.rows) == stopped_after)
    ws.photos.import_files(files)  # the rest can be imported later; nothing is doubled
    qtbot.waitUntil(lambda: len(ws.photos.model.rows) == len(files), timeout=10_000)
    ctx.tasks.wait()


def test_a_planned_visit_can_be_cancelled_with_a_reason(qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    from fieldcheck.models import AuditEvent, Visit

    visit_id = planned_visit(ctx)
    ws = open_workspace(qtbot, ctx, visit_id)
    assert ws.header.cancel.isVisibleTo(ws.header)
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "被检查单位当日停电停业")
    ws.header.cancel.click()
    qtbot.waitUntil(lambda: ws.info is not None and ws.info.status == "cancelled", timeout=5000)
    assert not ws.header.cancel.isVisibleTo(ws.header) and not ws.header.start.isVisibleTo(ws.header)
    with ctx.store.read() as s:
        assert s.get(Visit, visit_id).status == "cancelled"  # type: ignore[union-attr]
        event = s.query(AuditEvent).filter(AuditEvent.action == "visit.cancel").one()
        assert event.detail == {"reason": "被检查单位当日停电停业"}
    ctx.tasks.wait()


def test_a_planned_visit_is_moved_to_another_day_with_a_reason(qtbot: QtBot, ctx: AppContext) -> None:
    from PySide6.QtCore import QDate

    from fieldcheck.domain.queries import VisitFilter, page_visits
    from fieldcheck.models import AuditEvent, Visit
    from fieldcheck.ui.common.errors import ErrorDialog

    visit_id = planned_visit(ctx)
    ws = open_workspace(qtbot, ctx, visit_id)
    assert ws.header.reschedule.isVisibleTo(ws.header)
    ask = ws.reschedule()
    assert ask.isVisible() and ask.chosen_day() == date.today() + timedelta(days=1)
    later = date.today() + timedelta(days=3)
    ask.day.setDate(QDate(later.year, later.month, later.day))
    ask.reason.setText("被检查单位负责人外出参加会议")
    ask.accept()
    qtbot.waitUntil(lambda: ws.info is not None and ws.info.planned_for == later, timeout=5000)
    assert f"计划日期：{later.isoformat()}" in ws.header.facts.text()
    assert ws.header.start.isVisibleTo(ws.header)  # still a plan, on its new day
    with ctx.store.read() as s:
        assert s.get(Visit, visit_id).planned_for == later  # type: ignore[union-attr]
        event = s.query(AuditEvent).filter(AuditEvent.action == "visit.reschedule").one()
        assert event.detail == {"from": date.today().isoformat(), "to": later.isoformat(),
                                "reason": "被检查单位负责人外出参加会议"}
        on_day = page_visits(s, VisitFilter(date_from=later, date_to=later), 0, 10)
        assert [r.id for r in on_day] == [visit_id]  # the list files it under its new day

    refused = ws.reschedule()  # no reason: refused with a message, the day stays
    refused.reason.setText("  ")
    with qtbot.waitSignal(ctx.tasks.idle, timeout=10_000):
        refused.accept()
    said = [w for w in ws.findChildren(ErrorDialog) if w.isVisible()]
    assert [w.message.text() for w in said] == ["请填写改期的理由（将被记录）。"]
    with ctx.store.read() as s:
        assert s.get(Visit, visit_id).planned_for == later  # type: ignore[union-attr]
    ctx.tasks.wait()


def test_finishing_with_failed_items_and_no_finding_asks_and_the_answer_is_on_record(
        qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import select

    from fieldcheck import templates as tpl
    from fieldcheck.domain.checklist import answer_item, publish_template
    from fieldcheck.domain.findings import record_finding
    from fieldcheck.domain.visits import start_new_visit
    from fieldcheck.models import AuditEvent

    body = {"key": "tiny_finish", "title": "小模板", "version": 1, "kinds": ["open"], "sections": [
        {"key": "s", "title": "一、纪律", "items": [
            {"key": "on_duty", "type": "yes_no", "label": "在岗"},
            {"key": "badge", "type": "yes_no", "label": "佩戴工作牌"},
            {"key": "tidy", "type": "yes_no", "label": "台面整洁"}]}]}
    with ctx.store.write() as s:
        version = publish_template(s, tpl.parse_template(body, "tiny_finish"))
        unit = add_unit(s, "清河市市场监督管理局", "department")
        visit_id = start_new_visit(s, unit_id=unit.id, kind="open", template_version_id=version.id).id
        for key in ("on_duty", "badge", "tidy"):
            answer_item(s, visit_id, key, "no")
        record_finding(s, visit_id, category="discipline", description="离岗", item_key="on_duty")
    ws = open_workspace(qtbot, ctx, visit_id)
    asked: list[str] = []
    answers = [False, True]
    monkeypatch.setattr(dialogs, "confirm",
                        lambda _p, _t, text, yes="": asked.append(text) or answers.pop(0))
    ws.header.finish.click()
    qtbot.waitUntil(lambda: len(asked) == 1)
    assert "1.2 佩戴工作牌" in asked[0] and "1.3 台面整洁" in asked[0] and "在岗" not in asked[0]
    ctx.tasks.wait()
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0)
    assert ws.info is not None and ws.info.status == "in_progress"  # said no: still open
    ws.header.finish.click()
    qtbot.waitUntil(lambda: ws.info is not None and ws.info.status == "completed")
    with ctx.store.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "visit.finish")).one()
    assert event.detail == {"unrecorded_failures": [{"item": "badge", "label": "佩戴工作牌"},
                                                    {"item": "tidy", "label": "台面整洁"}]}
    ctx.tasks.wait()
