"""Qt's own words follow the UI language, and date pickers open at today."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QLocale, QPoint, Qt
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
)
from pytestqt.qtbot import QtBot

from fieldcheck.ui.common.dates import DateTimeField
from fieldcheck.ui.common.qt_language import install_qt_translations, remove_qt_translations
from fieldcheck.ui.visits.filters import VisitFilterBar

pytestmark = pytest.mark.gui


@pytest.fixture
def qt_language(qapp: QApplication) -> Iterator[None]:
    before = QLocale()
    yield
    remove_qt_translations(qapp)
    QLocale.setDefault(before)


def _texts(widget: object) -> set[str]:
    found = {b.text().replace("&", "") for b in widget.findChildren(QPushButton)}  # type: ignore[attr-defined]
    return found | {lab.text().replace("&", "") for lab in widget.findChildren(QLabel)}  # type: ignore[attr-defined]


def _menu_texts(qtbot: QtBot) -> set[str]:
    edit = QLineEdit("文字")
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    texts = {a.text().split("\t")[0].replace("&", "") for a in menu.actions()}
    menu.deleteLater()
    return texts


def test_chinese_ui_gets_qts_own_words_in_chinese(qtbot: QtBot, qapp: QApplication, qt_language: None) -> None:
    assert install_qt_translations(qapp, "zh")
    dialog = QFileDialog(None, "保存 PDF")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    texts = _texts(dialog)
    assert "取消" in texts and "Cancel" not in texts
    assert {"查找范围(L)：", "文件名称(N)：", "文件类型(T)："} <= texts
    assert {"撤消(U)", "复制(C)", "粘贴(P)"} <= _menu_texts(qtbot)
    assert QLocale().dayName(1, QLocale.FormatType.ShortFormat) == "周一"


def test_english_ui_keeps_qts_english(qtbot: QtBot, qapp: QApplication, qt_language: None) -> None:
    assert install_qt_translations(qapp, "en") == []
    assert {"Undo", "Copy", "Paste"} <= _menu_texts(qtbot)
    assert QLocale().dayName(1, QLocale.FormatType.ShortFormat) == "Mon"


def test_a_blank_date_filter_opens_its_calendar_at_today_with_every_week_shown(qtbot: QtBot) -> None:
    bar = VisitFilterBar()
    qtbot.addWidget(bar)
    bar.show()
    edit = bar.date_from
    assert isinstance(edit, DateTimeField) and edit.is_blank()
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton, pos=QPoint(edit.width() - 10, edit.height() // 2))
    calendar = edit.calendarWidget()
    qtbot.waitUntil(calendar.isVisible)
    today = date.today()
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year, today.month)
    grid = calendar.findChild(QTableView)
    assert grid.verticalHeader().length() <= grid.viewport().height()  # the last week shows whole
    calendar.window().hide()
    assert edit.is_blank()  # looking at the calendar chose nothing
