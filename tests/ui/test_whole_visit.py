"""Click through a whole unannounced visit, then check what the store holds."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from ui_helpers import make_jpeg, type_chinese

from fieldcheck.domain.changes import verify_chain
from fieldcheck.domain.checklist import answers_of
from fieldcheck.domain.evidence import photos_of
from fieldcheck.domain.findings import findings_of
from fieldcheck.domain.observations import observations_of
from fieldcheck.models import AuditEvent, OutboxOp, Visit
from fieldcheck.ui.common import dialogs
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.errors import open_error_dialogs
from fieldcheck.ui.main_window import MainWindow
from fieldcheck.ui.start_visit.dialog import ADHOC
from fieldcheck.ui.visit.workspace import OBSERVATIONS, VisitWorkspace

pytestmark = pytest.mark.gui
UNIT = "清河市政务服务中心社保经办窗口"


def start_adhoc_visit(qtbot: QtBot, window: MainWindow) -> VisitWorkspace:
    dialog = window.start_visit()
    qtbot.waitUntil(lambda: dialog.ready)
    dialog.tabs.setCurrentIndex(ADHOC)
    form = dialog.form
    form.new_unit_button.click()
    form.new_unit_name.setText(UNIT)
    form.new_unit_kind.setCurrentIndex(form.new_unit_kind.findData("service_window"))
    form.add_unit()
    qtbot.waitUntil(lambda: form.unit_id() is not None)
    form.kind_buttons["unannounced"].setChecked(True)
    form.template.setCurrentIndex(form.template.findText("窗口明查暗访", Qt.MatchFlag.MatchContains))
    form.place.setText("一楼综合服务大厅")
    assert form.member_ids(), "the laptop user is on the team by default"
    with qtbot.waitSignal(dialog.started, timeout=5000):
        dialog.ok.click()
    workspace = window.workspace
    assert workspace is not None
    qtbot.waitUntil(lambda: workspace.info is not None and workspace.checklist.state is not None)
    return workspace


def wait_saved(qtbot: QtBot, ctx: AppContext) -> None:
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0, timeout=5000)


def answer_first_items(qtbot: QtBot, ctx: AppContext, ws: VisitWorkspace) -> None:
    cards = ws.checklist.view.cards
    cards["arrival_time"].editor.now.click()
    cards["check_method"].editor.buttons["covert"].click()
    qtbot.waitUntil(lambda: not cards["service_item"].isHidden())  # visibility follows answers
    text = cards["window_name"].editor.edit
    text.setFocus()
    type_chinese(text, "社保经办窗口（市人社局）")
    cards["window_name"].editor.flush()
    # Y/N/A keys answer a focused yes/no item; "no" fails it
    qtbot.keyClick(cards["staff_on_duty"].editor.buttons["yes"], Qt.Key.Key_N)
    qtbot.waitUntil(lambda: not cards["absence_minutes"].isHidden())
    assert cards["badge_displayed"].isHidden()
    qtbot.waitUntil(lambda: cards["staff_on_duty"].to_finding.isVisibleTo(cards["staff_on_duty"]))
    assert cards["staff_on_duty"].property("failed") is True
    cards["absence_minutes"].editor.spin.setValue(20)
    cards["absence_arrangement"].editor.buttons["notice_posted"].click()
    wait_saved(qtbot, ctx)


def answer_the_rest(qtbot: QtBot, ctx: AppContext, ws: VisitWorkspace) -> None:
    cards = ws.checklist.view.cards
    cards["discipline_violations"].editor.boxes["none"].click()
    for key in ("first_inquiry", "one_time_notice", "public_commitment", "e_system_used"):
        qtbot.keyClick(cards[key].editor.buttons["no"], Qt.Key.Key_Y)
    for key in ("extortion", "extra_steps", "improper_fees"):
        cards[key].editor.buttons["no"].click()
    cards["time_limit"].editor.buttons["all_on_time"].click()
    cards["wait_minutes"].editor.spin.setValue(12)
    cards["attitude"].editor.buttons["warm"].click()
    cards["remarks"].note.setText("窗口人员 10:40 返回")
    cards["remarks"].flush_note()
    wait_saved(qtbot, ctx)


def log_observations(qtbot: QtBot, ctx: AppContext, ws: VisitWorkspace) -> None:
    ws.tabs.setCurrentIndex(OBSERVATIONS)
    log = ws.observations.log
    log.setFocus()
    qtbot.keyClick(log, "1")  # quick code 1: 窗口无人
    type_chinese(ws.observations.entry, "叫号屏显示等候 23 人")
    qtbot.keyClick(ws.observations.entry, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(ws.observations.rows) == 2)
    assert [r.text for r in ws.observations.rows] == ["窗口无人", "叫号屏显示等候 23 人"]
    assert log.topLevelItem(0).text(0).count(":") == 1  # HH:MM


def refused_finish(qtbot: QtBot, ws: VisitWorkspace) -> None:
    ws.header.finish.click()
    qtbot.waitUntil(lambda: bool(open_error_dialogs()))
    dialog = open_error_dialogs()[0]
    problems = dialog.problem_texts()
    assert "必答条目未填写：等候时间（从取号到开始办理）" in problems
    assert any("工作时间窗口工作人员在岗" in p and "照片" in p for p in problems)
    assert ws.checklist.view.cards["wait_minutes"].property("missing") is True
    dialog.accept()


def record_finding_from_item(qtbot: QtBot, ctx: AppContext, ws: VisitWorkspace) -> None:
    ws.checklist.view.cards["staff_on_duty"].to_finding.click()
    qtbot.waitUntil(lambda: ws.findings.editor is not None and ws.findings.editor.isVisible())
    editor = ws.findings.editor
    assert editor is not None
    values = editor.values()
    assert values["category"] and values["description"]  # prefilled from the suggestion
    assert values["item_key"] == "staff_on_duty"
    editor.responsible.setText("社保经办窗口 工作人员")
    editor.save()
    qtbot.waitUntil(lambda: len(ws.findings.rows) == 1 and not editor.isVisible())


def attach_photos(qtbot: QtBot, ctx: AppContext, ws: VisitWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime.now()
    item_photo = make_jpeg(tmp_path / "IMG_0001.JPG", (180, 40, 40), now)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(item_photo)], ""))
    ws.checklist.view.cards["staff_on_duty"].add_photo.click()  # the item's 附照片 button
    qtbot.waitUntil(lambda: ws.importer.last_report is not None and not ws.importer.running)
    card = tmp_path / "DCIM"
    card.mkdir()
    make_jpeg(card / "IMG_0002.JPG", (40, 120, 180), now)
    make_jpeg(card / "IMG_0003.JPG", (60, 160, 90), now)
    make_jpeg(card / "OLD.JPG", (9, 9, 9), datetime(2019, 5, 1, 10, 0))
    folder = ws.photos.open_folder_import(card)
    qtbot.waitUntil(lambda: folder.scanned)
    assert sorted(p.name for p in folder.selected()) == ["IMG_0002.JPG", "IMG_0003.JPG"]
    folder.accept()
    qtbot.waitUntil(lambda: len(ws.photos.model.rows) == 3, timeout=10_000)
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a photo")
    ws.photos.import_files([bad])
    qtbot.waitUntil(lambda: ws.photos.report_dialog is not None and ws.photos.report_dialog.isVisible())
    assert "notes.jpg" in ws.photos.report_dialog.list.item(0).text()
    ws.photos.report_dialog.accept()
    qtbot.waitUntil(lambda: ws.photos.model.thumbnails_ready())
    # link one of them to the finding as evidence
    editor = ws.findings.edit(ws.findings.rows[0])
    assert editor is not None
    editor.photos.item(1).setCheckState(Qt.CheckState.Checked)
    editor.severity.setCurrentIndex(editor.severity.findData("serious"))
    editor.save()
    qtbot.waitUntil(lambda: len(ws.findings.rows[0].photo_ids) == 1)


def test_a_whole_unannounced_visit(qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.attach(ctx)
    ws = start_adhoc_visit(qtbot, window)
    answer_first_items(qtbot, ctx, ws)
    log_observations(qtbot, ctx, ws)
    refused_finish(qtbot, ws)
    answer_the_rest(qtbot, ctx, ws)
    record_finding_from_item(qtbot, ctx, ws)
    attach_photos(qtbot, ctx, ws, tmp_path, monkeypatch)

    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _title, text, yes="": asked.append(text) or True)
    ws.header.finish.click()  # 2.2 failed (20 minutes away) and has no finding: asked first
    qtbot.waitUntil(lambda: ws.info is not None and ws.info.status == "completed", timeout=5000)
    assert len(asked) == 1 and "2.2 窗口无人持续时间" in asked[0]
    assert not open_error_dialogs()
    assert ws.header.reopen.isVisibleTo(ws.header) and not ws.header.finish.isVisibleTo(ws.header)
    assert not ws.checklist.view.cards["wait_minutes"].editor.isEnabled()  # read-only now
    assert not ws.observations.entry.isEnabled()

    check_store(ctx, ws.visit_id)

    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "补充现场照片")
    ws.header.reopen.click()
    qtbot.waitUntil(lambda: ws.info is not None and ws.info.status == "in_progress", timeout=5000)
    with ctx.store.read() as s:
        reopen = s.scalars(select(AuditEvent).where(AuditEvent.action == "visit.reopen")).one()
        assert reopen.detail == {"reason": "补充现场照片"}
    window.close()


def check_store(ctx: AppContext, visit_id: str) -> None:
    with ctx.store.read() as s:
        visit = s.get(Visit, visit_id)
        assert visit is not None
        assert visit.status == "completed" and visit.kind == "unannounced" and visit.confidential
        assert visit.started_at is not None and visit.ended_at is not None
        answers = answers_of(s, visit_id)
        assert answers["staff_on_duty"] == "no"
        assert answers["absence_minutes"] == 20
        assert answers["window_name"] == "社保经办窗口（市人社局）"
        assert answers["discipline_violations"] == ["none"]
        assert answers["first_inquiry"] == "yes"
        assert "remarks" not in answers  # a note alone is not an answer
        observations = observations_of(s, visit_id)
        assert [o.quick_code for o in observations] == ["window_empty", ""]
        [finding] = findings_of(s, visit_id)
        assert finding.item_key == "staff_on_duty" and finding.responsible == "社保经办窗口 工作人员"
        photos = photos_of(s, visit_id)
        assert sorted(p.original_name for p in photos) == ["IMG_0001.JPG", "IMG_0002.JPG", "IMG_0003.JPG"]
        assert [p.item_key for p in photos if p.original_name == "IMG_0001.JPG"] == ["staff_on_duty"]
        assert sum(1 for p in photos if p.finding_id == finding.id) == 1
        for photo in photos:
            assert ctx.store.blobs.verify(photo.sha256)
        actions = set(s.scalars(select(AuditEvent.action)))
        assert {"unit.add", "visit.plan", "visit.start", "answer.set", "observation.add",
                "finding.add", "finding.revise", "photo.import", "photo.link", "visit.finish"} <= actions
        assert s.scalars(select(OutboxOp).where(OutboxOp.entity_id == visit_id)).first() is not None
        assert verify_chain(s) == []
        finish = s.scalars(select(AuditEvent).where(AuditEvent.action == "visit.finish")).one()
        assert finish.detail == {"unrecorded_failures": [
            {"item": "absence_minutes", "label": "窗口无人持续时间"}]}
