"""跟踪问效 clicked through, the rest of its actions: a deadline extended (only with a reason), a
verified finding reopened, a 整改报告 attached, a recurring plan scheduled, and a 责任追究建议
drafted from a repeat-offence flag."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QItemSelectionModel
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from reportlab.pdfgen import canvas
from sqlalchemy import select
from test_followup_screen import _document_from, _notified_visit, _photo, _row_of, _screen

from fieldcheck.domain import findings, followup, notices, numbering
from fieldcheck.domain.followup_board import load_records
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.domain.visits import start_new_visit, start_visit
from fieldcheck.models import Finding, TemplateVersion, Visit
from fieldcheck.store import Store
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.common.dialogs import DayReasonDialog
from fieldcheck.ui.common.errors import open_error_dialogs
from fieldcheck.ui.followup.screen import FollowupScreen
from followup_helpers import issue_todays_circular

pytestmark = pytest.mark.usefixtures("own_issuer")


def _select(screen: FollowupScreen, *finding_ids: str) -> None:
    """Rows chosen as with Ctrl+click."""
    screen.table.clearSelection()
    chosen = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for fid in finding_ids:
        screen.table.selectionModel().select(screen.table.model().index(_row_of(screen, fid), 0), chosen)


def _answered(qtbot: QtBot, ctx: AppContext, screen: FollowupScreen, ask: DayReasonDialog | None,
              day: date, reason: str, finding_id: str) -> int:
    """A day and a reason given, the board read again: the finding's row."""
    _answer(qtbot, ctx, ask, day, reason)
    with qtbot.waitSignal(ctx.tasks.idle, timeout=20_000):
        screen.refresh()
    return _row_of(screen, finding_id)


def _answer(qtbot: QtBot, ctx: AppContext, ask: DayReasonDialog | None, day: date, reason: str) -> None:
    assert ask is not None and ask.isVisible()
    ask.day.setDate(QDate(day.year, day.month, day.day))
    ask.reason.setText(reason)
    with qtbot.waitSignal(ctx.tasks.idle, timeout=20_000):
        ask.accept()


def _status(store: Store, finding_id: str) -> tuple[str, date | None]:
    with store.read() as s:
        f = s.get(Finding, finding_id)
        assert f is not None
        return f.status, f.deadline


def test_extending_a_deadline_needs_a_reason_and_takes_the_finding_off_the_overdue_list(
        qtbot: QtBot, ctx: AppContext, store: Store, tmp_path: Path) -> None:
    ids = _notified_visit(store, tmp_path)
    screen = _screen(qtbot, ctx)
    late = _row_of(screen, ids[0])
    assert "逾期" in screen.table.item(late, 7).text()
    before = _status(store, ids[0])
    new_day = date.today() + timedelta(days=20)
    _select(screen, ids[0])
    _answer(qtbot, ctx, screen.extend_deadline(), new_day, "   ")  # no reason given
    qtbot.waitUntil(lambda: len(open_error_dialogs()) == 1, timeout=10_000)
    error = open_error_dialogs()[0]
    assert "理由" in error.message.text()
    error.accept()
    assert _status(store, ids[0]) == before  # nothing recorded
    _select(screen, ids[0])
    row = _answered(qtbot, ctx, screen, screen.extend_deadline(), new_day, "单位系统升级停机，申请延期",
                    ids[0])
    assert _status(store, ids[0]) == ("notified", new_day)
    assert screen.table.item(row, 6).text() == new_day.isoformat()
    assert screen.table.item(row, 7).text() == "20 天"  # no longer overdue, and not red
    assert screen.table.item(row, 0).background().color().name() != "#fde2e1"
    with store.read() as s:
        last = followup.events_of(s, ids[0])[-1]
    assert (last.kind, last.reason, last.previous_deadline) == (
        "extended", "单位系统升级停机，申请延期", before[1])


def _verify(store: Store, finding_id: str) -> None:
    """A re-inspection that found it rectified: the finding is verified the way the app does it."""
    with store.write() as s:
        version = s.scalars(select(TemplateVersion).where(TemplateVersion.key == "window_unannounced")).first()
        assert version is not None
        visit = followup.plan_reinspection(s, [finding_id], date.today(), version.id)
        start_visit(s, visit.id)
        followup.record_reinspection(s, visit.id, finding_id, "rectified", "已整改", [])
    with store.write() as s:
        followup.finish_reinspection(s, visit.id)


def test_reopening_a_verified_finding_puts_it_back_on_the_board_with_a_new_deadline(
        qtbot: QtBot, ctx: AppContext, store: Store, tmp_path: Path) -> None:
    ids = _notified_visit(store, tmp_path)
    _verify(store, ids[0])
    screen = _screen(qtbot, ctx)
    assert screen.table.item(_row_of(screen, ids[0]), 8).text() == "已复查销号"
    again = date.today() + timedelta(days=7)
    _select(screen, ids[0])
    row = _answered(qtbot, ctx, screen, screen.reopen_finding(), again, "群众再次反映窗口无人", ids[0])
    assert _status(store, ids[0]) == ("rectifying", again)
    assert screen.table.item(row, 8).text() == "整改中"
    assert screen.table.item(row, 6).text() == again.isoformat()
    with store.read() as s:
        f = s.get(Finding, ids[0])
        assert f is not None and f.verified_at is None
        assert followup.events_of(s, ids[0])[-1].reason == "群众再次反映窗口无人"


def _report_pdf(path: Path) -> Path:
    page = canvas.Canvas(str(path))
    page.drawString(72, 720, "Rectification report")
    page.save()
    return path


def test_attaching_a_rectification_report_marks_the_findings_rectified(
        qtbot: QtBot, ctx: AppContext, store: Store, tmp_path: Path) -> None:
    ids = _notified_visit(store, tmp_path)
    screen = _screen(qtbot, ctx)
    _select(screen, *ids)
    assert sorted(screen.selected_ids()) == sorted(ids)
    files = [_report_pdf(tmp_path / "整改报告.pdf"), _photo(tmp_path / "整改后.jpg", (40, 160, 60))]
    with qtbot.waitSignal(ctx.tasks.idle, timeout=20_000):
        screen.attach_report(files)
    with qtbot.waitSignal(ctx.tasks.idle, timeout=20_000):
        screen.refresh()
    assert {_status(store, i)[0] for i in ids} == {"rectified"}
    assert {screen.table.item(_row_of(screen, i), 8).text() for i in ids} == {"已整改待复查"}
    with store.read() as s:
        report = followup.events_of(s, ids[0])[-1]
    assert report.kind == "report" and [f["name"] for f in report.files] == ["整改报告.pdf", "整改后.jpg"]
    assert followup.report_path(store, report.files[0]["sha256"], ".pdf").read_bytes().startswith(b"%PDF")


def test_a_recurring_plan_makes_planned_visits(qtbot: QtBot, ctx: AppContext, store: Store,
                                               tmp_path: Path) -> None:
    _notified_visit(store, tmp_path)  # a service window to check every month
    screen = _screen(qtbot, ctx)
    screen.schedule_recurring()
    box = screen.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    monthly = next(b for b in box.buttons() if "每月" in b.text())
    with qtbot.waitSignal(ctx.tasks.idle, timeout=20_000):
        monthly.click()
    qtbot.waitUntil(lambda: isinstance(screen.dialog, QMessageBox) and screen.dialog is not box, timeout=10_000)
    told = screen.dialog
    assert isinstance(told, QMessageBox)
    with store.read() as s:
        planned = s.scalars(select(Visit).where(Visit.status == "planned")).all()
    assert len(planned) >= 12 and f"{len(planned)} 次" in told.text()
    days = sorted(v.planned_for for v in planned if v.planned_for is not None)
    assert days[0] > date.today() and all(b > a for a, b in zip(days, days[1:], strict=False))
    told.accept()
    # Asking again plans nothing twice.
    screen.schedule_recurring()
    box = screen.dialog
    assert isinstance(box, QMessageBox)
    with qtbot.waitSignal(ctx.tasks.idle, timeout=20_000):
        next(b for b in box.buttons() if "每月" in b.text()).click()
    with store.read() as s:
        assert len(s.scalars(select(Visit).where(Visit.status == "planned")).all()) == len(planned)


def _again(store: Store, earlier: str) -> list[str]:
    """The same window visited again and found with the same kind of problem, notified."""
    settings = load_settings(store.data_dir)
    with store.write() as s:
        unit_id = s.get(Finding, earlier).unit_id  # type: ignore[union-attr]
        version = s.scalars(select(TemplateVersion).where(TemplateVersion.key == "window_unannounced")).first()
        assert version is not None
        visit = start_new_visit(s, unit_id=unit_id, kind="unannounced", template_version_id=version.id,
                                place="一楼大厅")
        f = findings.record_finding(s, visit.id, category="discipline", description="窗口人员离岗未挂牌",
                                    requirement="严肃工作纪律", responsible="窗口负责人 刘敏")
        draft = notices.create_draft(s, visit.id, "rectification", settings).id
    notices.issue_notice(store, draft, settings, numbering.LocalAuthority())
    return [f.id]


def test_accountability_drafted_from_a_repeat_offence_flag_cites_the_notices(
        qtbot: QtBot, ctx: AppContext, store: Store, tmp_path: Path) -> None:
    first = _notified_visit(store, tmp_path)
    c1 = issue_todays_circular(store, datetime.now(UTC) - timedelta(hours=2))
    second = _again(store, first[0])
    c2 = issue_todays_circular(store, datetime.now(UTC) - timedelta(hours=1))
    screen = _screen(qtbot, ctx)
    repeats = [i for i, f in enumerate(screen.board.flags) if f.reason == "repeat"]  # type: ignore[union-attr]
    assert repeats, "the window circulated twice in a row is flagged"
    assert screen.tabs.tabText(1).startswith("追责提示")
    screen.tabs.setCurrentIndex(1)
    with qtbot.waitSignal(ctx.tasks.idle, timeout=20_000):
        screen.flags.setCurrentRow(repeats[0])
    evidence = screen.evidence.toPlainText()
    assert c1 in evidence and c2 in evidence and "整改通知书" in evidence
    assert screen.accountability.isEnabled()
    dialog = _document_from(qtbot, ctx, screen, screen.accountability, timeout=30_000)
    text = dialog.body.toPlainText()
    with store.read() as s:
        cited = {n for i in first + second for n in load_records(s).findings[i].notice_numbers}
    assert cited and all(number in text for number in cited)  # the earlier notices, by number
    assert c1 in text and c2 in text
    assert "责任追究" in dialog.draft.title
    dialog.close()
