"""An answer that contradicts another is marked on both item cards, and cleared once fixed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from fieldcheck.domain.checklist import answers_of, latest_template_versions
from fieldcheck.domain.people import add_unit
from fieldcheck.domain.visits import start_new_visit
from fieldcheck.ui.checklist.editors import NumberEditor
from fieldcheck.ui.checklist.item_card import ItemCard
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.visit.workspace import VisitWorkspace

pytestmark = pytest.mark.gui

MESSAGE = "抽查案卷数量不能超过检查时段内的案件总数。"
# Set to a folder to keep pictures of the cards (looked at by hand when the style changes).
SHOTS = os.environ.get("FIELDCHECK_SHOTS", "")


def penalty_visit(ctx: AppContext) -> str:
    with ctx.store.write() as s:
        unit = add_unit(s, "清河市市场监督管理局", "department")
        version = next(v for v in latest_template_versions(s) if v.key == "penalty_cases")
        return start_new_visit(s, unit_id=unit.id, kind="project",
                               template_version_id=version.id, place="法规科").id


def type_number(card: ItemCard, value: float) -> None:
    assert isinstance(card.editor, NumberEditor)
    card.editor.spin.setValue(value)


def shown_message(card: ItemCard) -> str:
    return card.constraint_note.text() if card.constraint_note.isVisibleTo(card) else ""


def shot(widget: QWidget, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(SHOTS) / name))


def test_both_cards_say_why_until_the_answers_agree(qtbot: QtBot, ctx: AppContext) -> None:
    visit_id = penalty_visit(ctx)
    ws = VisitWorkspace(ctx, visit_id)
    qtbot.addWidget(ws)
    ws.resize(1300, 850)
    ws.show()
    qtbot.waitUntil(lambda: ws.info is not None and ws.checklist.state is not None)
    cards = ws.checklist.view.cards
    total, sampled = cards["cases_total"], cards["files_sampled"]
    assert not shown_message(total) and not shown_message(sampled)

    type_number(sampled, 18)  # 案件总数 not typed yet: nothing to say
    assert not shown_message(sampled) and sampled.property("violated") is False

    type_number(total, 0)  # the demo's 0 件 against 18 件
    assert shown_message(sampled) == MESSAGE
    assert sampled.property("violated") is True
    assert shown_message(total) == f"与第 1.4 项“抽查案卷数量”的答案不符：{MESSAGE}"
    assert total.property("violated") is True
    assert not shown_message(cards["check_date"])
    index = ws.checklist.view.index
    assert "2 项答案不符" in index.item(0).text()
    qtbot.waitUntil(lambda: sampled.constraint_note.height() > 0)  # laid out
    marked_height = sampled.height()
    qtbot.waitUntil(lambda: ws.checklist.saves_in_flight == 0)
    shot(ws, "constraint-violated-workspace.png")
    shot(sampled, "constraint-violated-card.png")
    shot(total, "constraint-violated-other-card.png")

    # Both answers were saved all the same: the second may fix the first.
    with ctx.store.read() as s:
        assert answers_of(s, visit_id) == {"files_sampled": 18, "cases_total": 0}
    # A save coming back re-derives from the answers on screen and keeps the mark.
    assert shown_message(sampled) == MESSAGE

    type_number(total, 25)
    assert not shown_message(sampled) and not shown_message(total)
    assert sampled.property("violated") is False and total.property("violated") is False
    assert "答案不符" not in index.item(0).text()
    qtbot.waitUntil(lambda: sampled.height() < marked_height)  # the message's room given back
    qtbot.waitUntil(lambda: ws.checklist.saves_in_flight == 0)
    shot(ws, "constraint-fixed-workspace.png")

    type_number(sampled, 30)  # breaking it from the other side marks both again
    assert shown_message(sampled) == MESSAGE and shown_message(total)
    type_number(sampled, -1)  # cleared (the spin box's 未填): not checkable, nothing said
    assert not shown_message(sampled) and not shown_message(total)
    qtbot.waitUntil(lambda: ws.checklist.saves_in_flight == 0)
    ctx.tasks.wait()


def test_finish_is_refused_with_the_message_then_done_once_fixed(
    qtbot: QtBot, ctx: AppContext
) -> None:
    from fieldcheck import templates as tpl
    from fieldcheck.domain.checklist import answer_item, publish_template
    from fieldcheck.ui.common.errors import open_error_dialogs

    body = {"key": "tiny_cases", "title": "小模板", "version": 1, "kinds": ["open"], "sections": [
        {"key": "s", "title": "一、检查范围", "items": [
            {"key": "cases_total", "type": "number", "label": "案件总数", "min": 0},
            {"key": "files_sampled", "type": "number", "label": "抽查案卷数量", "min": 0,
             "constraint": "value <= cases_total", "constraint_message": MESSAGE}]}]}
    with ctx.store.write() as s:
        version = publish_template(s, tpl.parse_template(body, "tiny_cases"))
        unit = add_unit(s, "清河市市场监督管理局", "department")
        visit_id = start_new_visit(s, unit_id=unit.id, kind="open",
                                   template_version_id=version.id).id
        answer_item(s, visit_id, "cases_total", 0)
        answer_item(s, visit_id, "files_sampled", 18)
    ws = VisitWorkspace(ctx, visit_id)
    qtbot.addWidget(ws)
    ws.resize(1100, 700)
    ws.show()
    qtbot.waitUntil(lambda: ws.info is not None and ws.checklist.state is not None)
    sampled = ws.checklist.view.cards["files_sampled"]
    assert shown_message(sampled) == MESSAGE  # as loaded from the store, before any typing

    ws.header.finish.click()
    qtbot.waitUntil(lambda: bool(open_error_dialogs()))
    dialog = open_error_dialogs()[0]
    assert dialog.problem_texts() == [f"条目“抽查案卷数量”的答案不合理：{MESSAGE}"]
    shot(dialog, "constraint-finish-refused.png")
    dialog.accept()
    assert ws.info is not None and ws.info.status == "in_progress"

    type_number(ws.checklist.view.cards["cases_total"], 20)
    assert not shown_message(sampled)
    qtbot.waitUntil(lambda: ws.checklist.saves_in_flight == 0)
    ws.header.finish.click()
    qtbot.waitUntil(lambda: ws.info is not None and ws.info.status == "completed")
    ctx.tasks.wait()
