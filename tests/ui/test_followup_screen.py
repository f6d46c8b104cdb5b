
"""跟踪问效 clicked through: a re-inspection from the board (before and after photos, a result
per finding, 结束复查) and a circular drafted from the records, edited and issued."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fieldcheck.domain import findings, notices, numbering
from fieldcheck.domain.evidence import import_photos
from fieldcheck.domain.notice_settings import load_settings
from fieldcheck.domain.people import add_unit
from fieldcheck.domain.visits import start_new_visit
from fieldcheck.models import Finding, Notice, TemplateVersion, Visit
from fieldcheck.store import Store
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.followup.dialogs import DocumentDialog, ReinspectionDialog
from fieldcheck.ui.followup.screen import FollowupScreen

# A real store issues numbered notices only under the bureau's own issuer (文书设置).
pytestmark = pytest.mark.usefixtures("own_issuer")


def _photo(path: Path, colour: tuple[int, int, int]) -> Path:
    Image.new("RGB", (320, 240), colour).save(path, "JPEG")
    return path


def _notified_visit(store: Store, tmp_path: Path) -> list[str]:
    """An unannounced visit with two findings (one with a before-photo), notified by an issued 整改通知书."""
    settings = load_settings(store.data_dir)
    with store.write() as s:
        unit = add_unit(s, "清河市政务服务中心社保经办窗口", "service_window")
        version = s.scalars(select(TemplateVersion).where(TemplateVersion.key == "window_unannounced")).first()
        assert version is not None
        visit = start_new_visit(s, unit_id=unit.id, kind="unannounced", template_version_id=version.id,
                                place="一楼大厅")
        a = findings.record_finding(s, visit.id, category="discipline", description="窗口无人值守",
                                    requirement="落实AB岗", deadline=date.today() - timedelta(days=2))
        b = findings.record_finding(s, visit.id, category="service_rules", description="未一次性告知",
                                    requirement="严格执行一次性告知")
        ids = [a.id, b.id]
        draft = notices.create_draft(s, visit.id, "rectification", settings).id
    import_photos(store, visit.id, [_photo(tmp_path / "before.jpg", (200, 40, 40))], finding_id=ids[0])
    notices.issue_notice(store, draft, settings, numbering.LocalAuthority())
    return ids


def _screen(qtbot: QtBot, ctx: AppContext) -> FollowupScreen:
    screen = FollowupScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1400, 900)
    screen.show()
    with qtbot.waitSignal(ctx.tasks.idle, timeout=20_000):
        screen.load()
    return screen


def _document_from(qtbot: QtBot, ctx: AppContext, screen: FollowupScreen, button: Any,
                   timeout: int = 20_000) -> DocumentDialog:
    """The draft a button of the board opens (通报, 责任追究建议), once it is shown."""
    with qtbot.waitSignal(ctx.tasks.idle, timeout=timeout):
        button.click()
    dialog = screen.dialog
    assert isinstance(dialog, DocumentDialog)
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def _row_of(screen: FollowupScreen, finding_id: str) -> int:
    for r in range(screen.table.rowCount()):
        if screen.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == finding_id:
            return r
    raise AssertionError("finding not on the board")


def test_a_reinspection_from_the_board(qtbot: QtBot, ctx: AppContext, store: Store, tmp_path: Path) -> None:
    ids = _notified_visit(store, tmp_path)
    screen = _screen(qtbot, ctx)
    assert screen.table.rowCount() == 2
    late = _row_of(screen, ids[0])
    assert "逾期 2 天" in screen.table.item(late, 7).text()  # overdue, and it stands out
    assert screen.table.item(late, 0).background().color().name() == "#fde2e1"
    assert screen.table.item(late, 9).text().startswith("衡监整改〔")
    # Select both findings and plan the 复查 for tomorrow.
    screen.table.selectAll()
    ask = screen.plan_reinspection()
    assert ask is not None
    with qtbot.waitSignal(ctx.tasks.idle, timeout=20_000):
        ask.accept()
    qtbot.waitUntil(lambda: screen.reinspections.count() == 1, timeout=20_000)
    assert "2 个问题" in screen.reinspections.itemText(0)
    with qtbot.waitSignal(ctx.tasks.idle, timeout=20_000):
        screen.do_reinspection.click()
    dialog = screen.dialog
    assert isinstance(dialog, ReinspectionDialog)
    qtbot.waitUntil(dialog.isVisible)
    first, second = dialog.cards
    assert first.item.finding_id == ids[0] and len(first.item.before) == 1  # the before-photo
    assert not dialog.finish.isEnabled()  # not every finding has its result yet
    first.choices["rectified"].setChecked(True)
    first.note.setText("已安排AB岗，现场有人值守")
    first.set_photo_files([_photo(tmp_path / "after.jpg", (40, 160, 60))])
    with qtbot.waitSignal(ctx.tasks.idle, timeout=20_000):
        first.save.click()
    first = dialog.cards[0]
    assert first.item.outcome == "rectified" and len(first.item.after) == 1  # after beside before
    second = dialog.cards[1]
    second.choices["partly"].setChecked(True)
    with qtbot.waitSignal(ctx.tasks.idle, timeout=20_000):
        second.save.click()
    assert dialog.finish.isEnabled()
    with qtbot.waitSignal(ctx.tasks.idle, timeout=20_000):
        dialog.finish.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    with qtbot.waitSignal(ctx.tasks.idle, timeout=20_000):
        screen.refresh()
    with store.read() as s:
        assert s.get(Finding, ids[0]).status == "verified"  # type: ignore[union-attr]
        assert s.get(Finding, ids[1]).status == "rectifying"  # type: ignore[union-attr]
        rein = s.scalars(select(Visit).where(Visit.kind == "reinspection")).one()
        assert rein.status == "completed"
    verified = _row_of(screen, ids[0])
    assert screen.table.item(verified, 8).text() == "已复查销号"
    assert screen.reinspections.count() == 0


def test_issuing_a_circular_from_the_board(qtbot: QtBot, ctx: AppContext, store: Store, tmp_path: Path) -> None:
    ids = _notified_visit(store, tmp_path)
    screen = _screen(qtbot, ctx)
    dialog = _document_from(qtbot, ctx, screen, screen.circular)
    text = dialog.body.toPlainText()
    assert "清河市政务服务中心社保经办窗口" in text and "特此通报。" in text
    assert dialog.draft.count == 2
    # The supervisor edits the wording before issuing.
    dialog.body.setPlainText(text.replace("特此通报。", "请各单位引以为戒。\n特此通报。"))
    with qtbot.waitSignal(dialog.issued, timeout=60_000):
        dialog.issue.click()
    assert dialog.number.startswith("衡监通〔")
    assert dialog.body.isReadOnly()
    with store.read() as s:
        circular = s.scalars(select(Notice).where(Notice.type == "circular")).one()
        assert circular.status == "issued" and circular.number == dialog.number
    pdf = notices.issued_pdf(store, circular.id)
    with pdfplumber.open(__import__("io").BytesIO(pdf)) as doc:
        printed = "".join(p.extract_text() or "" for p in doc.pages).replace("\n", "")
    assert "请各单位引以为戒。" in printed and dialog.number in printed
    with store.read() as s:  # the findings are on record as circulated (for the repeat rule)
        from fieldcheck.domain.followup import events_of

        assert all("circulated" in [e.kind for e in events_of(s, i)] for i in ids)
    dialog.close()
