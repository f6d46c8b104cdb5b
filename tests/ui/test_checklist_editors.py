"""Each answer editor emits the value the store keeps (see templates/checklist.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from ui_helpers import make_jpeg, type_chinese

from fieldcheck.domain.checklist import answers_of
from fieldcheck.templates import Item, Option
from fieldcheck.ui.checklist.editors import (
    DateTimeEditor,
    MultiEditor,
    NumberEditor,
    SingleComboEditor,
    SingleRadioEditor,
    TextEditor,
    YesNoEditor,
    editor_for,
)
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.visit.workspace import VisitWorkspace

pytestmark = pytest.mark.gui


def options(n: int) -> tuple[Option, ...]:
    return tuple(Option(f"o{k}", f"选项{k}") for k in range(n))


def collect(editor) -> list[object]:
    values: list[object] = []
    editor.changed.connect(values.append)
    return values


def test_yes_no_takes_y_n_a_keys_and_offers_na_only_when_allowed(qtbot: QtBot) -> None:
    editor = YesNoEditor(Item("k", "yes_no", "在岗", "s", allow_na=True))
    qtbot.addWidget(editor)
    values = collect(editor)
    with qtbot.waitSignal(editor.advance):
        qtbot.keyClick(editor.buttons["yes"], Qt.Key.Key_A)
    qtbot.keyClick(editor.buttons["na"], Qt.Key.Key_N)
    assert values == ["na", "no"]
    editor.set_value("yes")  # showing a stored value emits nothing
    assert values == ["na", "no"] and editor.buttons["yes"].isChecked()
    strict = YesNoEditor(Item("k", "yes_no", "在岗", "s"))
    qtbot.addWidget(strict)
    assert "na" not in strict.buttons


def test_single_choice_is_radio_for_few_options_and_a_drop_down_for_many(qtbot: QtBot) -> None:
    few = editor_for(Item("k", "single", "方式", "s", options=options(3)))
    many = editor_for(Item("k", "single", "方式", "s", options=options(8)))
    assert isinstance(few, SingleRadioEditor) and isinstance(many, SingleComboEditor)
    values = collect(many)
    many.combo.setCurrentIndex(3)
    many.combo.setCurrentIndex(0)
    assert values == ["o2", None]


def test_multi_number_text_and_datetime_values(qtbot: QtBot) -> None:
    multi = MultiEditor(Item("k", "multi", "违纪", "s", options=options(3)))
    values = collect(multi)
    multi.boxes["o2"].click()
    multi.boxes["o0"].click()
    assert values[-1] == ["o0", "o2"]  # in option order

    number = NumberEditor(Item("k", "number", "等候", "s", unit="分钟", minimum=0))
    values = collect(number)
    number.spin.setValue(35)
    number.spin.setValue(2.5)
    number.spin.setValue(number.spin.minimum())  # the blank step clears the answer
    assert values == [35, 2.5, None] and isinstance(values[0], int)
    assert number.spin.suffix() == " 分钟"

    text = TextEditor(Item("k", "text", "情况", "s"))
    qtbot.addWidget(text)
    values = collect(text)
    type_chinese(text.edit, "窗口无人值守")
    assert values == []  # saved after a pause, not per keystroke
    qtbot.waitUntil(lambda: values == ["窗口无人值守"])

    moment = DateTimeEditor(Item("k", "datetime", "到达", "s"))
    values = collect(moment)
    moment.set_value("2026-11-27T10:15")
    assert moment.edit.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-11-27 10:15"
    moment.clear.click()
    assert values == [None]


def test_a_moment_with_its_offset_is_shown_on_this_laptops_clock(qtbot: QtBot, in_beijing: None) -> None:
    moment = DateTimeEditor(Item("k", "datetime", "到达", "s"))
    qtbot.addWidget(moment)
    moment.set_value("2026-11-27T01:37+00:00")  # written elsewhere as UTC: 09:37 in Beijing
    assert moment.edit.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-11-27 09:37"
    moment.set_value("2026-11-27T09:37")  # as this editor writes it: the wall clock
    assert moment.edit.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-11-27 09:37"


def test_a_photo_item_answer_is_its_number_of_photos(qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fieldcheck.domain.checklist import latest_template_versions
    from fieldcheck.domain.people import add_unit
    from fieldcheck.domain.visits import start_new_visit

    with ctx.store.write() as s:
        unit = add_unit(s, "清河市政务服务中心公积金提取窗口", "service_window")
        version = next(v for v in latest_template_versions(s) if v.key == "window_unannounced")
        visit_id = start_new_visit(s, unit_id=unit.id, kind="unannounced",
                                   template_version_id=version.id).id
    ws = VisitWorkspace(ctx, visit_id)
    qtbot.addWidget(ws)
    ws.show()
    qtbot.waitUntil(lambda: ws.info is not None and ws.checklist.state is not None)
    shots = [make_jpeg(tmp_path / f"P{n}.JPG", (30 * n, 90, 150), datetime.now()) for n in range(1, 3)]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(p) for p in shots], ""))
    card = ws.checklist.view.cards["scene_photos"]
    card.editor.add.click()  # 添加照片…
    qtbot.waitUntil(lambda: card.editor.count.text() == "已附 2 张照片", timeout=10_000)
    with ctx.store.read() as s:
        assert answers_of(s, visit_id)["scene_photos"] == 2
    ctx.tasks.wait()
