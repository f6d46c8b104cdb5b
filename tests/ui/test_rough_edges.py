"""The rough edges of a first real visit: where 保存 PDF opens, the PDF's date, hidden items,
camera-card thumbnails, a finished visit's look, the window title, continuing after a
restart, 今日计划 cards and list headers."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFileDialog, QTableView, QTreeWidget
from pytestqt.qtbot import QtBot
from test_workspace import open_workspace
from ui_helpers import make_jpeg

from fieldcheck.domain.checklist import answer_item, latest_template_versions
from fieldcheck.domain.people import add_unit
from fieldcheck.domain.visits import finish_visit, plan_visit, start_new_visit
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.main_window import MainWindow
from fieldcheck.ui.notices import printing
from fieldcheck.ui.visits.screen import CARD_MARGIN, CARD_WIDTH, PlanCard

pytestmark = pytest.mark.gui

LONG_UNIT = "清河经济开发区新能源汽车零部件产业园综合管廊项目"


def _version(s, key: str = "window_unannounced") -> str:  # type: ignore[no-untyped-def]
    return next(v for v in latest_template_versions(s) if v.key == key).id


def _started(ctx: AppContext, unit: str = "清河市政务服务中心社保经办窗口") -> str:
    with ctx.store.write() as s:
        unit_id = add_unit(s, unit, "service_window").id
        return start_new_visit(s, unit_id=unit_id, kind="unannounced", template_version_id=_version(s),
                               place="一楼综合服务大厅").id


def test_save_pdf_starts_in_documents_and_remembers_the_last_folder(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fieldcheck.ui.common.prefs import prefs

    prefs().remove(printing.LAST_FOLDER_KEY)
    offered: list[str] = []
    chosen = tmp_path / "文书"
    chosen.mkdir()

    def dialog(_parent, _title, start, _filter):  # type: ignore[no-untyped-def]
        offered.append(start)
        return str(chosen / "整改通知书"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    assert printing.ask_save_path(None, "a.pdf") == chosen / "整改通知书.pdf"
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    first = Path(offered[0]).parent
    assert first != Path("/") and first in (Path(documents), Path.home())
    printing.ask_save_path(None, "b.pdf")
    assert Path(offered[1]) == chosen / "b.pdf"  # the folder used last


def test_a_notice_pdf_is_dated_its_issue_day(tmp_path: Path) -> None:
    from fieldcheck.notices import NoticeType, render_notice, sample_content, sample_settings

    content = sample_content(NoticeType.RECTIFICATION)
    content.issued_on = date(2026, 11, 27)
    (tmp_path / "n.pdf").write_bytes(render_notice(content, sample_settings()))
    info = subprocess.run(["pdfinfo", str(tmp_path / "n.pdf")], capture_output=True, text=True).stdout
    created = next(line for line in info.splitlines() if line.startswith("CreationDate:"))
    assert "Nov 27" in created and "2026" in created


def test_hidden_items_leave_no_gap_in_the_numbers_and_are_signposted(qtbot: QtBot, ctx: AppContext) -> None:
    visit_id = _started(ctx)
    ws = open_workspace(qtbot, ctx, visit_id)
    view = ws.checklist.view
    sign = view._hidden_signs[1]  # 二、在岗情况: 2.2–2.4 depend on 2.1
    assert sign.isVisibleTo(view) and sign.text() == "3 项已隐藏"
    assert view.cards["discipline_violations"].title.text().startswith("3.1 ")
    view.cards["staff_on_duty"].editor.buttons["yes"].click()
    assert view.cards["badge_displayed"].title.text().startswith("2.2 ")  # not 2.4
    assert sign.text() == "2 项已隐藏"
    ctx.tasks.wait()


def test_camera_card_list_shows_thumbnails_and_says_what_it_skipped(
        qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    visit_id = _started(ctx)
    card = tmp_path / "DCIM"
    card.mkdir()
    now = datetime.now()
    make_jpeg(card / "IMG_0001.JPG", (200, 30, 30), now)
    make_jpeg(card / "IMG_0002.JPG", (30, 200, 30), now)
    make_jpeg(card / "IMG_0003.JPG", (30, 30, 200), now - timedelta(days=3))  # another day
    Image.new("RGB", (40, 30), (9, 9, 9)).save(card / "screenshot.png")  # no time
    (card / "MVI_0004.THM").write_bytes(b"not a photo")
    ws = open_workspace(qtbot, ctx, visit_id)
    dialog = ws.photos.open_folder_import(card)
    qtbot.waitUntil(lambda: dialog.scanned)
    assert dialog.list.count() == 2
    qtbot.waitUntil(lambda: all(not dialog.list.item(n).icon().isNull() for n in range(2)))
    text = dialog.skipped.text()
    assert dialog.skipped.isVisibleTo(dialog) and "已跳过 3 个文件" in text
    assert "1 张拍摄时间不在本次检查期间" in text and "1 张图片没有拍摄时间" in text
    assert "1 个文件不是可导入的照片" in text
    dialog.reject()
    ctx.tasks.wait()


def _background(widget) -> QColor:  # type: ignore[no-untyped-def]
    image = widget.grab().toImage()
    return image.pixelColor(image.width() // 2, image.height() // 2)


def test_a_finished_visit_looks_read_only(qtbot: QtBot, ctx: AppContext) -> None:
    from fieldcheck import templates as tpl
    from fieldcheck.domain.checklist import publish_template

    body = {"key": "tiny_text", "title": "小模板", "version": 1, "kinds": ["open"], "sections": [
        {"key": "s", "title": "一、情况", "items": [{"key": "facts", "type": "text", "label": "情况"}]}]}
    with ctx.store.write() as s:
        version = publish_template(s, tpl.parse_template(body, "tiny_text"))
        unit = add_unit(s, "清河市市场监督管理局", "department")
        visit_id = start_new_visit(s, unit_id=unit.id, kind="open", template_version_id=version.id).id
    ws = open_workspace(qtbot, ctx, visit_id)
    card = ws.checklist.view.cards["facts"]
    editable = _background(card.editor.edit)
    assert editable == QColor("white") and card.note.placeholderText()
    with ctx.store.write() as s:  # finished elsewhere; the screen shows it on reload
        answer_item(s, visit_id, "facts", "窗口正常")
        finish_visit(s, visit_id)
    ws.reload()
    qtbot.waitUntil(lambda: ws.info is not None and ws.info.status == "completed")
    assert card.editor.edit.isReadOnly() and card.note.isReadOnly()
    assert _background(card.editor.edit) != editable  # greyed like the other read-only fields
    assert _background(card.note) != QColor("white") and not card.note.placeholderText()
    ctx.tasks.wait()


def test_window_title_names_the_screen_not_the_app_again(qtbot: QtBot, ctx: AppContext) -> None:
    visit_id = _started(ctx)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.attach(ctx)
    assert "效能监察现场检查" not in window.windowTitle() and window.windowTitle() == "检查列表"
    window.open_visit(visit_id)
    qtbot.waitUntil(lambda: window.windowTitle() == "清河市政务服务中心社保经办窗口")
    window.show_list()
    assert window.windowTitle() == "检查列表"
    ctx.tasks.wait()


def test_after_a_restart_the_visit_in_progress_is_offered(qtbot: QtBot, ctx: AppContext) -> None:
    visit_id = _started(ctx)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.attach(ctx)
    assert window.visits is not None
    banner = window.visits.continue_banner
    qtbot.waitUntil(lambda: banner.isVisibleTo(window))
    assert "清河市政务服务中心社保经办窗口" in banner.text.text() and "尚未结束" in banner.text.text()
    banner.go.click()
    assert window.workspace is not None and window.workspace.visit_id == visit_id
    ctx.tasks.wait()


def test_todays_plan_cards_show_when_who_and_where_and_wrap_evenly(qtbot: QtBot, ctx: AppContext) -> None:
    with ctx.store.write() as s:
        unit_id = add_unit(s, LONG_UNIT, "project").id
        plan_visit(s, unit_id=unit_id, kind="project", template_version_id=_version(s, "key_project"),
                   planned_for=date.today(), team="重点项目督查组", place="项目施工现场")
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.attach(ctx)
    qtbot.waitUntil(lambda: bool(window.findChildren(PlanCard)))
    card = window.findChildren(PlanCard)[0]
    lines = card.name.text().split("\n")
    width = CARD_WIDTH - 2 * CARD_MARGIN
    metrics = card.name.fontMetrics()
    assert "".join(lines) == LONG_UNIT
    assert all(len(line) >= 2 and metrics.horizontalAdvance(line) <= width for line in lines)
    facts = card.facts.text()
    assert "今天" in facts and "重点项目督查组" in facts and "项目施工现场" in facts
    ctx.tasks.wait()


def test_every_list_column_has_a_header(qtbot: QtBot, ctx: AppContext) -> None:
    visit_id = _started(ctx)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.attach(ctx)
    window.open_visit(visit_id)
    assert window.visits is not None and window.workspace is not None
    for root in (window.visits, window.workspace):
        for table in [*root.findChildren(QTableView), *root.findChildren(QTreeWidget)]:
            if isinstance(table, QTreeWidget):
                headers = [table.headerItem().text(c) for c in range(table.columnCount())]
            else:
                model = table.model()
                headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
            assert all(headers), f"{table.objectName() or type(table).__name__}: {headers}"
    ctx.tasks.wait()

