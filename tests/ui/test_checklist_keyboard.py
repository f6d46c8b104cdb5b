"""A whole checklist answered from the keyboard, through the conditional items of every
shipped template: each key must land on the item the inspector sees as next.

The walk uses real key events on whatever widget has the focus (Y/N/A on yes/no items, which
move on by themselves; arrows, space, digits and letters elsewhere, then Tab until the focus
leaves the item). An oracle (the template's own visibility rules over the intended answers)
says which item comes next; at the end the store must hold exactly the intended answers.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from fieldcheck import templates as tpl
from fieldcheck.domain.checklist import answers_of, latest_template_versions
from fieldcheck.domain.people import add_unit
from fieldcheck.domain.visits import start_new_visit
from fieldcheck.ui.checklist.editors import SingleComboEditor
from fieldcheck.ui.checklist.item_card import ItemCard
from fieldcheck.ui.checklist.numbering import item_numbers
from fieldcheck.ui.common.context import AppContext
from fieldcheck.ui.visit.workspace import VisitWorkspace

pytestmark = pytest.mark.gui

SHIPPED = sorted(t.key for t in tpl.load_shipped_templates())
NUMBERS = (12000, 0, 3)  # reveals "investment >= 10000", "x > 0"; and hides them
PASSES = 5


def choose(item: tpl.Item, walk: int) -> Any:
    """The answer a walk gives an item; walks rotate choices so every branch is taken."""
    if item.type == "yes_no":
        choices = ["yes", "no"] + (["na"] if item.allow_na else [])
        return choices[walk % len(choices)]
    if item.type == "single":
        return item.options[walk % len(item.options)].key
    if item.type == "multi":
        keys = list(item.option_keys)
        real = [k for k in keys if k != "none"]
        return [real, [keys[-1]], [real[0]], real[1:], [keys[0]]][walk % 5]
    if item.type == "number":
        low = item.minimum if item.minimum is not None else 0
        high = item.maximum if item.maximum is not None else 10**6
        return min(max(NUMBERS[walk % len(NUMBERS)], low), high)
    if item.type == "text":
        return f"walk{walk} {item.key}"
    return None  # date-time and photo items are passed over with Tab


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def card_of(cards: dict[str, ItemCard], widget: QWidget) -> str | None:
    return next((key for key, card in cards.items() if card.isAncestorOf(widget)), None)


def type_answer(card: ItemCard, value: Any) -> None:
    """Answer the focused item with keys, as a person would."""
    item = card.item
    if item.type == "yes_no":
        QTest.keyClick(focused(), {"yes": Qt.Key.Key_Y, "no": Qt.Key.Key_N, "na": Qt.Key.Key_A}[value])
    elif item.type == "single" and isinstance(card.editor, SingleComboEditor):
        for _ in range(item.option_keys.index(value) + 1):  # from （请选择）
            QTest.keyClick(focused(), Qt.Key.Key_Down)
    elif item.type == "single":
        buttons = card.editor.buttons  # type: ignore[attr-defined]
        radios = list(buttons)
        start = radios.index(card_of_radio(card))
        stacked = buttons[radios[0]].y() != buttons[radios[-1]].y()
        for _ in range(radios.index(value) - start):
            QTest.keyClick(focused(), Qt.Key.Key_Down if stacked else Qt.Key.Key_Right)
        QTest.keyClick(focused(), Qt.Key.Key_Space)
    elif item.type == "multi":
        boxes = list(card.editor.boxes)  # type: ignore[attr-defined]
        for n, key in enumerate(boxes):
            if key in value:
                QTest.keyClick(focused(), Qt.Key.Key_Space)
            if n < len(boxes) - 1:
                QTest.keyClick(focused(), Qt.Key.Key_Tab)
    elif item.type == "number":
        QTest.keyClicks(focused(), str(value))
    elif item.type == "text":
        QTest.keyClicks(focused(), value)


def card_of_radio(card: ItemCard) -> str:
    buttons = card.editor.buttons  # type: ignore[attr-defined]
    return next(key for key, radio in buttons.items() if radio is focused())


def tab_out_of(cards: dict[str, ItemCard], key: str) -> None:
    for _ in range(30):  # a date-time edit steps through its sections first
        if card_of(cards, focused()) != key:
            return
        QTest.keyClick(focused(), Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never left item {key}")


def open_visit(qtbot: QtBot, ctx: AppContext, template_key: str) -> VisitWorkspace:
    with ctx.store.write() as s:
        unit = add_unit(s, "清河市行政审批局", "department")
        version = next(v for v in latest_template_versions(s) if v.key == template_key)
        visit_id = start_new_visit(s, unit_id=unit.id, kind="open", template_version_id=version.id).id
    ws = VisitWorkspace(ctx, visit_id)
    qtbot.addWidget(ws)
    ws.resize(1200, 800)
    ws.show()
    qtbot.waitUntil(lambda: ws.info is not None and ws.checklist.state is not None
                    and ws.checklist.view.template is not None)
    ws.activateWindow()
    ws.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is ws)
    return ws


def walk(qtbot: QtBot, ctx: AppContext, template_key: str, n: int) -> set[str]:
    """Answer the whole checklist with keys; returns the conditional items it answered."""
    ws = open_visit(qtbot, ctx, template_key)
    view = ws.checklist.view
    cards = view.cards
    template = ws.checklist.state.template  # type: ignore[union-attr]
    intended: dict[str, Any] = {}
    reached: set[str] = set()
    view.focus_first()
    for item in template.items:
        if item not in tpl.visible_items(template, intended):
            assert cards[item.key].isHidden(), f"{item.key} should be hidden"
            continue
        landed = card_of(cards, focused())
        assert landed == item.key, f"walk {n}: the keys meant for {item.key} would go to {landed}"
        value = choose(item, n)
        type_answer(cards[item.key], value)
        if value is not None:
            intended[item.key] = value
        if item.visible_if is not None:
            reached.add(item.key)
        if item.type != "yes_no":  # Y/N/A move on by themselves
            tab_out_of(cards, item.key)
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0, timeout=10_000)
    with ctx.store.read() as s:
        stored = answers_of(s, ws.visit_id)
    assert stored == intended
    visible = {i.key for i in tpl.visible_items(template, intended)}
    numbers = item_numbers(template, visible)
    for key in visible:  # numbered without gaps
        assert cards[key].title.text().startswith(numbers[key] + " ")
    ws.close()
    return reached


@pytest.mark.parametrize("template_key", SHIPPED)
def test_keys_land_on_the_item_shown_next_through_every_conditional_item(
        qtbot: QtBot, ctx: AppContext, template_key: str) -> None:
    template = next(t for t in tpl.load_shipped_templates() if t.key == template_key)
    conditional = {i.key for i in template.items if i.visible_if is not None}
    reached: set[str] = set()
    for n in range(PASSES):
        reached |= walk(qtbot, ctx, template_key, n)
    assert conditional <= reached, f"never reached: {sorted(conditional - reached)}"
