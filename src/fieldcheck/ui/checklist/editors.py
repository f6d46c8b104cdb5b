"""One answer editor per item type. Each emits `changed(value)` with the value the store
keeps (see fieldcheck.templates.checklist): None clears the answer.

Typing is saved shortly after the person pauses (and when the field loses focus), so there
is no Save button and a crash loses at most the last half second of typing.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fieldcheck.i18n import tr
from fieldcheck.templates import Item
from fieldcheck.ui.common.dates import DateTimeField
from fieldcheck.ui.common.widgets import set_read_only

# Text is saved at most this long after the first unsaved keystroke, even while typing goes
# on (a throttle, not a debounce): a kill -9 can lose at most this much of what was typed.
TYPING_PAUSE_MS = 300
RADIO_LIMIT = 4  # more single-choice options than this become a drop-down


class AnswerEditor(QWidget):
    changed = Signal(object)
    advance = Signal()  # a key answered the item: move on to the next one

    def __init__(self, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self._loading = False

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            self._show(value)
        finally:
            self._loading = False

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def _emit(self, value: Any) -> None:
        if not self._loading:
            self.changed.emit(value)

    def set_read_only(self, read_only: bool) -> None:
        self.setEnabled(not read_only)

    def focus_target(self) -> QWidget:
        return self


class _ButtonsEditor(AnswerEditor):
    """Radio buttons keyed by option key, in one exclusive group."""

    def _build_radios(self, choices: list[tuple[str, str]], vertical: bool) -> None:
        layout: QHBoxLayout | QVBoxLayout = QVBoxLayout(self) if vertical else QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6 if vertical else 18)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for key, text in choices:
            radio = QRadioButton(text)
            self.group.addButton(radio)
            self.buttons[key] = radio
            layout.addWidget(radio)
        if not vertical:
            layout.addStretch(1)
        self.group.buttonToggled.connect(self._toggled)

    def _toggled(self, button: QAbstractButton, checked: bool) -> None:
        if checked:
            self._emit(next(k for k, b in self.buttons.items() if b is button))

    def _show(self, value: Any) -> None:
        self.group.setExclusive(False)
        for key, radio in self.buttons.items():
            radio.setChecked(key == value)
        self.group.setExclusive(True)

    def focus_target(self) -> QWidget:
        return self.group.checkedButton() or next(iter(self.buttons.values()))


class YesNoEditor(_ButtonsEditor):
    """是 / 否 / 不适用, answered with the Y, N and A keys when the item has focus."""

    KEYS = {Qt.Key.Key_Y: "yes", Qt.Key.Key_N: "no", Qt.Key.Key_A: "na"}

    def __init__(self, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        choices = [("yes", tr("是 (Y)")), ("no", tr("否 (N)"))]
        if item.allow_na:
            choices.append(("na", tr("不适用 (A)")))
        self._build_radios(choices, vertical=False)
        for radio in self.buttons.values():
            radio.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            value = self.KEYS.get(Qt.Key(event.key()))
            if value is not None and value in self.buttons and self.isEnabled():
                self.buttons[value].setChecked(True)
                self.advance.emit()
                return True
        return super().eventFilter(watched, event)


class SingleRadioEditor(_ButtonsEditor):
    def __init__(self, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        long = sum(len(o.label) for o in item.options) > 40
        self._build_radios([(o.key, o.label) for o in item.options], vertical=long)


class SingleComboEditor(AnswerEditor):
    def __init__(self, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()
        self.combo.addItem(tr("（请选择）"), None)
        for option in item.options:
            self.combo.addItem(option.label, option.key)
        self.combo.setMinimumWidth(260)
        layout.addWidget(self.combo)
        layout.addStretch(1)
        self.combo.currentIndexChanged.connect(lambda _i: self._emit(self.combo.currentData()))

    def _show(self, value: Any) -> None:
        index = self.combo.findData(value)
        self.combo.setCurrentIndex(max(index, 0))

    def focus_target(self) -> QWidget:
        return self.combo


class MultiEditor(AnswerEditor):
    def __init__(self, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.boxes: dict[str, QCheckBox] = {}
        for option in item.options:
            box = QCheckBox(option.label)
            box.toggled.connect(self._toggled)
            self.boxes[option.key] = box
            layout.addWidget(box)

    def _toggled(self, _checked: bool) -> None:
        self._emit([key for key, box in self.boxes.items() if box.isChecked()])

    def _show(self, value: Any) -> None:
        chosen = set(value or [])
        for key, box in self.boxes.items():
            box.setChecked(key in chosen)

    def focus_target(self) -> QWidget:
        return next(iter(self.boxes.values()), self)


class NumberBox(QDoubleSpinBox):
    """A spin box whose lowest step means "not answered" and which hides useless decimals."""

    def textFromValue(self, value: float) -> str:
        return f"{value:.2f}".rstrip("0").rstrip(".")


class NumberEditor(AnswerEditor):
    def __init__(self, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.spin = NumberBox()
        self.spin.setDecimals(2)
        low = item.minimum if item.minimum is not None else -1_000_000
        high = item.maximum if item.maximum is not None else 1_000_000
        self._blank = low - 1
        self.spin.setRange(self._blank, high)
        self.spin.setSpecialValueText(tr("未填"))
        self.spin.setMinimumWidth(140)
        if item.unit:
            self.spin.setSuffix(f" {item.unit}")
        self.spin.setKeyboardTracking(False)
        layout.addWidget(self.spin)
        layout.addStretch(1)
        self.spin.valueChanged.connect(self._changed)

    def _changed(self, value: float) -> None:
        if value <= self._blank:
            self._emit(None)
        else:
            self._emit(int(value) if float(value).is_integer() else value)

    def _show(self, value: Any) -> None:
        number = value if isinstance(value, int | float) and math.isfinite(value) else self._blank
        self.spin.setValue(float(number))

    def focus_target(self) -> QWidget:
        return self.spin


class TextEditor(AnswerEditor):
    def __init__(self, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        self.edit.setPlaceholderText(tr("在此填写…"))
        self.edit.setFixedHeight(self.fontMetrics().lineSpacing() * 2 + 16)
        layout.addWidget(self.edit)
        self._timer = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._timer.timeout.connect(self.flush)
        self.edit.textChanged.connect(self._typed)
        self.edit.installEventFilter(self)
        self._saved = ""

    def _typed(self) -> None:
        if not self._loading and not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Save what is typed now (called after a pause and when focus leaves)."""
        self._timer.stop()
        text = self.edit.toPlainText()
        if text != self._saved:
            self._saved = text
            self._emit(text if text.strip() else None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.flush()
        return super().eventFilter(watched, event)

    def _show(self, value: Any) -> None:
        self._saved = value if isinstance(value, str) else ""
        self.edit.setPlainText(self._saved)

    def set_read_only(self, read_only: bool) -> None:
        set_read_only(self.edit, read_only)
        self.edit.setPlaceholderText("" if read_only else tr("在此填写…"))

    def focus_target(self) -> QWidget:
        return self.edit


class DateTimeEditor(AnswerEditor):
    def __init__(self, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = DateTimeField("yyyy-MM-dd HH:mm", tr("未填"))
        self._blank = self.edit.minimumDateTime()
        self.edit.setMinimumWidth(180)
        self.now = QPushButton(tr("现在"))
        self.now.clicked.connect(lambda: self.edit.setDateTime(QDateTime.currentDateTime()))
        self.clear = QPushButton(tr("清除"))
        self.clear.clicked.connect(lambda: self.edit.setDateTime(self._blank))
        for widget in (self.edit, self.now, self.clear):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.edit.editingFinished.connect(self._commit)
        self.edit.dateTimeChanged.connect(lambda _v: None if self.edit.hasFocus() else self._commit())

    def _commit(self) -> None:
        moment = self.edit.dateTime()
        if moment <= self._blank:
            self._emit(None)
        else:
            self._emit(moment.toString("yyyy-MM-ddTHH:mm"))

    def _show(self, value: Any) -> None:
        if isinstance(value, str) and value:
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is not None:  # a moment with its offset: shown on this laptop's clock
                parsed = parsed.astimezone()
            self.edit.setDateTime(QDateTime(parsed.year, parsed.month, parsed.day,
                                            parsed.hour, parsed.minute, 0))
        else:
            self.edit.setDateTime(self._blank)

    def focus_target(self) -> QWidget:
        return self.edit


class PhotoEditor(AnswerEditor):
    """A photo item's answer is the number of photos attached to it."""

    add_photos = Signal()

    def __init__(self, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.add = QPushButton(tr("添加照片…"))
        self.add.clicked.connect(self.add_photos)
        self.count = QLabel()
        self.count.setObjectName("muted")
        layout.addWidget(self.add)
        layout.addWidget(self.count)
        layout.addStretch(1)
        self._show(None)

    def _show(self, value: Any) -> None:
        n = value if isinstance(value, int) else 0
        self.count.setText(tr("已附 {n} 张照片", n=n) if n else tr("尚未附照片"))

    def focus_target(self) -> QWidget:
        return self.add


def editor_for(item: Item) -> AnswerEditor:
    if item.type == "yes_no":
        return YesNoEditor(item)
    if item.type == "single":
        many = len(item.options) > RADIO_LIMIT
        return SingleComboEditor(item) if many else SingleRadioEditor(item)
    if item.type == "multi":
        return MultiEditor(item)
    if item.type == "number":
        return NumberEditor(item)
    if item.type == "text":
        return TextEditor(item)
    if item.type == "datetime":
        return DateTimeEditor(item)
    return PhotoEditor(item)
