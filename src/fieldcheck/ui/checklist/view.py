"""The checklist laid out: a section index on the left, item cards on the right.

Visibility conditions hide and show cards live; failed items are highlighted, and an answer
that contradicts another (a template constraint) is marked on both items with the reason. The view only
shows state and reports what the person did; ChecklistPanel does the saving.

Visibility is worked out here, at once, from the answers on screen (the same pure function
the store uses), not when the save comes back: a key that answers an item and moves on must
find the item its answer just revealed already there.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fieldcheck import templates as tpl
from fieldcheck.domain.checklist import ChecklistState
from fieldcheck.i18n import tr
from fieldcheck.templates import Template
from fieldcheck.ui.checklist.item_card import ItemCard
from fieldcheck.ui.checklist.numbering import hidden_counts, item_numbers
from fieldcheck.ui.common.widgets import label

NUMBERED = re.compile(r"^[一二三四五六七八九十百]+、|^\d+[.、．]")


def section_title(number: int, title: str) -> str:
    """Templates often number their sections themselves (一、基本情况); never number twice."""
    return title if NUMBERED.match(title) else f"{number}. {title}"


class ChecklistView(QSplitter):
    answered = Signal(str, object)
    noted = Signal(str, str)
    finding_requested = Signal(str)
    photos_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setChildrenCollapsible(False)
        self.index = QListWidget()
        self.index.setObjectName("sectionIndex")
        self.index.setMinimumWidth(190)
        self.index.setMaximumWidth(300)
        self.index.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.index.currentRowChanged.connect(self._jump)
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.addWidget(self.index)
        self.addWidget(self.area)
        self.setStretchFactor(1, 1)
        self.setSizes([230, 900])
        self.cards: dict[str, ItemCard] = {}
        self._section_heads: list[QWidget] = []
        self._hidden_signs: list[QLabel] = []
        self.template: Template | None = None
        self.answers: dict[str, Any] = {}  # as shown on screen, ahead of the store
        self.visible_keys: set[str] = set()
        self._state: ChecklistState | None = None
        self._read_only = True

    def build(self, template: Template) -> None:
        self.template = template
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(16, 12, 16, 24)
        column.setSpacing(10)
        self.cards.clear()
        self._section_heads.clear()
        self._hidden_signs.clear()
        self.index.clear()
        for s_no, section in enumerate(template.sections, start=1):
            head, sign = self._section_head(section_title(s_no, section.title), section.description)
            column.addWidget(head)
            self._section_heads.append(head)
            self._hidden_signs.append(sign)
            self.index.addItem(QListWidgetItem(section_title(s_no, section.title)))
            for i_no, item in enumerate(section.items, start=1):
                card = ItemCard(item, f"{s_no}.{i_no}")
                card.answered.connect(self._answered)
                card.noted.connect(self.noted)
                card.finding_requested.connect(self.finding_requested)
                card.photos_requested.connect(self.photos_requested)
                card.editor.advance.connect(lambda key=item.key: self.focus_after(key))
                self.cards[item.key] = card
                column.addWidget(card)
        column.addStretch(1)
        self.area.setWidget(body)

    @staticmethod
    def _section_head(title: str, description: str) -> tuple[QWidget, QLabel]:
        head = QWidget()
        layout = QVBoxLayout(head)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(12)
        row.addWidget(label(title, "sectionTitle"))
        sign = label("", "hiddenSign")
        sign.setToolTip(tr("根据前面的回答，这些条目不适用，已隐藏；改变回答后会重新出现。"))
        sign.hide()
        row.addWidget(sign)
        row.addStretch(1)
        layout.addLayout(row)
        if description:
            layout.addWidget(label(description, "sectionDescription", wrap=True))
        return head, sign

    def show_state(self, state: ChecklistState, read_only: bool, values: bool) -> None:
        """Show visibility, failures and counts; with values, also every answer and note."""
        if self.template is None or self.template.key != state.template.key \
                or self.template.version != state.template.version:
            self.build(state.template)
            values = True
        self._state, self._read_only = state, read_only
        for key, card in self.cards.items():
            if values:
                card.show_answer(state.answers.get(key), state.notes.get(key, ""))
            elif card.item.type == "photo":  # counted by the store, never typed
                card.editor.set_value(state.answers.get(key))
        if values:
            self.answers = dict(state.answers)
        else:  # what is typed stays as typed; photo counts come from the store only
            for key, card in self.cards.items():
                if card.item.type == "photo":
                    self._remember(key, state.answers.get(key))
        self._show_derived()

    def _remember(self, key: str, value: Any) -> None:
        if value is None:
            self.answers.pop(key, None)
        else:
            self.answers[key] = value

    def _answered(self, key: str, value: Any) -> None:
        """An answer changed on screen: show what it reveals or hides now, then save it."""
        self._remember(key, value)
        self._show_derived()
        self.answered.emit(key, value)

    def _show_derived(self) -> None:
        """Visibility, numbers, failures and the index from the answers on screen."""
        if self.template is None or self._state is None:
            return
        state, template = self._state, self.template
        visible = {i.key for i in tpl.visible_items(template, self.answers)}
        failed = {i.key for i in tpl.failed_items(template, self.answers)}
        self._keep_focus_off_hidden(visible)
        numbers = item_numbers(template, visible)
        contradictions = self._contradictions(numbers)
        for key, card in self.cards.items():
            card.show_constraint("\n".join(contradictions.get(key, [])))
            if card.property("missing") and key in self.answers:
                card.mark_missing(False)
            card.setVisible(key in visible)
            if key in numbers:
                card.set_number(numbers[key])
            card.show_status(key in failed, state.photo_counts.get(key, 0), self._read_only)
        self.visible_keys = visible
        for sign, hidden in zip(self._hidden_signs, hidden_counts(template, visible), strict=True):
            sign.setText(tr("{n} 项已隐藏", n=hidden))
            sign.setVisible(hidden > 0)
        self._update_index(visible, failed, set(contradictions))

    def _contradictions(self, numbers: dict[str, str]) -> dict[str, list[str]]:
        """Item key → why its answer cannot stand: the constraint's own item gets the
        template's message, each other item it names is pointed to that item."""
        assert self.template is not None
        found: dict[str, list[str]] = {}
        for item, message in tpl.constraint_violations(self.template, self.answers):
            found.setdefault(item.key, []).append(message)
            for key in item.constraint_refs:
                found.setdefault(key, []).append(tr(
                    "与第 {number} 项“{label}”的答案不符：{message}",
                    number=numbers.get(item.key, ""), label=item.label, message=message))
        return found

    def _keep_focus_off_hidden(self, visible: set[str]) -> None:
        """The focused item is about to be hidden: move on to the next item that stays."""
        focused = QApplication.focusWidget()
        for key, card in self.cards.items():
            if key not in visible and not card.isHidden() and focused is not None \
                    and card.isAncestorOf(focused):
                self._focus_next(key, visible)
                return

    def _update_index(self, visible: set[str], failed: set[str], contradicted: set[str]) -> None:
        assert self.template is not None
        for row, section in enumerate(self.template.sections):
            shown = [i for i in section.items if i.key in visible]
            done = sum(1 for i in shown if i.key in self.answers)
            bad = sum(1 for i in shown if i.key in failed)
            text = section_title(row + 1, section.title) + "\n" + tr("已答 {done}/{total}", done=done, total=len(shown))
            if bad:
                text += "  " + tr("{n} 项不合格", n=bad)
            disagree = sum(1 for i in shown if i.key in contradicted)
            if disagree:
                text += "  " + tr("{n} 项答案不符", n=disagree)
            item = self.index.item(row)
            if item is not None:
                item.setText(text)

    def _jump(self, row: int) -> None:
        if 0 <= row < len(self._section_heads):
            self.area.ensureWidgetVisible(self._section_heads[row], 0, 0)
            bar = self.area.verticalScrollBar()
            bar.setValue(self._section_heads[row].y())

    def show_missing(self, state: ChecklistState) -> None:
        """Outline every visible required item without an answer, and go to the first (or to
        the first whose answer disagrees with another, already marked)."""
        first: ItemCard | None = None
        for key, card in self.cards.items():
            missing = card.item.required and key in state.visible_keys and key not in state.answers
            card.mark_missing(missing)
            if (missing or card.property("violated")) and first is None:
                first = card
        if first is not None:
            self.area.ensureWidgetVisible(first, 0, 40)

    def focus_after(self, key: str) -> None:
        """After a one-key answer, move to the next visible item (one its answer may have
        just revealed: visibility is already up to date here)."""
        self._focus_next(key, self.visible_keys)

    def _focus_next(self, key: str, visible: set[str]) -> None:
        keys = list(self.cards)
        for next_key in keys[keys.index(key) + 1:]:
            if next_key in visible:
                card = self.cards[next_key]
                card.setVisible(True)
                card.editor.focus_target().setFocus(Qt.FocusReason.TabFocusReason)
                body = self.area.widget()
                if body is not None and body.layout() is not None:
                    body.layout().activate()  # a card shown a moment ago has its place now
                self.area.ensureWidgetVisible(card, 0, 40)
                return

    def focus_first(self) -> None:
        for card in self.cards.values():
            if not card.isHidden():
                card.editor.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def flush_typing(self) -> None:
        """Save text still waiting for a typing pause (before finishing or closing)."""
        from fieldcheck.ui.checklist.editors import TextEditor

        for card in self.cards.values():
            card.flush_note()
            if isinstance(card.editor, TextEditor):
                card.editor.flush()

